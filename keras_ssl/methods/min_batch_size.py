"""The check that a batch holds enough examples for a method's loss."""


def check_batch_size(model, count, which="given"):
    """Raise if `count` examples per batch are too few for `model`'s loss.

    A contrastive loss over a batch of one has no negatives, and batch
    statistics over one example are degenerate: such a method sets
    `min_batch_size` and this check turns a silent non-training into an
    error that names the fix. A method that keeps a queue of embeddings
    defines `check_batch_capacity(count)`, which raises when one (global)
    batch would not fit in it.

    Args:
        model: an `SSLModel` (its `min_batch_size` class attribute).
        count: int or None (unknown, nothing to check). The batch size
            given to `fit`, or the size of the input's first batch.
        which: `"given"` or `"first"`, for the message.
    """
    needed = getattr(model, "min_batch_size", 1)
    if count is None or isinstance(count, bool):
        return
    # A method with a queue refuses a global batch larger than the queue.
    check_capacity = getattr(model, "check_batch_capacity", None)
    if check_capacity is not None:
        check_capacity(int(count))
    if count >= needed:
        return
    subject = (
        f"batch_size={count}" if which == "given"
        else f"the input's first batch holds {count} example(s)"
    )
    raise ValueError(
        f"{type(model).__name__} needs at least {needed} examples per batch "
        f"(its loss compares the examples of a batch with each other), but "
        f"{subject}. Use a larger batch (e.g. batch_size=256, or "
        f"dataset.batch(256)); a last, smaller batch of an epoch is fine: "
        f"its loss is skipped."
    )
