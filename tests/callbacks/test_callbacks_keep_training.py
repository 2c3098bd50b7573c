import keras
import numpy as np

import keras_ssl
from keras_ssl.callbacks import CollapseMonitor
from keras_ssl.callbacks import KNNMonitor
from keras_ssl.callbacks import LinearProbe
from test_case import mnist5k_subset
from test_case import tiny_conv_net


def seeded_run(callbacks):
    """A denoising autoencoder (random noise, BatchNorm, shuffled batches)
    trained from seed 0; returns every model and optimizer variable."""
    keras.utils.set_random_seed(0)
    images, _ = mnist5k_subset("train", size=48)
    model = keras_ssl.ConvAutoencoder(encoder=tiny_conv_net(), noise_stddev=0.3, seed=0)
    model.compile()
    model.fit(images, epochs=2, batch_size=16, shuffle=True, verbose=0, callbacks=callbacks)
    state = [keras.ops.convert_to_numpy(v) for v in model.weights + model.optimizer.variables]
    keras.backend.clear_session()
    return state


def test_callbacks_do_not_change_a_seeded_run():
    train = mnist5k_subset("train", per_class=3, seed=1)
    val = mnist5k_subset("test", size=50)
    without = seeded_run([])
    with_monitors = seeded_run([
        LinearProbe(train, val, probe_epochs=3),
        KNNMonitor(train, val, k=3),
        CollapseMonitor(train[0]),
    ])
    assert len(without) == len(with_monitors) > 10
    for plain, monitored in zip(without, with_monitors):
        np.testing.assert_array_equal(plain, monitored)
