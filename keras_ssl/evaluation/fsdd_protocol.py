"""Issue 32's audio protocol: a linear probe on frozen features of FSDD.

Features of every recording are computed once (an encoder's mean-pooled
frames, or the log-mel / MFCC statistics baselines), then indexed for each
probe: `keras_ssl.evaluation.linear_probe` (its defaults) with all labels
and with 5 per class (`per_class_subset`, seeds `seed .. seed + draws - 1`,
mean ± std), on the official split (train on takes 5-49, test on takes 0-4)
and held out by speaker (train on five speakers' takes 5-49, test on the
sixth speaker's takes 0-4; each speaker in turn, mean ± std over speakers).
Pretraining sees takes 5-49 of all six speakers without labels.

`split="validation"` runs the same probes with takes 10-49 for training and
takes 5-9 for testing, so recipes are chosen without ever reading takes 0-4.
"""


import keras
import numpy as np

from keras_ssl.data.audio_checks import WAVEFORM_KEY
from keras_ssl.data.audio_features import encoder_audio_features
from keras_ssl.data.audio_features import log_mel_statistics
from keras_ssl.data.audio_features import mfcc_statistics
from keras_ssl.datasets.fsdd_data import fsdd
from keras_ssl.datasets.mnist5k_data import per_class_subset
from keras_ssl.evaluation.linear_probe import linear_probe

#: Hand-made feature baselines, by name: audio dict -> (N, D) features.
FSDD_BASELINES = {"log_mel": log_mel_statistics, "mfcc": mfcc_statistics}

#: split -> (first test take, first training take): test takes lie between.
FSDD_TAKES = {"test": (0, 5), "validation": (5, 10)}

#: What a card's `evaluation` field says of these figures.
FSDD_DESCRIPTION = (
    "keras_ssl.evaluation.fsdd_metrics: linear_probe (its defaults) on frozen "
    "features of FSDD, with all labels and 5 per class (mean ± std over "
    "per_class_subset seeds 0-4); official split (train takes 5-49, test "
    "takes 0-4) and held out by speaker (train on five speakers' takes 5-49, "
    "test on the sixth speaker's takes 0-4; mean ± std over the six speakers)"
)


def fsdd_recordings(path=None):
    """Every FSDD recording, as `fsdd("all")` orders them, with its take.

    Args:
        path: str or None. An FSDD checkout (see `keras_ssl.datasets.fsdd`).

    Returns:
        `(audio, digits, speakers, takes)`: the padded int16 audio dict and
        `(N,)` arrays.

    Example:
    >>> audio, digits, speakers, takes = fsdd_recordings(keras_ssl.datasets.FSDD_SUBSET)
    >>> sorted(set(takes.tolist()))
    [0, 5]
    """
    return fsdd("all", path=path, return_speakers=True, return_takes=True)


def fsdd_split_indices(speakers, takes, split="test", held_out_speaker=None):
    """`(train, test)` indices of one probe, as `fsdd(split, held_out_speaker)`.

    Args:
        speakers: str array `(N,)` of the recordings' speakers.
        takes: int array `(N,)` of their takes.
        split: `"test"` (train takes 5-49, test takes 0-4) or `"validation"`
            (train takes 10-49, test takes 5-9).
        held_out_speaker: str or None. Train on the other speakers only and
            test on this one only.

    Returns:
        Two sorted int arrays of indices into the recordings.

    Example:
    >>> train, test = fsdd_split_indices(speakers, takes, "validation", "theo")
    """
    _check_args(split, 1, 1, None)
    speakers, takes = np.asarray(speakers), np.asarray(takes)
    first_test, first_train = FSDD_TAKES[split]
    train = takes >= first_train
    test = (takes >= first_test) & (takes < first_train)
    if held_out_speaker is not None:
        train, test = train & (speakers != held_out_speaker), test & (speakers == held_out_speaker)
    return np.flatnonzero(train), np.flatnonzero(test)


