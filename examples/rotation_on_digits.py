"""Why rotation prediction helps little on digits: which rotations it cannot tell.

RotNet (Gidaris et al. 2018, https://arxiv.org/abs/1803.07728) learns
features by telling 0, 90, 180 and 270 degree rotations apart. Several
digits look the same, or like another digit, after a rotation: 0, 1 and 8
are near-symmetric under 180 degrees, and a 6 turned by 180 degrees is a 9.
For those, the pretext task has no right answer, so it teaches nothing about
them. This script measures it on the `rotation_convnet_mnist5k` preset:

- the preset's own rotation accuracy on the 1,000 mnist5k test digits, per
  digit class and per rotation (the pretext task, no labels used to train);
- linear-probe accuracy per digit class with 10 labels per class (5 draws),
  for the preset and for a random-init ConvNet (the baseline it ties).

    python examples/rotation_on_digits.py
"""

import argparse

import keras
import numpy as np

import keras_ssl
from keras_ssl.evaluation import extract_features


def rotation_accuracy(model, images, labels):
    """`(10, 4)` accuracy of the pretext head by digit class and rotation."""
    table = np.zeros((10, 4))
    for k in range(4):
        rotated = np.rot90(images, k, axes=(1, 2))
        logits = model.head(model.encoder.predict(rotated, verbose=0, batch_size=500))
        predicted = np.argmax(keras.ops.convert_to_numpy(logits), axis=-1)
        for digit in range(10):
            table[digit, k] = np.mean(predicted[labels == digit] == k)
    return table


def per_class_probe(encoder, train, test, draws, seed):
    """Per-class test accuracy of 10-labels/class linear probes, mean of
    `draws` draws: a softmax layer on standardized frozen features, trained
    as `keras_ssl.evaluation.linear_probe` trains it (Adam 1e-2, 100 epochs,
    batch N // 8)."""
    train_features = extract_features(encoder, train[0])
    test_features = extract_features(encoder, test[0])
    scores = []
    for draw in range(draws):
        subset = keras_ssl.datasets.per_class_subset(train[1], 10, seed=seed + draw)
        x, y = train_features[subset], train[1][subset]
        mean, std = x.mean(0), x.std(0) + 1e-6
        keras.utils.set_random_seed(seed + draw)
        probe = keras.Sequential([keras.Input(x.shape[1:]), keras.layers.Dense(10)])
        probe.compile(
            keras.optimizers.Adam(1e-2),
            keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        )
        probe.fit((x - mean) / std, y, epochs=100, batch_size=len(x) // 8, verbose=0)
        logits = probe.predict((test_features - mean) / std, verbose=0)
        predicted = np.argmax(logits, axis=-1)
        scores.append([np.mean(predicted[test[1] == d] == d) for d in range(10)])
    return np.mean(scores, axis=0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    train = keras_ssl.datasets.mnist5k("train")
    test = keras_ssl.datasets.mnist5k("test")
    model = keras_ssl.RotationPrediction.from_preset("rotation_convnet_mnist5k")
    table = rotation_accuracy(model, *test)
    print("Pretext rotation accuracy (%) on the test digits, by digit and rotation:\n")
    print("| digit | 0 deg | 90 deg | 180 deg | 270 deg | mean |\n|---|---:|---:|---:|---:|---:|")
    for digit in range(10):
        cells = " | ".join(f"{100 * v:.1f}" for v in table[digit])
        print(f"| {digit} | {cells} | {100 * table[digit].mean():.1f} |")
    keras.utils.set_random_seed(args.seed)
    random_init = keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1))
    rotation = per_class_probe(model.encoder, train, test, args.draws, args.seed)
    baseline = per_class_probe(random_init, train, test, args.draws, args.seed)
    print(f"\nLinear probe, 10 labels/class ({args.draws} draws), test accuracy (%) by digit:\n")
    print("| digit | rotation preset | random-init ConvNet | difference |\n|---|---:|---:|---:|")
    for digit in range(10):
        print(f"| {digit} | {100 * rotation[digit]:.1f} | {100 * baseline[digit]:.1f} "
              f"| {100 * (rotation[digit] - baseline[digit]):+.1f} |")
    print(f"| mean | {100 * rotation.mean():.1f} | {100 * baseline.mean():.1f} "
          f"| {100 * (rotation.mean() - baseline.mean()):+.1f} |")


if __name__ == "__main__":
    main()
