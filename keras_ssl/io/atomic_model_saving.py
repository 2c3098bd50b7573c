"""`save` and `save_weights` that never leave a half-written file."""

from keras_ssl.io.atomic_write import atomic_file
from keras_ssl.io.atomic_write import can_write_atomically


class AtomicModelSaving:
    """Mixin for a `keras.Model`: `save`/`save_weights` write a temporary
    file beside the target and rename it onto it, so a save that fails or is
    interrupted (e.g. in `ModelCheckpoint` or `BackupAndRestore`) leaves the
    previous file intact.

    Example:
    ```python
    class MyModel(AtomicModelSaving, keras.Model):
        ...
    ```
    """

    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        """`keras.Model.save`, written atomically (see the class)."""
        if zipped is False or not can_write_atomically(
            filepath, overwrite, (".keras", ".h5", ".hdf5")
        ):
            return super().save(
                filepath, overwrite=overwrite, zipped=zipped, **kwargs
            )
        with atomic_file(filepath) as temporary:
            return super().save(temporary, zipped=zipped, **kwargs)

    def save_weights(self, filepath, overwrite=True, max_shard_size=None):
        """`keras.Model.save_weights`, atomically; sharded saves are left to
        Keras."""
        if max_shard_size is not None or not can_write_atomically(
            filepath, overwrite, (".weights.h5",)
        ):
            return super().save_weights(
                filepath, overwrite=overwrite, max_shard_size=max_shard_size
            )
        with atomic_file(filepath) as temporary:
            return super().save_weights(temporary)