def fsdd_features(encoder_or_features, audio, batch_size=64):
    """Features of every clip: a baseline's, an encoder's, or given.

    Args:
        encoder_or_features: `"log_mel"` or `"mfcc"` (`FSDD_BASELINES`), an
            audio encoder (`encoder_audio_features`), or an array `(N, D)` of
            features already computed for `audio`'s clips.
        audio: the audio dict of `N` clips.
        batch_size: int. Clips per forward pass of an encoder.

    Returns:
        float32 `(N, D)`.

    Example:
    >>> fsdd_features("mfcc", audio).shape
    (3000, 26)
    """
    if isinstance(encoder_or_features, str):
        if encoder_or_features not in FSDD_BASELINES:
            raise ValueError(
                f"Unknown baseline {encoder_or_features!r}; choose one of "
                f"{sorted(FSDD_BASELINES)}, or pass an encoder or features."
            )
        return FSDD_BASELINES[encoder_or_features](audio)
    if hasattr(encoder_or_features, "predict_on_batch"):
        return encoder_audio_features(encoder_or_features, audio, batch_size)
    features = np.asarray(encoder_or_features, "float32")
    if features.ndim != 2 or len(features) != len(audio[WAVEFORM_KEY]):
        raise ValueError(
            f"Given features have shape {features.shape}; pass one vector per "
            f"recording, ({len(audio[WAVEFORM_KEY])}, D), in fsdd('all') order."
        )
    return features


def _check_args(split, draws, per_class, fine_tune, fine_tune_budgets=()):
    if split not in FSDD_TAKES:
        raise ValueError(f"Unknown split {split!r}; choose one of {sorted(FSDD_TAKES)}.")
    for name, value in (("draws", draws), ("per_class", per_class)):
        if int(value) != value or value < 1:
            raise ValueError(f"{name} must be a positive int; got {value!r}.")
    if not set(fine_tune_budgets) <= {"all", "few"}:
        raise ValueError(f"fine_tune_budgets must hold 'all' and / or 'few'; got {fine_tune_budgets!r}.")
    if fine_tune is not None and not callable(fine_tune):
        raise ValueError(
            f"fine_tune must be None or a callable fine_tune(train, test, "
            f"seed) -> accuracy; got {type(fine_tune).__name__}."
        )


