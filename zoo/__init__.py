"""Pretrained keras-ssl presets, one directory each; installed as `keras_ssl.zoo`."""
