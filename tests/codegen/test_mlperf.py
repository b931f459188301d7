"""MLPerf Tiny networks (examples/make_mlperf.py): ResNet-8's projection shortcuts and DS-CNN
convert to the same header through ONNX and through the PyTorch frontend; the float IR of each
reproduces PyTorch; the int8 reference stays close to the float network; the arena plan (the
Python mirror of network.hpp's) meets the live-tensor bounds."""
from __future__ import annotations

import numpy as np
import pytest

from ctml_codegen.ir import nn as ir
from ctml_codegen.nn import plan as nn_plan
from ctml_codegen.nn import reference as ref
from ctml_codegen.families.network import arena_bytes, convert_network, to_hwc, to_network

torch = pytest.importorskip("torch")
pytest.importorskip("onnx")
import make_mlperf  # noqa: E402  (examples/)


def without_source(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.startswith("// Source:")]


@pytest.mark.parametrize("name", ["mlperf_resnet8", "mlperf_ds_cnn"])
def test_onnx_and_pytorch_frontends_give_one_header(tmp_path, name):
    a = make_mlperf.make(name, tmp_path / "onnx", frontend="onnx")
    b = make_mlperf.make(name, tmp_path / "torch", frontend="torch")
    assert without_source(a.header.read_text()) == without_source(b.header.read_text())
    assert (tmp_path / "onnx" / f"{name}_vectors.hpp").read_text() == (tmp_path / "torch" / f"{name}_vectors.hpp").read_text()


@pytest.mark.parametrize("name", list(make_mlperf.SPECS))
def test_float_ir_reproduces_pytorch_and_int8_stays_close(name):
    t = make_mlperf.torch_setup()
    build, shape, kind, _ = make_mlperf.SPECS[name]
    model = build(t)
    X = make_mlperf.synthetic((4, *shape), 30, kind)
    net = ir.normalize(to_network(model, shape))
    got = ir.forward(net, to_hwc(net, X))[-1].reshape(4, -1)
    with t.no_grad():
        want = model(t.tensor(X, dtype=t.float64)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9)
    if name == "mlperf_resnet8":
        assert sum(isinstance(l, ir.Branch) for l in net.layers) == 2
    from ctml_codegen.quantize.nn import quantize
    q = quantize(net, to_hwc(net, make_mlperf.synthetic((32, *shape), 10, kind)))
    ts = ref.run(q, q.quantize_input(to_hwc(net, X)))
    k = -2 if q.has_softmax else -1   # the logits (DS-CNN and ResNet-8 end in a softmax, as MLPerf's)
    real = (ts[k].reshape(4, -1) - q.output_zero) * q.output_scale
    logits = ir.forward(net, to_hwc(net, X))[k].reshape(4, -1)
    # int8 through 9-18 layers of random weights: within a tenth of the output range.
    assert np.max(np.abs(real - logits)) <= 0.1 * (logits.max() - logits.min())
    if q.has_softmax:   # the probabilities: the softmax's half step plus what the logits' error moves them
        proba = (ts[-1].reshape(4, -1) + 128) / 256
        assert np.max(np.abs(proba - want)) <= 1 / 256 + 0.5 * np.max(np.abs(real - logits))   # p_k <= 1/4 here


@pytest.mark.parametrize("name", list(make_mlperf.SPECS))
def test_arena_plan_meets_the_live_tensor_bounds(name):
    t = make_mlperf.torch_setup()
    build, shape, _, _ = make_mlperf.SPECS[name]
    net = ir.normalize(to_network(build(t), shape))
    plan = arena_bytes(ir.shapes(net), net.layers)
    bounds = nn_plan.arena_bounds(net)
    assert plan == bounds["two_largest_live"]
    if name != "mlperf_resnet8":   # chains: the two largest tensors alive together
        assert plan == bounds["all_live"]
    else:   # unfused, three 32x32x16 maps alive during stack 1's second convolution; fused in place, two
        assert (plan, bounds["all_live"]) == (2 * 16384, 3 * 16384)


def test_a_shortcut_reading_an_earlier_tensor_becomes_a_branch(tmp_path):
    nn = torch.nn

    class Proj(nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b, self.s = nn.Conv2d(2, 4, 3, stride=2, padding=1), nn.Conv2d(4, 4, 3, padding=1), nn.Conv2d(2, 4, 1, stride=2)
            self.bn = nn.BatchNorm2d(4)
            self.fc = nn.Linear(4 * 4 * 4, 3)

        def forward(self, x):
            y = self.b(torch.relu(self.a(x)))
            return self.fc(torch.flatten(torch.relu(self.bn(self.s(x)) + y), 1))

    torch.manual_seed(0)
    model = make_mlperf.seeded_batchnorm(torch, Proj().double())
    X = np.random.RandomState(0).randn(10, 2, 8, 8)
    net = ir.normalize(to_network(model, (2, 8, 8)))
    assert [type(l).__name__ for l in net.layers] == ["Conv2D", "Conv2D", "Branch", "Add", "Dense"]
    assert net.layers[2].source == 0 and net.layers[3].other == 2
    with torch.no_grad():
        np.testing.assert_allclose(ir.forward(net, to_hwc(net, X))[-1].reshape(10, -1),
                                   model(torch.tensor(X)).numpy(), rtol=1e-9, atol=1e-9)
    r = convert_network(model, "proj", tmp_path, X_sample=X, input_shape=(2, 8, 8))
    assert "ctml::nn::branch<0, ctml::nn::dims{8, 8, 2}, ctml::nn::conv2d<proj_data::l2>>" in r.header.read_text()
