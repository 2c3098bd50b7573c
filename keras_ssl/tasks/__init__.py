"""Tasks: a pretrained encoder put to work on labels.

- `Classifier` (`classifier.py`): the modality-neutral base (modes,
  `compile()` defaults, label checks, the two-stage recipe, `from_preset`);
- `ImageClassifier` (`image_classifier.py`): images -> class probabilities;
- `TextClassifier` (`text_classifier.py`): texts -> class probabilities;
- `AudioClassifier` (`audio_classifier.py`): waveforms -> class probabilities;
- label checks (`label_checks.py`).
"""

from keras_ssl.tasks.audio_classifier import AudioClassifier
from keras_ssl.tasks.classifier import MODES
from keras_ssl.tasks.classifier import Classifier
from keras_ssl.tasks.image_classifier import ImageClassifier
from keras_ssl.tasks.text_classifier import TextClassifier

__all__ = ["AudioClassifier", "Classifier", "ImageClassifier", "MODES", "TextClassifier"]
