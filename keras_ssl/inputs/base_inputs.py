"""The base of the objects through which a method reads its data."""


class Inputs:
    """How a method reads its data: checked once, standardized per batch.

    In the spirit of keras-hub's preprocessors, every method owns one
    `Inputs` object (`model.input_format`), built from its encoder, and the
    modality-neutral `SSLModel` asks it everything about the data:

    - `prepare(x, y, purpose, **kwargs)`: before `fit`/`evaluate`/`predict`
      start, check the whole input once (errors name the problem and the
      fix) and turn it into what Keras iterates; it may adjust `fit`'s
      keyword arguments (e.g. a text pipeline batches itself).
    - `standardize(data)`: inside the traced step, one batch as Keras
      delivers it -> what the method computes on.
    - `batch_count(data)`: the number of examples in a batch (raw or
      standardized), read from its shape.
    - `encoder_inputs(batch)`: what the encoder takes (for `call`/`predict`).

    Subclasses set `modality` (`"image"`, `"text"`) and `view_shape`, the
    shape (without batch axis) a view must have to go through the encoder.

    Args:
        encoder: `keras.Model`. The method's encoder; subclasses check it.

    Example:
    ```python
    inputs = keras_ssl.inputs.ImageInputs(keras_ssl.encoders.ConvNet((28, 28, 1)))
    x, y, fit_kwargs = inputs.prepare(images, purpose="fit", batch_size=64)
    ```
    """

    modality = None

    def __init__(self, encoder):
        self.encoder = encoder
        self.feature_dim = None
        self.view_shape = None

    def prepare(self, x, y=None, purpose="fit", **kwargs):
        """Check `x` once; return `(x, y, kwargs)` for Keras.

        Args:
            x: the input given to `fit`, `evaluate` or `predict`.
            y: the targets given with it (self-supervised methods ignore or
                refuse them).
            purpose: `"fit"`, `"evaluate"` or `"predict"`.
            **kwargs: the other keyword arguments of that call.
        """
        return x, y, kwargs

    def call_inputs(self, inputs):
        """What `model(inputs)` hands Keras (tensors only): `inputs` here."""
        return inputs

    def standardize(self, data):
        """One batch, as `fit` delivers it -> what the method computes on."""
        return data

    def batch_count(self, data):
        """The number of examples in a batch, raw or standardized (a scalar
        read from its shape, without standardizing it)."""
        raise NotImplementedError

    def encoder_inputs(self, batch):
        """The part of a standardized batch the encoder takes."""
        return batch

    def first_batch_count(self, x, batch_size=None):
        """Examples in the first batch `fit` will see of a prepared input
        (`batch_size` is `fit`'s), or None where unknown."""
        return None
