"""One decorator registers every public class for `.keras` saving."""

import keras

# `keras.saving.load_model` finds classes registered here by the name
# "keras_ssl>ClassName", so no `custom_objects` are needed to reload.
keras_ssl_serializable = keras.saving.register_keras_serializable(
    package="keras_ssl"
)
