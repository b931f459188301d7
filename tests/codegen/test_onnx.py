"""ONNX frontend: the example PyTorch networks exported with torch.onnx.export convert to the same
header as through the PyTorch frontend; graphs built with onnx.helper reproduce numpy's float
arithmetic; the CLI converts a .onnx file; unsupported operators are named and nothing is written."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ctml_codegen import ConversionError
from ctml_codegen.ir import nn as ir
from ctml_codegen.nn import reference as ref
from ctml_codegen.families.network import convert_network, to_hwc, to_network

onnx = pytest.importorskip("onnx")     # python3-onnx (scripts/setup.sh installs it)
torch = pytest.importorskip("torch")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

import make_networks  # noqa: E402  (examples/, on the path through conftest.py)

ROOT = Path(__file__).resolve().parents[2]
nn = torch.nn


def export(model, shape, path: Path, **kw) -> Path:
    torch.onnx.export(model, torch.zeros((1, *shape), dtype=torch.float64), str(path), opset_version=13, **kw)
    return path


def randomize_batchnorm(model):
    g = torch.Generator().manual_seed(3)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.copy_(torch.rand(m.num_features, generator=g, dtype=torch.float64) - 0.5)
            m.running_var.copy_(torch.rand(m.num_features, generator=g, dtype=torch.float64) + 0.5)
            m.weight.data.copy_(torch.rand(m.num_features, generator=g, dtype=torch.float64) + 0.5)
    return model.eval()


def without_source(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.startswith("// Source:")]


def example_networks():
    torch.manual_seed(0)
    yield "digits_cnn", randomize_batchnorm(make_networks.digits_cnn_model(torch))
    yield "digits_residual", randomize_batchnorm(make_networks.Residual.model(torch))


@pytest.mark.parametrize("fold", [True, False])
def test_exported_example_networks_give_the_pytorch_frontends_header(tmp_path, fold):
    Xtr, Xte, _, _ = make_networks.digits()
    img = lambda X: X.reshape(-1, 1, 8, 8) / 16.0
    for name, model in example_networks():
        path = export(model, (1, 8, 8), tmp_path / f"{name}.onnx", do_constant_folding=fold)
        a = convert_network(model, name, tmp_path / "torch", X_sample=img(Xtr), input_shape=(1, 8, 8))
        b = convert_network(onnx.load(str(path)), name, tmp_path / "onnx", X_sample=img(Xtr))
        assert without_source(a.header.read_text()) == without_source(b.header.read_text())
        assert "ONNX" in b.header.read_text()
        xq = a.qnet.quantize_input(to_hwc(a.qnet.net, img(Xte)))
        assert np.array_equal(ref.run(a.qnet, xq)[-1], ref.run(b.qnet, xq)[-1])


def test_onnx_float_graph_reproduces_pytorch():
    torch.manual_seed(1)
    model = randomize_batchnorm(make_networks.Residual.model(torch))
    X = torch.randn(16, 1, 8, 8, dtype=torch.float64, generator=torch.Generator().manual_seed(4))
    import io
    buf = io.BytesIO()
    torch.onnx.export(model, X[:1], buf, opset_version=13)
    net = ir.normalize(to_network(onnx.load_from_string(buf.getvalue())))
    got = ir.forward(net, to_hwc(net, X.numpy()))[-1].reshape(16, -1)
    with torch.no_grad():
        np.testing.assert_allclose(got, model(X).numpy(), rtol=1e-9, atol=1e-9)


class ViewNet(nn.Module):
    """x.view(x.size(0), -1) exports as Shape/Gather/Unsqueeze/Concat/Reshape; ReLU6 as Clip."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3, stride=2, padding=1)
        self.dw = nn.Conv2d(4, 8, 3, padding=1, groups=4)
        self.fc = nn.Linear(8 * 3 * 3, 5)

    def forward(self, x):
        x = torch.nn.functional.relu6(self.conv(x))
        x = torch.relu(self.dw(x))
        return torch.softmax(self.fc(x.view(x.size(0), -1)), dim=1)


def test_view_reshape_clip_depthwise_and_softmax_from_torch_export(tmp_path):
    torch.manual_seed(2)
    model = ViewNet().double().eval()
    X = torch.randn(12, 2, 6, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(5))
    path = export(model, (2, 6, 6), tmp_path / "view.onnx")
    net = ir.normalize(to_network(onnx.load(str(path))))
    assert [type(l).__name__ for l in net.layers] == ["Conv2D", "DepthwiseConv2D", "Dense", "Softmax"]
    assert [getattr(l, "activation", None) for l in net.layers] == ["relu6", "relu", "linear", None]
    ts = ir.forward(net, to_hwc(net, X.numpy()))
    with torch.no_grad():
        np.testing.assert_array_equal(ts[-2].reshape(12, -1).argmax(1), model(X).numpy().argmax(1))
        np.testing.assert_allclose(ts[-1].reshape(12, -1), model(X).numpy(), rtol=1e-9, atol=1e-12)


