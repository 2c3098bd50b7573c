"""MoCo: contrast queries with a momentum encoder's keys (v3; v2's queue)."""

from keras import ops

from keras_ssl.backend.cross_replica import all_gather_batch
from keras_ssl.backend.cross_replica import num_replicas
from keras_ssl.heads.prediction_head import PredictionHead
from keras_ssl.heads.projection_head import ProjectionHead
from keras_ssl.inputs import ImageInputs
from keras_ssl.losses.moco_loss import moco_loss
from keras_ssl.methods.joint_embedding import JointEmbeddingModel
from keras_ssl.methods.memory_queue import MemoryQueue
from keras_ssl.methods.momentum_target import MomentumTarget
from keras_ssl.methods.registry import register_method

__all__ = ["MoCo"]


@register_method("moco")
class MoCo(MomentumTarget, JointEmbeddingModel):
    """MoCo v3 (Chen, Xie & He 2021), with MoCo v2's queue as an option.

    Each image gets two views. The online network (encoder, projector,
    predictor) maps them to queries q1, q2; the momentum network (encoder
    and projector, no predictor) maps them to keys k1, k2. The loss is
    Algorithm 1's symmetric InfoNCE, `ctr(q1, k2) + ctr(q2, k1)`, where
    `ctr` is the cross-entropy of each query against the keys of the global
    batch (gathered over TensorFlow replicas) at temperature tau, scaled by
    `2 tau` (`keras_ssl.losses.moco_loss`). The momentum network is an
    exponential moving average of the online one, updated after every
    optimizer step on a cosine schedule of tau from `tau_base` to 1 (as in
    MoCo v3 and BYOL); it gets no gradients and no optimizer slots, and its
    BatchNorm uses batch statistics (see `MomentumTarget`).

    `queue_size=K` adds MoCo v1/v2's memory queue (He et al. 2020; Chen et
    al. 2020): the K keys of earlier steps as further negatives, nothing
    else changed. Once per (global) step, after the loss, the first view's
    gathered keys k1 are enqueued (one key per image, as in MoCo v2), the
    oldest dropped. The queue starts as random unit vectors (as in MoCo's
    code); it, its pointer, the moving averages and the schedule's steps
    are model weights, so `.keras` files and `BackupAndRestore` resume
    exactly. A queue smaller than one global batch is an error, raised when
    the first step is traced with a known batch size (always on JAX).

    `model.encoder` is the online (query) encoder: the one to use after
    pretraining.

    Deviations from MoCo v3, for a small ConvNet on a few thousand
    28x28 digits: hidden widths 1024 instead of 4096 (projector: 3 layers
    with BatchNorm on every layer, output included, as in the paper; its
    output BatchNorm learns a scale and shift where the code's has none;
    predictor: 2 layers, no output BatchNorm, as in the official code);
    `compile()`'s default Adam(1e-3) instead of LARS / AdamW; the views
    are the `"byol"` recipe (the paper's, from BYOL), `digit_views()` for
    1-channel images.

    References: https://arxiv.org/abs/2104.02057 (v3),
    https://arxiv.org/abs/1911.05722 (v1), https://arxiv.org/abs/2003.04297
    (v2)

    Args:
        encoder: `keras.Model` mapping images `(N, H, W, C)` to vectors.
        temperature: float > 0. tau of the loss (paper: 0.2).
        projection_hidden_units: tuple of int. Hidden widths of the
            projector (paper: (4096, 4096)).
        projection_units: int. Width of the projection and of the
            predictor's output (paper: 256).
        prediction_hidden_units: tuple of int. Hidden widths of the
            predictor (paper: (4096,)).
        tau_base: float in [0, 1]. Momentum at step 0 (paper: 0.99).
        total_steps: int or None. Steps of the whole run for the momentum
            schedule; None takes them from each `fit` call.
        queue_size: int or None. Keys in MoCo v2's queue of negatives (v2:
            65536); None (default) is MoCo v3, negatives from the batch only.
        augmentation: None, a layer or callable, or a pair of them for the
            two views; see `keras_ssl.augment`. None picks `"byol"`.
        seed: int or None. Seed of the views (and of the initial queue).
        **kwargs: `keras.Model` arguments (`name`, ...).

    Example:
    ```python
    x_train, _ = keras_ssl.datasets.mnist5k("train")
    model = keras_ssl.MoCo(
        encoder=keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1)),
        queue_size=1024,  # optional: MoCo v2's queue
    )
    model.compile()
    model.fit(x_train, epochs=10, batch_size=256)
    features = model.encoder.predict(x_train)
    ```
    """

    inputs_class = ImageInputs
    view_recipe = "byol"

    def __init__(
        self,
        encoder,
        temperature=0.2,
        projection_hidden_units=(1024, 1024),
        projection_units=256,
        prediction_hidden_units=(1024,),
        tau_base=0.99,
        total_steps=None,
        queue_size=None,
        augmentation=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(
            encoder=encoder, augmentation=augmentation, seed=seed, **kwargs
        )
        if not temperature > 0:
            raise ValueError(f"temperature must be > 0; got {temperature}.")
        if queue_size is not None and int(queue_size) <= 0:
            raise ValueError(
                f"queue_size must be a positive number of keys, or None for "
                f"MoCo v3 without a queue; got {queue_size}."
            )
        # === Config ===
        self.temperature = float(temperature)
        self.projection_hidden_units = tuple(projection_hidden_units)
        self.projection_units = int(projection_units)
        self.prediction_hidden_units = tuple(prediction_hidden_units)
        self.tau_base = float(tau_base)
        self.total_steps = None if total_steps is None else int(total_steps)
        self.queue_size = None if queue_size is None else int(queue_size)

        # === Online network ===
        self.projector = ProjectionHead(
            hidden_units=self.projection_hidden_units,
            output_units=self.projection_units,
            output_batch_norm=True,
            name="projector",
        )
        self.projector.build((None, self.feature_dim))
        self.predictor = PredictionHead(
            hidden_units=self.prediction_hidden_units,
            output_units=self.projection_units,
            name="predictor",
        )
        self.predictor.build((None, self.projection_units))

        # === Momentum network: non-trainable copies of encoder + projector ===
        self.add_momentum_target([self.encoder, self.projector], self.total_steps)

        # === MoCo v2's queue of negative keys ===
        self.queue = None
        if self.queue_size is not None:
            self.queue = MemoryQueue(
                self.queue_size, self.projection_units, random_init=True,
                seed=seed, name="queue",
            )

    def compute_ssl_loss(self, images, training):
        # Both views in one pass, online and momentum: BatchNorm sees all 2N.
        views = ops.concatenate(self.make_views(images), axis=0)
        features = self.encoder(views, training=training)
        queries = self.predictor(
            self.projector(features, training=training), training=training
        )
        keys = self.target_outputs(views, training=training)
        q1, q2 = ops.split(queries, 2, axis=0)
        k1, k2 = ops.split(keys, 2, axis=0)
        queue = None if self.queue is None else self.queue.values.value
        loss = ops.mean(moco_loss(q1, k2, self.temperature, queue)) + ops.mean(
            moco_loss(q2, k1, self.temperature, queue)
        )
        if self.queue is not None and training:
            local = k1.shape[0]
            if local is not None:
                self.queue.check_capacity(local * num_replicas(), "queue_size")
            gathered, _ = all_gather_batch(ops.normalize(ops.cast(k1, "float32"), axis=-1))
            self.queue.push(gathered)
        return loss

    def check_batch_capacity(self, count):
        """Raise if a global batch of `count` keys does not fit the queue."""
        if self.queue is not None:
            self.queue.check_capacity(count, "queue_size")

    def after_train_step(self):
        self.update_momentum_target()

    def get_config(self):
        config = super().get_config()
        config.update(
            temperature=self.temperature,
            projection_hidden_units=self.projection_hidden_units,
            projection_units=self.projection_units,
            prediction_hidden_units=self.prediction_hidden_units,
            tau_base=self.tau_base,
            total_steps=self.total_steps,
            queue_size=self.queue_size,
        )
        return config
