"""The two-stage recipe of `Classifier.fit`: the head first, then everything.

Kept apart from the classifier base so the base reads as the task's shape
(modes, compile defaults, config) and this as the training schedule.
"""

import warnings

#: Share of `fit`'s epochs spent on the head alone when `head_epochs` is
#: None: 10 of 50 epochs, the split that beat the probe on mnist5k (see
#: `ImageClassifier`).
HEAD_FRACTION = 0.2


def head_stage_epochs(head_epochs, epochs):
    """Epochs of the head-only stage of a `fit(epochs=epochs)`.

    Args:
        head_epochs: int or None. The classifier's setting; None:
            `HEAD_FRACTION` of `epochs`, at least 1.
        epochs: int. The epochs `fit` was asked for.

    Returns:
        int in `[1, epochs]`: when it equals `epochs`, the encoder stage does
        not run (a short fit trains the head only).
    """
    if head_epochs is None:
        head_epochs = max(1, round(HEAD_FRACTION * epochs))
    return min(int(head_epochs), int(epochs))


def fit_two_stage(model, fit, compile, x, y, epochs, validation_data, **kwargs):
    """Run both stages on `model` (a `Classifier`) with Keras's `fit`.

    Args:
        model: the `Classifier`.
        fit, compile: `keras.Model.fit` and `keras.Model.compile` bound to
            `model` (the parent's, not the classifier's own, which call
            this).
        x, y, epochs, validation_data, **kwargs: `fit`'s arguments.

    Returns:
        One `History` holding the epochs of both stages.
    """
    if model._compile_arguments is None:
        raise ValueError("Call compile() (with no arguments for the defaults) before fit().")
    kwargs.pop("initial_epoch", None)
    head_epochs = head_stage_epochs(model.head_epochs, epochs)
    model.set_encoder_trainable(False)
    compile(**model._stage_compile_arguments(learning_rate_factor=1.0))
    head = fit(x, y, epochs=head_epochs, validation_data=validation_data, **kwargs)
    if head_epochs == epochs:
        if model.head_epochs is not None and model.head_epochs >= epochs:
            warnings.warn(
                f"mode='two_stage' trained only the head: head_epochs="
                f"{model.head_epochs} >= epochs={epochs}. Pass epochs > "
                f"{model.head_epochs} (or head_epochs=None, a fifth of the "
                f"epochs) to fine-tune the encoder too.",
                stacklevel=3,
            )
        return head
    head_history = dict(head.history), list(head.epoch)
    model.set_encoder_trainable(True)
    compile(**model._stage_compile_arguments(model.encoder_learning_rate_factor))
    whole = fit(
        x, y, epochs=epochs, initial_epoch=head_epochs,
        validation_data=validation_data, **kwargs,
    )
    whole.history = {
        key: head_history[0].get(key, []) + values
        for key, values in whole.history.items()
    }
    whole.epoch = head_history[1] + list(whole.epoch)
    return whole
