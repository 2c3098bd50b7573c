"""Text label efficiency on Debian's fortunes (issue 17's protocol).

Six fortune categories (computers, politics, science, songs-poems, startrek,
definitions; fortunes of >= 5 words), split by
`train_test_split(test_size=0.3, stratify=labels, random_state=0)`
(`keras_ssl.datasets.fortunes_topics`). Features are probed with
`LogisticRegression(max_iter=3000)` on `StandardScaler`-ed features, with 20
labels per class (mean of `--draws` draws) and with all labels:

- TF-IDF: `TfidfVectorizer(min_df=2)` fit on every unlabeled fortune;
- a random-init TextTransformer (the presets' architecture and vocabulary);
- the `mlm_transformer_fortunes` and `simcse_transformer_fortunes` presets;
- a fine-tuned `TextClassifier` from the SimCSE preset (accuracy of its own
  softmax head; 20 per class: draw 0 only).

The same rows on issue 33's six held-out topics
(`keras_ssl.datasets.HELDOUT_TOPIC_CATEGORIES`: fortunes, knghtbrd, linux,
platitudes, wisdom, work; drawn by a fixed rule before any text recipe was
measured on them), split the same way: `--topics heldout`, or `both` (the
default). Needs the fortune files (`apt-get install fortunes`). Prints a
markdown table per topic set.

    python examples/text_label_efficiency.py
"""

import argparse
import time

import keras
import numpy as np

import keras_ssl
from keras_ssl.datasets.mnist5k_data import per_class_subset
from keras_ssl.evaluation.fortunes_protocol import FEW_LABELS
from keras_ssl.evaluation.fortunes_protocol import topic_probe_metrics

FEW = f"probe_accuracy_{FEW_LABELS}_per_class"


def tfidf_metrics(x_train, y_train, x_test, y_test, draws):
    from sklearn.feature_extraction.text import TfidfVectorizer

    unlabeled, _, _ = keras_ssl.datasets.fortunes()
    vectorizer = TfidfVectorizer(min_df=2).fit(unlabeled)
    return topic_probe_metrics(
        vectorizer.transform(x_train), y_train, vectorizer.transform(x_test), y_test,
        draws=draws,
    )


def encoder_metrics(encoder, x_train, y_train, x_test, y_test, draws):
    train = np.asarray(encoder.predict(x_train, batch_size=256, verbose=0))
    test = np.asarray(encoder.predict(x_test, batch_size=256, verbose=0))
    return topic_probe_metrics(train, y_train, test, y_test, draws=draws)


def random_encoder(like):
    keras.utils.set_random_seed(0)
    return keras_ssl.encoders.TextTransformer(
        vocabulary=like.tokenizer.get_vocabulary(),
        sequence_length=like.sequence_length, num_layers=like.num_layers,
        num_heads=like.num_heads, hidden_dim=like.hidden_dim,
        intermediate_dim=like.intermediate_dim, dropout=like.dropout,
        pooling=like.pooling,
    )


def load_text_encoder(spec):
    """A preset's encoder, or the encoder of a saved `.keras` text model
    (e.g. one written by `zoo/studies/study_mlm.py --output`)."""
    if spec.endswith(".keras"):
        return keras.saving.load_model(spec).encoder
    return keras_ssl.load_encoder(spec)


def fine_tuned_accuracy(spec, x_train, y_train, x_test, y_test, args):
    keras.utils.set_random_seed(0)
    classifier = keras_ssl.TextClassifier(
        load_text_encoder(spec), num_classes=int(np.max(y_train)) + 1,
        mode="finetune", dropout=0.1,
    )
    classifier.compile(optimizer=keras.optimizers.Adam(args.finetune_learning_rate))
    classifier.fit(
        x_train, y_train, epochs=args.finetune_epochs,
        batch_size=min(32, len(x_train)), verbose=0,
    )
    logs = classifier.evaluate(x_test, y_test, verbose=0, return_dict=True)
    return float(logs["accuracy"])


def topic_rows(categories, args):
    """The table's rows on one set of six topics: (name, metrics)."""
    (x_train, y_train), (x_test, y_test), _ = keras_ssl.datasets.fortunes_topics(
        categories=categories
    )
    data = (x_train, y_train, x_test, y_test)
    mlm = load_text_encoder(args.mlm)
    rows = [
        ("TF-IDF (`TfidfVectorizer(min_df=2)` on all fortunes)",
         tfidf_metrics(*data, args.draws)),
        ("random-init `TextTransformer`",
         encoder_metrics(random_encoder(mlm), *data, args.draws)),
        (f"`{args.mlm}` preset", encoder_metrics(mlm, *data, args.draws)),
        (f"`{args.simcse}` preset",
         encoder_metrics(load_text_encoder(args.simcse), *data, args.draws)),
    ]
    few = per_class_subset(y_train, FEW_LABELS, seed=0)
    start_from = args.fine_tune_from or args.simcse
    rows.append((
        f"fine-tuned `TextClassifier` from `{start_from}` "
        f"({args.finetune_epochs} epochs, Adam {args.finetune_learning_rate:g})",
        {
            FEW: fine_tuned_accuracy(
                start_from, [x_train[i] for i in few], y_train[few], x_test,
                y_test, args,
            ),
            "probe_accuracy_all": fine_tuned_accuracy(start_from, *data, args),
        },
    ))
    print(
        f"\nSix fortune topics ({', '.join(categories)}): {len(x_train):,} train / "
        f"{len(x_test):,} test; 20/class probes: mean of {args.draws} draws; "
        f"fine-tuning at 20/class: draw 0.\n"
    )
    print(f"| features | {FEW_LABELS} labels / class | all labels |")
    print("|---|---|---|")
    for name, metrics in rows:
        print(f"| {name} | {100 * metrics[FEW]:.1f}% | {100 * metrics['probe_accuracy_all']:.1f}% |")
    return rows


TOPIC_SETS = {
    "protocol": keras_ssl.datasets.TOPIC_CATEGORIES,
    "heldout": keras_ssl.datasets.HELDOUT_TOPIC_CATEGORIES,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=5)
    parser.add_argument("--finetune-epochs", type=int, default=3)
    parser.add_argument("--finetune-learning-rate", type=float, default=3e-4)
    parser.add_argument("--mlm", default="mlm_transformer_fortunes",
                        help="preset name or directory, or a saved .keras model")
    parser.add_argument("--simcse", default="simcse_transformer_fortunes",
                        help="preset name or directory, or a saved .keras model")
    parser.add_argument("--fine-tune-from", default=None,
                        help="what the TextClassifier starts from (default: --simcse)")
    parser.add_argument("--topics", choices=("protocol", "heldout", "both"),
                        default="both",
                        help="the protocol's six topics, the six held-out ones, or both")
    args = parser.parse_args()
    start = time.perf_counter()
    for name, categories in TOPIC_SETS.items():
        if args.topics in (name, "both"):
            topic_rows(categories, args)
    print(f"\n({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
