"""Masked autoencoder (MAE) pretraining of a ViT."""

import keras
from keras import ops

from keras_ssl.heads.mae_decoder import MAEDecoder
from keras_ssl.heads.mae_decoder import gather_tokens
from keras_ssl.inputs import ImageInputs
from keras_ssl.losses.masked_patch_mse import masked_patch_mse
from keras_ssl.methods.patch_masking import patchify
from keras_ssl.methods.patch_masking import random_patch_masking
from keras_ssl.methods.patch_masking import unpatchify
from keras_ssl.methods.registry import register_method
from keras_ssl.methods.ssl_model import SSLModel

__all__ = ["MAE"]

# The top of the 0-255 pixel range (keras_ssl.data.pixel_convention).
_PIXEL_MAX = 255.0
_TOKEN_API = ("patch_tokens", "encode_tokens", "patch_size", "grid_size", "num_patches")


def masked_count(mask_ratio, num_patches):
    """`round(mask_ratio * P)`, checked to leave >= 1 masked and visible."""
    if not 0.0 < mask_ratio < 1.0:
        raise ValueError(
            f"mask_ratio must be in (0, 1), the fraction of patches hidden "
            f"from the encoder (the paper: 0.75); got {mask_ratio}."
        )
    count = int(round(mask_ratio * num_patches))
    if not 0 < count < num_patches:
        raise ValueError(
            f"mask_ratio {mask_ratio} masks {count} of {num_patches} patches; "
            f"MAE needs at least one masked and one visible patch. Use a "
            f"ratio further from 0 and 1, or a smaller patch_size."
        )
    return count


