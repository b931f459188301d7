#!/usr/bin/python3
"""The MLPerf Tiny reference topologies as int8 ctml networks, for Cortex-M4 and the host:

- mlperf_ds_cnn: keyword spotting DS-CNN-S (49x10x1 MFCCs: conv 64 10x4 stride 2, four
  depthwise-separable blocks of 64, average pool, dense 12, softmax), converted through ONNX;
- mlperf_resnet8: image classification ResNet-8 (32x32x3: conv 16, three residual stacks of
  16/32/64 with strided 1x1 projection shortcuts, average pool, dense 10, softmax), through ONNX;
- mlperf_autoencoder: anomaly detection FC autoencoder (640 -> 128 x4 -> 8 -> 128 x4 -> 640,
  BatchNorm and ReLU), through the PyTorch frontend.

Weights are PyTorch's seeded initialisation with seeded BatchNorm statistics (no data set is
available here, and the figures that matter — bit-exactness, cycles, flash, RAM — do not depend
on training); calibration and test inputs are seeded synthetic data. PyTorch pads symmetrically,
so the strided 'same' convolutions pad one row more on top than Keras would; shapes are the
reference's. Deterministic: regenerating changes no byte.

Usage: /usr/bin/python3 examples/make_mlperf.py [--out models] [--only NAME ...]
"""
from __future__ import annotations

import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "codegen"))

import numpy as np  # noqa: E402

import layout  # noqa: E402  (examples/layout.py: where each generated file lives)
from ctml_codegen import convert_network  # noqa: E402

N_CALIBRATION, N_TEST = 32, 5


def torch_setup():
    import torch
    torch.manual_seed(0)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    return torch


def seeded_batchnorm(torch, model):
    """Non-trivial BatchNorm statistics (so folding is exercised), from a fixed generator."""
    g = torch.Generator().manual_seed(1)
    for m in model.modules():
        if isinstance(m, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d)):
            n = m.num_features
            m.running_mean.copy_((torch.rand(n, generator=g, dtype=torch.float64) - 0.5) * 0.2)
            m.running_var.copy_(torch.rand(n, generator=g, dtype=torch.float64) * 0.5 + 0.75)
            m.weight.data.copy_(torch.rand(n, generator=g, dtype=torch.float64) * 0.5 + 0.75)
            m.bias.data.copy_((torch.rand(n, generator=g, dtype=torch.float64) - 0.5) * 0.2)
    return model.eval()


def ds_cnn(torch):
    nn = torch.nn
    layers = [nn.Conv2d(1, 64, (10, 4), stride=2, padding=(5, 1)), nn.BatchNorm2d(64), nn.ReLU()]
    for _ in range(4):
        layers += [nn.Conv2d(64, 64, 3, padding=1, groups=64), nn.BatchNorm2d(64), nn.ReLU(),
                   nn.Conv2d(64, 64, 1), nn.BatchNorm2d(64), nn.ReLU()]
    layers += [nn.AvgPool2d((25, 5)), nn.Flatten(), nn.Linear(64, 12), nn.Softmax(dim=1)]
    return seeded_batchnorm(torch, nn.Sequential(*layers).double())


def resnet8(torch):
    nn = torch.nn

    class Stack(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.conv1, self.bn1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1), nn.BatchNorm2d(cout)
            self.conv2, self.bn2 = nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout)
            self.shortcut = nn.Conv2d(cin, cout, 1, stride=stride) if stride != 1 else None

        def forward(self, x):
            y = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
            s = self.shortcut(x) if self.shortcut is not None else x
            return torch.relu(s + y)

    class ResNet8(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv, self.bn = nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16)
            self.s1, self.s2, self.s3 = Stack(16, 16, 1), Stack(16, 32, 2), Stack(32, 64, 2)
            self.pool, self.fc = nn.AvgPool2d(8), nn.Linear(64, 10)

        def forward(self, x):
            x = self.s3(self.s2(self.s1(torch.relu(self.bn(self.conv(x))))))
            return torch.softmax(self.fc(torch.flatten(self.pool(x), 1)), dim=1)

    return seeded_batchnorm(torch, ResNet8().double())


def autoencoder(torch):
    nn = torch.nn
    sizes = [640, 128, 128, 128, 128, 8, 128, 128, 128, 128]
    layers = []
    for a, b in zip(sizes, sizes[1:]):
        layers += [nn.Linear(a, b), nn.BatchNorm1d(b), nn.ReLU()]
    layers.append(nn.Linear(128, 640))
    return seeded_batchnorm(torch, nn.Sequential(*layers).double())


def synthetic(shape, seed: int, kind: str) -> np.ndarray:
    """Seeded stand-ins for the data sets: MFCC-like and log-mel-like features (normal), images in [0, 1]."""
    rng = np.random.RandomState(seed)
    if kind == "image":
        return rng.uniform(0.0, 1.0, size=shape)
    return rng.normal(0.0, 1.0, size=shape)


def to_onnx(torch, model, shape):
    import onnx
    buf = io.BytesIO()
    torch.onnx.export(model, torch.zeros((1, *shape), dtype=torch.float64), buf, opset_version=13)
    return onnx.load_from_string(buf.getvalue())


SPECS = {  # name: (model builder, NCHW or (features,) input, synthetic kind, frontend)
    "mlperf_ds_cnn": (ds_cnn, (1, 49, 10), "features", "onnx"),
    "mlperf_resnet8": (resnet8, (3, 32, 32), "image", "onnx"),
    "mlperf_autoencoder": (autoencoder, (640,), "features", "torch"),
}


def framework_predict(torch, model):
    def predict(X):
        with torch.no_grad():
            return model(torch.tensor(np.asarray(X), dtype=torch.float64)).argmax(1).numpy()
    return predict


def make(name: str, out, frontend: str | None = None):
    torch = torch_setup()
    build, shape, kind, default_frontend = SPECS[name]
    model = build(torch)
    X_cal = synthetic((N_CALIBRATION, *shape), 10, kind)
    X_test = synthetic((N_TEST, *shape), 20, kind)
    frontend = frontend or default_frontend
    src = to_onnx(torch, model, shape) if frontend == "onnx" else model
    return convert_network(src, name, out, X_sample=X_cal, input_shape=shape, target="cortex-m", X_test=X_test,
                           framework_predict=framework_predict(torch, model))


NETWORKS = {name: (lambda out, name=name: make(name, out)) for name in SPECS}


def main() -> int:
    return layout.network_main(__doc__, NETWORKS, lambda name, r: (f"{name}: {r.macs} MACs, arena {r.arena_bytes} B (two largest live tensors "
                             f"{r.two_largest_live} B, all live {r.all_live} B), weights {r.flash_bytes} B, header {r.header.name}"))


if __name__ == "__main__":
    raise SystemExit(main())
