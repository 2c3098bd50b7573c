"""Input handling: the one place that knows about input formats.

Images:

- `image_batch.py`: turns a batch as `fit` delivers it (array, tuple, tfds
  dict, uint8 or float) into float32 images with pixels 0-255, inside the
  step;
- `pixel_convention.py`: the 0-255 convention, the check that refuses
  [0, 1]-scaled floats, and `PixelConventionWarning`;
- `image_checks.py`: checks a whole image input once, before training, and
  raises errors that name the problem and the fix.

Text:

- `text_checks.py`: recognises text inputs (`is_text_input`), checks them
  once and turns them into a `tf.data.Dataset` of strings;
- `text_vocabulary.py`: learns and checks WordPiece vocabularies;
- `text_pipeline.py`: tokenizes, packs and masks strings inside `tf.data`;
- `text_packing.py`: tokenizes and packs a batch of strings eagerly;
- `text_batch.py`: a batch of token ids, as the step sees it.

Audio:

- `audio_checks.py`: checks waveforms once (mono, int16 or float in
  [-1, 1], padding masks) and pads lists of clips;
- `audio_features.py`: log-mel and MFCC statistics of each clip (the
  spectrogram baselines) and a frozen audio encoder's vectors, in batches
  of similar length.

Either:

- `encoder_features.py`: a frozen encoder's features of any evaluation
  input, in batches (the probes, kNN, callbacks and classifiers use it);

- `tf_datasets.py`: recognises a `tf.data.Dataset` without importing
  TensorFlow.

The data sets keras_ssl ships loaders for are in `keras_ssl.datasets`.
"""
