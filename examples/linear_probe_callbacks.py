"""Watch an encoder improve during pretraining, with Keras's own callbacks.

Pretrains SimCLR (or the method named by --method) on the unlabeled
mnist5k digits while `LinearProbe`, `KNNMonitor` and `CollapseMonitor`
write `val_probe_accuracy`, `val_knn_accuracy` and `embedding_std` into the
logs; EarlyStopping, ModelCheckpoint and CSVLogger, placed after them, use
those keys like any validation metric. Then the best checkpoint's encoder is
probed with all labels.

    python examples/linear_probe_callbacks.py --epochs 50
"""

import argparse
import os

import keras

import keras_ssl


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--method", default="SimCLR")
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--every-n-epochs", type=int, default=5)
    parser.add_argument("--patience", type=int, default=20)
    parser.add_argument("--output-dir", default="linear_probe_run")
    args = parser.parse_args()
    if not hasattr(keras_ssl, args.method):
        parser.error(f"keras_ssl has no method {args.method!r} in this version.")

    x_train, y_train = keras_ssl.datasets.mnist5k("train")
    x_test, y_test = keras_ssl.datasets.mnist5k("test")
    # The probe sees 10 labels per class; the model trains on no labels.
    few = keras_ssl.datasets.per_class_subset(y_train, 10, seed=0)
    os.makedirs(args.output_dir, exist_ok=True)
    best_path = os.path.join(args.output_dir, "best.keras")

    keras.utils.set_random_seed(0)
    model = getattr(keras_ssl, args.method)(
        encoder=keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1)), seed=0
    )
    model.compile()
    model.fit(
        x_train,
        epochs=args.epochs,
        batch_size=256,
        verbose=2,
        callbacks=[
            # The monitors first: they write the keys the others read.
            keras_ssl.callbacks.LinearProbe(
                labeled_train=(x_train[few], y_train[few]),
                labeled_val=(x_test, y_test),
                every_n_epochs=args.every_n_epochs,
            ),
            keras_ssl.callbacks.KNNMonitor(
                labeled_train=(x_train, y_train),
                labeled_val=(x_test, y_test),
                k=20,
                every_n_epochs=args.every_n_epochs,
            ),
            keras_ssl.callbacks.CollapseMonitor(x_train[:512]),
            keras.callbacks.EarlyStopping(
                monitor="val_probe_accuracy", mode="max", patience=args.patience,
                restore_best_weights=True,
            ),
            keras.callbacks.ModelCheckpoint(
                best_path, monitor="val_probe_accuracy", mode="max", save_best_only=True
            ),
            keras.callbacks.CSVLogger(os.path.join(args.output_dir, "log.csv")),
        ],
    )

    # For brevity the test split doubles as the probes' validation data;
    # hold out a validation split when the choice of checkpoint matters.
    best = keras.saving.load_model(best_path)
    result = keras_ssl.evaluation.linear_probe(
        best.encoder,
        train=(x_train, y_train),
        val=(x_test, y_test),
        epochs=100,
        callbacks=[
            keras.callbacks.EarlyStopping(
                monitor="val_accuracy", mode="max", patience=10, restore_best_weights=True
            )
        ],
    )
    print(
        f"Best checkpoint, linear probe with all 4,000 labels: "
        f"{100 * result['accuracy']:.1f}% (top-5 {100 * result['top_5_accuracy']:.1f}%, "
        f"{result['epochs']} probe epochs). Per-epoch log: "
        f"{os.path.join(args.output_dir, 'log.csv')}"
    )


if __name__ == "__main__":
    main()
