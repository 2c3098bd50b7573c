"""Encoders: Keras models that map a batch of images (texts, audio) to vectors."""

from keras_ssl.encoders.conv_net import ConvNet
from keras_ssl.encoders.hub_text_encoder import HubTextEncoder
from keras_ssl.encoders.resnet import ResNet18
from keras_ssl.encoders.text_transformer import TextTransformer
from keras_ssl.encoders.vit import ViT
from keras_ssl.encoders.wav2vec2_encoder import Wav2Vec2Encoder

__all__ = [
    "ConvNet", "HubTextEncoder", "ResNet18", "TextTransformer", "ViT", "Wav2Vec2Encoder",
]

# keras-hub image backbones as encoders (keras-hub is imported only to load
# one of its presets).
from keras_ssl.encoders.keras_hub_encoder import KerasHubEncoder  # noqa: E402
from keras_ssl.encoders.keras_hub_encoder import from_keras_hub  # noqa: E402

__all__ += ["KerasHubEncoder", "from_keras_hub"]
