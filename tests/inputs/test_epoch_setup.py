"""fit sets its input up once per run, not once per epoch (issue 16)."""

import keras
import numpy as np
import pytest
tf = pytest.importorskip("tensorflow")

import keras_ssl  # noqa: E402
from keras_ssl.inputs.epoch_pipeline import EpochOrder  # noqa: E402
from keras_ssl.inputs.epoch_pipeline import one_pipeline_for_epochs  # noqa: E402
from method_test_case import identity_view  # noqa: E402
from method_test_case import mirror_view  # noqa: E402
from test_case import tiny_conv_net  # noqa: E402

ON_TF = keras.backend.backend() == "tensorflow"
COUNT, BATCH, STEPS = 20, 8, 3  # batches of 8, 8 and 4
SIZE = 12  # small images and fixed views: these tests are about the input


def coded_images(count=COUNT):
    """uint8 images whose corner pixel is their index."""
    images = np.full((count, SIZE, SIZE, 1), 128, dtype="uint8")
    images[:, 0, 0, 0] = np.arange(count)
    return images


def make_model():
    keras.utils.set_random_seed(0)
    model = keras_ssl.SimCLR(
        tiny_conv_net((SIZE, SIZE, 1)), projection_hidden_units=(16,),
        projection_units=8, augmentation=(identity_view, mirror_view), seed=0,
    )
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05))
    return model


def weights(model):
    return [keras.ops.convert_to_numpy(v.value).copy() for v in model.weights]


def epoch_orders(dataset, epochs, steps=STEPS):
    """The corner-pixel indices of each epoch's batches, read in one pass."""
    batches = [np.asarray(b)[:, 0, 0, 0] for b in dataset.take(epochs * steps)]
    return [batches[e * steps:(e + 1) * steps] for e in range(epochs)]


@pytest.fixture
def iterator_count(monkeypatch):
    """Counts the iterators Keras makes of fit's input (iter() calls)."""
    from keras.src.trainers.epoch_iterator import EpochIterator

    cls = next(c for c in EpochIterator.__subclasses__() if c.__name__.startswith(
        {"tensorflow": "TF", "jax": "JAX", "torch": "Torch"}[keras.backend.backend()]
    ))
    original = cls._get_iterator
    count = [0]

    class Counted:
        def __init__(self, iterable):
            self.iterable = iterable

        def __iter__(self):
            count[0] += 1
            return iter(self.iterable)

    monkeypatch.setattr(cls, "_get_iterator", lambda self: Counted(original(self)))
    return count