def helper_mlp(act_nodes, extra_init=()):
    """x (1, 6) -> MatMul W1 -> Add b1 -> act -> Gemm(transB) -> Softmax, built with onnx.helper."""
    rng = np.random.RandomState(0)
    w1, b1, w2, b2 = rng.randn(6, 5), rng.randn(5), rng.randn(3, 5), rng.randn(3)
    inits = [numpy_helper.from_array(v, n) for v, n in ((w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2"))]
    nodes = [helper.make_node("MatMul", ["x", "w1"], ["m"]), helper.make_node("Add", ["m", "b1"], ["h"]),
             *act_nodes, helper.make_node("Gemm", ["a", "w2", "b2"], ["z"], transB=1),
             helper.make_node("Softmax", ["z"], ["y"], axis=1)]
    graph = helper.make_graph(nodes, "mlp", [helper.make_tensor_value_info("x", TensorProto.DOUBLE, [1, 6])],
                              [helper.make_tensor_value_info("y", TensorProto.DOUBLE, [1, 3])],
                              inits + list(extra_init))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), (w1, b1, w2, b2)


def test_matmul_add_and_clip_graph_matches_numpy():
    lo, hi = numpy_helper.from_array(np.array(0.0), "lo"), numpy_helper.from_array(np.array(6.0), "hi")
    model, (w1, b1, w2, b2) = helper_mlp([helper.make_node("Clip", ["h", "lo", "hi"], ["a"])], [lo, hi])
    X = np.random.RandomState(1).randn(20, 6) * 2
    net = ir.normalize(to_network(model))
    got = ir.forward(net, to_hwc(net, X))[-2].reshape(20, -1)   # [-2]: the logits, before the softmax
    np.testing.assert_allclose(got, np.clip(X @ w1 + b1, 0, 6) @ w2.T + b2, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("op,fn", [("Sigmoid", lambda v: 1 / (1 + np.exp(-v))), ("Tanh", np.tanh)])
def test_sigmoid_and_tanh_graphs_match_numpy(op, fn):
    model, (w1, b1, w2, b2) = helper_mlp([helper.make_node(op, ["h"], ["a"])])
    X = np.random.RandomState(2).randn(20, 6)
    net = ir.normalize(to_network(model))
    got = ir.forward(net, to_hwc(net, X))[-2].reshape(20, -1)
    np.testing.assert_allclose(got, fn(X @ w1 + b1) @ w2.T + b2, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("op", ["LeakyRelu", "Elu", "HardSigmoid"])
def test_unsupported_operator_is_named_with_the_supported_list_and_nothing_is_written(tmp_path, op):
    model, _ = helper_mlp([helper.make_node(op, ["h"], ["a"])])
    with pytest.raises(ConversionError, match=rf"ONNX operator {op} is not supported; supported: Gemm, MatMul"):
        convert_network(model, "bad", tmp_path, X_sample=np.zeros((3, 6)))
    assert not list(tmp_path.iterdir())


def test_cli_converts_an_onnx_file(tmp_path):
    torch.manual_seed(0)
    model = randomize_batchnorm(make_networks.digits_cnn_model(torch))
    path = export(model, (1, 8, 8), tmp_path / "cnn.onnx")
    Xtr, Xte, _, yte = make_networks.digits()
    np.save(tmp_path / "sample.npy", Xtr.reshape(-1, 1, 8, 8) / 16.0)
    np.savez(tmp_path / "test.npz", X=Xte[:20].reshape(-1, 1, 8, 8) / 16.0, y=yte[:20])
    cmd = [sys.executable, "-m", "ctml_codegen", "convert", str(path), "--name", "cnn_onnx", "--out", str(tmp_path / "out"),
           "--sample", str(tmp_path / "sample.npy"), "--vectors", str(tmp_path / "test.npz")]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT / "codegen")
    assert r.returncode == 0, r.stderr
    assert "MACs" in r.stdout
    assert (tmp_path / "out" / "cnn_onnx.hpp").exists() and (tmp_path / "out" / "cnn_onnx_vectors.hpp").exists()
    assert "softmax" not in r.stdout   # the graph ends in logits
    r = subprocess.run(cmd + ["--softmax", "--name", "cnn_proba"], capture_output=True, text=True, cwd=ROOT / "codegen")
    assert r.returncode == 0 and "softmax" in r.stdout, r.stderr
    assert "ctml::nn::softmax<cnn_proba_data::l5>" in (tmp_path / "out" / "cnn_proba.hpp").read_text()
    bad = subprocess.run(cmd[:7] + ["--out", str(tmp_path / "none")], capture_output=True, text=True, cwd=ROOT / "codegen")
    assert bad.returncode == 2 and "needs --sample" in bad.stderr
    assert not (tmp_path / "none").exists()


def test_a_corrupt_onnx_file_is_refused(tmp_path):
    (tmp_path / "junk.onnx").write_bytes(b"\x08\x07not a model")
    with pytest.raises(ConversionError, match="is not a valid ONNX model"):
        to_network(str(tmp_path / "junk.onnx"))
