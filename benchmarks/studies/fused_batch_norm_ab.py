"""A/B of keras_ssl's fused BatchNormalization against Keras's own.

A finished study (its result is in BENCHMARKS.md, "Where the speed comes
from"); rerun it when Keras, TensorFlow or PyTorch change, to see whether
the fused kernel is still worth its code.

Builds each row of `benchmarks/throughput.py` twice in one process, once with
`keras_ssl.layers.BatchNormalization` taking its fused kernel and once with
the kernel switched off (so the layer runs Keras's ops, exactly as
`keras.layers.BatchNormalization`), warms both up, then times their epochs
in turns and prints the median of the paired speed-ups.

    KERAS_BACKEND=tensorflow python benchmarks/studies/fused_batch_norm_ab.py
    KERAS_BACKEND=torch python benchmarks/studies/fused_batch_norm_ab.py --rows simclr_convnet
"""

import argparse
import os
import sys
import time

import numpy as np

# benchmarks/, where throughput.py and its modules are.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import throughput  # noqa: E402
from keras_ssl.layers import batch_normalization  # noqa: E402

FUSED = batch_normalization.fused_batch_norm_training


def keras_ops_only(*args):
    """The kernel switched off: the layer falls back to Keras's ops."""
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", default="simclr_convnet,byol_convnet,simclr_resnet18")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    import keras

    print(f"backend {keras.backend.backend()}, {args.rounds} rounds")
    print("| configuration | Keras BN images/s | fused BN images/s | paired speed-up |")
    print("|---|---|---|---|")
    for row in args.rows.split(","):
        variants = {"keras": keras_ops_only, "fused": FUSED}
        runs = {}
        for name, kernel in variants.items():
            # TensorFlow traces the kernel choice into the step at warm-up;
            # eager backends read it at every call, so it is set each epoch.
            batch_normalization.fused_batch_norm_training = kernel
            runs[name] = throughput.KerasSSLRun(row, "compute", "auto")
            runs[name].epoch()
        seconds = {name: [] for name in runs}
        for _ in range(args.rounds):
            for name, run in runs.items():
                batch_normalization.fused_batch_norm_training = variants[name]
                time.sleep(throughput.REST_S)
                seconds[name].append(run.epoch())
        count = runs["fused"].count
        speed_up = throughput.paired_ratio(seconds["fused"], seconds["keras"], count, count)
        print(
            f"| {row} | {count / np.median(seconds['keras']):.1f} "
            f"| {count / np.median(seconds['fused']):.1f} | {speed_up:.2f}x |",
            flush=True,
        )
    batch_normalization.fused_batch_norm_training = FUSED


if __name__ == "__main__":
    main()