def fsdd_metrics(encoder_or_features, path=None, draws=5, per_class=5, split="test",
                 speakers=None, probe_kwargs=None, fine_tune=None,
                 fine_tune_budgets=("all", "few"), seed=0, batch_size=64, progress=True):
    """The FSDD row of an encoder or a baseline: probe accuracies.

    Features of every recording are computed once and indexed for each
    probe (the splits are in this module's docstring).

    Args:
        encoder_or_features: an audio encoder (e.g. `model.encoder`, a
            `Wav2Vec2Encoder`; `random_init_copy(encoder)` for the
            random-init row), `"log_mel"` (40 bands) or `"mfcc"` (13), or
            features `(N, D)` of `fsdd_recordings(path)`'s clips.
        path: str or None. An FSDD checkout (see `keras_ssl.datasets.fsdd`).
        draws: int. Draws of the few-label subsets.
        per_class: int. Labels per class of the few-label probes.
        split: `"test"` (the figures to report) or `"validation"` (train
            takes 10-49, test takes 5-9: for choosing recipes).
        speakers: sequence of str or None. Speakers held out in turn; None:
            every speaker.
        probe_kwargs: dict or None. More `linear_probe` arguments (e.g.
            `{"epochs": 200}`); None keeps its defaults.
        fine_tune: None, or a callable `fine_tune(train, test, seed)` given
            `(audio, labels)` pairs of every probe's recordings and returning
            an accuracy (or a dict with `"accuracy"`): the fine-tuned and
            from-scratch columns (`fine_tune_accuracy_...` metrics).
        fine_tune_budgets: the budgets `fine_tune` runs on: `"all"` (all
            labels) and / or `"few"` (the `per_class` draws); the other's
            fine-tune metrics are left out.
        seed: int. First draw's seed; also the probes' seed.
        batch_size: int. Clips per forward pass of an encoder.
        progress: bool. Show a progress bar over the probes.

    Returns:
        dict of metric name -> float (rounded to 4 places):
        `probe_accuracy_all`, `probe_accuracy_5_per_class` (+ `_std` over
        draws), `probe_accuracy_held_out_all` and `..._held_out_5_per_class`
        (mean over speakers, + `_std` over speakers), and per speaker
        `probe_accuracy_held_out_<speaker>_all` / `..._5_per_class`.

    Example:
    ```python
    from keras_ssl.evaluation import fsdd_header, fsdd_metrics, fsdd_row
    path = "free-spoken-digit-dataset"
    rows = [fsdd_row("log-mel", fsdd_metrics("log_mel", path)),
            fsdd_row("wav2vec 2.0", fsdd_metrics(model.encoder, path))]
    print(fsdd_header(), *rows, sep="\\n")
    ```
    """
    _check_args(split, draws, per_class, fine_tune, fine_tune_budgets)
    audio, digits, all_speakers, takes = fsdd_recordings(path)
    known = sorted(set(all_speakers.tolist()))
    speakers = known if speakers is None else list(speakers)
    unknown = sorted(set(speakers) - set(known))
    if unknown or not speakers:
        raise ValueError(f"speakers must name some of {known}; got {speakers!r}.")
    features = fsdd_features(encoder_or_features, audio, batch_size)
    few = f"{per_class}_per_class"
    bar = keras.utils.Progbar((1 + len(speakers)) * (1 + draws), verbose=int(progress),
                              unit_name="probe")

    def score(train, test, draw, budget):
        result = {"probe": linear_probe(
            None, (features[train], digits[train]), (features[test], digits[test]),
            **{"seed": seed, **(probe_kwargs or {})},
        )["accuracy"]}
        if fine_tune is not None and budget in fine_tune_budgets:
            pair = [({key: value[index] for key, value in audio.items()}, digits[index])
                    for index in (train, test)]
            tuned = fine_tune(*pair, seed + draw)
            result["fine_tune"] = float(tuned["accuracy"] if isinstance(tuned, dict) else tuned)
        bar.add(1)
        return result

    def setting(held_out_speaker):
        train, test = fsdd_split_indices(all_speakers, takes, split, held_out_speaker)
        if not len(train) or not len(test):
            raise ValueError(
                f"No recordings to train or test on for split={split!r}"
                f"{'' if held_out_speaker is None else f', held out {held_out_speaker!r}'}"
                f": the recordings' takes are {sorted(set(takes.tolist()))}. Pass "
                f"path= to all 3,000 recordings."
            )
        runs = [score(train, test, 0, "all")]
        for draw in range(int(draws)):
            subset = train[per_class_subset(digits[train], per_class, seed=seed + draw)]
            runs.append(score(subset, test, draw, "few"))
        return {
            kind: (runs[0].get(kind), [run[kind] for run in runs[1:] if kind in run])
            for kind in dict.fromkeys(kind for run in runs for kind in run)
        }

    metrics = {}
    for kind, (everything, drawn) in setting(None).items():
        if everything is not None:
            metrics[f"{kind}_accuracy_all"] = everything
        if drawn:
            metrics[f"{kind}_accuracy_{few}"] = np.mean(drawn)
            metrics[f"{kind}_accuracy_{few}_std"] = np.std(drawn)
    per_speaker = {speaker: setting(speaker) for speaker in speakers}
    for kind in per_speaker[speakers[0]]:
        for budget, pick in (("all", lambda r: r[0]), (few, lambda r: np.mean(r[1]) if r[1] else None)):
            values = [pick(per_speaker[speaker][kind]) for speaker in speakers]
            if values[0] is None:
                continue
            for speaker, value in zip(speakers, values):
                metrics[f"{kind}_accuracy_held_out_{speaker}_{budget}"] = value
            metrics[f"{kind}_accuracy_held_out_{budget}"] = np.mean(values)
            metrics[f"{kind}_accuracy_held_out_{budget}_std"] = np.std(values)
    return {name: round(float(value), 4) for name, value in metrics.items()}
