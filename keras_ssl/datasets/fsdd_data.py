"""The Free Spoken Digit Dataset (FSDD), read from a local checkout.

FSDD (Jackson et al., CC BY-SA 4.0) holds 3,000 recordings of the digits
0-9, six speakers x 10 digits x 50 takes, in one flat folder of mono 8 kHz
16-bit WAV files named `{digit}_{speaker}_{take}.wav`. Its official split:
takes 0-4 are the test set, 5-49 the training set. keras_ssl downloads
nothing: it reads a checkout (`path=` or `KERAS_SSL_FSDD`), else the
120-recording subset shipped in `keras_ssl/datasets/fsdd_subset/` (takes 0
and 5 of every digit and speaker; its README holds FSDD's license).
"""

import functools
import os
import re
import warnings

import numpy as np

from keras_ssl.data.audio_checks import MASK_KEY
from keras_ssl.data.audio_checks import WAVEFORM_KEY
from keras_ssl.data.audio_checks import pad_clips
from keras_ssl.datasets.audio_folders import read_wav

#: FSDD's sample rate (Hz).
FSDD_SAMPLE_RATE = 8000

#: The environment variable naming an FSDD checkout.
FSDD_ENV_VAR = "KERAS_SSL_FSDD"

#: The subset shipped with keras_ssl (pass it as `path=` to read it without
#: a warning).
FSDD_SUBSET = os.path.join(os.path.dirname(__file__), "fsdd_subset")

#: FSDD's official split: takes below this are the test set.
FIRST_TRAIN_TAKE = 5

SPLITS = ("train", "test", "all")

_FILE_NAME = re.compile(r"^(\d)_([A-Za-z]+)_(\d+)\.wav$")

_HOW_TO_GET = (
    "Get the recordings with `git clone https://github.com/Jakobovski/"
    "free-spoken-digit-dataset` (or TensorFlow Datasets' `spoken_digit`), "
    "then pass fsdd(..., path='free-spoken-digit-dataset') or set "
    f"{FSDD_ENV_VAR} to that folder."
)


def _recordings_folder(path):
    """`path` or `path/recordings`, whichever holds FSDD's WAV files."""
    for folder in (os.path.join(path, "recordings"), path):
        if os.path.isdir(folder) and any(
            _FILE_NAME.match(name) for name in os.listdir(folder)
        ):
            return folder
    return None


def fsdd_directory(path=None):
    """The folder of FSDD's WAV files: `path=`, `KERAS_SSL_FSDD`, or the subset.

    Args:
        path: str or None. A checkout of FSDD: its `recordings/` folder or
            the folder holding it.

    Returns:
        The folder of `{digit}_{speaker}_{take}.wav` files.

    Raises:
        FileNotFoundError: saying how to get the recordings, when `path` (or
            the environment variable) holds none, or no subset is installed.

    Example:
    >>> fsdd_directory("free-spoken-digit-dataset")
    'free-spoken-digit-dataset/recordings'
    """
    for given, source in ((path, "path="), (os.environ.get(FSDD_ENV_VAR), FSDD_ENV_VAR)):
        if given:
            folder = _recordings_folder(os.fspath(given))
            if folder is None:
                raise FileNotFoundError(
                    f"No FSDD recordings ({{digit}}_{{speaker}}_{{take}}.wav) in "
                    f"{os.fspath(given)!r} (from {source}) or its recordings/ "
                    f"folder. {_HOW_TO_GET}"
                )
            return folder
    folder = _recordings_folder(FSDD_SUBSET)
    if folder is None:
        raise FileNotFoundError(
            f"No FSDD recordings found: no path= given, {FSDD_ENV_VAR} is not "
            f"set and keras_ssl's subset is not installed. {_HOW_TO_GET}"
        )
    warnings.warn(
        f"fsdd(): reading the 120-recording subset shipped with keras_ssl "
        f"(takes 0 and 5). For all 3,000 recordings: {_HOW_TO_GET}",
        stacklevel=3,
    )
    return folder


@functools.lru_cache(maxsize=4)
def _read_folder(folder):
    """Every recording of `folder`: (digits, speakers, takes, clips), sorted."""
    rows = []
    for name in sorted(os.listdir(folder)):
        if not name.lower().endswith(".wav"):
            continue
        match = _FILE_NAME.match(name)
        if match is None:
            raise ValueError(
                f"{name} in {folder!r} is not named like FSDD's files "
                f"({{digit}}_{{speaker}}_{{take}}.wav, e.g. 7_jackson_32.wav). "
                f"Rename or remove it."
            )
        digit, speaker, take = match.groups()
        rows.append((int(digit), speaker, int(take), os.path.join(folder, name)))
    rows.sort()
    clips = tuple(read_wav(row[3], FSDD_SAMPLE_RATE) for row in rows)
    return (
        np.array([row[0] for row in rows], "int64"),
        np.array([row[1] for row in rows]),
        np.array([row[2] for row in rows], "int64"),
        clips,
    )


