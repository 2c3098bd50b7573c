"""`KNNMonitor` callback: weighted kNN accuracy in the logs of `fit`."""

from keras_ssl.callbacks.encoder_monitor import EncoderMonitor
from keras_ssl.evaluation.features import check_inputs
from keras_ssl.evaluation.features import labeled_features
from keras_ssl.evaluation.knn import DEFAULT_TEMPERATURE
from keras_ssl.evaluation.knn import knn_accuracy


class KNNMonitor(EncoderMonitor):
    """Weighted kNN accuracy of the frozen encoder during `fit`.

    The kNN monitor of Wu et al. 2018: at the end of scheduled epochs the
    encoder embeds `labeled_train` and `labeled_val`; each validation
    example is classified by the k most cosine-similar train examples,
    weighted by `exp(similarity / temperature)`
    (`keras_ssl.evaluation.knn_accuracy`). The accuracy is written into the
    epoch's logs as `val_{name}_accuracy` (default `val_knn_accuracy`), for
    the callbacks placed after this one (EarlyStopping, ModelCheckpoint,
    CSVLogger, TensorBoard, ...). No training is involved, so it is cheaper
    than `LinearProbe`: one forward pass over both sets.

    Schedule, state and backends: as `LinearProbe` (first epoch, multiples
    of `every_n_epochs`, last epoch; values repeated in between; the
    training run is not disturbed).

    Reference: https://arxiv.org/abs/1805.01978

    Args:
        labeled_train: `(x, y)`, `{"image": x, "label": y}` or a batched
            `tf.data.Dataset` of either: the labeled examples that vote.
        labeled_val: the same forms: the examples classified.
        k: int. Neighbours that vote (Wu et al.: 200 on ImageNet; 20 suits
            small sets).
        temperature: float. Vote weight temperature (Wu et al.: 0.07).
        every_n_epochs: int. Measure every this many epochs.
        name: string. Middle part of the log key.
        encoder: `keras.Model` to measure; None for the trained model's
            `encoder` (or the model itself if it has none).
        batch_size: int. Batch size of the encoder's forward passes.

    Example:
    ```python
    knn = keras_ssl.callbacks.KNNMonitor(
        labeled_train=(x_train, y_train), labeled_val=(x_test, y_test), k=20
    )
    model.fit(x_unlabeled, epochs=50, callbacks=[
        knn, keras.callbacks.CSVLogger("log.csv")
    ])
    ```
    """

    def __init__(
        self,
        labeled_train,
        labeled_val,
        k=20,
        temperature=DEFAULT_TEMPERATURE,
        every_n_epochs=1,
        name="knn",
        encoder=None,
        batch_size=256,
    ):
        super().__init__(encoder=encoder, every_n_epochs=every_n_epochs)
        if int(k) != k or k < 1:
            raise ValueError(f"k must be a positive int; got {k!r}.")
        if temperature <= 0:
            raise ValueError(f"temperature must be > 0; got {temperature!r}.")
        check_inputs(None, labeled_train, labeled=True)
        check_inputs(None, labeled_val, labeled=True)
        self.labeled_train = labeled_train
        self.labeled_val = labeled_val
        self.k = int(k)
        self.temperature = temperature
        self.name = name
        self.batch_size = batch_size

    def check(self, encoder):
        check_inputs(encoder, self.labeled_train, labeled=True)
        check_inputs(encoder, self.labeled_val, labeled=True)

    def measure(self, encoder):
        train = labeled_features(encoder, self.labeled_train, self.batch_size)
        val = labeled_features(encoder, self.labeled_val, self.batch_size)
        accuracy = knn_accuracy(
            None, train, val, k=self.k, temperature=self.temperature
        )
        return {f"val_{self.name}_accuracy": accuracy}
