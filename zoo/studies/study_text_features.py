"""Study (issue 17, item 2): which features of a text encoder carry the
fortune topics, under the issue's probe protocol.

For one encoder (a shipped preset, a saved MaskedLM/SimCSE `.keras`, or a
random-init `TextTransformer` of a given width on the MLM preset's
vocabulary) it prints the topic probe at 20 labels per class and with all
labels for: the mean of the embedding layer's output, the mean of the last
layer (what the encoder returns with `pooling="mean"`), the means of all
layers concatenated, and mean+max pooling. With `--counts` it also probes
bag-of-WordPiece counts of the same tokenizer at several truncation
lengths (no network at all). Needs the fortune files.

    python zoo/studies/study_text_features.py mlm_transformer_fortunes
    python zoo/studies/study_text_features.py random --width 256 --counts
    python zoo/studies/study_text_features.py /tmp/mlm.keras
"""

import argparse

import keras
import numpy as np

import keras_ssl
from keras_ssl.datasets.fortunes_data import fortunes_topics
from keras_ssl.evaluation.fortunes_protocol import topic_probe_metrics

FIRST_WORDPIECE = 4  # ids 0-3: [PAD], [CLS], [SEP], [MASK] / [UNK]


def load(name, width):
    if name == "random":
        keras.utils.set_random_seed(0)
        tokenizer = keras_ssl.load_encoder("mlm_transformer_fortunes").tokenizer
        return keras_ssl.encoders.TextTransformer(
            vocabulary=tokenizer.get_vocabulary(), hidden_dim=width,
            intermediate_dim=2 * width, num_heads=2,
        )
    if name.endswith(".keras"):
        return keras.saving.load_model(name).encoder
    return keras_ssl.load_encoder(name)


def pooled_features(encoder, texts):
    backbone = encoder.backbone
    outputs = [backbone.get_layer("embeddings_layer_norm").output] + [
        layer.output for layer in backbone.layers if "transformer_layer" in layer.name
    ]
    every_layer = keras.Model(backbone.inputs, outputs)
    ids = np.asarray(encoder.tokenize(texts))
    mask = (ids != 0).astype("float32")[..., None]
    layers = every_layer.predict(ids, batch_size=256, verbose=0)
    means = [np.sum(x * mask, 1) / mask.sum(1) for x in layers]
    maxes = [np.max(np.where(mask > 0, x, -np.inf), 1) for x in layers]
    return {
        "embedding layer, mean": means[0],
        "last layer, mean (the encoder)": means[-1],
        "all layers, means": np.concatenate(means, 1),
        "last layer, mean+max": np.concatenate([means[-1], maxes[-1]], 1),
    }


def wordpiece_counts(tokenizer, texts, length):
    counts = np.zeros((len(texts), tokenizer.vocabulary_size()), "float32")
    for row, text in zip(counts, texts):
        ids = np.asarray(tokenizer(text))[: length - 2]
        np.add.at(row, ids[ids >= FIRST_WORDPIECE], 1)
    return counts


def report(label, train, y_train, test, y_test):
    figures = topic_probe_metrics(train, y_train, test, y_test)
    print(
        f"{label:44s} dim {train.shape[1]:5d}   20/class "
        f"{100 * figures['probe_accuracy_20_per_class']:5.1f}   all "
        f"{100 * figures['probe_accuracy_all']:5.1f}",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("encoder", help="preset name, path.keras, or random")
    parser.add_argument("--width", type=int, default=64, help="random only")
    parser.add_argument("--counts", action="store_true")
    args = parser.parse_args()
    (x_train, y_train), (x_test, y_test), _ = fortunes_topics()
    encoder = load(args.encoder, args.width)
    print(f"encoder: {args.encoder} (hidden_dim {encoder.hidden_dim}, "
          f"sequence_length {encoder.sequence_length})")
    train = pooled_features(encoder, x_train)
    test = pooled_features(encoder, x_test)
    for label in train:
        report(label, train[label], y_train, test[label], y_test)
    if args.counts:
        for length in (64, 128, 10**6):
            report(
                f"WordPiece counts, first {length} tokens",
                wordpiece_counts(encoder.tokenizer, x_train, length), y_train,
                wordpiece_counts(encoder.tokenizer, x_test, length), y_test,
            )


if __name__ == "__main__":
    main()
