"""Folders of WAV files (one subfolder per class, or none) as audio batches."""

import os
import wave

import numpy as np

from keras_ssl.data.audio_checks import MASK_KEY
from keras_ssl.data.audio_checks import WAVEFORM_KEY
from keras_ssl.data.audio_checks import check_sample_rate


def wav_header(path):
    """`(sample_rate, channels, sample_width_bytes, frames)` of a PCM WAV file.

    Args:
        path: str. The file.

    Example:
    >>> wav_header("recordings/0_jackson_0.wav")
    (8000, 1, 2, 5148)

    Raises:
        ValueError: naming the file if it is not a PCM WAV file.
    """
    try:
        with wave.open(os.fspath(path), "rb") as file:
            return (
                file.getframerate(), file.getnchannels(),
                file.getsampwidth(), file.getnframes(),
            )
    except (wave.Error, EOFError) as error:
        raise ValueError(
            f"{path!r} is not a readable PCM WAV file ({error}). Convert it "
            f"to 16-bit PCM WAV (e.g. ffmpeg -i in -acodec pcm_s16le out.wav)."
        ) from error


def check_wav_file(path, sample_rate):
    """Check one WAV file's header: mono, 16-bit, not empty, `sample_rate` Hz.

    Args:
        path: str. The file.
        sample_rate: int. The rate the model takes.

    Returns:
        The number of samples.

    Example:
    >>> check_wav_file("recordings/0_jackson_0.wav", 8000)
    5148
    """
    rate, channels, width, frames = wav_header(path)
    name = os.path.basename(path)
    if channels != 1:
        raise ValueError(
            f"{name} has {channels} channels, but the model takes mono audio. "
            f"Mix it down first (e.g. ffmpeg -i in.wav -ac 1 out.wav)."
        )
    if width != 2:
        raise ValueError(
            f"{name} holds {8 * width}-bit samples; keras_ssl reads 16-bit "
            f"PCM WAV. Convert it (ffmpeg -i in.wav -acodec pcm_s16le out.wav)."
        )
    if frames == 0:
        raise ValueError(f"{name} is empty (0 samples). Remove it from the folder.")
    check_sample_rate(rate, sample_rate, name)
    return frames


def read_wav(path, sample_rate):
    """The int16 samples of a mono 16-bit WAV file, its header checked.

    Args:
        path: str. The file.
        sample_rate: int. The rate the file must have (Hz).

    Returns:
        int16 array `(samples,)`.

    Example:
    >>> read_wav("recordings/0_jackson_0.wav", 8000).dtype
    dtype('int16')
    """
    check_wav_file(path, sample_rate)
    with wave.open(os.fspath(path), "rb") as file:
        frames = file.readframes(file.getnframes())
    return np.frombuffer(frames, "<i2").astype("int16")


def wav_files(directory):
    """Every `.wav` file below `directory` (symlinks followed), sorted.

    Args:
        directory: str. The folder.

    Example:
    >>> len(wav_files(keras_ssl.datasets.FSDD_SUBSET))
    120
    """
    found = []
    for root, _, files in os.walk(directory, followlinks=True):
        found.extend(
            os.path.join(root, name) for name in files if name.lower().endswith(".wav")
        )
    return sorted(found)


def _check_folder(directory, labels, sample_rate, sequence_length):
    if not os.path.isdir(directory):
        raise ValueError(
            f"from_audio_directory: {directory!r} is not a folder; pass a "
            f"folder of .wav files."
        )
    files = wav_files(directory)
    if not files:
        raise ValueError(
            f"from_audio_directory: {directory!r} holds no .wav files. Put "
            f"16-bit PCM WAV files in it (one subfolder per class for "
            f"labels='inferred')."
        )
    folders = {os.path.normpath(os.path.dirname(path)) for path in files}
    if labels == "inferred" and folders == {os.path.normpath(directory)}:
        raise ValueError(
            f"from_audio_directory: labels='inferred' reads one subfolder per "
            f"class, but the .wav files of {directory!r} are all at its top "
            f"level. Put each class's files in directory/<class>/, or pass "
            f"labels=None. (For FSDD's flat folder use keras_ssl.datasets.fsdd.)"
        )
    lengths = [check_wav_file(path, sample_rate) for path in files]
    if sequence_length is not None and max(lengths) > sequence_length:
        longest = files[int(np.argmax(lengths))]
        raise ValueError(
            f"from_audio_directory: {os.path.basename(longest)} has "
            f"{max(lengths)} samples, more than sequence_length="
            f"{sequence_length}. Pass sequence_length >= {max(lengths)} (or "
            f"None: each batch is padded to its longest clip); clips are "
            f"never cut."
        )


