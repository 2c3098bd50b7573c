"""One training step of SimCLR or BYOL on one device and on two replicas.

Run as a subprocess by test_data_parallel.py (device setup is per process):

    KERAS_BACKEND=tensorflow python replica_run.py simclr
    XLA_FLAGS=--xla_force_host_platform_device_count=2 KERAS_BACKEND=jax \
        python replica_run.py byol

TensorFlow runs the second model under `MirroredStrategy` over 2 logical
CPUs, JAX under `keras.distribution.DataParallel` over 2 host devices. Both
models start from the same weights and see the same global batch of 16 with
deterministic views (identity and mirror), so their losses and updated
weights should agree. Prints one JSON line of results.
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
BACKEND = os.environ["KERAS_BACKEND"]

if BACKEND == "tensorflow":
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * 2
    )

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_ssl  # noqa: E402
from keras_ssl.augment import make_view  # noqa: E402
from keras_ssl.backend.cross_replica import replica_seed  # noqa: E402

GLOBAL_BATCH = 16


def identity(images):
    return images


def mirror(images):
    return keras.ops.flip(images, axis=2)


def encoder():
    # BatchNorm over the global batch: synchronized across TF replicas (JAX
    # sees the global batch in one step).
    inputs = keras.Input((12, 12, 1))
    x = keras.layers.Rescaling(1.0 / 255.0)(inputs)  # pixels 0-255 in
    x = keras.layers.Conv2D(8, 3, use_bias=False)(x)
    x = keras.layers.BatchNormalization(synchronized=BACKEND == "tensorflow")(x)
    x = keras.layers.ReLU()(x)
    outputs = keras.layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, outputs)


def build(method):
    keras.utils.set_random_seed(0)
    augmentation = (identity, mirror)
    if method == "simclr":
        model = keras_ssl.SimCLR(
            encoder(), projection_hidden_units=(16,), projection_units=8,
            augmentation=augmentation, seed=0,
        )
    else:
        model = keras_ssl.BYOL(
            encoder(), projection_hidden_units=(16,), projection_units=8,
            prediction_hidden_units=(16,), tau_base=0.9,
            augmentation=augmentation, seed=0,
        )
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1))
    return model


def weights(model):
    return [keras.ops.convert_to_numpy(v.value) for v in model.weights]


def one_step(model, images):
    history = model.fit(
        images, batch_size=GLOBAL_BATCH, epochs=1, shuffle=False, verbose=0
    )
    return history.history, weights(model)


def tf_replica_views_differ():
    """Under MirroredStrategy, do the replicas draw different views?"""
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with strategy.scope():
        augmentation = keras_ssl.augment.simclr_views()
        augmentation.build((None, 12, 12, 3))
        generator = keras.random.SeedGenerator(0)
    images = 255.0 * np.random.default_rng(0).random((4, 12, 12, 3)).astype("float32")

    @tf.function
    def views(shift):
        def replica():
            seed = replica_seed(generator) if shift else generator
            return make_view(augmentation, images, seed)

        return strategy.experimental_local_results(strategy.run(replica))

    first, second = views(True)
    same_first, same_second = views(False)
    return {
        "shifted_differ": bool(np.abs(first - second).max() > 1e-3),
        "unshifted_differ": bool(np.abs(same_first - same_second).max() > 1e-3),
    }


def main(method):
    images = 255.0 * np.random.default_rng(1).random((GLOBAL_BATCH, 12, 12, 1))
    images = images.astype("float32")
    single = build(method)
    initial_weights = weights(single)
    single_logs, single_weights = one_step(single, images)
    if BACKEND == "tensorflow":
        strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
        with strategy.scope():
            model = build(method)
        replicas = strategy.num_replicas_in_sync
    else:
        import jax

        devices = jax.devices()
        keras.distribution.set_distribution(
            keras.distribution.DataParallel(devices=devices)
        )
        model = build(method)
        replicas = len(devices)
    replica_logs, replica_weights = one_step(model, images)
    result = {
        "replicas": replicas,
        "single": single_logs,
        "replicated": replica_logs,
        "max_weight_difference": max(
            float(np.abs(a - b).max()) for a, b in zip(single_weights, replica_weights)
        ),
        "max_weight_change": max(
            float(np.abs(a - b).max()) for a, b in zip(single_weights, initial_weights)
        ),
    }
    if BACKEND == "jax":
        # DataParallel replicates each variable on every device.
        result["variable_devices"] = len(model.weights[0].value.sharding.device_set)
    if method == "byol":
        result["ema_step"] = int(keras.ops.convert_to_numpy(model.ema_step.value))
    if BACKEND == "tensorflow":
        result.update(tf_replica_views_differ())
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1])
