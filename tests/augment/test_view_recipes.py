"""The view-recipe registry, `default_views`, and the old `views` module."""

import keras
import pytest

import keras_ssl
from keras_ssl.augment import IdentityView
from keras_ssl.augment import ViewAugmentation
from keras_ssl.augment import default_views
from keras_ssl.augment import digit_views
from keras_ssl.augment import list_view_recipes
from keras_ssl.augment import register_view_recipe
from keras_ssl.augment import simclr_views
from keras_ssl.augment import view_recipe
from keras_ssl.augment.view_recipes import unregister_view_recipe

BUILT_IN = ["byol", "clothing", "digits", "identity", "simclr"]


def test_the_built_in_recipes_are_registered():
    assert set(BUILT_IN) <= set(list_view_recipes())
    assert list_view_recipes() == sorted(list_view_recipes())
    assert isinstance(view_recipe("identity", (16,)), IdentityView)
    digits = digit_views().get_config()
    assert view_recipe("digits", (32, 32, 3)).get_config() == digits
    assert view_recipe("byol", (28, 28, 1)).get_config() == digits
    first, second = view_recipe("byol", (32, 32, 3))
    assert (first.blur_probability, second.blur_probability) == (1.0, 0.1)
    assert view_recipe("simclr", (224, 224, 3)).get_config() == simclr_views().get_config()
    small = simclr_views(strength=0.5, blur=False).get_config()
    assert view_recipe("simclr", (32, 32, 3)).get_config() == small


def test_an_unknown_name_lists_the_known_recipes_and_the_way_out():
    with pytest.raises(ValueError) as error:
        view_recipe("nonexistent", (32, 32, 3))
    message = str(error.value)
    assert "'nonexistent'" in message and str(list_view_recipes()) in message
    assert "augmentation=" in message and "register_view_recipe" in message
    with pytest.raises(ValueError, match="known recipes"):
        default_views("nonexistent", (32, 32, 3))


def test_register_override_and_unregister():
    @register_view_recipe("test_mild")
    def mild(image_shape):
        return ViewAugmentation(crop_scale=(0.5, 1.0), name=f"mild_{image_shape[0]}")

    try:
        assert mild((8, 8, 3)).name == "mild_8"  # returned unchanged
        assert "test_mild" in list_view_recipes()
        assert default_views("test_mild", (16, 16, 3)).name == "mild_16"
        with pytest.raises(ValueError, match="override=True"):
            register_view_recipe("test_mild")(mild)
        register_view_recipe("test_mild", override=True)(lambda shape: [mild(shape)] * 2)
        assert isinstance(view_recipe("test_mild", (8, 8, 3)), tuple)
    finally:
        unregister_view_recipe("test_mild")
    assert "test_mild" not in list_view_recipes()
    with pytest.raises(ValueError, match="No view recipe"):
        unregister_view_recipe("test_mild")


def test_bad_recipes_are_refused():
    with pytest.raises(ValueError, match="non-empty str"):
        register_view_recipe("")
    register_view_recipe("test_broken")(lambda shape: 3)
    try:
        with pytest.raises(ValueError, match="must return a layer or callable"):
            view_recipe("test_broken", (8, 8, 3))
    finally:
        unregister_view_recipe("test_broken")
    with pytest.raises(ValueError, match="'identity' recipe"):
        view_recipe("simclr", (128,))


def test_the_views_module_still_exports_the_old_names():
    from keras_ssl.augment.views import ViewAugmentation as Old
    from keras_ssl.augment.views import byol_views  # noqa: F401
    from keras_ssl.augment.views import default_views as old_default_views
    from keras_ssl.augment.views import digit_views  # noqa: F401
    from keras_ssl.augment.views import make_view
    from keras_ssl.augment.views import simclr_views  # noqa: F401

    assert Old is ViewAugmentation and old_default_views is default_views
    assert make_view is keras_ssl.augment.make_view and callable(make_view)
    assert keras.saving.get_registered_name(Old) == "keras_ssl>ViewAugmentation"


def test_configs_saved_under_the_old_module_still_load():
    config = keras.saving.serialize_keras_object(simclr_views())
    config["module"] = "keras_ssl.augment.views"  # as in older .keras files
    assert config["registered_name"] == "keras_ssl>ViewAugmentation"
    revived = keras.saving.deserialize_keras_object(config)
    assert type(revived) is ViewAugmentation
    assert revived.get_config() == simclr_views().get_config()


def test_clothing_views_are_digit_views_with_a_flip_and_wider_crops():
    from keras_ssl.augment import clothing_views
    from keras_ssl.augment import digit_views

    clothing = clothing_views(seed=3).get_config()
    digits = digit_views(seed=3).get_config()
    assert clothing["horizontal_flip"] and not digits["horizontal_flip"]
    assert tuple(clothing["crop_scale"]) == (0.3, 1.0)
    assert tuple(digits["crop_scale"]) == (0.4, 1.0)
    different = {"horizontal_flip", "crop_scale", "name"}
    assert {k: v for k, v in clothing.items() if k not in different} == {
        k: v for k, v in digits.items() if k not in different
    }


def test_multi_crop_views_flip_colour_images_and_clothing_on_request():
    gray = keras_ssl.augment.multi_crop_views((28, 28, 1), local_crops=2)
    colour = keras_ssl.augment.multi_crop_views((32, 32, 3), local_crops=2)
    clothing = keras_ssl.augment.multi_crop_views((28, 28, 1), local_crops=2, horizontal_flip=True)
    assert [view.horizontal_flip for view in gray] == [False] * 4
    assert [view.horizontal_flip for view in colour] == [True] * 4
    assert [view.horizontal_flip for view in clothing] == [True] * 4
    assert [view.crop_size for view in clothing] == [(28, 28)] * 2 + [(12, 12)] * 2
