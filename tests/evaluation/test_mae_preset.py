"""Issue 14's MAE goal, recomputed: the `mae_vit_mnist5k_v2` preset's linear
probe at 10 labels per class (mnist5k protocol, 5 draws) is at least 5
points above a random-init ViT of the same architecture."""

import keras
import pytest

import keras_ssl

pytestmark = pytest.mark.large

PRESET = "mae_vit_mnist5k_v2"


def random_like(encoder):
    keras.utils.set_random_seed(0)
    return keras_ssl.encoders.ViT.from_config(encoder.get_config())


def test_the_mae_preset_beats_a_random_init_vit_by_5_points_at_10_per_class():
    encoder = keras_ssl.load_encoder(PRESET)
    budget = (10,)
    pretrained = keras_ssl.evaluation.mnist5k_metrics(encoder, labels_per_class=budget)
    random = keras_ssl.evaluation.mnist5k_metrics(random_like(encoder), labels_per_class=budget)
    key = "probe_accuracy_10_per_class"
    assert pretrained[key] >= random[key] + 0.05, (pretrained, random)
