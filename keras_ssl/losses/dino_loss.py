"""DINO's self-distillation loss: student crops against the teacher's globals."""

from keras import ops

from keras_ssl.serialization import keras_ssl_serializable

__all__ = ["dino_center_update", "dino_loss"]


def _check(student, teacher, student_temperature, teacher_temperature):
    if not student_temperature > 0:
        raise ValueError(
            f"student_temperature must be > 0; got {student_temperature}."
        )
    if isinstance(teacher_temperature, (int, float)) and not teacher_temperature > 0:
        raise ValueError(
            f"teacher_temperature must be > 0; got {teacher_temperature}."
        )
    if len(teacher) < 1 or len(student) < len(teacher):
        raise ValueError(
            f"dino_loss takes a list of teacher outputs (the global crops) "
            f"and a list of student outputs whose first entries are the same "
            f"global crops, then any local crops; got {len(teacher)} teacher "
            f"and {len(student)} student outputs."
        )
    shape = tuple(teacher[0].shape)
    for output in list(student) + list(teacher):
        if len(output.shape) != 2 or tuple(output.shape)[1] != shape[1]:
            raise ValueError(
                f"Every student and teacher output must be (N, K) with the "
                f"same K; got shapes {[tuple(o.shape) for o in student]} "
                f"(student) and {[tuple(o.shape) for o in teacher]} (teacher)."
            )


@keras_ssl_serializable
def dino_loss(
    student,
    teacher,
    center,
    student_temperature=0.1,
    teacher_temperature=0.04,
):
    """DINO's cross-entropy between teacher and student crops, per example.

    Caron et al. 2021, Algorithm 1: `H(t, s) = -sum(softmax((t - C) /
    tau_t) * log softmax(s / tau_s))` over the K output dimensions, the
    teacher's output centred by C and sharpened by its lower temperature,
    its gradient stopped. With multi-crop every teacher (global) crop is
    compared with every student crop except the same view, and the loss is
    the mean over those pairs (as in DINO's code).

    Reference: https://arxiv.org/abs/2104.14294

    Args:
        student: list of float tensors `(N, K)`: the student's outputs, the
            global crops first, in the teacher's order, then the local crops.
        teacher: list of float tensors `(N, K)`: the teacher's outputs on the
            global crops (their gradient is stopped here).
        center: float tensor `(K,)` or `(1, K)`. The teacher's center C.
        student_temperature: float > 0. tau_s (paper: 0.1).
        teacher_temperature: float or scalar tensor > 0. tau_t (paper: 0.04
            warmed up to 0.07).

    Returns:
        float32 tensor `(N,)`: each example's cross-entropy, averaged over
        the `len(teacher) * len(student) - len(teacher)` pairs.

    Example:
    ```python
    student = [np.random.rand(8, 64) for _ in range(6)]  # 2 global + 4 local
    teacher = [np.random.rand(8, 64) for _ in range(2)]
    loss = keras.ops.mean(
        keras_ssl.losses.dino_loss(student, teacher, np.zeros(64))
    )
    ```
    """
    _check(student, teacher, student_temperature, teacher_temperature)
    center = ops.reshape(ops.cast(center, "float32"), (1, -1))
    targets = [
        ops.softmax(
            (ops.stop_gradient(ops.cast(t, "float32")) - center)
            / teacher_temperature,
            axis=-1,
        )
        for t in teacher
    ]
    log_probs = [
        ops.log_softmax(ops.cast(s, "float32") / student_temperature, axis=-1)
        for s in student
    ]
    total, pairs = 0.0, 0
    for t_index, target in enumerate(targets):
        for s_index, log_prob in enumerate(log_probs):
            if s_index == t_index:
                continue  # the same view through both networks
            total = total - ops.sum(target * log_prob, axis=-1)
            pairs += 1
    return total / pairs


def dino_center_update(center, teacher, momentum=0.9):
    """The teacher center's moving-average step (Algorithm 1).

    `C <- m C + (1 - m) mean(t1, t2)`: the mean over the batch and the
    teacher's crops of its raw (uncentred) outputs.

    Args:
        center: float tensor `(K,)`. The current center.
        teacher: list of float tensors `(N, K)`, or one `(M, K)` tensor: the
            teacher's outputs over the (global) batch.
        momentum: float in [0, 1]. m (paper: 0.9).

    Returns:
        The new center, float32 `(K,)`.
    """
    if not 0.0 <= momentum <= 1.0:
        raise ValueError(f"center_momentum must be in [0, 1]; got {momentum}.")
    if isinstance(teacher, (list, tuple)):
        teacher = ops.concatenate(list(teacher), axis=0)
    batch_center = ops.mean(ops.cast(teacher, "float32"), axis=0)
    center = ops.reshape(ops.cast(center, "float32"), (-1,))
    return momentum * center + (1.0 - momentum) * batch_center
