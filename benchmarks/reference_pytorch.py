"""The performance issue's PyTorch reference, rewritten in plain PyTorch.

The reference figures were measured with lightly 1.6.0 on PyTorch 2.13;
lightly needs torchvision, which has no CPU build here, so this script
builds the same networks, heads and losses in plain PyTorch to measure the
reference back to back with `throughput.py` on the same machine: random
inputs, two pre-made views, no augmentation, SGD (lr 0.06, momentum 0.9),
2 threads, images/s counting each image once.

Usage:
    python benchmarks/reference_pytorch.py [--rows simclr_convnet,...]
    python benchmarks/reference_pytorch.py --serve simclr_convnet

`--serve ROW` is how `throughput.py` runs the reference next to keras_ssl:
it builds the row's step, warms it up (3 steps or 2 epochs), prints
`ready <images per epoch> <steps per epoch>`, then times one epoch for
every `epoch` line read from stdin, printing its seconds, until stdin
closes. A separate process keeps
the two frameworks' thread pools and allocators apart.
"""

import argparse
import copy
import sys
import time

import torch
from torch import nn
from torch.nn import functional

# name -> (method, encoder, input shape (C, H, W), batch size, steps per
# timed run, timed runs); the same sizes as throughput.py's epochs.
ROWS = {
    "simclr_convnet": ("simclr", "convnet", (1, 28, 28), 256, 4, 5),
    "byol_convnet": ("byol", "convnet", (1, 28, 28), 256, 4, 5),
    "simclr_resnet18": ("simclr", "resnet18", (3, 32, 32), 128, 1, 3),
    "byol_resnet18": ("byol", "resnet18", (3, 32, 32), 128, 1, 3),
}


def conv_bn_relu(cin, cout):
    return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]


def conv_net(channels):
    """conv32-conv32-pool-conv64-conv64-pool-conv128, BN+ReLU, avg pool."""
    return nn.Sequential(
        *conv_bn_relu(channels, 32), *conv_bn_relu(32, 32), nn.MaxPool2d(2),
        *conv_bn_relu(32, 64), *conv_bn_relu(64, 64), nn.MaxPool2d(2),
        *conv_bn_relu(64, 128), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
    )


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.a = nn.Sequential(
            nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()
        )
        self.b = nn.Sequential(nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout))
        self.shortcut = nn.Identity()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout)
            )

    def forward(self, x):
        return functional.relu(self.b(self.a(x)) + self.shortcut(x))


def resnet18(channels):
    """ResNet-18 with a 3x3 stride-1 stem and no max-pool (CIFAR variant)."""
    layers = [nn.Conv2d(channels, 64, 3, 1, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU()]
    cin = 64
    for stage, width in enumerate((64, 128, 256, 512)):
        for block in range(2):
            layers.append(BasicBlock(cin, width, 2 if stage and not block else 1))
            cin = width
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten())


def mlp(cin, hidden, cout, output_bn):
    layers = [nn.Linear(cin, hidden, bias=False), nn.BatchNorm1d(hidden), nn.ReLU(),
              nn.Linear(hidden, cout, bias=not output_bn)]
    if output_bn:
        layers.append(nn.BatchNorm1d(cout))
    return nn.Sequential(*layers)


def nt_xent(z1, z2, temperature=0.5):
    z = functional.normalize(torch.cat([z1, z2]), dim=1)
    n = z1.shape[0]
    logits = z @ z.T / temperature
    logits.fill_diagonal_(float("-inf"))
    labels = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return functional.cross_entropy(logits, labels)


def byol_loss(p, z):
    return 2 - 2 * functional.cosine_similarity(p, z.detach(), dim=1).mean()


def make_step(method, encoder_name, shape):
    encoder = conv_net(shape[0]) if encoder_name == "convnet" else resnet18(shape[0])
    width = 128 if encoder_name == "convnet" else 512
    if method == "simclr":
        head = mlp(width, width, 128, output_bn=True)
        model = nn.Sequential(encoder, head)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.06, momentum=0.9)

        def step(x1, x2):
            z = model(torch.cat([x1, x2]))
            loss = nt_xent(*z.chunk(2))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

        return step
    projector = mlp(width, 1024, 256, output_bn=False)
    predictor = mlp(256, 1024, 256, output_bn=False)
    online = nn.Sequential(encoder, projector)
    target = copy.deepcopy(online)
    for parameter in target.parameters():
        parameter.requires_grad = False
    parameters = list(online.parameters()) + list(predictor.parameters())
    optimizer = torch.optim.SGD(parameters, lr=0.06, momentum=0.9)

    def step(x1, x2):
        x = torch.cat([x1, x2])
        p1, p2 = predictor(online(x)).chunk(2)
        with torch.no_grad():
            t1, t2 = target(x).chunk(2)
        loss = byol_loss(p1, t2) + byol_loss(p2, t1)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            for t, o in zip(target.parameters(), online.parameters()):
                t.mul_(0.99).add_(o, alpha=0.01)

    return step


def measure(row):
    """`(median, best)` images/s over the timed runs, after the warm-up
    steps of `serve` (3 steps, or 2 epochs)."""
    method, encoder_name, shape, batch, steps, runs = ROWS[row]
    warmup = max(3, 2 * steps)
    torch.manual_seed(0)
    step = make_step(method, encoder_name, shape)
    x1, x2 = torch.rand(batch, *shape), torch.rand(batch, *shape)
    for _ in range(warmup):
        step(x1, x2)
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        for _ in range(steps):
            step(x1, x2)
        seconds.append(time.perf_counter() - started)
    seconds.sort()
    return batch * steps / seconds[len(seconds) // 2], batch * steps / seconds[0]


def serve(row):
    """Time one epoch of `row` per `epoch` line on stdin (see the docstring)."""
    method, encoder_name, shape, batch, steps, _ = ROWS[row]
    torch.manual_seed(0)
    step = make_step(method, encoder_name, shape)
    x1, x2 = torch.rand(batch, *shape), torch.rand(batch, *shape)
    # Warm-up: PyTorch's first ResNet-18 steps ran up to 1.25x slower than later
    # ones, so 3 steps for the 1-step rows, two epochs for the others.
    for _ in range(max(3, 2 * steps)):
        step(x1, x2)
    print(f"ready {batch * steps} {steps}", flush=True)
    for line in sys.stdin:
        if line.strip() != "epoch":
            break
        started = time.perf_counter()
        for _ in range(steps):
            step(x1, x2)
        print(f"{time.perf_counter() - started:.6f}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", default=",".join(ROWS))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--serve", default=None, help="a row to serve epochs of")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.serve:
        return serve(args.serve)
    print(f"PyTorch {torch.__version__}, {args.threads} threads")
    print("| configuration | images/s (median) | best run |\n|---|---|---|")
    for row in args.rows.split(","):
        median, best = measure(row)
        print(f"| {row} | {median:.1f} | {best:.1f} |", flush=True)


if __name__ == "__main__":
    main()
