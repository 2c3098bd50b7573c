"""Encoders: Keras models that map a batch of images (or texts) to vectors."""

from keras_ssl.encoders.conv_net import ConvNet
from keras_ssl.encoders.resnet import ResNet18
from keras_ssl.encoders.text_transformer import TextTransformer
from keras_ssl.encoders.vit import ViT

__all__ = ["ConvNet", "ResNet18", "TextTransformer", "ViT"]
