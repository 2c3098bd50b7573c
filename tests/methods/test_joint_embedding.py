"""The joint-embedding base: declared view recipes, any number of views of
different sizes, one encoder pass per view shape."""

import keras
import numpy as np
import pytest
from keras import ops

import keras_ssl
from test_case import random_images
from test_case import run_fit_test
from test_case import run_serialization_test


@keras.saving.register_keras_serializable(package="keras_ssl_tests")
class MultiCrop(keras_ssl.methods.JointEmbeddingModel):
    """Toy multi-crop method: every view's embedding regresses the first's."""

    inputs_class = keras_ssl.inputs.ImageInputs
    num_views = None

    def compute_ssl_loss(self, images, training):
        first, *others = self.encode_views(self.make_views(images), training=training)
        return sum(ops.mean(ops.square(first - other)) for other in others) + 1.0


def variable_size_encoder():
    return keras_ssl.encoders.ConvNet(
        input_shape=(None, None, 1), stage_filters=((8,), (16,))
    )


def crops():
    """Two global crops at full size and two 14x14 local crops."""
    crop = keras_ssl.augment.RandomResizedCrop
    return (
        crop((0.4, 1.0)), crop((0.4, 1.0)),
        crop((0.05, 0.4), output_size=(14, 14)), crop((0.05, 0.4), output_size=(14, 14)),
    )


def test_views_of_different_sizes_go_through_the_encoder(jit_compile):
    model = MultiCrop(variable_size_encoder(), augmentation=crops(), seed=0)
    images = ops.convert_to_tensor(random_images(6))
    views = model.make_views(images)
    assert [tuple(v.shape) for v in views] == [(6, 28, 28, 1)] * 2 + [(6, 14, 14, 1)] * 2
    embedded = model.encode_views(views)
    assert [tuple(e.shape) for e in embedded] == [(6, 16)] * 4
    run_fit_test(model, random_images(32), batch_size=16, jit_compile=jit_compile)


def test_views_of_one_shape_share_an_encoder_pass():
    model = MultiCrop(variable_size_encoder(), augmentation=crops(), seed=0)
    calls = []
    model.encoder.call = _recording(model.encoder.call, calls)
    model.encode_views(model.make_views(ops.convert_to_tensor(random_images(3))))
    assert sorted(calls) == [(6, 14, 14, 1), (6, 28, 28, 1)]


def _recording(call, calls):
    def recorded(inputs, *args, **kwargs):
        calls.append(tuple(inputs.shape))
        return call(inputs, *args, **kwargs)

    return recorded


def test_a_view_the_encoder_cannot_take_is_an_error_naming_both_shapes():
    encoder = keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1), stage_filters=((8,),))
    model = MultiCrop(encoder, augmentation=crops(), seed=0)
    with pytest.raises(ValueError, match=r"14, 14, 1.*28, 28, 1|28, 28, 1.*14, 14, 1"):
        model.make_views(ops.convert_to_tensor(random_images(2)))


def test_the_declared_recipe_is_used_and_an_unknown_one_is_an_error():
    class Declared(MultiCrop):
        num_views = 2
        view_recipe = "byol"

    model = Declared(variable_size_encoder())
    assert len(model.view_augmentations) == 2
    assert [v.name for v in model.view_augmentations] == ["digit_views"] * 2

    class Unknown(Declared):
        view_recipe = "no_such_recipe"

    with pytest.raises(ValueError, match="no_such_recipe.*byol"):
        Unknown(variable_size_encoder())

    with pytest.raises(TypeError, match="view_recipe"):
        MultiCrop(variable_size_encoder())


def test_a_varying_number_of_views_needs_a_tuple():
    with pytest.raises(ValueError, match="tuple"):
        MultiCrop(variable_size_encoder(), augmentation=keras.layers.Identity())


def test_the_augmentations_round_trip_in_the_config():
    model = MultiCrop(variable_size_encoder(), augmentation=crops(), seed=0)
    revived = run_serialization_test(model)
    sizes = [view.output_size for view in revived.view_augmentations]
    assert [None if s is None else tuple(s) for s in sizes] == [
        None, None, (14, 14), (14, 14)
    ]


def test_simclr_and_byol_sit_on_the_base_and_declare_their_recipes():
    for cls, recipe in ((keras_ssl.SimCLR, "simclr"), (keras_ssl.BYOL, "byol")):
        assert issubclass(cls, keras_ssl.methods.JointEmbeddingModel)
        assert cls.view_recipe == recipe
        assert recipe in keras_ssl.augment.list_view_recipes()
    assert np.all([name in keras_ssl.list_methods() for name in ("simclr", "byol")])
