"""DINO: self-distillation of a momentum teacher into a multi-crop student."""

import keras
from keras import ops

from keras_ssl import augment
from keras_ssl.augment.multi_crop import GLOBAL_CROPS
from keras_ssl.augment.multi_crop import check_local_not_larger
from keras_ssl.augment.multi_crop import multi_crop_augmentation
from keras_ssl.backend.cross_replica import all_gather_batch
from keras_ssl.backend.cross_replica import replica_seed
from keras_ssl.encoders.encoder_checks import check_accepts_image_size
from keras_ssl.encoders.encoder_checks import image_encoder_shape
from keras_ssl.heads.dino_head import DINOHead
from keras_ssl.inputs import ImageInputs
from keras_ssl.losses.dino_loss import dino_center_update
from keras_ssl.losses.dino_loss import dino_loss
from keras_ssl.methods.joint_embedding import JointEmbeddingModel
from keras_ssl.methods.momentum_target import MomentumTarget
from keras_ssl.methods.registry import register_method
from keras_ssl.schedules.warmup_temperature import warmup_temperature

__all__ = ["DINO"]

@register_method("dino")
class DINO(MomentumTarget, JointEmbeddingModel):
    """DINO (Caron et al. 2021): self-distillation with no labels.

    Each image gets 2 global crops and `local_crops` smaller local crops
    (multi-crop, `keras_ssl.augment.multi_crop_views`), made on the device
    inside the train step. The student (encoder + `DINOHead`) sees every
    crop, each at its own size: the local crops go through the encoder at
    their smaller size (ConvNet and ResNet18 pool globally; a ViT
    interpolates its position embeddings), so the encoder must take any
    image size. The teacher, an exponential moving average of the student
    on the cosine momentum schedule (`MomentumTarget`: no gradients, no
    optimizer slots), sees the 2 global crops only. Its outputs are
    centred by an EMA center C (momentum `center_momentum`) and sharpened by
    the teacher temperature, warmed up linearly from
    `warmup_teacher_temperature` to `teacher_temperature` over the first
    `teacher_temperature_warmup` of the planned steps; the loss
    (`keras_ssl.losses.dino_loss`) is the cross-entropy between the
    teacher's and the student's (temperature `student_temperature`)
    distributions over all (teacher crop, student crop) pairs but the same
    view's. After the loss, C moves towards the mean teacher output of the
    global batch (gathered over replicas).

    `model.encoder` is the student's encoder: the one to use after
    pretraining. The teacher is reachable as `model.teacher_encoder()` (a
    copy of the encoder carrying the teacher's weights) and its outputs as
    `model.target_outputs(images)`. The center (`model.center`), the
    teacher's weights, the schedule's steps and the seed are model weights,
    so `.keras` files and `BackupAndRestore` resume exactly.

    Deviations from the paper (ViT-S/16 on ImageNet), for a small encoder
    on a few thousand 28x28 digits: head hidden widths (256, 256) instead of
    (2048, 2048), bottleneck 64 instead of 256, `output_units` 1024 instead
    of 65536; 6 local crops (paper: 10; its code: 8), local crops 12
    pixels for 28-pixel images (96/224 of the global size); the base
    momentum 0.996 as in the paper; `compile()`'s default Adam(1e-3)
    instead of AdamW with a weight-decay schedule, and no gradient clipping
    or last-layer freezing in the first epoch. 1-channel images get
    `digit_views()`'s photometric steps (no flip, no colour).

    Reference: https://arxiv.org/abs/2104.14294

    Args:
        encoder: `keras.Model` mapping images `(N, H, W, C)` of any size
            (at least the global and local crop sizes) to vectors.
        local_crops: int >= 0 or None. Local crops per image; None: 6, or
            as many as `augmentation` has views beyond the first 2.
        global_size: None (the image size) or an int / `(height, width)`.
        local_size: None (96/224 of the global size) or an int / pair, not
            larger than the global size.
        global_scale: tuple of 2 floats. Area range of the global crops
            (paper: (0.4, 1)).
        local_scale: tuple of 2 floats. Area range of the local crops
            (paper: (0.05, 0.4)).
        hidden_units: tuple of int. The head's hidden widths.
        bottleneck_units: int. The head's bottleneck width.
        output_units: int. K, the head's output dimension.
        head_batch_norm: bool. BatchNorm in the head's MLP.
        norm_last_layer: bool. Fix the weight-normalised layer's norm at 1.
        student_temperature: float > 0 (paper: 0.1).
        teacher_temperature: float > 0. After warm-up (paper: 0.07).
        warmup_teacher_temperature: float > 0. At step 0 (paper: 0.04).
        teacher_temperature_warmup: float in [0, 1]. Fraction of the planned
            steps the warm-up lasts (paper: 30 of 100 epochs, 0.3).
        center_momentum: float in [0, 1]. m of the center (paper: 0.9).
        tau_base: float in [0, 1]. Teacher momentum at step 0 (0.996).
        total_steps: int or None. Steps of the whole run for the schedules;
            None takes them from each `fit` call.
        augmentation: None (multi-crop from the arguments above) or a tuple
            of layers/callables, one per crop: 2 global, then local ones.
        seed: int or None. Seed of the crops.
        **kwargs: `keras.Model` arguments (`name`, ...).

    Example:
    ```python
    x_train, _ = keras_ssl.datasets.mnist5k("train")
    model = keras_ssl.DINO(
        encoder=keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1)), local_crops=4
    )
    model.compile()
    model.fit(x_train, epochs=10, batch_size=128)
    features = model.encoder.predict(x_train)  # the student's encoder
    teacher = model.teacher_encoder()          # the teacher's
    ```
    """

    inputs_class = ImageInputs
    num_views = None

    def __init__(
        self,
        encoder,
        local_crops=None,
        global_size=None,
        local_size=None,
        global_scale=(0.4, 1.0),
        local_scale=(0.05, 0.4),
        hidden_units=(256, 256),
        bottleneck_units=64,
        output_units=1024,
        head_batch_norm=False,
        norm_last_layer=True,
        student_temperature=0.1,
        teacher_temperature=0.07,
        warmup_teacher_temperature=0.04,
        teacher_temperature_warmup=0.3,
        center_momentum=0.9,
        tau_base=0.996,
        total_steps=None,
        augmentation=None,
        seed=None,
        **kwargs,
    ):
        image_shape, _ = image_encoder_shape(encoder)
        augmentation = multi_crop_augmentation(
            augmentation, image_shape, local_crops, 6, global_size, local_size,
            global_scale, local_scale, "DINO",
        )
        super().__init__(
            encoder=encoder, augmentation=augmentation, seed=seed, **kwargs
        )
        for name, value in (
            ("student_temperature", student_temperature),
            ("teacher_temperature", teacher_temperature),
            ("warmup_teacher_temperature", warmup_teacher_temperature),
        ):
            if not value > 0:
                raise ValueError(f"{name} must be > 0; got {value}.")
        for name, value in (
            ("teacher_temperature_warmup", teacher_temperature_warmup),
            ("center_momentum", center_momentum),
        ):
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be in [0, 1]; got {value}.")
        # === Config ===
        self.local_crops = len(self.view_augmentations) - GLOBAL_CROPS
        self.global_size, self.local_size = global_size, local_size
        self.global_scale = tuple(global_scale)
        self.local_scale = tuple(local_scale)
        self.hidden_units = tuple(hidden_units)
        self.bottleneck_units = int(bottleneck_units)
        self.output_units = int(output_units)
        self.head_batch_norm = bool(head_batch_norm)
        self.norm_last_layer = bool(norm_last_layer)
        self.student_temperature = float(student_temperature)
        self.teacher_temperature = float(teacher_temperature)
        self.warmup_teacher_temperature = float(warmup_teacher_temperature)
        self.teacher_temperature_warmup = float(teacher_temperature_warmup)
        self.center_momentum = float(center_momentum)
        self.tau_base = float(tau_base)
        self.total_steps = None if total_steps is None else int(total_steps)
        self._check_crop_shapes(image_shape)

        # === Student head; teacher: non-trainable copies of both ===
        self.head = DINOHead(
            self.hidden_units, self.bottleneck_units, self.output_units,
            batch_norm=self.head_batch_norm,
            norm_last_layer=self.norm_last_layer, name="head",
        )
        self.head.build((None, self.feature_dim))
        self.add_momentum_target([self.encoder, self.head], self.total_steps)
        self.center = self.add_weight(
            shape=(self.output_units,), initializer="zeros", dtype="float32",
            trainable=False, autocast=False, aggregation="only_first_replica",
            name="center",
        )

    # --- Crops ---------------------------------------------------------------

    def _check_crop_shapes(self, image_shape):
        """Check the crops' sizes (where known) and that the encoder takes them."""
        shapes = []
        for view in self.view_augmentations:
            if isinstance(view, keras.layers.Layer):
                shape = tuple(view.compute_output_shape((None,) + tuple(image_shape)))
                shapes.append(shape[1:])
            else:
                shapes.append(None)
        check_local_not_larger(shapes)
        for index, shape in enumerate(shapes):
            if shape is not None and shape != tuple(image_shape):
                kind = "global crops" if index < GLOBAL_CROPS else "local crops"
                check_accepts_image_size(self.encoder, shape, kind)

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

    # --- Step ----------------------------------------------------------------

    def current_teacher_temperature(self):
        """tau_t at the current step: the linear warm-up, then constant."""
        return warmup_temperature(
            self.ema_step.value, self.planned_steps.value,
            self.teacher_temperature_warmup, self.warmup_teacher_temperature,
            self.teacher_temperature,
        )

    def compute_ssl_loss(self, images, training):
        views = self.make_views(images)
        student = self.encode_views(views, heads=(self.head,), training=training)
        teacher = self.target_outputs(
            ops.concatenate(views[:GLOBAL_CROPS], axis=0), training=training
        )
        teacher = ops.split(ops.cast(teacher, "float32"), GLOBAL_CROPS, axis=0)
        loss = ops.mean(
            dino_loss(
                student, teacher, self.center.value, self.student_temperature,
                self.current_teacher_temperature(),
            )
        )
        if training:
            gathered, _ = all_gather_batch(ops.concatenate(teacher, axis=0))
            self.center.assign(
                dino_center_update(self.center.value, gathered, self.center_momentum)
            )
        return loss

    def after_train_step(self):
        self.update_momentum_target()

    def teacher_encoder(self):
        """A copy of the encoder with the teacher's weights (a new model)."""
        teacher = self.encoder.__class__.from_config(self.encoder.get_config())
        weights, state = self.target_copies[0]
        for variable, value in zip(teacher.trainable_variables, weights):
            variable.assign(value.value)
        for variable, value in zip(teacher.non_trainable_variables, state):
            variable.assign(value.value)
        return teacher

    def get_config(self):
        config = super().get_config()
        config.update(
            local_crops=self.local_crops,
            global_size=self.global_size,
            local_size=self.local_size,
            global_scale=self.global_scale,
            local_scale=self.local_scale,
            hidden_units=self.hidden_units,
            bottleneck_units=self.bottleneck_units,
            output_units=self.output_units,
            head_batch_norm=self.head_batch_norm,
            norm_last_layer=self.norm_last_layer,
            student_temperature=self.student_temperature,
            teacher_temperature=self.teacher_temperature,
            warmup_teacher_temperature=self.warmup_teacher_temperature,
            teacher_temperature_warmup=self.teacher_temperature_warmup,
            center_momentum=self.center_momentum,
            tau_base=self.tau_base,
            total_steps=self.total_steps,
        )
        return config
