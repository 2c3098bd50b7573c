"""Issue 14's quality goals, recomputed under the mnist5k protocol
(`keras_ssl.evaluation.mnist5k_metrics`, 5 draws per budget):

- the `mae_vit_mnist5k_v2` preset's linear probe at 10 labels per class is at
  least 5 points above a random-init ViT of the same architecture;
- the `dino_convnet_mnist5k` preset's linear probe beats a random-init
  ConvNet at every label budget (1, 10, 100 per class and all).
"""

import keras
import pytest

import keras_ssl

pytestmark = pytest.mark.large


def random_like(encoder):
    """An untrained encoder of `encoder`'s class and config (seed 0)."""
    keras.utils.set_random_seed(0)
    return type(encoder).from_config(encoder.get_config())


def test_the_mae_preset_beats_a_random_init_vit_by_5_points_at_10_per_class():
    encoder = keras_ssl.load_encoder("mae_vit_mnist5k_v2")
    budget = (10,)
    pretrained = keras_ssl.evaluation.mnist5k_metrics(encoder, labels_per_class=budget)
    random = keras_ssl.evaluation.mnist5k_metrics(random_like(encoder), labels_per_class=budget)
    key = "probe_accuracy_10_per_class"
    assert pretrained[key] >= random[key] + 0.05, (pretrained, random)


def test_the_dino_preset_beats_a_random_init_conv_net_at_every_budget():
    encoder = keras_ssl.load_encoder("dino_convnet_mnist5k")
    pretrained = keras_ssl.evaluation.mnist5k_metrics(encoder)
    random = keras_ssl.evaluation.mnist5k_metrics(random_like(encoder))
    probes = [key for key in pretrained if key.startswith("probe_accuracy_")]
    assert len(probes) == 4, probes
    losing = {key: (pretrained[key], random[key]) for key in probes if pretrained[key] <= random[key]}
    assert not losing, losing
