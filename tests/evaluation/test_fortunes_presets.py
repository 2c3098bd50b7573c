"""The fortunes presets beat a random-init encoder on the held-out topics
(issue 17's protocol: all labels, LogisticRegression on standardized
features). Needs Debian's fortune files."""

import keras
import pytest

import keras_ssl
from keras_ssl.datasets.fortunes_data import fortunes_available

pytestmark = [
    pytest.mark.large,
    pytest.mark.skipif(
        not fortunes_available(),
        reason="Debian's fortune files are absent (apt-get install fortunes)",
    ),
]


def random_like(encoder):
    keras.utils.set_random_seed(0)
    return keras_ssl.encoders.TextTransformer(
        vocabulary=encoder.tokenizer.get_vocabulary(),
        sequence_length=encoder.sequence_length, num_layers=encoder.num_layers,
        num_heads=encoder.num_heads, hidden_dim=encoder.hidden_dim,
        intermediate_dim=encoder.intermediate_dim, pooling=encoder.pooling,
    )


@pytest.mark.parametrize(
    "preset",
    ["mlm_transformer_fortunes", "mlm_transformer256_fortunes", "simcse_transformer_fortunes"],
)
def test_a_fortunes_preset_beats_random_init(preset):
    if preset not in {p["name"] for p in keras_ssl.list_presets()}:
        pytest.skip(f"{preset} is not shipped")
    encoder = keras_ssl.load_encoder(preset)
    pretrained = keras_ssl.evaluation.fortunes_topic_metrics(encoder, draws=1)
    random = keras_ssl.evaluation.fortunes_topic_metrics(random_like(encoder), draws=1)
    assert pretrained["probe_accuracy_all"] > random["probe_accuracy_all"] + 0.01, (
        pretrained, random,
    )
