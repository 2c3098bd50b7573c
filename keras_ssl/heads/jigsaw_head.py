"""The jigsaw puzzle's permutation classifier head."""

from keras_ssl.heads.mlp_head import MLPHead
from keras_ssl.serialization import keras_ssl_serializable


@keras_ssl_serializable
class JigsawHead(MLPHead):
    """Predicts which permutation shuffled a puzzle's tiles.

    In Noroozi & Favaro 2016 the shared branches' tile features are
    concatenated and go through fully connected layers that end in a
    softmax over the permutation set (fc7 then fc8 of its AlexNet). Here
    the input is the concatenation of the 9 tiles' encoder features in slot
    order, `(N, 9 * D)`; hidden Dense-BN-ReLU blocks (the paper's fc7), then
    a linear layer giving one logit per permutation.

    Reference: https://arxiv.org/abs/1603.09246

    Args:
        num_permutations: int. Number of puzzle classes.
        hidden_units: tuple of int. Widths of hidden blocks (none: linear).

    Example:
    ```python
    head = keras_ssl.heads.jigsaw_head.JigsawHead(100, hidden_units=(256,))
    logits = head(np.zeros((8, 9 * 64)))  # (8, 100)
    ```
    """

    def __init__(self, num_permutations, hidden_units=(512,), **kwargs):
        kwargs.pop("blocks", None)
        hidden = [(units, True, "relu") for units in hidden_units]
        super().__init__(blocks=hidden + [(num_permutations, False, None)], **kwargs)
        self.num_permutations = int(num_permutations)
        self.hidden_units = tuple(hidden_units)

    def get_config(self):
        config = super().get_config()
        del config["blocks"]
        config.update(
            num_permutations=self.num_permutations, hidden_units=self.hidden_units
        )
        return config
