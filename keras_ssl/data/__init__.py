"""Input handling: the one place that knows about input formats.

- `image_batch.py`: turns a batch as `fit` delivers it (array, tuple, tfds
  dict, uint8 or float) into float32 images in [0, 1], inside the step.
- `image_checks.py`: checks a whole input once, before training, and raises
  errors that name the problem and the fix.
- `mnist5k.py`, `tfds_images.py`: the data sets keras_ssl ships loaders for.
"""
