"""Heads: small networks on top of an encoder (MLP heads, the AE decoder)."""

from keras_ssl.heads.conv_decoder import ConvDecoder
from keras_ssl.heads.dino_head import DINOHead
from keras_ssl.heads.mae_decoder import MAEDecoder
from keras_ssl.heads.jigsaw_head import JigsawHead
from keras_ssl.heads.mlp_head import MLPHead
from keras_ssl.heads.prediction_head import PredictionHead
from keras_ssl.heads.projection_head import ProjectionHead
from keras_ssl.heads.rotation_head import RotationHead
from keras_ssl.heads.sentence_pair_head import SentencePairHead
from keras_ssl.heads.swav_prototypes import SwAVPrototypes

__all__ = [
    "ConvDecoder",
    "DINOHead",
    "MAEDecoder",
    "JigsawHead",
    "MLPHead",
    "PredictionHead",
    "ProjectionHead",
    "RotationHead",
    "SentencePairHead",
    "SwAVPrototypes",
]