@register_method("mae")
class MAE(SSLModel):
    """Masked autoencoder: reconstruct hidden patches from visible ones.

    He et al. 2022, "Masked Autoencoders Are Scalable Vision Learners",
    https://arxiv.org/abs/2111.06377. Each image's patches are shuffled by
    noise from the model's seed generator and `round(mask_ratio * P)` of
    them masked; the ViT encoder sees only the visible ones (plus its class
    token); a light transformer decoder (`keras_ssl.heads.MAEDecoder`) fills
    the masked places with a learned mask token and predicts every patch's
    pixels; the loss (`keras_ssl.losses.masked_patch_mse`) is the MSE on
    the masked patches only, against per-patch normalised pixels by
    default. No augmentation (the paper's random crop and flip are off:
    digits are centred and flips change them). `model.encoder` is the ViT,
    a plain Keras model for `linear_probe`, `fine_tune` and
    `ImageClassifier`; MAE features are known to gain most from
    fine-tuning (paper, Sec. 4).

    Args:
        encoder: `keras_ssl.encoders.ViT` (or a model with its token API:
            `patch_tokens`, `encode_tokens`, `patch_size`, `grid_size`).
        mask_ratio: float in (0, 1). Fraction of patches masked (paper: 0.75).
        normalize_targets: bool. Per-patch pixel normalisation of the
            targets (the paper's default).
        decoder_dim: int. Decoder width.
        decoder_layers: int. Decoder transformer blocks.
        decoder_heads: int. Decoder attention heads.
        decoder: optional `MAEDecoder` replacing the three above.
        seed: int or None. Seeds the masking.
        **kwargs: `SSLModel` / `keras.Model` arguments (`name`, ...).

    Example:
    ```python
    x_train, _ = keras_ssl.datasets.mnist5k("train")
    vit = keras_ssl.encoders.ViT(input_shape=(28, 28, 1), patch_size=4)
    model = keras_ssl.MAE(encoder=vit, mask_ratio=0.75)
    model.compile()
    model.fit(x_train, epochs=5)
    reconstructions, mask = model.reconstruct(x_train[:8])
    ```
    """

    inputs_class = ImageInputs
    #: The encoder `keras-ssl pretrain mae` builds (a CLI encoder name).
    default_encoder = "vit"

    def __init__(self, encoder, mask_ratio=0.75, normalize_targets=True,
                 decoder_dim=64, decoder_layers=2, decoder_heads=4,
                 decoder=None, seed=None, **kwargs):
        missing = [name for name in _TOKEN_API if not hasattr(encoder, name)]
        if missing:
            raise TypeError(
                f"MAE needs a ViT encoder (keras_ssl.encoders.ViT), which "
                f"exposes {', '.join(_TOKEN_API)}; {getattr(encoder, 'name', encoder)!r} "
                f"lacks {', '.join(missing)}."
            )
        super().__init__(encoder=encoder, seed=seed, **kwargs)
        self.mask_ratio = float(mask_ratio)
        self.num_masked = masked_count(self.mask_ratio, encoder.num_patches)
        self.normalize_targets = bool(normalize_targets)
        self.decoder_dim = int(decoder_dim)
        self.decoder_layers = int(decoder_layers)
        self.decoder_heads = int(decoder_heads)
        channels = self.input_format.image_shape[-1]
        if decoder is None:
            decoder = MAEDecoder(
                encoder.num_patches, encoder.patch_size ** 2 * channels,
                hidden_dim=decoder_dim, num_layers=decoder_layers,
                num_heads=decoder_heads, name="decoder",
            )
        if not decoder.built:
            decoder.build((None, None, self.feature_dim))
        self.decoder = decoder

    def _pixels(self, images):
        """Targets in [0, 1] (pixels 0-255 unless the ViT takes them scaled)."""
        scale = _PIXEL_MAX if self.encoder.include_rescaling else 1.0
        return ops.cast(images, "float32") / scale

    def mask_and_predict(self, images, training=False):
        """Mask, encode the visible patches, decode every patch.

        Returns:
            `(predictions, mask)`: `(N, P, p * p * C)` predicted patches (in
            normalised units if `normalize_targets`), `(N, P)` mask.
        """
        tokens = self.encoder.patch_tokens(images, training=training)
        keep, restore, mask = random_patch_masking(
            ops.shape(images)[0], self.encoder.num_patches, self.num_masked,
            self.seed_generator,
        )
        encoded = self.encoder.encode_tokens(gather_tokens(tokens, keep), training=training)
        return self.decoder(encoded, restore, training=training), mask

    def compute_ssl_loss(self, images, training):
        predictions, mask = self.mask_and_predict(images, training=training)
        targets = patchify(self._pixels(images), self.encoder.patch_size)
        return masked_patch_mse(
            targets, predictions, mask, normalize_targets=self.normalize_targets
        )

    def reconstruct(self, images):
        """`(reconstruction, mask)` images for display, pixels 0-255 like input.

        A fresh random mask from the model's seed; `mask` is `(N, H, W, 1)`,
        1 on masked pixels. With `normalize_targets`, each predicted patch
        is mapped back to pixels with the true patch's mean and variance
        (as the paper's figures do; it leaks each patch's mean brightness).
        """
        images = self.input_format.standardize(images)
        predictions, mask = self.mask_and_predict(images)
        targets = patchify(self._pixels(images), self.encoder.patch_size)
        predictions = ops.cast(predictions, "float32")
        if self.normalize_targets:
            mean = ops.mean(targets, axis=-1, keepdims=True)
            std = ops.sqrt(ops.var(targets, axis=-1, keepdims=True) + 1e-6)
            predictions = predictions * std + mean
        channels = self.input_format.image_shape[-1]
        grid, size = self.encoder.grid_size, self.encoder.patch_size
        pixels = unpatchify(predictions, grid, size, channels)
        mask_patches = ops.broadcast_to(mask[:, :, None], (ops.shape(mask)[0], mask.shape[1], size * size))
        mask_image = unpatchify(mask_patches, grid, size, 1)
        scale = _PIXEL_MAX if self.encoder.include_rescaling else 1.0
        return ops.clip(pixels, 0.0, 1.0) * scale, mask_image

    def get_config(self):
        config = super().get_config()
        config.update(
            mask_ratio=self.mask_ratio,
            normalize_targets=self.normalize_targets,
            decoder_dim=self.decoder_dim,
            decoder_layers=self.decoder_layers,
            decoder_heads=self.decoder_heads,
            decoder=keras.layers.serialize(self.decoder),
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["decoder"] = keras.layers.deserialize(config["decoder"])
        return super().from_config(config)
