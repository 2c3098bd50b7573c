"""Convolutional (denoising) autoencoder."""

import keras
from keras import ops

from keras_ssl.heads.conv_decoder import ConvDecoder
from keras_ssl.inputs import ImageInputs
from keras_ssl.losses.reconstruction import reconstruction_loss
from keras_ssl.methods.registry import register_method
from keras_ssl.methods.ssl_model import SSLModel

__all__ = ["ConvAutoencoder"]

# The top of the 0-255 pixel range (keras_ssl.data.pixel_convention).
_PIXEL_MAX = 255.0


def mirrored_stage_filters(encoder):
    """The decoder stages mirroring a `ConvNet`-like encoder, else a default."""
    stages = getattr(encoder, "stage_filters", None)
    if stages and all(isinstance(stage, (tuple, list)) for stage in stages):
        return tuple(tuple(stage) for stage in reversed(stages))
    return ((128,), (64, 64), (32, 32))


@register_method("autoencoder")
class ConvAutoencoder(SSLModel):
    """Autoencoder: encoder, mirrored conv decoder, pixel reconstruction loss.

    The encoder maps an image to a vector and `ConvDecoder` maps it back to
    one logit per pixel. With `noise_stddev > 0` it is a denoising
    autoencoder (Vincent et al. 2008): Gaussian noise is added to the
    encoder's input during training, and the clean image is the target.

    Reference: https://www.cs.toronto.edu/~larocheh/publications/icml-2008-denoising-autoencoders.pdf

    Args:
        encoder: `keras.Model` mapping `(N, H, W, C)` images to vectors; H and
            W must be fixed.
        reconstruction_loss: `"mse"` (on sigmoid outputs) or `"bce"`
            (binary cross-entropy from logits).
        noise_stddev: float. Standard deviation of the training-time input
            noise, in units of the full pixel range (0.1 = 25.5 of 0-255
            pixels); 0 for a plain autoencoder.
        decoder: optional `keras.Model` mapping features to image logits;
            by default a `ConvDecoder` mirroring the encoder's stages.
        seed: int or None. Seed of the noise.

    Example:
    ```python
    x_train, _ = keras_ssl.datasets.mnist5k("train")
    model = keras_ssl.ConvAutoencoder(
        encoder=keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1)),
        reconstruction_loss="bce",
        noise_stddev=0.2,
    )
    model.compile()
    model.fit(x_train, epochs=5)
    features = model.encoder.predict(x_train)
    ```
    """

    inputs_class = ImageInputs

    def __init__(
        self,
        encoder,
        reconstruction_loss="mse",
        noise_stddev=0.0,
        decoder=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(encoder=encoder, seed=seed, **kwargs)
        if reconstruction_loss not in ("mse", "bce"):
            raise ValueError(
                f"reconstruction_loss must be 'mse' or 'bce'; got "
                f"{reconstruction_loss!r}."
            )
        if noise_stddev < 0:
            raise ValueError(f"noise_stddev must be >= 0; got {noise_stddev}.")
        if decoder is None:
            decoder = ConvDecoder(
                self.feature_dim,
                self.input_format.image_shape,
                stage_filters=mirrored_stage_filters(encoder),
            )
        self.decoder = decoder
        self.reconstruction_loss = reconstruction_loss
        self.noise_stddev = float(noise_stddev)

    def reconstruct(self, images, training=False):
        """Reconstructed images, pixels in 0-255 like the input."""
        images = self.input_format.standardize(images)
        features = self.encoder(images, training=training)
        logits = self.decoder(features, training=training)
        return ops.sigmoid(logits) * _PIXEL_MAX

    def compute_ssl_loss(self, images, training):
        # Pixels are 0-255; the decoder's sigmoid and the loss work in [0, 1].
        inputs = images
        if training and self.noise_stddev > 0:
            noise = keras.random.normal(
                ops.shape(images), stddev=self.noise_stddev,
                seed=self.seed_generator,
            )
            inputs = images + noise * _PIXEL_MAX
        features = self.encoder(inputs, training=training)
        logits = self.decoder(features, training=training)
        return reconstruction_loss(
            images / _PIXEL_MAX, logits, kind=self.reconstruction_loss
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            reconstruction_loss=self.reconstruction_loss,
            noise_stddev=self.noise_stddev,
            decoder=keras.layers.serialize(self.decoder),
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["decoder"] = keras.layers.deserialize(config["decoder"])
        return super().from_config(config)
