"""SwAV: swapped prediction of Sinkhorn-Knopp cluster codes, with multi-crop."""

import keras
from keras import ops

from keras_ssl import augment
from keras_ssl.augment.multi_crop import GLOBAL_CROPS
from keras_ssl.augment.multi_crop import check_local_not_larger
from keras_ssl.augment.multi_crop import multi_crop_augmentation
from keras_ssl.backend.cross_replica import all_gather_batch
from keras_ssl.backend.cross_replica import num_replicas
from keras_ssl.backend.cross_replica import replica_seed
from keras_ssl.encoders.encoder_checks import check_accepts_image_size
from keras_ssl.encoders.encoder_checks import image_encoder_shape
from keras_ssl.heads.projection_head import ProjectionHead
from keras_ssl.heads.swav_prototypes import SwAVPrototypes
from keras_ssl.inputs import ImageInputs
from keras_ssl.losses.swav_loss import sinkhorn_knopp
from keras_ssl.losses.swav_loss import swav_loss
from keras_ssl.methods import cluster_collapse
from keras_ssl.methods.joint_embedding import JointEmbeddingModel
from keras_ssl.methods.memory_queue import MemoryQueue
from keras_ssl.methods.registry import register_method

__all__ = ["SwAV"]


@register_method("swav")
class SwAV(JointEmbeddingModel):
    """SwAV (Caron et al. 2020): swapping assignments between multi-crop views.

    Each image gets 2 global crops and `local_crops` smaller ones
    (`keras_ssl.augment.multi_crop_views`, made on the device in the step;
    the local crops go through the encoder at their own size). Every crop
    is encoded, projected (`ProjectionHead`), L2-normalised and scored
    against K unit-norm prototypes without bias (`heads.SwAVPrototypes`).
    The 2 global crops' scores get codes by Sinkhorn-Knopp
    (`losses.sinkhorn_knopp`: epsilon, iterations; stop-gradient; sums over
    the global batch, gathered over replicas), and each code is predicted
    from every other crop's scores at temperature tau
    (`losses.swav_loss`). After each optimizer step the prototypes are
    renormalised; during the first `freeze_prototypes_epochs` epochs
    (counted in epochs, over every `fit` of the model) they get no gradient.

    `queue_size` adds the paper's feature queue for small batches: from
    epoch `queue_start_epoch` on, each step pushes the global batch's 2
    global-crop projections; once the queue is full its scores against the
    current prototypes join the Sinkhorn sums, and only the batch's codes
    are used. The queue, its pointer, the epoch count and the seed are
    model weights, so `.keras` files and `BackupAndRestore` resume exactly.

    Collapse guard: `fit` logs `codes_entropy` (mean entropy of the codes;
    near ln K: uniform codes) and `prototype_usage` (share of prototypes
    that are some example's argmax; near 1/K: one cluster). If either stays
    collapsed for 2 epochs, a `keras_ssl.callbacks.CollapseWarning` (once
    per `fit`) names the usual fixes.

    Deviations from the paper (ResNet-50 on ImageNet), for a small encoder
    on 28x28 digits: projector hidden width 256 and output 64 (paper: 2048,
    128), K = 100 (paper: 3000); 4 local crops of 12 pixels (paper: 6 of
    96 at 224); DINO's crop scales (0.4, 1) and (0.05, 0.4), as DINO's
    preset uses on digits (paper: (0.14, 1), (0.05, 0.14)); `digit_views`'
    photometric steps for 1-channel images; `compile()`'s Adam(1e-3)
    instead of LARS; the queue starts at epoch 1 (the code: 15).

    Reference: https://arxiv.org/abs/2006.09882

    Args:
        encoder: `keras.Model` mapping images `(N, H, W, C)` of any size
            (at least the global and local crop sizes) to vectors.
        num_prototypes: int. K.
        projection_hidden_units: tuple of int. The projector's hidden widths.
        projection_units: int. Width of the projections and prototypes.
        temperature: float > 0. tau of the swapped prediction (paper: 0.1).
        epsilon: float > 0. Sinkhorn's regularisation (paper: 0.05).
        sinkhorn_iterations: int >= 1 (paper: 3).
        freeze_prototypes_epochs: int >= 0. Epochs without prototype
            updates (the paper's 313 iterations: 1 epoch at batch 4096).
        queue_size: int or None. Queued images (None: no queue); at least
            one global batch.
        queue_start_epoch: int >= 0. First epoch (0-based) that fills the
            queue.
        local_crops: int >= 0 or None. Local crops; None: 4, or as many as
            `augmentation` has views beyond the first 2.
        global_size, local_size: None or int / pair: crop sizes (default:
            the image size and 96/224 of it).
        global_scale, local_scale: tuples of 2 floats. Crop area ranges.
        augmentation: None (multi-crop from the arguments above) or a tuple
            of layers/callables, one per crop: 2 global, then local ones.
        seed: int or None. Seed of the crops and initial prototypes.
        **kwargs: `keras.Model` arguments (`name`, ...).

    Example:
    ```python
    x_train, _ = keras_ssl.datasets.mnist5k("train")
    model = keras_ssl.SwAV(keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1)))
    model.compile()
    history = model.fit(x_train, epochs=10, batch_size=128)
    history.history["codes_entropy"], history.history["prototype_usage"]
    ```
    """

    inputs_class = ImageInputs
    num_views = None

    def __init__(
        self,
        encoder,
        num_prototypes=100,
        projection_hidden_units=(256,),
        projection_units=64,
        temperature=0.1,
        epsilon=0.05,
        sinkhorn_iterations=3,
        freeze_prototypes_epochs=1,
        queue_size=None,
        queue_start_epoch=1,
        local_crops=None,
        global_size=None,
        local_size=None,
        global_scale=(0.4, 1.0),
        local_scale=(0.05, 0.4),
        augmentation=None,
        seed=None,
        **kwargs,
    ):
        image_shape, _ = image_encoder_shape(encoder)
        augmentation = multi_crop_augmentation(
            augmentation, image_shape, local_crops, 4, global_size, local_size,
            global_scale, local_scale, "SwAV",
        )
        super().__init__(
            encoder=encoder, augmentation=augmentation, seed=seed, **kwargs
        )
        for name, value in (("temperature", temperature), ("epsilon", epsilon)):
            if not value > 0:
                raise ValueError(f"{name} must be > 0; got {value}.")
        for name, value, least in (
            ("sinkhorn_iterations", sinkhorn_iterations, 1),
            ("freeze_prototypes_epochs", freeze_prototypes_epochs, 0),
            ("queue_start_epoch", queue_start_epoch, 0),
        ):
            if int(value) != value or value < least:
                raise ValueError(f"{name} must be an int >= {least}; got {value!r}.")
        if queue_size is not None and int(queue_size) <= 0:
            raise ValueError(
                f"queue_size must be a positive number of images, or None for "
                f"no queue; got {queue_size}."
            )
        # === Config ===
        self.num_prototypes = int(num_prototypes)
        self.projection_hidden_units = tuple(projection_hidden_units)
        self.projection_units = int(projection_units)
        self.temperature = float(temperature)
        self.epsilon = float(epsilon)
        self.sinkhorn_iterations = int(sinkhorn_iterations)
        self.freeze_prototypes_epochs = int(freeze_prototypes_epochs)
        self.queue_size = None if queue_size is None else int(queue_size)
        self.queue_start_epoch = int(queue_start_epoch)
        self.local_crops = len(self.view_augmentations) - GLOBAL_CROPS
        self.global_size, self.local_size = global_size, local_size
        self.global_scale = tuple(global_scale)
        self.local_scale = tuple(local_scale)
        _check_crop_shapes(self.encoder, self.view_augmentations, image_shape)

        # === Projector, prototypes, queue, epoch count ===
        self.projector = ProjectionHead(
            hidden_units=self.projection_hidden_units,
            output_units=self.projection_units, name="projector",
        )
        self.projector.build((None, self.feature_dim))
        self.prototypes = SwAVPrototypes(
            self.num_prototypes, seed=seed, name="prototypes"
        )
        self.prototypes.build((None, self.projection_units))
        self.queue = None
        if self.queue_size is not None:
            # A row: one image's 2 global-crop projections, side by side.
            self.queue = MemoryQueue(
                self.queue_size, GLOBAL_CROPS * self.projection_units, name="queue"
            )
        self.epochs_started = self.add_weight(
            shape=(), initializer="zeros", dtype="int32", trainable=False,
            aggregation="only_first_replica", name="epochs_started",
        )
        self.entropy_tracker = keras.metrics.Mean(name="codes_entropy")
        self.usage_tracker = keras.metrics.Mean(name="prototype_usage")
        self.collapse_check = cluster_collapse.ClusterCollapseCheck(
            self.num_prototypes, "SwAV"
        )

    def begin_fit(self, epochs, steps_per_epoch):
        self.collapse_check.reset()

    def begin_epoch(self, epoch):
        self.epochs_started.assign(self.epochs_started.value + 1)

    def end_epoch(self, epoch, logs):
        self.collapse_check.update(logs)

    def current_epoch(self):
        """The 0-based epoch being trained, counted over every `fit`."""
        return ops.maximum(self.epochs_started.value - 1, 0)

    def make_views(self, batch):
        """The crops of `batch`: 2 global, then the local ones."""
        seed = replica_seed(self.seed_generator)
        channels = self.input_format.view_shape[-1]
        views = [
            augment.make_view(view, batch, seed, expected_shape=(None, None, channels))
            for view in self.view_augmentations
        ]
        check_local_not_larger([tuple(view.shape[1:]) for view in views])
        return views

    def compute_ssl_loss(self, images, training):
        views = self.make_views(images)
        projections = self.encode_views(views, heads=(self.projector,), training=training)
        z = [ops.normalize(ops.cast(p, "float32"), axis=-1) for p in projections]
        epoch = self.current_epoch()
        frozen = epoch < self.freeze_prototypes_epochs
        scores = [ops.cast(self.prototypes(v, frozen=frozen), "float32") for v in z]
        codes = [self._codes(scores[i], i, epoch) for i in range(GLOBAL_CROPS)]
        loss = ops.mean(swav_loss(scores, codes, self.temperature))
        all_codes, _ = all_gather_batch(ops.concatenate(codes, axis=0))
        self.entropy_tracker.update_state(cluster_collapse.codes_entropy(all_codes))
        self.usage_tracker.update_state(cluster_collapse.prototype_usage(all_codes))
        if training and self.queue is not None:
            self._push(ops.concatenate(z[:GLOBAL_CROPS], axis=1), epoch)
        return loss

    def _codes(self, scores, crop, epoch):
        """Sinkhorn codes of one global crop, with the queue once it is full."""
        codes = sinkhorn_knopp(scores, self.epsilon, self.sinkhorn_iterations)
        if self.queue is None:
            return codes
        width = self.projection_units
        queued = self.queue.values.value[:, crop * width : (crop + 1) * width]
        queued_scores = ops.matmul(queued, ops.stop_gradient(self.prototypes.kernel.value))
        with_queue = sinkhorn_knopp(
            scores, self.epsilon, self.sinkhorn_iterations, queue_scores=queued_scores
        )
        full = self.queue.filled.value >= self.queue_size
        return ops.where(full & (epoch >= self.queue_start_epoch), with_queue, codes)

    def _push(self, rows, epoch):
        """Enqueue the global batch's projections from `queue_start_epoch` on."""
        local = rows.shape[0]
        if local is not None:
            self.queue.check_capacity(local * num_replicas(), "queue_size")
        gathered, _ = all_gather_batch(rows)
        state = (self.queue.values, self.queue.pointer, self.queue.filled)
        before = [ops.copy(variable.value) for variable in state]  # a snapshot
        self.queue.push(gathered)
        for variable, old in zip(state, before):
            variable.assign(ops.where(epoch >= self.queue_start_epoch, variable.value, old))

    def check_batch_capacity(self, count):
        """Raise if a global batch of `count` images does not fit the queue."""
        if self.queue is not None:
            self.queue.check_capacity(count, "queue_size")

    def after_train_step(self):
        self.prototypes.normalize()

    def get_config(self):
        config = super().get_config()
        config.update(
            num_prototypes=self.num_prototypes,
            projection_hidden_units=self.projection_hidden_units,
            projection_units=self.projection_units,
            temperature=self.temperature,
            epsilon=self.epsilon,
            sinkhorn_iterations=self.sinkhorn_iterations,
            freeze_prototypes_epochs=self.freeze_prototypes_epochs,
            queue_size=self.queue_size,
            queue_start_epoch=self.queue_start_epoch,
            local_crops=self.local_crops,
            global_size=self.global_size,
            local_size=self.local_size,
            global_scale=self.global_scale,
            local_scale=self.local_scale,
        )
        return config


def _check_crop_shapes(encoder, view_augmentations, image_shape):
    """Check the crops' sizes (where known) and that the encoder takes them."""
    shapes = []
    for view in view_augmentations:
        layer = isinstance(view, keras.layers.Layer)
        shapes.append(view.compute_output_shape((None, *image_shape))[1:] if layer else None)
    check_local_not_larger(shapes)
    for index, shape in enumerate(shapes):
        if shape is not None and tuple(shape) != tuple(image_shape):
            kind = "global crops" if index < GLOBAL_CROPS else "local crops"
            check_accepts_image_size(encoder, tuple(shape), kind)