def from_audio_directory(
    directory,
    sample_rate,
    labels=None,
    batch_size=32,
    shuffle=True,
    seed=None,
    sequence_length=None,
    **kwargs,
):
    """Read a folder of WAV files as batches of padded waveforms and masks.

    Built on `keras.utils.audio_dataset_from_directory`. Every file's
    header is checked first (mono, 16-bit PCM, not empty, `sample_rate`
    Hz: nothing is resampled). Each batch is
    `{"waveform": float32 (B, T), "padding_mask": bool (B, T)}` (samples in
    [-1, 1], True on real samples, `T` the batch's longest clip or
    `sequence_length`), with int32 class ids beside it for
    `labels="inferred"`. `keras_ssl.inputs.AudioInputs` takes it as is.

    Args:
        directory: str. The folder: one subfolder per class
            (`directory/yes/*.wav`, `directory/no/*.wav`) with
            `labels="inferred"`; files anywhere below it with None.
        sample_rate: int. The rate (Hz) every file must have: the model's.
        labels: None (waveforms only) or `"inferred"` (`(batch, labels)`,
            class ids in the sorted order of the subfolder names).
        batch_size: int. Clips per batch.
        shuffle: bool. Shuffle the file order (each epoch).
        seed: int or None. Shuffle seed (and `validation_split`'s).
        sequence_length: int or None. Pad every batch to this many samples
            (one shape for every step); a longer file is an error.
        **kwargs: passed to `keras.utils.audio_dataset_from_directory`
            (e.g. `validation_split=0.2, subset="training"`, `class_names`).

    Returns:
        The batched `tf.data.Dataset`.

    Raises:
        ValueError: naming the folder or file: no folder, no .wav files, no
            class subfolders for `labels="inferred"`, a stereo, non-16-bit,
            empty or wrongly sampled file, a file over `sequence_length`.

    Example:
    ```python
    clips = keras_ssl.datasets.from_audio_directory("speech/", sample_rate=8000)
    labeled = keras_ssl.datasets.from_audio_directory(
        "commands/", sample_rate=16000, labels="inferred"
    )
    ```
    """
    if labels not in (None, "inferred"):
        raise ValueError(
            f"labels must be None or 'inferred'; got {labels!r}. (For labels "
            f"from a list, call keras.utils.audio_dataset_from_directory.)"
        )
    directory = os.fspath(directory)
    _check_folder(directory, labels, sample_rate, sequence_length)
    import keras
    import tensorflow as tf

    dataset = keras.utils.audio_dataset_from_directory(
        directory,
        labels=labels,
        label_mode="int" if labels else None,
        batch_size=batch_size,
        ragged=True,
        shuffle=shuffle,
        seed=seed,
        verbose=False,
        **kwargs,
    )

    def padded(audio):
        # Ragged (B, None, 1) -> dense zero-padded samples and their mask
        # (the files are mono: merging time and channel keeps the samples).
        samples = audio.merge_dims(1, 2) if audio.shape.rank == 3 else audio
        shape = None if sequence_length is None else [None, sequence_length]
        return {
            WAVEFORM_KEY: samples.to_tensor(0.0, shape=shape),
            MASK_KEY: tf.ones_like(samples, tf.bool).to_tensor(False, shape=shape),
        }

    if labels:
        return dataset.map(lambda audio, label: (padded(audio), label))
    return dataset.map(padded)
