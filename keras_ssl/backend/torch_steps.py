"""Train and test steps for the PyTorch backend (autograd)."""

import torch


class SSLTrainSteps:
    """PyTorch `train_step`/`test_step` for `keras_ssl.methods.SSLModel`."""

    def train_step(self, data):
        self.zero_grad()
        loss = self.ssl_step_loss(data, training=True)
        self.optimizer.scale_loss(loss).backward()
        trainable = self.trainable_weights[:]
        grads = [v.value.grad for v in trainable]
        with torch.no_grad():
            self.optimizer.apply(grads, trainable)
            self.after_train_step()
        return self.ssl_step_logs(loss.detach(), data)

    def test_step(self, data):
        with torch.no_grad():
            loss = self.ssl_step_loss(data, training=False)
        return self.ssl_step_logs(loss, data)
