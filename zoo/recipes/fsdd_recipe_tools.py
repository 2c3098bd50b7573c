"""What FSDD recipes share: FSDD's training takes as length-bucketed
batches for pretraining, and the recipe's check on the validation takes.

Pretraining sees takes 5-49 of all six speakers without labels. Padding
every clip to FSDD's longest (2.3 s) would spend most steps on zeros (the
median clip is 0.43 s), so the clips are shuffled each epoch and batched by
length: each batch is padded to the next of a few fixed lengths (one
compiled step per length).
"""

import os

import numpy as np

import keras_ssl

#: Where the real recordings are on the project's machines (CI has them).
DEFAULT_FSDD = os.environ.get(
    "KERAS_SSL_FSDD",
    os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data", "fsdd"),
)

#: Padded lengths (samples) of the pretraining batches.
BUCKET_LENGTHS = (2048, 4096, 6144, 8192, 12288, 18432)

DATA = (
    "The Free Spoken Digit Dataset (Jackson et al., CC BY-SA 4.0): takes "
    "5-49 of its six speakers (2,700 recordings, 8 kHz), labels unused"
)
SPLIT = (
    "pretrained on takes 5-49 of all six speakers without labels; recipe "
    "checked on the validation split (probe on takes 10-49, scored on takes "
    "5-9); figures on the official test takes 0-4, never used to choose"
)


def unlabeled_clips(path, quick=False):
    """FSDD's training takes as a list of 1-D int16 clips."""
    audio, _ = keras_ssl.datasets.fsdd("train", path=path)
    lengths = audio["padding_mask"].sum(axis=1)
    clips = [wave[:length] for wave, length in zip(audio["waveform"], lengths)]
    return clips[::10] if quick else clips


def bucketed_dataset(clips, batch_size, seed, labels=None):
    """Shuffled each epoch, batched by length, padded to `BUCKET_LENGTHS`.

    Returns `(dataset, steps_per_epoch)`; the dataset yields
    `{"waveform": float32 (B, T), "padding_mask": bool (B, T)}`, with the
    batch's labels beside it when `labels` is given.
    """
    import tensorflow as tf

    lengths = np.array([len(clip) for clip in clips])
    if lengths.max() > BUCKET_LENGTHS[-1]:
        raise ValueError(f"A clip of {lengths.max()} samples is over {BUCKET_LENGTHS[-1]}.")
    padded = np.zeros((len(clips), lengths.max()), "int16")
    for row, clip in enumerate(clips):
        padded[row, : len(clip)] = clip
    targets = np.zeros(len(clips), "int64") if labels is None else np.asarray(labels)
    dataset = tf.data.Dataset.from_tensor_slices((padded, lengths, targets))
    dataset = dataset.shuffle(len(clips), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.map(
        lambda wave, length, label: (
            tf.cast(wave[:length], tf.float32) / 32768.0,
            tf.ones([length], tf.bool),
            label,
        )
    )
    # A clip of length L goes to the first bucket with L < boundary and is
    # padded to boundary - 1, that is to the first of BUCKET_LENGTHS >= L.
    boundaries = [length + 1 for length in BUCKET_LENGTHS]
    dataset = dataset.bucket_by_sequence_length(
        lambda wave, mask, label: tf.shape(wave)[0],
        bucket_boundaries=boundaries,
        bucket_batch_sizes=[batch_size] * (len(boundaries) + 1),
        padded_shapes=([None], [None], []),
        pad_to_bucket_boundary=True,
        drop_remainder=False,
    )

    def to_bucket_length(wave, mask, label):
        audio = {"waveform": wave, "padding_mask": mask}
        return audio if labels is None else (audio, label)

    bucket = np.searchsorted(BUCKET_LENGTHS, lengths)
    steps = int(sum(-(-np.sum(bucket == b) // batch_size) for b in range(len(BUCKET_LENGTHS))))
    # Known cardinality: Keras then runs every epoch to its end without
    # "ran out of data" (bucketing hides the count from tf.data).
    dataset = dataset.map(to_bucket_length).apply(tf.data.experimental.assert_cardinality(steps))
    return dataset.prefetch(tf.data.AUTOTUNE), steps


def trimmed_clips(audio):
    """The clips of a padded FSDD audio dict, each cut to its length."""
    lengths = audio["padding_mask"].sum(axis=1)
    return [wave[:length] for wave, length in zip(audio["waveform"], lengths)]


def fine_tune_function(make_encoder, epochs=20, batch_size=32):
    """A `fsdd_metrics(fine_tune=...)` callable: `AudioClassifier` with its
    defaults on `make_encoder()` (a copy of the pretrained encoder, or a
    random-init one for the from-scratch baseline), trained on
    length-bucketed batches, scored on the test clips."""

    def fine_tune(train, test, seed):
        (audio, labels), (test_audio, test_labels) = train, test
        dataset, _ = bucketed_dataset(trimmed_clips(audio), batch_size, seed, labels)
        classifier = keras_ssl.AudioClassifier(make_encoder(), num_classes=10)
        classifier.compile()
        classifier.fit(dataset, epochs=epochs, verbose=0)
        test_set, _ = bucketed_dataset(trimmed_clips(test_audio), 64, seed, test_labels)
        return classifier.evaluate(test_set, verbose=0, return_dict=True)["accuracy"]

    return fine_tune
