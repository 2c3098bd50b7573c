"""Train and test steps for the TensorFlow backend (GradientTape)."""

import tensorflow as tf


def num_replicas():
    """Replicas in the current `tf.distribute` strategy (1 without one)."""
    return tf.distribute.get_strategy().num_replicas_in_sync


class SSLTrainSteps:
    """TensorFlow `train_step`/`test_step` for `keras_ssl.methods.SSLModel`."""

    def train_step(self, data):
        with tf.GradientTape() as tape:
            loss = self.ssl_step_loss(data, training=True)
            # Gradients are summed over replicas, so each replica contributes
            # its share of the global-batch mean.
            grad_loss = loss / tf.cast(num_replicas(), loss.dtype)
            grad_loss = self.optimizer.scale_loss(grad_loss)
        trainable = self.trainable_weights
        grads = tape.gradient(grad_loss, trainable)
        self.optimizer.apply(grads, trainable)
        self.after_train_step()
        return self.ssl_step_logs(loss, data)

    def test_step(self, data):
        loss = self.ssl_step_loss(data, training=False)
        return self.ssl_step_logs(loss, data)
