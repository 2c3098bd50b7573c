"""One training step of each joint-embedding method on one device and on two
replicas.

Run as one subprocess per backend by test_data_parallel.py (device setup is
per process), for every method named (or all of them):

    KERAS_BACKEND=tensorflow python replica_run.py simclr byol
    XLA_FLAGS=--xla_force_host_platform_device_count=2 KERAS_BACKEND=jax \
        python replica_run.py simsiam moco nnclr dino mae swav

TensorFlow runs the second model under `MirroredStrategy` over 2 logical
CPUs, JAX under `keras.distribution.DataParallel` over 2 host devices. Both
models start from the same weights and see the same global batch of 16 with
deterministic views (identity and mirror; MAE draws its masks for the
global batch), so their losses and updated
weights should agree. Queues and support sets must hold the same keys after
the step (pushed once per global step). Prints one JSON line of results,
one entry per method.
"""

import contextlib
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


def shrink(images):
    """A deterministic 'local crop': the image at 6x6."""
    return keras.ops.image.resize(images, (6, 6))


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


HEADS = dict(projection_hidden_units=(16,), projection_units=8)


def _method(method, augmentation):
    if method == "simclr":
        return keras_ssl.SimCLR(encoder(), augmentation=augmentation, seed=0, **HEADS)
    if method == "byol":
        return keras_ssl.BYOL(
            encoder(), prediction_hidden_units=(16,), tau_base=0.9,
            augmentation=augmentation, seed=0, **HEADS,
        )
    if method == "simsiam":
        return keras_ssl.SimSiam(
            encoder(), prediction_hidden_units=(4,), augmentation=augmentation,
            seed=0, **HEADS,
        )
    if method in ("barlow_twins", "vicreg"):
        cls = keras_ssl.BarlowTwins if method == "barlow_twins" else keras_ssl.VICReg
        return cls(encoder(), augmentation=augmentation, seed=0, **HEADS)
    if method == "moco":
        return keras_ssl.MoCo(
            encoder(), prediction_hidden_units=(16,), tau_base=0.9, queue_size=32,
            augmentation=augmentation, seed=0, **HEADS,
        )
    if method == "dino":
        any_size = encoder()  # DINO's local crops are smaller
        any_size.input_spec = keras.layers.InputSpec(ndim=4, axes={-1: 1})
        return keras_ssl.DINO(
            any_size, augmentation=augmentation + (shrink,), hidden_units=(16,),
            bottleneck_units=8, output_units=16, tau_base=0.9, seed=0,
        )
    if method == "swav":  # Sinkhorn over the global batch and a queue of 32 images.
        any_size = encoder()
        any_size.input_spec = keras.layers.InputSpec(ndim=4, axes={-1: 1})
        return keras_ssl.SwAV(
            any_size, augmentation=augmentation + (shrink,), num_prototypes=16,
            freeze_prototypes_epochs=0, queue_size=32, queue_start_epoch=0,
            seed=0, **HEADS,
        )
    if method == "deepcluster_v2":  # k-means on a full bank of 32 at the epoch's start.
        return keras_ssl.DeepClusterV2(encoder(), num_prototypes=4, num_heads=2, memory_size=32,
                                       augmentation=augmentation, seed=0, **HEADS)
    if method == "mae":  # No views: masks drawn for the global batch.
        vit = keras_ssl.encoders.ViT(
            input_shape=(12, 12, 1), patch_size=4, hidden_dim=16, num_layers=1,
            num_heads=2,
        )
        return keras_ssl.MAE(
            vit, mask_ratio=0.5, decoder_dim=8, decoder_layers=1, decoder_heads=2,
            seed=0,
        )
    return keras_ssl.NNCLR(
        encoder(), support_set_size=32, prediction_hidden_units=(16,),
        augmentation=augmentation, seed=0, **HEADS,
    )


def build(method):
    keras.utils.set_random_seed(0)
    model = _method(method, (identity, mirror))
    if method in ("swav", "deepcluster_v2"):  # A full queue / bank, used by the step.
        rows = np.random.default_rng(2).normal(size=(32, 2, 8))
        rows /= np.linalg.norm(rows, axis=-1, keepdims=True)
        queue = model.queue if method == "swav" else model.memory_bank
        queue.push(rows.reshape(32, 16).astype("float32"))
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1))
    return model


