"""`ProcessShard` hands each process its part of the global batches (numpy;
no processes started), and `initialize` refuses backends other than JAX."""

import warnings

import numpy as np
import pytest

import keras_ssl
from keras_ssl.backend.multi_process import multi_process_capable
from keras_ssl.distributed import ProcessShard

ROWS = np.arange(40 * 2, dtype="float32").reshape(40, 2)  # row i holds 2i, 2i+1


def _global_batches(shuffle, epoch=0, seed=0):
    """What the 2 processes hand in at each step, joined in process order."""
    shards = [ProcessShard(ROWS, 8, shuffle=shuffle, seed=seed, num_processes=2,
                           process_id=p) for p in (0, 1)]
    for shard in shards:
        shard.epoch_callback.on_epoch_begin(epoch)
    return [np.concatenate([s[k] for s in shards]) for k in range(len(shards[0]))]


def test_processes_together_read_one_process_batches():
    batches = _global_batches(shuffle=False)
    assert len(batches) == 5
    for k, batch in enumerate(batches):  # fit(ROWS, batch_size=8, shuffle=False)
        np.testing.assert_array_equal(batch, ROWS[8 * k : 8 * (k + 1)])
    single = ProcessShard(ROWS, 8, shuffle=False, num_processes=1, process_id=0)
    np.testing.assert_array_equal(single[1], batches[1])


def test_shuffled_order_depends_only_on_seed_and_epoch():
    epoch_1 = _global_batches(shuffle=True, epoch=1)
    rows = np.concatenate(epoch_1)
    assert sorted(rows[:, 0].tolist()) == ROWS[:, 0].tolist()  # each row once
    np.testing.assert_array_equal(rows, np.concatenate(_global_batches(True, epoch=1)))
    assert not np.array_equal(rows, np.concatenate(_global_batches(True, epoch=2)))
    assert not np.array_equal(rows, np.concatenate(_global_batches(True, epoch=1, seed=5)))


def test_last_partial_global_batch_is_dropped():
    shard = ProcessShard(ROWS[:30], 8, shuffle=False, num_processes=2, process_id=1)
    assert len(shard) == 3 and shard[2].shape == (4, 2)
    with pytest.raises(IndexError):
        shard[3]


def test_tuples_are_sliced_alike():
    shard = ProcessShard((ROWS, ROWS[:, 0]), 8, shuffle=True, num_processes=2, process_id=1)
    x, y = shard[0]
    np.testing.assert_array_equal(x[:, 0], y)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(global_batch_size=7, num_processes=2, process_id=0), "multiple"),
        (dict(global_batch_size=8, num_processes=2, process_id=2), "process_id"),
        (dict(global_batch_size=64, num_processes=2, process_id=0), "fewer than one"),
    ],
)
def test_bad_arguments_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ProcessShard(ROWS, **kwargs)


def _fit(shard, epochs, callbacks):
    model = keras_ssl.SimCLR(
        keras_ssl.encoders.ConvNet(input_shape=(8, 8, 1), stage_filters=((4,),)),
        projection_hidden_units=(8,), projection_units=4, seed=0,
    )
    model.compile()
    return model.fit(shard, epochs=epochs, verbose=0, callbacks=callbacks)


IMAGES = np.random.default_rng(0).integers(0, 256, (16, 8, 8, 1)).astype("uint8")


def test_single_process_fit_reads_the_shard():
    shard = ProcessShard(IMAGES, 8, seed=0)
    assert (shard.num_processes, shard.process_id) == (1, 0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = _fit(shard, 3, [shard.epoch_callback])
    assert shard.epoch == 2 and np.isfinite(history.history["loss"]).all()


def test_fit_without_the_epoch_callback_warns():
    shard = ProcessShard(IMAGES, 8, seed=0)
    with pytest.warns(UserWarning, match="epoch_callback"):
        _fit(shard, 3, [])


@pytest.mark.skipif(multi_process_capable(), reason="would join a JAX cluster")
def test_initialize_refuses_backends_other_than_jax():
    with pytest.raises(RuntimeError, match="JAX backend only.*KERAS_BACKEND=jax"):
        keras_ssl.distributed.initialize("localhost:1234", num_processes=2, process_id=0)
    assert keras_ssl.distributed.process_count() == 1
    assert keras_ssl.distributed.process_index() == 0
