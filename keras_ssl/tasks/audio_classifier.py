"""`AudioClassifier`: a pretrained audio encoder with a softmax head."""

import keras
import numpy as np

from keras_ssl.data.audio_checks import MASK_KEY
from keras_ssl.data.audio_checks import WAVEFORM_KEY
from keras_ssl.data.audio_features import encoder_audio_features
from keras_ssl.data.tf_datasets import is_tf_dataset
from keras_ssl.inputs.audio_inputs import AudioInputs
from keras_ssl.serialization import keras_ssl_serializable
from keras_ssl.tasks.classifier import Classifier
from keras_ssl.tasks.classifier import classifier_head


@keras_ssl_serializable
class AudioClassifier(Classifier):
    """An audio encoder (e.g. `keras_ssl.encoders.Wav2Vec2Encoder`) and a
    linear softmax head: the audio sibling of `keras_ssl.ImageClassifier`
    and `keras_ssl.TextClassifier`.

    Takes mono waveforms in `fit`, `evaluate`, `predict` and `__call__`,
    as `keras_ssl.inputs.AudioInputs` does: int16 PCM or float in [-1, 1],
    as arrays `(N, samples)` / `(N, samples, 1)`, lists of 1-D clips of any
    lengths (zero-padded, with a mask), dicts `{"waveform", "padding_mask"}`
    (as `keras_ssl.datasets.fsdd` returns them), and batched
    `tf.data.Dataset`s of `(audio, labels)` (e.g.
    `keras_ssl.datasets.from_audio_directory(..., labels="inferred")`).
    Arrays are checked once before a run (stereo, NaN, unscaled PCM, empty
    clips are errors naming the fix); inside the network every batch
    becomes float32 waveforms and a mask (int16 scaled by 1/32768, padded
    samples zeroed), so int16 and float audio give the same predictions in
    every entry point. `fit(..., sample_rate=...)` (and `evaluate`,
    `predict`) checks the audio's rate against the encoder's; nothing is
    resampled. `predict` returns class probabilities.

    Modes, as `ImageClassifier`'s: `"probe"` (frozen encoder, head only),
    `"finetune"` (everything trains; the encoder's dropout is on while
    training) and `"two_stage"` (default: the first `head_epochs` epochs,
    a fifth of `fit`'s by default, train the head only, then everything at
    `encoder_learning_rate_factor` times the learning rate). With
    `standardize_features` the head reads standardized features, set by
    the first `fit` from its training audio (see `adapt`). wav2vec 2.0's
    encoder normalizes with GroupNorm and LayerNorm, which
    `train_batch_norm` does not touch; it only matters for encoders with
    BatchNorm.

    Labels are sparse class ids `(N,)`; one-hot, fractional, string or
    out-of-range labels, and a label count that differs from the clip
    count, raise a ValueError saying how to fix them.

    Reference: https://arxiv.org/abs/2006.11477 (wav2vec 2.0's fine-tuning)

    Args:
        encoder: audio encoder taking `{"waveform": (N, T), "padding_mask":
            (N, T)}` and returning vectors `(N, D)`, with a `sample_rate`
            (`keras_ssl.encoders.Wav2Vec2Encoder`, `model.encoder` of
            `keras_ssl.Wav2Vec2`, or `keras_ssl.load_encoder(...)`).
        num_classes: int >= 2.
        mode: `"probe"`, `"finetune"` or `"two_stage"`.
        head_epochs: int or None. Two-stage only: epochs of the head-only
            stage; None (default): a fifth of `fit`'s epochs, at least 1.
        encoder_learning_rate_factor: float in (0, 1]. Two-stage only.
        train_batch_norm: bool. Train the encoder's BatchNorm layers, if it
            has any (default False).
        dropout: float in [0, 1). Dropout on the features before the head.
        standardize_features: bool. A `FeatureStandardization` before the
            head (default True).
        sample_rate: int or None. The rate (Hz) the encoder takes; None
            (default): `encoder.sample_rate`.
        name: str. Model name.

    Example:
    ```python
    audio, labels = keras_ssl.datasets.fsdd(
        "train", path=keras_ssl.datasets.FSDD_SUBSET
    )  # int16 {"waveform", "padding_mask"}, digits 0-9
    classifier = keras_ssl.AudioClassifier(
        keras_ssl.encoders.Wav2Vec2Encoder(), num_classes=10
    )
    classifier.compile()
    classifier.fit(audio, labels, epochs=20, batch_size=16, sample_rate=8000)
    clips = [audio["waveform"][i][audio["padding_mask"][i]] for i in range(2)]
    probabilities = classifier.predict(clips)  # 1-D clips of any length: (2, 10)

    # On a pretrained audio preset's encoder (two_stage by default):
    # keras_ssl.AudioClassifier.from_preset(preset_name, num_classes=10)
    ```
    """

    def __init__(
        self,
        encoder,
        num_classes,
        mode="two_stage",
        head_epochs=None,
        encoder_learning_rate_factor=0.1,
        train_batch_norm=False,
        dropout=0.0,
        standardize_features=True,
        sample_rate=None,
        name="audio_classifier",
        **kwargs,
    ):
        check_audio_encoder(encoder, sample_rate)
        audio_inputs = AudioInputs(encoder, sample_rate)
        # === Functional model ===
        inputs = {
            WAVEFORM_KEY: keras.Input((None,), name=WAVEFORM_KEY),
            MASK_KEY: keras.Input((None,), dtype="bool", name=MASK_KEY),
        }
        outputs = classifier_head(encoder(inputs), num_classes, dropout, standardize_features)
        super().__init__(
            inputs, outputs, encoder, num_classes, mode=mode,
            head_epochs=head_epochs,
            encoder_learning_rate_factor=encoder_learning_rate_factor,
            train_batch_norm=train_batch_norm, dropout=dropout,
            standardize_features=standardize_features, name=name, **kwargs,
        )

        # === Config ===
        self.audio_inputs = audio_inputs
        self.sample_rate = audio_inputs.sample_rate

    # --- Audio in ------------------------------------------------------------

    def prepare_audio(self, x, sample_rate=None):
        """Check audio once before a run: lists of clips -> a padded dict,
        arrays checked and cast (float32 or int16); datasets checked by
        their first batch; a `sample_rate` other than the encoder's raises."""
        if isinstance(x, keras.utils.PyDataset):
            return x
        # The classifier hands Keras its own (x, y): no SSL epoch pipeline.
        x, _, _ = self.audio_inputs.prepare(x, purpose="evaluate", sample_rate=sample_rate)
        return x

    def __call__(self, inputs, *args, **kwargs):
        # Lists of clips and numpy arrays are checked and padded; tensors
        # (the traced step's) go as they are. `call` standardizes both.
        if isinstance(inputs, (list, np.ndarray)) or (
            isinstance(inputs, dict) and isinstance(inputs.get(WAVEFORM_KEY), (list, np.ndarray))
        ):
            inputs = self.prepare_audio(inputs)
        return super().__call__(self.audio_inputs.standardize(inputs), *args, **kwargs)

    def call(self, inputs, training=None, mask=None):
        # JAX's step calls `call` directly, so int16 is scaled here too.
        return super().call(self.audio_inputs.standardize(inputs), training=training, mask=mask)

    def fit(self, x=None, y=None, epochs=1, validation_data=None, sample_rate=None, **kwargs):
        if isinstance(validation_data, (tuple, list)) and validation_data:
            validation_data = (
                self.prepare_audio(validation_data[0], sample_rate), *validation_data[1:]
            )
        elif validation_data is not None:
            validation_data = self.prepare_audio(validation_data, sample_rate)
        if is_tf_dataset(x):
            kwargs.setdefault("shuffle", False)  # A dataset keeps its own order.
        return super().fit(
            self.prepare_audio(x, sample_rate), y, epochs=epochs,
            validation_data=validation_data, **kwargs,
        )

    def evaluate(self, x=None, y=None, sample_rate=None, **kwargs):
        x = self.prepare_audio(x, sample_rate)
        if y is not None:
            y = self._checked_labels(x, y, "labels")
        return super().evaluate(x, y, **kwargs)

    def predict(self, x, sample_rate=None, **kwargs):
        return super().predict(self.prepare_audio(x, sample_rate), **kwargs)

    def _checked_labels(self, x, y, name):
        # A dict's clip count is its waveforms'.
        if isinstance(x, dict) and WAVEFORM_KEY in x:
            x = x[WAVEFORM_KEY]
        return super()._checked_labels(x, y, name)

    def adapt(self, x, batch_size=32):
        """Set the feature standardization from the encoder's features of
        the audio `x` (any input `fit` takes, labeled or not), in inference
        mode, `batch_size` clips at a time; `fit` calls it on its training
        audio."""
        if self._standardization_layer() is None:
            return super().adapt(x, batch_size)
        x = self.prepare_audio(x)
        if is_tf_dataset(x):
            batches = x.as_numpy_iterator()
        elif isinstance(x, keras.utils.PyDataset):
            batches = (x[index] for index in range(len(x)))
        else:  # Arrays: in batches of similar length, as the probes' features.
            audio = x[0] if isinstance(x, tuple) else x
            features = encoder_audio_features(self.encoder, audio, batch_size)
            self._standardization_layer().adapt(features)
            return
        features = [
            keras.ops.convert_to_numpy(
                self.encoder.predict_on_batch(self.audio_inputs.standardize(batch))
            )
            for batch in batches
        ]
        self._standardization_layer().adapt(np.concatenate(features))

    def get_config(self):
        config = super().get_config()
        config["sample_rate"] = self.sample_rate
        return config


