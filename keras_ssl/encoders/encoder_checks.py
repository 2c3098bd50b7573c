"""Check that a model can serve as an image encoder for an SSL method."""

import keras


def image_encoder_shape(encoder):
    """Return `(image_shape, feature_dim)` of an image encoder, or raise.

    An image encoder is a built `keras.Model` (or layer with known input)
    mapping `(N, H, W, C)` images to `(N, D)` vectors, e.g. `ConvNet`,
    `ResNet18` or `keras.applications.ResNet50(include_top=False,
    pooling="avg")`.
    """
    if not isinstance(encoder, keras.layers.Layer):
        raise TypeError(
            f"encoder must be a keras.Model mapping images to vectors; got "
            f"{type(encoder).__name__}. Use keras_ssl.encoders.ConvNet(...) "
            f"or any functional keras.Model."
        )
    try:
        input_shape = tuple(encoder.input_shape)
        output_shape = tuple(encoder.output_shape)
    except (AttributeError, ValueError) as error:
        raise ValueError(
            f"encoder {encoder.name!r} has no known input shape. Build it "
            f"from keras.Input(shape=(H, W, C)) (a functional model), or call "
            f"encoder.build((None, H, W, C)) first."
        ) from error
    if len(input_shape) != 4:
        raise ValueError(
            f"encoder {encoder.name!r} takes inputs of shape {input_shape}; "
            f"an image encoder takes (N, H, W, C)."
        )
    if len(output_shape) != 2:
        raise ValueError(
            f"encoder {encoder.name!r} outputs shape {output_shape}, not one "
            f"vector per image. Add global pooling, e.g. "
            f"keras.applications.ResNet50(include_top=False, pooling='avg')."
        )
    return input_shape[1:], output_shape[-1]


def any_image_size(channels):
    """An `InputSpec` for images of any height and width with `channels`.

    ConvNet and ResNet18 pool globally, so they take any image size (e.g.
    DINO's smaller local crops) though built for one: their input spec
    checks only the rank and the channels.
    """
    return keras.layers.InputSpec(ndim=4, axes={-1: channels})


def check_accepts_image_size(encoder, shape, purpose):
    """Raise a clear error if `encoder` cannot take images of `shape`.

    Args:
        encoder: the image encoder.
        shape: tuple `(H, W, C)`.
        purpose: str. What the images are, for the message.
    """
    try:
        encoder.compute_output_spec(keras.KerasTensor((None,) + tuple(shape)))
    except Exception as error:  # Keras raises several types here.
        raise ValueError(
            f"encoder {encoder.name!r} does not take {purpose} of shape "
            f"{tuple(shape)}: {error}. Use an encoder that takes any image "
            f"size (keras_ssl's ConvNet, ResNet18 and ViT do, or one built "
            f"on keras.Input(shape=(None, None, C))), or change the crop size."
        ) from error
