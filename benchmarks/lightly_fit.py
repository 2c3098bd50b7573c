"""Whole training runs of SimCLR and BYOL with lightly, served to whole_fit.py.

The peer comparison of the "faster whole fit" issue: the same ConvNet as
reference_pytorch.py (plain PyTorch: lightly takes the backbone from its
user), with lightly's own heads, losses and momentum update, SGD lr 0.06
momentum 0.9, trained by reference_pytorch_fit.py's loop (a shuffled
`DataLoader`, views = inputs, a fresh model per run, 2 threads):

- `simclr_convnet`: `SimCLRProjectionHead(128, 128, 128)` and
  `NTXentLoss(temperature=0.5)`;
- `byol_convnet`: `BYOLProjectionHead(128, 1024, 256)`,
  `BYOLPredictionHead(256, 1024, 256)`, a deep-copied target with
  `deactivate_requires_grad`, `NegativeCosineSimilarity` on both view
  pairs, and `update_momentum` with `cosine_schedule(step, steps, 0.99, 1)`.

lightly and CPU PyTorch live in a virtualenv of their own (not the
project's): PyPI's torchvision does not import beside CPU PyTorch, so
lightly installs without its dependencies, and this script puts a stand-in
`torchvision.ops` on `sys.path` for the names lightly imports at load time
(roi_align, StochasticDepth, ...; none is used by these runs, and each
raises if called). Augmentation (lightly's transforms are torchvision's)
is therefore not measured: the runs time the step, as whole_fit.py's
`compute` mode does.

Set-up, once:
    python3 -m venv /work/bench-venv
    /work/bench-venv/bin/pip install torch==2.13.0 numpy   # the CPU wheel
    /work/bench-venv/bin/pip install --no-deps lightly==1.6.0

Usage (whole_fit.py starts it with `--lightly-python`):
    python benchmarks/whole_fit.py --backends tensorflow \\
        --lightly-python /work/bench-venv/bin/python
or alone, as reference_pytorch_fit.py is served (same protocol):
    /work/bench-venv/bin/python benchmarks/lightly_fit.py --serve simclr_convnet \\
        --images IMAGES.npy --batch-size 256 --epochs 3
"""

import copy
import os
import sys
import tempfile

STAND_IN = '''
def __getattr__(name):
    def missing(*args, **kwargs):
        raise NotImplementedError(f"torchvision.ops.{name}: a stand-in (lightly_fit.py)")
    return type(name, (), {"__init__": missing}) if name[:1].isupper() else missing
'''


def install_torchvision_stand_in():
    """A `torchvision` package holding only a lazy `ops` module, first on
    sys.path, unless a real torchvision imports."""
    try:
        import torchvision.ops  # noqa: F401
        return
    except ImportError:
        pass
    root = tempfile.mkdtemp(prefix="torchvision_stand_in_")
    os.makedirs(os.path.join(root, "torchvision", "ops"))
    open(os.path.join(root, "torchvision", "__init__.py"), "w").close()
    with open(os.path.join(root, "torchvision", "ops", "__init__.py"), "w") as f:
        f.write(STAND_IN)
    sys.path.insert(0, root)


install_torchvision_stand_in()

import torch  # noqa: E402
from lightly.loss import NegativeCosineSimilarity  # noqa: E402
from lightly.loss import NTXentLoss  # noqa: E402
from lightly.models.modules.heads import BYOLPredictionHead  # noqa: E402
from lightly.models.modules.heads import BYOLProjectionHead  # noqa: E402
from lightly.models.modules.heads import SimCLRProjectionHead  # noqa: E402
from lightly.models.utils import deactivate_requires_grad  # noqa: E402
from lightly.models.utils import update_momentum  # noqa: E402
from lightly.utils.scheduler import cosine_schedule  # noqa: E402
from torch import nn  # noqa: E402

import reference_pytorch_fit  # noqa: E402
from reference_pytorch import conv_net  # noqa: E402


def make_lightly_step(method, encoder_name, shape, steps=48):
    """One train step `step(x1, x2)` of `method` built from lightly's parts.
    `steps`: the run's planned steps, for BYOL's momentum schedule (its
    value does not change the cost of a step)."""
    if encoder_name != "convnet":
        raise ValueError("lightly_fit.py has the ConvNet rows only")
    backbone = conv_net(shape[0])
    if method == "simclr":
        model = nn.Sequential(backbone, SimCLRProjectionHead(128, 128, 128))
        criterion = NTXentLoss(temperature=0.5)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.06, momentum=0.9)

        def step(x1, x2):
            z1, z2 = model(torch.cat([x1, x2])).chunk(2)
            loss = criterion(z1, z2)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

        return step
    online = nn.Sequential(backbone, BYOLProjectionHead(128, 1024, 256))
    predictor = BYOLPredictionHead(256, 1024, 256)
    target = copy.deepcopy(online)
    deactivate_requires_grad(target)
    criterion = NegativeCosineSimilarity()
    parameters = list(online.parameters()) + list(predictor.parameters())
    optimizer = torch.optim.SGD(parameters, lr=0.06, momentum=0.9)
    count = [0]

    def step(x1, x2):
        momentum = cosine_schedule(count[0], steps, 0.99, 1.0)
        count[0] += 1
        update_momentum(online, target, m=momentum)
        x = torch.cat([x1, x2])
        p1, p2 = predictor(online(x)).chunk(2)
        with torch.no_grad():
            t1, t2 = target(x).chunk(2)
        loss = 0.5 * (criterion(p1, t2) + criterion(p2, t1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    return step


if __name__ == "__main__":
    reference_pytorch_fit.main(step_maker=make_lightly_step)