def check_audio_encoder(encoder, sample_rate=None):
    """Raise a ValueError naming the right task unless `encoder` takes
    `{"waveform", "padding_mask"}` batches at `sample_rate` (if given)."""
    encoder_input, input_shape = (_attribute(encoder, name) for name in ("input", "input_shape"))
    if isinstance(getattr(encoder, "encoder", None), keras.Model):
        right = "a whole SSL model: pass its .encoder"
    elif hasattr(encoder, "tokenizer"):
        right = "a text encoder: use keras_ssl.TextClassifier"
    elif hasattr(encoder, "sample_rate") or (
        isinstance(encoder_input, dict) and WAVEFORM_KEY in encoder_input
    ):
        right = None
    elif isinstance(input_shape, tuple) and len(input_shape) == 4:
        right = "an image encoder: use keras_ssl.ImageClassifier"
    else:
        right = "not an audio encoder"
    if right is not None:
        raise ValueError(
            f"AudioClassifier needs an audio encoder taking {{{WAVEFORM_KEY!r}: "
            f"(N, T), {MASK_KEY!r}: (N, T)}} (e.g. keras_ssl.encoders."
            f"Wav2Vec2Encoder); got {type(encoder).__name__}, {right}."
        )
    encoder_rate = getattr(encoder, "sample_rate", None)
    if sample_rate is not None and encoder_rate and int(sample_rate) != int(encoder_rate):
        raise ValueError(
            f"sample_rate={int(sample_rate)} but the encoder takes "
            f"{int(encoder_rate)} Hz audio. keras_ssl does not resample: "
            f"resample the audio (e.g. scipy.signal.resample_poly) or leave "
            f"sample_rate=None."
        )


def _attribute(encoder, name):
    # A model's `input` / `input_shape`, or None where it has none (yet).
    try:
        return getattr(encoder, name, None)
    except (AttributeError, ValueError):
        return None