class Boundaries(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.events = []

    def on_epoch_begin(self, epoch, logs=None):
        self.events.append(("begin", epoch))

    def on_train_batch_end(self, batch, logs=None):
        self.events.append(("batch", batch))

    def on_epoch_end(self, epoch, logs=None):
        self.events.append(("end", epoch))


def expected_events(epochs, steps=STEPS, first=0):
    events = []
    for epoch in range(first, epochs):
        events += [("begin", epoch)] + [("batch", b) for b in range(steps)]
        events.append(("end", epoch))
    return events


@pytest.mark.parametrize("kind", ["numpy", "dataset"])
def test_input_set_up_once_per_fit_with_epoch_boundaries_kept(kind, iterator_count, monkeypatch):
    if kind == "numpy" and not ON_TF:
        pytest.skip("arrays on JAX: Keras's numpy iterator per epoch (no stall)")
    images = coded_images()
    data = images if kind == "numpy" else tf.data.Dataset.from_tensor_slices(images).batch(BATCH)
    fit = dict(batch_size=BATCH) if kind == "numpy" else {}
    def iterators_made(epochs, callbacks=()):
        iterator_count[0] = 0
        history = make_model().fit(
            data, epochs=epochs, verbose=0, callbacks=list(callbacks), **fit
        )
        assert len(history.history["loss"]) == epochs
        return iterator_count[0]

    boundaries = Boundaries()
    # The same set-up for 1 epoch as for 3 (JAX's fit also peeks at one
    # batch through an iterator of its own to build the optimizer).
    assert iterators_made(3, [boundaries]) == iterators_made(1) <= 2
    assert boundaries.params["steps"] == STEPS
    assert boundaries.events == expected_events(3)
    # Keras's way (the fix off): a new iterator at every epoch's start and end.
    monkeypatch.setenv("KERAS_SSL_EPOCH_PIPELINE", "0")
    assert iterators_made(3) >= iterators_made(1) + 4


@pytest.mark.skipif(not ON_TF, reason="arrays become tf.data on TensorFlow only")
def test_every_epoch_reads_every_image_once_reshuffled():
    x, kwargs = one_pipeline_for_epochs(
        coded_images(), None, {"batch_size": BATCH, "shuffle": True}, is_array=True
    )
    assert kwargs["steps_per_epoch"] == STEPS and kwargs["shuffle"] is False
    assert "batch_size" not in kwargs
    orders = epoch_orders(x, 3)
    for batches in orders:
        assert [len(b) for b in batches] == [8, 8, 4]
        assert sorted(np.concatenate(batches)) == list(range(COUNT))
    flat = [tuple(np.concatenate(b)) for b in orders]
    assert len(set(flat)) == 3 and tuple(range(COUNT)) not in flat
    x, _ = one_pipeline_for_epochs(
        coded_images(), None, {"batch_size": BATCH, "shuffle": False}, is_array=True
    )
    assert all(tuple(np.concatenate(b)) == tuple(range(COUNT)) for b in epoch_orders(x, 2))


def test_the_pipelines_run_without_tf_data_autotuning_unless_the_user_set_it():
    # Deleting an autotuned pipeline's iterator waited 13-14 s for the
    # autotuning thread at the end of most fit calls (benchmarks/whole_fit.py).
    tf = pytest.importorskip("tensorflow")
    dataset = tf.data.Dataset.from_tensor_slices(coded_images()).batch(BATCH)
    dataset = dataset.prefetch(tf.data.AUTOTUNE)
    assert dataset.options().autotune.enabled is None
    repeated, kwargs = one_pipeline_for_epochs(dataset, None, {}, is_array=False)
    assert kwargs["steps_per_epoch"] == STEPS
    assert repeated.options().autotune.enabled is False
    options = tf.data.Options()
    options.autotune.enabled = True
    chosen = dataset.with_options(options)
    kept, _ = one_pipeline_for_epochs(chosen, None, {}, is_array=False)
    assert kept.options().autotune.enabled is True
    if ON_TF:
        arrays, _ = one_pipeline_for_epochs(
            coded_images(), None, {"batch_size": BATCH}, is_array=True
        )
        assert arrays.options().autotune.enabled is False


@pytest.mark.skipif(not ON_TF, reason="arrays become tf.data on TensorFlow only")
def test_epoch_order_depends_only_on_seed_and_epoch():
    straight = EpochOrder(shuffle=True)
    resumed = EpochOrder(shuffle=True, initial_epoch=1)
    for order in (straight, resumed):
        order.state.assign([7, order.initial_epoch])
    first = epoch_orders(straight.pipeline(tf, coded_images(), COUNT, BATCH), 3)
    later = epoch_orders(resumed.pipeline(tf, coded_images(), COUNT, BATCH), 2)
    for a, b in zip(first[1:], later):
        np.testing.assert_array_equal(np.concatenate(a), np.concatenate(b))


class StopAfterFirstEpoch(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        raise RuntimeError("interrupted")


@pytest.mark.parametrize("shuffle", [False, True])
def test_backup_and_restore_and_initial_epoch_resume_exactly(shuffle, tmp_path):
    if shuffle and not ON_TF:
        pytest.skip("JAX keeps Keras's unseeded numpy shuffle, as before")
    images = coded_images()
    fit = dict(batch_size=BATCH, shuffle=shuffle, verbose=0, epochs=2)
    straight = make_model()
    straight.fit(images, **fit)
    backup = str(tmp_path / "backup")
    interrupted = make_model()
    with pytest.raises(RuntimeError, match="interrupted"):
        interrupted.fit(
            images,
            callbacks=[keras.callbacks.BackupAndRestore(backup), StopAfterFirstEpoch()],
            **fit,
        )
    resumed = make_model()
    boundaries = Boundaries()
    resumed.fit(images, callbacks=[keras.callbacks.BackupAndRestore(backup), boundaries], **fit)
    assert boundaries.events == expected_events(2, first=1)
    for a, b in zip(weights(straight), weights(resumed)):
        np.testing.assert_allclose(a, b, atol=1e-5)
    # initial_epoch: the second epoch in a second fit call.
    split = make_model()
    split.fit(images, **{**fit, "epochs": 1})
    split.fit(images, initial_epoch=1, **fit)
    for a, b in zip(weights(straight), weights(split)):
        np.testing.assert_allclose(a, b, atol=1e-5)


def test_what_the_fix_leaves_to_keras(monkeypatch):
    images = coded_images()
    same = {"batch_size": BATCH, "steps_per_epoch": 2}
    assert one_pipeline_for_epochs(images, None, same, is_array=True)[0] is images
    labels = np.zeros(COUNT)
    assert one_pipeline_for_epochs(images, labels, {}, is_array=True)[0] is images
    unknown = tf.data.Dataset.from_generator(
        lambda: iter([images]), output_signature=tf.TensorSpec((None, SIZE, SIZE, 1), "uint8")
    )
    assert one_pipeline_for_epochs(unknown, None, {}, is_array=False)[0] is unknown
    monkeypatch.setenv("KERAS_SSL_EPOCH_PIPELINE", "0")
    assert one_pipeline_for_epochs(images, None, {}, is_array=True)[0] is images
