"""Layers keras_ssl's encoders and heads are built from."""

from keras_ssl.layers.batch_normalization import BatchNormalization
from keras_ssl.layers.class_token import ClassToken
from keras_ssl.layers.conv2d import Conv2D
from keras_ssl.layers.gumbel_vector_quantizer import GumbelVectorQuantizer
from keras_ssl.layers.class_token import TokenPooling
from keras_ssl.layers.patch_embedding import PatchEmbedding
from keras_ssl.layers.position_embedding import PatchPositionEmbedding
from keras_ssl.layers.transformer_block import TransformerBlock

__all__ = [
    "BatchNormalization",
    "ClassToken",
    "Conv2D",
    "GumbelVectorQuantizer",
    "PatchEmbedding",
    "PatchPositionEmbedding",
    "TokenPooling",
    "TransformerBlock",
]
