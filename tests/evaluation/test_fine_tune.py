import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.evaluation import fine_tune
from keras_ssl.evaluation import label_efficiency
from test_case import mnist5k_subset
from test_case import tiny_conv_net

TRAIN = mnist5k_subset("train", per_class=2)
TEST = mnist5k_subset("test", size=40)


def weights(model):
    return [keras.ops.convert_to_numpy(v.value).copy() for v in model.weights]


def test_returns_the_linear_probe_keys_and_leaves_the_encoder_alone():
    encoder = tiny_conv_net()
    before = weights(encoder)
    result = fine_tune(encoder, TRAIN, TEST, epochs=2, top_k=3)
    assert set(result) == {"accuracy", "top_3_accuracy", "loss", "epochs"}
    assert 0.0 <= result["accuracy"] <= result["top_3_accuracy"] <= 1.0
    assert result["epochs"] == 2 and np.isfinite(result["loss"])
    for original, now in zip(before, weights(encoder)):
        np.testing.assert_array_equal(original, now)


def test_same_seed_same_result_and_other_label_forms():
    import tensorflow as tf

    labels = np.array(["digit%d" % y for y in TRAIN[1]])
    as_dict = {"image": TRAIN[0], "label": labels}
    test_dict = {"image": TEST[0], "label": np.array(["digit%d" % y for y in TEST[1]])}
    encoder = tiny_conv_net()
    one = fine_tune(encoder, as_dict, test_dict, epochs=1)
    two = fine_tune(encoder, as_dict, tf.data.Dataset.from_tensor_slices(test_dict).batch(16), epochs=1)
    assert one == pytest.approx(two, abs=1e-5)


def test_two_stage_and_probe_modes():
    result = fine_tune(tiny_conv_net(), TRAIN, TEST, mode="two_stage", epochs=2, head_epochs=1)
    assert result["epochs"] == 2
    assert fine_tune(tiny_conv_net(), TRAIN, TEST, mode="probe", epochs=1)["epochs"] == 1


def test_a_step_budget_sets_the_epochs():
    # 20 images in batches of 2: 10 steps an epoch.
    assert fine_tune(tiny_conv_net(), TRAIN, TEST, steps=25, batch_size=2)["epochs"] == 3
    # fit's own batch size, 32, by default: one step an epoch.
    assert fine_tune(tiny_conv_net(), TRAIN, TEST, steps=2, mode="finetune")["epochs"] == 2
    rows = label_efficiency(
        tiny_conv_net(), TRAIN, TEST, labels_per_class=(1,), draws=1, k=3,
        probe_epochs=1, fine_tune=True, fine_tune_steps=3,
    )
    assert 0.0 <= rows[0]["fine_tune_accuracy"] <= 1.0
    with pytest.raises(ValueError, match="epochs or steps, not both"):
        fine_tune(tiny_conv_net(), TRAIN, TEST, epochs=1, steps=10)
    with pytest.raises(ValueError, match="steps must be a positive int"):
        fine_tune(tiny_conv_net(), TRAIN, TEST, steps=0)
    with pytest.raises(ValueError, match="steps must be a positive int"):
        label_efficiency(tiny_conv_net(), TRAIN, TEST, labels_per_class=(1,), draws=1,
                         probe_epochs=1, fine_tune=True, fine_tune_steps=0)
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        fine_tune(tiny_conv_net(), TRAIN, TEST, batch_size=0)


def test_label_efficiency_gains_a_fine_tune_column():
    rows = label_efficiency(
        tiny_conv_net(), TRAIN, TEST, labels_per_class=(1,), draws=2, k=3,
        probe_epochs=2, fine_tune=True, fine_tune_epochs=1,
    )
    assert 0.0 <= rows[0]["fine_tune_accuracy"] <= 1.0
    assert "fine_tune_accuracy_std" in rows[0]
    plain = label_efficiency(tiny_conv_net(), TRAIN, TEST, labels_per_class=(1,), draws=1, k=3, probe_epochs=2)
    assert "fine_tune_accuracy" not in plain[0]
    with pytest.raises(ValueError, match="fine_tune=True trains the encoder"):
        label_efficiency(None, TRAIN, TEST, fine_tune=True)


def test_bad_arguments():
    with pytest.raises(ValueError, match="epochs must be a positive int"):
        fine_tune(tiny_conv_net(), TRAIN, TEST, epochs=0)
    with pytest.raises(ValueError, match="one label per image"):
        fine_tune(tiny_conv_net(), (TRAIN[0], TRAIN[1][:3]), TEST, epochs=1)
    assert keras_ssl.evaluation.fine_tune is fine_tune
