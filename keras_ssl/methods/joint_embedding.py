"""The base of methods that embed several views of one input."""

import keras
from keras import ops

from keras_ssl import augment
from keras_ssl.backend.cross_replica import replica_seed
from keras_ssl.methods.ssl_model import SSLModel
from keras_ssl.serialization import keras_ssl_serializable


@keras_ssl_serializable
class JointEmbeddingModel(SSLModel):
    """Base of joint-embedding methods: views of one input -> embeddings.

    SimCLR, BYOL and the methods that follow them (SimSiam, Barlow Twins,
    VICReg, MoCo, NNCLR, DINO; SimCSE on text) all make several random
    views of each input inside the train step, embed them with the encoder
    (and heads), and compare the embeddings. This base owns the views:

    - `augmentation=None` takes the method's declared recipe,
      `view_recipe` (a name registered in `keras_ssl.augment`, e.g.
      `"simclr"`; an unknown name is an error), built for the encoder's
      input shape;
    - one augmentation (layer or callable) is used for all `num_views`
      views; a sequence of them gives one view each, so views may differ
      (BYOL's asymmetric pair) and may differ in size (multi-crop: 2 global
      + N smaller local crops), as far as the encoder takes them;
    - the augmentation is part of the model's config (`.keras` round trip).

    A method then writes only its `compute_ssl_loss`, typically
    `views = self.make_views(batch)` and `self.encode_views(views, heads)`,
    which runs views of equal shape through the encoder in one pass (so
    BatchNorm sees all of them, as in the papers' code).

    Args:
        encoder: `keras.Model` the views go through (its input shape is
            checked by the method's inputs object).
        augmentation: None (the method's `view_recipe`), one layer or
            callable for every view, or a tuple of them, one per view.
        seed: int or None. Seed of the views.
        **kwargs: `SSLModel` / `keras.Model` arguments (`name`, ...).

    Example:
    ```python
    @keras_ssl.methods.register_method("pull_views_together")
    class PullViewsTogether(keras_ssl.methods.JointEmbeddingModel):
        inputs_class = keras_ssl.inputs.ImageInputs
        view_recipe = "simclr"

        def compute_ssl_loss(self, images, training):
            z1, z2 = self.encode_views(self.make_views(images), training=training)
            return keras.ops.mean(keras.ops.square(z1 - z2))
    ```
    """

    #: Name of the default view recipe in `keras_ssl.augment`.
    view_recipe = None

    #: Views per input: one augmentation serves them all, or a tuple must
    #: have this many. None: any number (2 or more) given as a tuple.
    num_views = 2

    #: Joint-embedding losses compare the examples of a batch.
    min_batch_size = 2

    def __init__(self, encoder, augmentation=None, seed=None, **kwargs):
        super().__init__(encoder=encoder, seed=seed, **kwargs)
        self.augmentation, self.view_augmentations = self._resolve_views(
            augmentation
        )

    # --- Views -------------------------------------------------------------

    def _resolve_views(self, augmentation):
        if augmentation is None:
            if self.view_recipe is None:
                raise TypeError(
                    f"{type(self).__name__} must set the class attribute "
                    f"view_recipe (a name from keras_ssl.augment."
                    f"list_view_recipes()) or be given augmentation=."
                )
            augmentation = augment.view_recipe(
                self.view_recipe, self.input_format.view_shape
            )
        if isinstance(augmentation, list):
            augmentation = tuple(augmentation)
        name = type(self).__name__
        if isinstance(augmentation, tuple):
            wanted = self.num_views
            if len(augmentation) < 2 or (wanted and len(augmentation) != wanted):
                count = f"{wanted} views" if wanted else "2 or more views"
                raise ValueError(
                    f"{name} compares {count}, so augmentation must be one "
                    f"layer/callable for every view or a tuple with one per "
                    f"view{' (a pair)' if wanted == 2 else ''}; got a "
                    f"sequence of {len(augmentation)}."
                )
            views = augmentation
        elif self.num_views is None:
            raise ValueError(
                f"{name} takes a varying number of views: pass augmentation= "
                f"as a tuple with one layer/callable per view."
            )
        else:
            views = (augmentation,) * self.num_views
        for view in views:
            if not callable(view):
                raise ValueError(
                    f"augmentation must be a keras layer or a callable taking "
                    f"a batch; got {type(view).__name__}. Use e.g. "
                    f"keras_ssl.augment.simclr_views()."
                )
            if isinstance(view, keras.layers.Layer) and not view.built:
                view.build((None,) + tuple(self.input_format.view_shape))
        return augmentation, views

    def make_views(self, batch):
        """One random view of `batch` per augmentation, seeded by the model
        (and differently on each replica under TensorFlow's strategies)."""
        seed = replica_seed(self.seed_generator)
        return [
            augment.make_view(
                view, batch, seed, expected_shape=self.input_format.view_shape
            )
            for view in self.view_augmentations
        ]

    def encode_views(self, views, heads=(), training=False):
        """The encoder's (then each head's) output for every view.

        Views of the same shape are concatenated and run in one pass, so
        BatchNorm's statistics cover all of them; the outputs come back
        split, one per view, in the order of `views`.

        Args:
            views: list of tensors, the views.
            heads: sequence of layers applied after the encoder, in order.
            training: bool.

        Returns:
            A list with one `(N, D)` tensor per view.
        """
        groups = {}
        for index, view in enumerate(views):
            groups.setdefault(tuple(view.shape[1:]), []).append(index)
        outputs = [None] * len(views)
        for indices in groups.values():
            joined = ops.concatenate([views[i] for i in indices], axis=0)
            embedded = self.encoder(joined, training=training)
            for head in heads:
                embedded = head(embedded, training=training)
            parts = ops.split(embedded, len(indices), axis=0) if len(
                indices
            ) > 1 else [embedded]
            for i, part in zip(indices, parts):
                outputs[i] = part
        return outputs

    # --- Serialization -----------------------------------------------------

    def get_config(self):
        config = super().get_config()
        config["augmentation"] = _serialize_augmentation(self.augmentation)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if "augmentation" in config:
            config["augmentation"] = _deserialize_augmentation(config["augmentation"])
        return super().from_config(config)


def _serialize_augmentation(augmentation):
    """Config of a layer or callable, or a list of them."""
    if isinstance(augmentation, tuple):
        return [keras.saving.serialize_keras_object(a) for a in augmentation]
    return keras.saving.serialize_keras_object(augmentation)


def _deserialize_augmentation(config):
    """Inverse of `_serialize_augmentation`."""
    if isinstance(config, list):
        return tuple(keras.saving.deserialize_keras_object(c) for c in config)
    return keras.saving.deserialize_keras_object(config)
