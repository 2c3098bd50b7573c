"""wav2vec 2.0 pretraining: masked frames, quantized targets, contrast."""

import warnings

import keras
from keras import ops

from keras_ssl.callbacks.collapse_monitor import CollapseWarning
from keras_ssl.inputs import AudioInputs
from keras_ssl.layers.gumbel_vector_quantizer import GumbelVectorQuantizer
from keras_ssl.layers.gumbel_vector_quantizer import gumbel_temperature
from keras_ssl.losses.wav2vec2_loss import codebook_perplexity
from keras_ssl.losses.wav2vec2_loss import wav2vec2_contrastive_loss
from keras_ssl.losses.wav2vec2_loss import wav2vec2_diversity_loss
from keras_ssl.methods.registry import register_method
from keras_ssl.methods.span_masking import sample_distractor_indices
from keras_ssl.methods.span_masking import span_mask
from keras_ssl.methods.ssl_model import SSLModel

__all__ = ["Wav2Vec2"]

_FRAME_API = ("feature_frames", "project_features", "context_frames", "hidden_dim")


@register_method("wav2vec2")
class Wav2Vec2(SSLModel):
    """wav2vec 2.0: contrast masked frames with their quantized targets.

    Baevski et al. 2020, "wav2vec 2.0: A Framework for Self-Supervised
    Learning of Speech Representations", https://arxiv.org/abs/2006.11477.
    One step: the feature encoder's frames `z` (`encoder.feature_frames`)
    are LayerNorm-ed and product-quantized (`GumbelVectorQuantizer`: G
    codebooks of V entries, straight-through hard Gumbel-softmax, its
    temperature annealed from 2 to 0.5); span masks (`span_mask`: each
    valid frame starts a span of M frames with probability p, the paper's
    convention, not Hugging Face's `mask_time_prob`; at least one span per
    clip; padding never masked) replace the projected frames by a
    learned mask embedding before the context network; the loss
    (`keras_ssl.losses`) is the contrastive task over masked frames, with K
    distractors drawn with replacement from the same clip's other masked
    frames (equal codes not counted), cosine logits over `temperature`,
    plus `diversity_weight` x the diversity loss (over valid frames) and
    `feature_penalty_weight` x the mean square of `z` over valid frames
    (the paper's L2 penalty, weight 10 in its code). The feature encoder's
    gradient is scaled by `feature_grad_scale` (0.1 in the paper's BASE).
    Masks, distractors and Gumbel noise come from the model's seed
    generator inside the step. Not done here: the paper's dropout on the
    features and the context network's LayerDrop.

    Logged: `contrastive_accuracy` (the positive's logit is the largest,
    over masked frames), `codebook_perplexity` (G x V at uniform use),
    `codebook_usage` (share of the G x V entries chosen in the batch),
    `gumbel_temperature`. A perplexity below `collapse_ratio` x G x V for
    2 epochs in a row issues a `keras_ssl.callbacks.CollapseWarning`.

    Args:
        encoder: `keras_ssl.encoders.Wav2Vec2Encoder` (or a model with its
            `feature_frames`, `project_features`, `context_frames`).
        num_groups: int. G codebooks (paper: 2).
        num_entries: int. V entries per codebook (paper: 320).
        code_dim: int or None. Width of a quantized frame (a multiple of
            G); None for `final_dim`.
        final_dim: int or None. Width of the projected context outputs and
            targets (paper BASE: 256); None for the encoder's `hidden_dim`.
        mask_prob: float. p, the chance a frame starts a span (0.065).
        mask_length: int. M, frames per span (10).
        num_negatives: int. K distractors (100).
        temperature: float. kappa of the cosine logits (0.1).
        gumbel_start, gumbel_end: floats. The Gumbel temperature's range (2, 0.5).
        gumbel_decay: float or None. The paper's per-step factor (0.999995);
            None anneals over the planned steps instead.
        diversity_weight: float. alpha (0.1).
        feature_penalty_weight: float. Weight of the feature penalty (10).
        feature_grad_scale: float. Gradient scale of the feature encoder.
        collapse_ratio: float. Perplexity share of G x V that is collapse.
        total_steps: int or None. Planned steps; None for those of each `fit`.
        seed: int or None. Seeds masks, distractors and Gumbel noise.
        **kwargs: `SSLModel` / `keras.Model` arguments (`name`, ...).

    Example:
    ```python
    clips, _ = keras_ssl.datasets.fsdd("train", path=keras_ssl.datasets.FSDD_SUBSET)
    model = keras_ssl.Wav2Vec2(keras_ssl.encoders.Wav2Vec2Encoder(), seed=0)
    model.compile()
    model.fit(clips, epochs=5, batch_size=16)
    vectors = model.predict(clips)  # (60, 64): mean of each clip's frames
    # Frames of float waveforms in [-1, 1]: model.encoder.frame_model(batch)
    ```
    """

    inputs_class = AudioInputs

    def __init__(self, encoder, num_groups=2, num_entries=320, code_dim=None,
                 final_dim=None, mask_prob=0.065, mask_length=10, num_negatives=100,
                 temperature=0.1, gumbel_start=2.0, gumbel_end=0.5, gumbel_decay=None,
                 diversity_weight=0.1, feature_penalty_weight=10.0,
                 feature_grad_scale=0.1, collapse_ratio=0.1, total_steps=None,
                 seed=None, **kwargs):
        _check_encoder(encoder)
        super().__init__(encoder=encoder, seed=seed, **kwargs)
        # === Config ===
        self.num_groups, self.num_entries = int(num_groups), int(num_entries)
        self.final_dim = int(final_dim or encoder.hidden_dim)
        self.code_dim = int(code_dim or self.final_dim)
        self.mask_prob, self.mask_length = float(mask_prob), int(mask_length)
        self.num_negatives = int(num_negatives)
        self.temperature = float(temperature)
        self.gumbel_start, self.gumbel_end = float(gumbel_start), float(gumbel_end)
        self.gumbel_decay = None if gumbel_decay is None else float(gumbel_decay)
        self.diversity_weight = float(diversity_weight)
        self.feature_penalty_weight = float(feature_penalty_weight)
        self.feature_grad_scale = float(feature_grad_scale)
        self.collapse_ratio = float(collapse_ratio)
        self.total_steps = None if total_steps is None else int(total_steps)
        _check_arguments(self)
        gumbel_temperature(0, 1, self.gumbel_start, self.gumbel_end, self.gumbel_decay)

        # === Layers ===
        conv_dim = encoder.get_layer("feature_encoder").conv_dim
        self.quantizer = GumbelVectorQuantizer(
            self.num_groups, self.num_entries, self.code_dim, name="quantizer"
        )
        self.quantizer.build((None, None, conv_dim))
        self.target_projection = keras.layers.Dense(self.final_dim, name="target_projection")
        self.target_projection.build((None, None, self.code_dim))
        self.context_projection = keras.layers.Dense(self.final_dim, name="context_projection")
        self.context_projection.build((None, None, encoder.hidden_dim))
        self.mask_embedding = self.add_weight(
            shape=(encoder.hidden_dim,), initializer="random_uniform",
            name="mask_embedding",
        )
        self.gumbel_step = self.add_weight(
            shape=(), initializer="zeros", dtype="int32", trainable=False,
            aggregation="only_first_replica", name="gumbel_step",
        )
        self.planned_steps = self.add_weight(
            shape=(), initializer=keras.initializers.Constant(self.total_steps or 0),
            dtype="int32", trainable=False, aggregation="only_first_replica",
            name="planned_steps",
        )
        self.accuracy_tracker = keras.metrics.Mean(name="contrastive_accuracy")
        self.perplexity_tracker = keras.metrics.Mean(name="codebook_perplexity")
        self.usage_tracker = keras.metrics.Mean(name="codebook_usage")
        self.temperature_tracker = keras.metrics.Mean(name="gumbel_temperature")
        self.collapsed_epochs, self.collapse_warned = 0, False

    # --- Schedule and collapse guard ---------------------------------------

    def begin_fit(self, epochs, steps_per_epoch):
        self.collapsed_epochs, self.collapse_warned = 0, False
        if self.total_steps is not None or self.gumbel_decay is not None:
            planned = self.total_steps or 1
        elif epochs and steps_per_epoch:
            planned = int(epochs) * int(steps_per_epoch)
        else:
            raise ValueError(
                "Wav2Vec2 anneals the Gumbel temperature over the planned "
                "steps, and fit() does not know how many steps an epoch has "
                "(a dataset of unknown size). Pass steps_per_epoch= to fit(), "
                "total_steps= to Wav2Vec2(), or gumbel_decay=0.999995 (the "
                "paper's per-step factor)."
            )
        self.planned_steps.assign(planned)

    def current_gumbel_temperature(self):
        """The Gumbel temperature at the current step."""
        return gumbel_temperature(
            self.gumbel_step.value, self.planned_steps.value,
            self.gumbel_start, self.gumbel_end, self.gumbel_decay,
        )

    def after_train_step(self):
        self.gumbel_step.assign_add(ops.ones((), "int32"))

    def end_epoch(self, epoch, logs):
        perplexity = logs.get("codebook_perplexity")
        floor = self.collapse_ratio * self.num_groups * self.num_entries
        collapsed = perplexity is not None and float(perplexity) < floor
        self.collapsed_epochs = self.collapsed_epochs + 1 if collapsed else 0
        if self.collapsed_epochs >= 2 and not self.collapse_warned:
            self.collapse_warned = True
            warnings.warn(
                f"Wav2Vec2: the quantizer has collapsed for {self.collapsed_epochs} "
                f"epochs: codebook_perplexity is {float(perplexity):.4g}, below "
                f"{self.collapse_ratio:g} x G x V = {floor:g}, so few codebook "
                f"entries are in use. Usual fixes: a larger diversity_weight "
                f"(paper: 0.1), a slower Gumbel annealing (larger total_steps or "
                f"gumbel_end), or a lower learning rate.",
                CollapseWarning, stacklevel=2,
            )

    # --- Step ----------------------------------------------------------------

    def compute_ssl_loss(self, batch, training):
        inputs = self.input_format.encoder_inputs(batch)
        features, frame_mask = self.encoder.feature_frames(inputs)
        scale = self.feature_grad_scale
        features = features * scale + ops.stop_gradient(features) * (1.0 - scale)
        valid = ops.cast(frame_mask, "float32")
        squares = ops.mean(ops.square(ops.cast(features, "float32")), axis=-1)
        penalty = ops.sum(squares * valid) / ops.maximum(ops.sum(valid), 1.0)

        mask = span_mask(frame_mask, self.mask_prob, self.mask_length, self.seed_generator)
        projected = self.encoder.project_features(features)
        embedding = ops.cast(self.mask_embedding, projected.dtype)
        masked_input = ops.where(mask[:, :, None], embedding[None, None, :], projected)
        context = self.encoder.context_frames(masked_input, frame_mask, training=training)
        context = self.context_projection(context)

        temperature = self.current_gumbel_temperature()
        normalized = self.encoder.get_layer("feature_norm")(features)
        quantized = self.quantizer(
            normalized, temperature=temperature, seed=self.seed_generator,
            training=training,
        )
        targets = self.target_projection(quantized["quantized"])
        negatives = sample_distractor_indices(mask, self.num_negatives, self.seed_generator)
        contrastive, logits = wav2vec2_contrastive_loss(
            context, targets, mask, negatives, quantized["codes"], self.temperature
        )
        diversity = wav2vec2_diversity_loss(quantized["probs"], frame_mask)
        self._track(logits, mask, quantized, frame_mask, temperature)
        return (contrastive + self.diversity_weight * diversity
                + self.feature_penalty_weight * penalty)

    def _track(self, logits, mask, quantized, frame_mask, temperature):
        weight = ops.cast(mask, "float32")
        correct = ops.cast(ops.argmax(logits, axis=-1) == 0, "float32")
        self.accuracy_tracker.update_state(
            ops.sum(correct * weight) / ops.maximum(ops.sum(weight), 1.0)
        )
        self.perplexity_tracker.update_state(
            codebook_perplexity(quantized["probs"], frame_mask)
        )
        chosen = ops.one_hot(quantized["codes"], self.num_entries, dtype="float32")
        chosen = chosen * ops.cast(frame_mask, "float32")[:, :, None, None]
        used = ops.cast(ops.max(chosen, axis=(0, 1)) > 0, "float32")  # (G, V)
        self.usage_tracker.update_state(ops.mean(used))
        self.temperature_tracker.update_state(temperature)

    # --- Serialization -------------------------------------------------------

    def get_config(self):
        config = super().get_config()
        config.update(
            num_groups=self.num_groups, num_entries=self.num_entries,
            code_dim=self.code_dim, final_dim=self.final_dim,
            mask_prob=self.mask_prob, mask_length=self.mask_length,
            num_negatives=self.num_negatives, temperature=self.temperature,
            gumbel_start=self.gumbel_start, gumbel_end=self.gumbel_end,
            gumbel_decay=self.gumbel_decay, diversity_weight=self.diversity_weight,
            feature_penalty_weight=self.feature_penalty_weight,
            feature_grad_scale=self.feature_grad_scale,
            collapse_ratio=self.collapse_ratio, total_steps=self.total_steps,
        )
        return config


def _check_encoder(encoder):
    missing = [name for name in _FRAME_API if not hasattr(encoder, name)]
    if missing:
        raise TypeError(
            f"Wav2Vec2 needs a keras_ssl.encoders.Wav2Vec2Encoder, which exposes "
            f"the feature frames, their projection and the context network "
            f"({', '.join(_FRAME_API)}); {getattr(encoder, 'name', encoder)!r} "
            f"lacks {', '.join(missing)}."
        )


def _check_arguments(model):
    checks = (
        ("mask_prob", 0.0 < model.mask_prob <= 1.0, "in (0, 1] (paper: 0.065)"),
        ("mask_length", model.mask_length >= 1, ">= 1 (paper: 10)"),
        ("num_negatives", model.num_negatives >= 1, ">= 1 (paper: 100)"),
        ("temperature", model.temperature > 0, "> 0 (paper: 0.1)"),
        ("feature_grad_scale", 0.0 <= model.feature_grad_scale <= 1.0, "in [0, 1]"),
        ("total_steps", model.total_steps is None or model.total_steps > 0,
         "a positive number of steps or None"),
    )
    for name, ok, expected in checks:
        if not ok:
            raise ValueError(f"Wav2Vec2's {name} must be {expected}; got {getattr(model, name)}.")
