"""The only place keras_ssl touches private Keras attributes.

Each one below is something a custom train step needs and Keras exposes no
public way to reach. `tests/test_keras_compat.py` checks every one against
the installed Keras, so a Keras release that renames one fails loudly there
instead of silently breaking training.
"""


def loss_tracker(model):
    """The `Mean` metric behind the `loss` entry of `fit`'s logs.

    Keras creates it in `compile()` (`Trainer._loss_tracker`) and updates it
    in its own train step; a model with its own step updates it itself (a
    second tracker named `loss` would clash with it).
    """
    tracker = getattr(model, "_loss_tracker", None)
    if tracker is None:
        raise RuntimeError(
            f"{model.name} has no loss tracker: call compile() before "
            f"training, or this Keras version moved Trainer._loss_tracker "
            f"(keras_ssl.keras_compat needs updating)."
        )
    return tracker


#: The keyword `fit` passes to `evaluate` for the validation pass of each
#: epoch, with the input already adapted (Keras's cached eval iterator).
CACHED_VALIDATION_KEYWORD = "_use_cached_eval_dataset"


def is_validation_pass(evaluate_kwargs):
    """True when `evaluate` is `fit`'s own per-epoch validation pass."""
    return bool(evaluate_kwargs.get(CACHED_VALIDATION_KEYWORD))


def own_variables(layer):
    """The variables a layer or model created itself (not its sub-layers'),
    in the order Keras saves them (`save_own_variables`): trainable first."""
    return list(layer._trainable_variables) + list(layer._non_trainable_variables)


def keras_home():
    """Keras's own folder (`$KERAS_HOME`, else `~/.keras`, else
    `/tmp/.keras` when that is not writable): where `keras.utils.get_file`
    and `keras.datasets` cache their downloads. Keras has no public name
    for it (`keras.src.backend.config.keras_home`)."""
    from keras.src.backend import config

    return config.keras_home()