def _selection(split, speakers, takes, held_out_speaker):
    """The boolean mask of the recordings in `split`."""
    is_test_take = takes < FIRST_TRAIN_TAKE
    if held_out_speaker is None:
        return {"train": ~is_test_take, "test": is_test_take}.get(
            split, np.ones_like(is_test_take)
        )
    if split == "all":
        raise ValueError(
            "held_out_speaker splits the data in two: ask for split='train' "
            "(the other speakers' takes 5-49) or 'test' (the speaker's takes "
            "0-4), not 'all'."
        )
    known = sorted(set(speakers.tolist()))
    if held_out_speaker not in known:
        raise ValueError(
            f"Unknown held_out_speaker {held_out_speaker!r}; the recordings' "
            f"speakers are {known}."
        )
    is_speaker = speakers == held_out_speaker
    if split == "train":
        return ~is_speaker & ~is_test_take
    return is_speaker & is_test_take


def fsdd(split="train", path=None, held_out_speaker=None, return_speakers=False,
         return_takes=False):
    """FSDD's spoken digits: padded int16 waveforms, their mask, digit labels.

    The official split puts takes 0-4 of every speaker in `"test"` (300
    recordings) and takes 5-49 in `"train"` (2,700). Held out by speaker,
    `"train"` is the other five speakers' takes 5-49 (2,250) and `"test"`
    the held-out speaker's takes 0-4 (50), so no test take of any speaker
    is ever trained on. Every file's header is checked (mono, 16-bit, 8
    kHz). Recordings are sorted by digit, speaker and take.

    Where the recordings come from: `path=`, else the folder named by the
    environment variable `KERAS_SSL_FSDD`, else the 120-recording subset
    shipped with keras_ssl (with a warning; `path=keras_ssl.datasets.
    FSDD_SUBSET` reads it without one).

    Args:
        split: `"train"`, `"test"` or `"all"`.
        path: str or None. An FSDD checkout: its `recordings/` folder or
            the folder holding it.
        held_out_speaker: str or None. A speaker (`"george"`, `"jackson"`,
            `"lucas"`, `"nicolas"`, `"theo"`, `"yweweler"`) to hold out.
        return_speakers: bool. Also return each recording's speaker.
        return_takes: bool. Also return each recording's take number.

    Returns:
        `(audio, labels)`, then `speakers` and `takes` if asked for, in
        that order: `audio` is
        `{"waveform": int16 (N, T), "padding_mask": bool (N, T)}`, clips
        zero-padded to the split's longest `T` (True on real samples), which
        `keras_ssl.inputs.AudioInputs` takes as is (int16 is scaled to
        [-1, 1) inside the step); `labels` int64 digits `(N,)`; `speakers`
        a str array `(N,)`; `takes` int `(N,)`. Lengths are `audio["padding_mask"].sum(axis=1)`.

    Raises:
        FileNotFoundError: saying how to get the recordings.
        ValueError: for an unknown split or speaker, a misnamed file, or a
            file that is not mono 16-bit 8 kHz WAV.

    Example:
    ```python
    audio, labels = keras_ssl.datasets.fsdd("train", path="free-spoken-digit-dataset")
    audio["waveform"].shape     # (2700, 18262)
    test_audio, test_labels = keras_ssl.datasets.fsdd(
        "test", path="free-spoken-digit-dataset", held_out_speaker="jackson"
    )
    ```
    """
    if split not in SPLITS:
        raise ValueError(f"Unknown FSDD split {split!r}; choose one of {SPLITS}.")
    folder = os.path.abspath(fsdd_directory(path))
    digits, speakers, takes, clips = _read_folder(folder)
    selected = np.flatnonzero(_selection(split, speakers, takes, held_out_speaker))
    if selected.size == 0:
        raise ValueError(
            f"No FSDD recordings of split {split!r} in {folder!r}. "
            f"{_HOW_TO_GET}"
        )
    audio = pad_clips([clips[index] for index in selected])
    audio = {WAVEFORM_KEY: audio[WAVEFORM_KEY], MASK_KEY: audio[MASK_KEY]}
    result = (audio, digits[selected])
    if return_speakers:
        result += (speakers[selected],)
    if return_takes:
        result += (takes[selected],)
    return result
