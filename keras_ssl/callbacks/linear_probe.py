"""`LinearProbe` callback: linear-probe accuracy in the logs of `fit`."""

from keras_ssl.callbacks.encoder_monitor import EncoderMonitor
from keras_ssl.evaluation.features import check_inputs
from keras_ssl.evaluation.features import labeled_features
from keras_ssl.evaluation.linear_probe import linear_probe


class LinearProbe(EncoderMonitor):
    """Train a linear probe on the frozen encoder during `fit`; log its score.

    At the end of scheduled epochs (see below) the encoder embeds
    `labeled_train` and `labeled_val` once, a fresh softmax classifier is
    trained on the train features with `keras_ssl.evaluation.linear_probe`
    (same seed every time, so measurements differ only by the encoder), and
    its validation metrics are written into the epoch's logs as:

    - `val_{name}_accuracy` (default `val_probe_accuracy`),
    - `val_{name}_top_{top_k}_accuracy` (default `val_probe_top_5_accuracy`),
    - `val_{name}_loss` (default `val_probe_loss`, cross-entropy).

    Put it BEFORE the callbacks that read these keys (EarlyStopping,
    ModelCheckpoint, ReduceLROnPlateau, CSVLogger, TensorBoard).

    Schedule: measured on the first epoch of each `fit`, on epochs whose
    index is a multiple of `every_n_epochs`, and on the last epoch; other
    epochs repeat the last measured values (so logs always have the keys
    and patience counts epochs). `self.history` holds the measured epochs.

    Training state is untouched: the encoder runs in inference mode, the
    probe has its own optimizer and seeded generator, and global random
    state is restored, so a seeded run ends with the same weights with or
    without this callback. Works on TensorFlow, JAX and PyTorch; on JAX it
    reads the weights Keras syncs back at every epoch end (no per-batch
    sync).

    Reference (linear evaluation protocol): https://arxiv.org/abs/1901.09005

    Args:
        labeled_train: `(x, y)`, `{"image": x, "label": y}` or a batched
            `tf.data.Dataset` of either: the examples the probe trains on
            (images with pixels 0-255, uint8 or float, or strings for text encoders).
        labeled_val: the same forms: the examples it is scored on.
        every_n_epochs: int. Measure every this many epochs.
        probe_epochs: int. Epochs of probe training per measurement.
        batch_size: int or None. Probe minibatch size (None: 256, or
            fewer for small sets; see `linear_probe`).
        learning_rate: float. Probe Adam learning rate.
        standardize: bool. Standardize features with train statistics.
        top_k: int. k of the logged top-k accuracy.
        name: string. Middle part of the log keys.
        encoder: `keras.Model` to probe; None for the trained model's
            `encoder` (or the model itself if it has none).
        seed: int. Seed of the probe's initial weights and batch order.
        feature_batch_size: int. Batch size of the encoder's forward passes.

    Example:
    ```python
    x_train, y_train = keras_ssl.datasets.mnist5k("train")
    x_test, y_test = keras_ssl.datasets.mnist5k("test")
    few = keras_ssl.datasets.per_class_subset(y_train, 10)
    probe = keras_ssl.callbacks.LinearProbe(
        labeled_train=(x_train[few], y_train[few]),
        labeled_val=(x_test, y_test),
        every_n_epochs=5,
    )
    model.fit(x_train, epochs=100, callbacks=[
        probe,
        keras.callbacks.EarlyStopping(
            monitor="val_probe_accuracy", mode="max", patience=20,
            restore_best_weights=True,
        ),
    ])
    ```
    """

    def __init__(
        self,
        labeled_train,
        labeled_val,
        every_n_epochs=1,
        probe_epochs=50,
        batch_size=None,
        learning_rate=1e-2,
        standardize=True,
        top_k=5,
        name="probe",
        encoder=None,
        seed=0,
        feature_batch_size=256,
    ):
        super().__init__(encoder=encoder, every_n_epochs=every_n_epochs)
        check_inputs(None, labeled_train, labeled=True)
        check_inputs(None, labeled_val, labeled=True)
        self.labeled_train = labeled_train
        self.labeled_val = labeled_val
        self.probe_epochs = probe_epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.standardize = standardize
        self.top_k = top_k
        self.name = name
        self.seed = seed
        self.feature_batch_size = feature_batch_size

    def check(self, encoder):
        check_inputs(encoder, self.labeled_train, labeled=True)
        check_inputs(encoder, self.labeled_val, labeled=True)

    def measure(self, encoder):
        train = labeled_features(encoder, self.labeled_train, self.feature_batch_size)
        val = labeled_features(encoder, self.labeled_val, self.feature_batch_size)
        result = linear_probe(
            None,
            train,
            val,
            epochs=self.probe_epochs,
            batch_size=self.batch_size,
            learning_rate=self.learning_rate,
            standardize=self.standardize,
            top_k=self.top_k,
            seed=self.seed,
        )
        top_k_name = f"top_{self.top_k}_accuracy"
        return {
            f"val_{self.name}_accuracy": result["accuracy"],
            f"val_{self.name}_{top_k_name}": result[top_k_name],
            f"val_{self.name}_loss": result["loss"],
        }
