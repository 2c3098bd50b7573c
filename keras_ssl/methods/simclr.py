"""SimCLR: contrastive learning of two augmented views with NT-Xent."""

import keras
from keras import ops

from keras_ssl.heads.projection_head import ProjectionHead
from keras_ssl.inputs import ImageInputs
from keras_ssl.losses.nt_xent import nt_xent_logits
from keras_ssl.methods.joint_embedding import JointEmbeddingModel
from keras_ssl.methods.registry import register_method

__all__ = ["SimCLR"]


@register_method("simclr")
class SimCLR(JointEmbeddingModel):
    """SimCLR (Chen et al. 2020): a simple framework for contrastive learning.

    Inside each training step every image gets two random views (made on the
    device from the model's seed); the encoder and a projection MLP map the
    2N views to vectors, and the NT-Xent loss pulls each pair together
    against the 2N - 2 other views of the batch (of the global batch under
    TensorFlow's `MirroredStrategy`). `contrastive_accuracy`, the fraction of
    views whose nearest other view is their pair, is logged with the loss.

    Reference: https://arxiv.org/abs/2002.05709

    Args:
        encoder: `keras.Model` mapping images `(N, H, W, C)` to vectors.
        temperature: float > 0. NT-Xent's temperature (0.5 as in the paper's
            CIFAR-10 runs).
        projection_hidden_units: tuple of int, or None for one hidden layer
            as wide as the encoder's output (the paper's head).
        projection_units: int. Width of the projection z (128 in the paper).
        augmentation: None, a layer or callable, or a pair of them for two
            different views; see `keras_ssl.augment`. None picks the
            `"simclr"` view recipe (`keras_ssl.augment.view_recipe`):
            `digit_views()` for 1-channel images, the paper's recipe for
            colour images (its CIFAR-10 variant under 64 pixels).
        seed: int or None. Seed of the views.
        **kwargs: `keras.Model` arguments (`name`, ...).

    Example:
    ```python
    x_train, _ = keras_ssl.datasets.mnist5k("train")
    model = keras_ssl.SimCLR(
        encoder=keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1)),
        temperature=0.5,
    )
    model.compile()
    model.fit(x_train, epochs=10, batch_size=256)
    features = model.encoder.predict(x_train)  # pixels 0-255
    ```
    """

    inputs_class = ImageInputs
    view_recipe = "simclr"

    def __init__(
        self,
        encoder,
        temperature=0.5,
        projection_hidden_units=None,
        projection_units=128,
        augmentation=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(
            encoder=encoder, augmentation=augmentation, seed=seed, **kwargs
        )
        if not temperature > 0:
            raise ValueError(f"temperature must be > 0; got {temperature}.")
        # === Layers ===
        if projection_hidden_units is None:
            projection_hidden_units = (self.feature_dim,)
        self.projection_head = ProjectionHead(
            hidden_units=projection_hidden_units,
            output_units=projection_units,
            output_batch_norm=True,
            name="projection_head",
        )
        self.projection_head.build((None, self.feature_dim))
        self.contrastive_accuracy = keras.metrics.SparseCategoricalAccuracy(
            name="contrastive_accuracy"
        )
        # === Config ===
        self.temperature = float(temperature)
        self.projection_hidden_units = tuple(projection_hidden_units)
        self.projection_units = int(projection_units)

    def compute_ssl_loss(self, images, training):
        # One pass over both views: BatchNorm sees all 2N views, as in the
        # paper's code.
        z1, z2 = self.encode_views(
            self.make_views(images), heads=(self.projection_head,), training=training
        )
        logits, labels = nt_xent_logits(z1, z2, temperature=self.temperature)
        self.contrastive_accuracy.update_state(labels, logits)
        return ops.mean(
            ops.sparse_categorical_crossentropy(labels, logits, from_logits=True)
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            temperature=self.temperature,
            projection_hidden_units=self.projection_hidden_units,
            projection_units=self.projection_units,
        )
        return config
