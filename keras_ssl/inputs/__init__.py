"""Inputs objects: how a method reads its data, one class per modality.

Every method owns one (`model.input_format`), built from its encoder:
it checks an input once before a run, standardizes each batch inside the
step, and counts the examples of a batch. Nothing else in keras_ssl parses
input formats.
"""

from keras_ssl.inputs.audio_inputs import AudioInputs
from keras_ssl.inputs.base_inputs import Inputs
from keras_ssl.inputs.image_inputs import ImageInputs
from keras_ssl.inputs.masked_text_inputs import MaskedTextInputs
from keras_ssl.inputs.text_inputs import TextInputs

__all__ = ["AudioInputs", "ImageInputs", "Inputs", "MaskedTextInputs", "TextInputs"]
