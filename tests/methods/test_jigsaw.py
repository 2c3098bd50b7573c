import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.augment.jigsaw_permutations import maximal_hamming_permutations
from keras_ssl.heads.jigsaw_head import JigsawHead
from method_test_case import run_resume_test
from test_case import random_images
from test_case import run_serialization_test
from test_case import tiny_conv_net

to_numpy = keras.ops.convert_to_numpy


def make_model(encoder=None, **kwargs):
    keras.utils.set_random_seed(0)  # same initial weights at every call
    kwargs.setdefault("num_permutations", 10)
    kwargs.setdefault("head_hidden_units", (16,))
    return keras_ssl.Jigsaw(encoder=encoder or tiny_conv_net(), seed=0, **kwargs)


def position_images(count, seed=0):
    """Digit-sized images whose brightness grows down and to the right, plus
    noise: a tile's content tells which cell it came from."""
    rows, cols = np.meshgrid(np.arange(28), np.arange(28), indexing="ij")
    ramp = 4.0 * rows + 4.0 * cols
    noise = np.random.default_rng(seed).uniform(0, 40, (count, 28, 28))
    return np.clip(ramp + noise, 0, 255).astype("uint8")[..., None]


def test_defaults_on_28x28_digits():
    model = keras_ssl.Jigsaw(keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1)))
    assert (model.cell_size, model.tile) == ((9, 9), 7)
    np.testing.assert_array_equal(model.permutations, maximal_hamming_permutations(100, 0))
    assert model.head.blocks == [(512, True, "relu"), (100, False, None)]
    assert model.head.compute_output_shape((None, 9 * 128)) == (None, 100)
    assert model.min_batch_size == 1 and model.method_name == "jigsaw"


def test_loss_is_cross_entropy_of_the_head_over_the_concatenated_tiles():
    model = make_model()
    images = random_images(4)
    assert model(images).shape == (4, 16)  # whole images in
    state = to_numpy(model.seed_generator.state).copy()
    loss = float(model.compute_ssl_loss(images, training=False))
    model.seed_generator.state.assign(state)  # draw the same puzzles again
    tiles, labels = (to_numpy(t) for t in model.make_puzzles(images))
    assert tiles.shape == (4, 9, 7, 7, 1) and labels.shape == (4,)
    features = to_numpy(model.encoder(tiles.reshape(36, 7, 7, 1)))
    logits = to_numpy(model.head(features.reshape(4, 9 * 16))).astype("float64")
    log_probs = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    np.testing.assert_allclose(loss, -log_probs[np.arange(4), labels].mean(), rtol=1e-4)


def test_a_few_steps_on_solvable_puzzles_lower_the_loss(jit_compile):
    model = make_model(num_permutations=4)
    model.compile(optimizer=keras.optimizers.Adam(1e-2), jit_compile=jit_compile)
    history = model.fit(position_images(64), batch_size=16, epochs=4, verbose=0)
    losses = history.history["loss"]
    assert losses[0] < 1.5  # ln 4 = 1.39 at chance
    assert losses[-1] < 0.5 * losses[0], losses
    assert history.history["permutation_accuracy"][-1] > 0.9


def test_head_and_model_round_trip_and_resume_exactly(tmp_path):
    head = JigsawHead(12, hidden_units=(8,))
    assert head(np.zeros((2, 9 * 4), "float32")).shape == (2, 12)
    assert run_serialization_test(head).get_config() == head.get_config()
    resumed = run_resume_test(
        lambda: make_model(permutation_seed=3, tile_size=6), tmp_path / "jigsaw.keras"
    )
    assert (resumed.permutation_seed, resumed.tile) == (3, 6)
    np.testing.assert_array_equal(
        resumed.permutations, maximal_hamming_permutations(10, seed=3)
    )


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(num_permutations=1001), r"count must be an int in \[2, 1000\]"),
        (dict(num_permutations=1), r"count must be an int in \[2, 1000\]"),
        (dict(tile_size=10), r"tile_size must be an int in \[1, 9\]"),
        (dict(encoder=tiny_conv_net((8, 8, 1))), "too small for 3x3 jigsaw tiles"),
        (
            dict(encoder=keras_ssl.encoders.ConvNet(stage_filters=((4,),) * 4)),
            "does not take jigsaw tiles of 7x7",
        ),
        (dict(encoder=tiny_conv_net((None, None, 1))), "fixed input_shape"),
    ],
)
def test_bad_configurations_name_the_fix(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_model(**kwargs)