def queue_of(model):
    queue = getattr(model, "queue", None) or getattr(model, "support_set", None)
    queue = queue or getattr(model, "memory_bank", None)
    if queue is None:
        return None
    return {
        "values": keras.ops.convert_to_numpy(queue.values.value),
        "pointer": int(keras.ops.convert_to_numpy(queue.pointer.value)),
        "filled": int(keras.ops.convert_to_numpy(queue.filled.value)),
    }


def per_replica_statistics_loss(model, images):
    """The loss if each replica used its own half of the batch's statistics.

    It must differ from the global-batch loss, or the 2-replica test could
    not tell the two apart.
    """
    z1, z2 = model.encode_views(
        model.make_views(images), heads=(model.projector,), training=True
    )
    loss = keras_ssl.losses.barlow_twins_loss
    if isinstance(model, keras_ssl.VICReg):
        loss = keras_ssl.losses.vicreg_loss
    half = GLOBAL_BATCH // 2
    halves = [loss(z1[:half], z2[:half]), loss(z1[half:], z2[half:])]
    return float(np.mean([keras.ops.convert_to_numpy(h) for h in halves])), float(
        keras.ops.convert_to_numpy(loss(z1, z2))
    )


def per_replica_codes_difference(model, images):
    """How far Sinkhorn codes of each replica's half differ from the global
    batch's: the 2-replica match is a real check of the global sums."""
    projection = model.projector(model.encoder(images, training=True), training=True)
    scores = model.prototypes(keras.ops.normalize(projection, axis=-1))
    half = GLOBAL_BATCH // 2
    local = [keras_ssl.losses.sinkhorn_knopp(scores[:half]),
             keras_ssl.losses.sinkhorn_knopp(scores[half:])]
    full = keras_ssl.losses.sinkhorn_knopp(scores)
    return float(np.abs(np.concatenate(local) - keras.ops.convert_to_numpy(full)).max())


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


def compare(method, images, distribute):
    statistics = None
    if method in ("barlow_twins", "vicreg"):  # On a model of its own.
        statistics = per_replica_statistics_loss(build(method), images)
    codes_difference = None
    if method == "swav":
        codes_difference = per_replica_codes_difference(build(method), images)
    single = build(method)
    initial_weights = weights(single)
    single_logs, single_weights = one_step(single, images)
    build_scope, fit_scope, replicas = distribute
    with fit_scope():
        with build_scope():
            model = build(method)
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
    if statistics is not None:
        result["per_replica_statistics_loss"], result["global_loss"] = statistics
    if codes_difference is not None:
        result["per_replica_codes_difference"] = codes_difference
    single_queue, replica_queue = queue_of(single), queue_of(model)
    if single_queue is not None:
        result["queue_pointer"] = [single_queue["pointer"], replica_queue["pointer"]]
        result["queue_filled"] = [single_queue["filled"], replica_queue["filled"]]
        result["queue_difference"] = float(
            np.abs(single_queue["values"] - replica_queue["values"]).max()
        )
    if BACKEND == "jax":
        # DataParallel replicates each variable on every device.
        result["variable_devices"] = len(model.weights[0].value.sharding.device_set)
    if hasattr(model, "center"):
        centers = [keras.ops.convert_to_numpy(m.center.value) for m in (single, model)]
        result["center_difference"] = float(np.abs(centers[0] - centers[1]).max())
        result["center_norm"] = float(np.abs(centers[0]).max())
    if hasattr(model, "ema_step"):
        result["ema_step"] = int(keras.ops.convert_to_numpy(model.ema_step.value))
    return result


def distributed_builder():
    """`(build_scope, fit_scope, replicas)` for the 2-replica build and step.

    A TensorFlow strategy is captured when the model is built; a JAX
    distribution must be active while `fit` runs.
    """
    if BACKEND == "tensorflow":
        strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
        return strategy.scope, contextlib.nullcontext, strategy.num_replicas_in_sync
    import jax

    devices = jax.devices()
    scope = keras.distribution.DataParallel(devices=devices).scope
    return scope, scope, len(devices)


def main(methods):
    images = 255.0 * np.random.default_rng(1).random((GLOBAL_BATCH, 12, 12, 1))
    images = images.astype("float32")
    distribute = distributed_builder()
    results = {method: compare(method, images, distribute) for method in methods}
    if BACKEND == "tensorflow":
        results["views"] = tf_replica_views_differ()
    print("RESULT " + json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1:])
