"""Network codegen: the numpy int8 reference against the float models and exact arithmetic,
PyTorch layouts (NCHW -> HWC, flatten order, BatchNorm folding), and clear errors that write nothing."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from sklearn import datasets, neural_network
from sklearn.model_selection import train_test_split

from ctml_codegen import ConversionError
from ctml_codegen.ir import nn as ir
from ctml_codegen.nn import reference as ref
from ctml_codegen.families.network import convert_network, to_hwc, to_network
from ctml_codegen.quantize.nn import quantize

torch = pytest.importorskip("torch")   # python3-torch (scripts/setup.sh installs it)
nn = torch.nn


def digits():
    X, y = datasets.load_digits(return_X_y=True)
    return train_test_split(X, y, test_size=0.25, random_state=0)


def small_mlp(**kw):
    Xtr, Xte, ytr, yte = digits()
    return neural_network.MLPClassifier(hidden_layer_sizes=(16,), random_state=0, max_iter=200, **kw).fit(Xtr, ytr)


def test_quantize_multiplier_represents_the_real_multiplier():
    rng = np.random.RandomState(0)
    for m in np.concatenate([rng.uniform(1e-6, 4.0, 200), [0.5, 1.0, 2.0 ** -20]]):
        q, s = ref.quantize_multiplier(float(m))
        assert (1 << 30) <= q < (1 << 31)
        assert abs(Fraction(q, 1 << 31) * Fraction(2) ** s - Fraction(float(m))) <= Fraction(2) ** (s - 32)


def test_requantization_is_the_real_product_rounded_within_one_step():
    rng = np.random.RandomState(1)
    x = rng.randint(-(1 << 24), 1 << 24, size=2000)
    for m in (0.0123, 0.37, 0.99, 1.7):
        q, s = ref.quantize_multiplier(m)
        got = ref.multiply_by_quantized_multiplier(x, q, s)
        exact = x.astype(np.float64) * (q / 2.0 ** 31) * 2.0 ** s
        assert np.max(np.abs(got - exact)) <= 1.0


def test_srdhm_matches_exact_rational_arithmetic():
    rng = np.random.RandomState(2)
    a = rng.randint(-(1 << 31), (1 << 31) - 1, size=500, dtype=np.int64)
    b = rng.randint(-(1 << 31), (1 << 31) - 1, size=500, dtype=np.int64)
    got = ref.srdhm(a, b)
    for ai, bi, g in zip(a.tolist(), b.tolist(), got.tolist()):
        ab = ai * bi
        nudge = (1 << 30) if ab >= 0 else 1 - (1 << 30)
        assert g == int(Fraction(ab + nudge, 1 << 31))  # int() truncates toward zero, as C++ division


def test_sklearn_mlp_float_ir_reproduces_predict_proba():
    m = small_mlp()
    _, Xte, _, _ = digits()
    net = ir.normalize(to_network(m))
    assert isinstance(net.layers[-1], ir.Softmax)   # kept: the network's predict_proba
    proba = ir.forward(net, to_hwc(net, Xte))[-1].reshape(len(Xte), -1)
    np.testing.assert_allclose(proba, m.predict_proba(Xte), rtol=1e-9, atol=1e-12)


def test_binary_mlp_becomes_two_outputs_with_the_same_decisions():
    X, y = datasets.load_breast_cancer(return_X_y=True)
    m = neural_network.MLPClassifier(hidden_layer_sizes=(8,), random_state=0, max_iter=300).fit(X, y)
    net = ir.normalize(to_network(m))
    ts = ir.forward(net, to_hwc(net, X))
    assert np.array_equal(ts[-2].reshape(len(X), -1).argmax(1), m.predict(X))   # the logits (0, z)
    np.testing.assert_allclose(ts[-1].reshape(len(X), -1), m.predict_proba(X), rtol=1e-9, atol=1e-12)


def test_int8_reference_agrees_with_scikit_learn_on_held_out_digits():
    m = small_mlp()
    Xtr, Xte, _, _ = digits()
    net = ir.normalize(to_network(m))
    q = quantize(net, to_hwc(net, Xtr))
    out = ref.run(q, q.quantize_input(to_hwc(net, Xte)))[-2].reshape(len(Xte), -1)
    assert np.mean(out.argmax(1) == m.predict(Xte)) >= 0.98


def _cnn():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(2, 3, 3, padding=1, stride=2), nn.BatchNorm2d(3), nn.ReLU6(),
                         nn.Conv2d(3, 6, 3, padding=1, groups=3), nn.ReLU(), nn.AvgPool2d(2),
                         nn.Flatten(), nn.Linear(6 * 2 * 2, 5)).double().eval()


def test_torch_layouts_and_batchnorm_folding_reproduce_the_module():
    model = _cnn()
    bn = model[1]
    bn.running_mean.uniform_(-1, 1), bn.running_var.uniform_(0.5, 2), bn.weight.data.uniform_(0.5, 2)
    X = torch.randn(20, 2, 8, 8, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    net = ir.normalize(to_network(model, (2, 8, 8)))
    got = ir.forward(net, to_hwc(net, X.numpy()))[-1].reshape(20, -1)
    with torch.no_grad():
        np.testing.assert_allclose(got, model(X).numpy(), rtol=1e-9, atol=1e-9)


def test_torch_fx_residual_graph_matches_the_module():
    class Res(nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b, self.fc = nn.Conv2d(1, 4, 3, padding=1), nn.Conv2d(4, 4, 1), nn.Linear(4 * 16, 3)

        def forward(self, x):
            y = torch.relu(self.a(x))
            return self.fc(torch.flatten(torch.relu(self.b(y) + y), 1))

    torch.manual_seed(0)
    model = Res().double().eval()
    X = torch.randn(10, 1, 4, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    net = ir.normalize(to_network(model, (1, 4, 4)))
    assert [type(l).__name__ for l in net.layers] == ["Conv2D", "Conv2D", "Add", "Dense"]
    got = ir.forward(net, to_hwc(net, X.numpy()))[-1].reshape(10, -1)
    with torch.no_grad():
        np.testing.assert_allclose(got, model(X).numpy(), rtol=1e-9, atol=1e-9)


def test_unsupported_torch_operator_is_named_with_the_supported_list(tmp_path):
    model = nn.Sequential(nn.Linear(4, 4), nn.GELU(), nn.Linear(4, 2))
    with pytest.raises(ConversionError, match=r"operator GELU is not supported; supported: Linear, Conv2d"):
        convert_network(model, "gelu", tmp_path, X_sample=np.zeros((3, 4)), input_shape=(4,))
    assert not list(tmp_path.iterdir())


def test_unsupported_sklearn_estimator_is_named(tmp_path):
    from sklearn.linear_model import LogisticRegression
    Xtr, _, ytr, _ = digits()
    lr = LogisticRegression(max_iter=50).fit(Xtr, ytr)
    with pytest.raises(ConversionError, match=r"LogisticRegression is not a supported network; supported: MLPClassifier"):
        convert_network(lr, "t", tmp_path, X_sample=Xtr)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("act", ["logistic", "tanh"])
def test_table_activations_quantize_close_to_scikit_learn(act):
    m = small_mlp(activation=act)
    Xtr, Xte, _, _ = digits()
    net = ir.normalize(to_network(m))
    assert [type(l).__name__ for l in net.layers] == ["Dense", "Activation", "Dense", "Softmax"]
    logits = ir.forward(net, to_hwc(net, Xte))[-2].reshape(len(Xte), -1)
    assert np.array_equal(logits.argmax(1), m.predict(Xte))
    q = quantize(net, to_hwc(net, Xtr))
    out = ref.run(q, q.quantize_input(to_hwc(net, Xte)))[-2].reshape(len(Xte), -1)
    assert np.mean(out.argmax(1) == m.predict(Xte)) >= 0.97


def test_torch_sigmoid_and_tanh_become_tables():
    model = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2), nn.Sigmoid()).double().eval()
    X = torch.randn(8, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(3))
    net = ir.normalize(to_network(model, (4,)))
    got = ir.forward(net, to_hwc(net, X.numpy()))[-1].reshape(8, -1)
    with torch.no_grad():
        np.testing.assert_allclose(got, model(X).numpy(), rtol=1e-12)
    q = quantize(net, to_hwc(net, X.numpy()))
    assert (q.layers[1].out_scale, q.layers[1].out_zero) == (1 / 128, 0)
    assert (q.layers[3].out_scale, q.layers[3].out_zero) == (1 / 256, -128)


def test_nan_weights_are_refused_and_nothing_is_written(tmp_path):
    m = small_mlp()
    m.coefs_[0][3, 2] = np.nan
    with pytest.raises(ConversionError, match=r"layer 0 \(Dense\) has a NaN or infinite weight"):
        convert_network(m, "nan_mlp", tmp_path, X_sample=digits()[0])
    assert not list(tmp_path.iterdir())


def test_nan_calibration_inputs_are_refused(tmp_path):
    Xtr = digits()[0].copy()
    Xtr[0, 0] = np.nan
    with pytest.raises(ConversionError, match="calibration inputs contain NaN"):
        convert_network(small_mlp(), "m", tmp_path, X_sample=Xtr)


def test_shape_errors_name_the_layer_and_the_shapes(tmp_path):
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten(), nn.Linear(50, 2))   # 2x6x6 = 72, not 50
    with pytest.raises(ConversionError, match=r"Dense layer expects 50 inputs but gets 1x1x72 = 72"):
        convert_network(model, "bad", tmp_path, X_sample=np.zeros((2, 1, 8, 8)), input_shape=(1, 8, 8))
    with pytest.raises(ConversionError, match=r"inputs of shape \(2, 3, 8, 8\) do not match"):
        convert_network(nn.Sequential(nn.Conv2d(1, 2, 3)), "bad", tmp_path, X_sample=np.zeros((2, 3, 8, 8)),
                        input_shape=(1, 8, 8))
    assert not list(tmp_path.iterdir())


def test_an_arena_over_the_ram_budget_is_refused(tmp_path):
    model = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(32 * 64, 2))
    with pytest.raises(ConversionError, match=r"over the 2048 B RAM budget"):
        convert_network(model, "big", tmp_path, X_sample=np.zeros((2, 1, 8, 8)), input_shape=(1, 8, 8), target="avr")
    assert not list(tmp_path.iterdir())


def test_mlp_regressor_int8_output_is_within_a_step_or_two_of_scikit_learn():
    X, y = datasets.load_diabetes(return_X_y=True)
    Xtr, Xte, ytr, _ = train_test_split(X, y, test_size=0.25, random_state=0)
    m = neural_network.MLPRegressor(hidden_layer_sizes=(16,), random_state=0, max_iter=2000,
                                    learning_rate_init=0.01).fit(Xtr, ytr)
    net = ir.normalize(to_network(m))
    q = quantize(net, to_hwc(net, Xtr))   # a dead hidden unit (tiny weights, real bias) must not break this
    out = ref.run(q, q.quantize_input(to_hwc(net, Xte)))[-1].reshape(-1)
    value = (out - q.output_zero) * q.output_scale
    assert np.max(np.abs(value - m.predict(Xte))) <= 2 * q.output_scale


# The int8 softmax (include/ctml/nn/softmax.hpp, nn_reference.softmax).

@pytest.mark.parametrize("scale", [0.001, 0.02, 0.05, 0.1, 0.5, 3.0])
def test_int8_softmax_is_within_its_documented_bound_of_the_exact_softmax(scale):
    from ctml_codegen.quantize.nn import softmax_table
    table = softmax_table(scale)
    assert table[0] == 1 << 15 and len(table) <= 256 and np.all(table > 0) and np.all(np.diff(table) <= 0)
    rng = np.random.RandomState(3)
    for c in (1, 2, 10, 100):
        x = rng.randint(-128, 128, size=(5000, c))
        x[:50] = 127                                  # all equal
        x[50:100, 0], x[50:100, 1:] = 127, -128       # one dominant
        q = ref.softmax(x, table)
        assert q.min() >= -128 and q.max() <= 127
        p = ir.softmax(x * scale)
        err = np.abs((q + 128) / 256 - p) * 256       # in output steps (1/256)
        saturated = p > 255 / 256
        assert np.all(err[~saturated] <= 0.5 + (c + 1) / 256)
        assert np.all(err[saturated] <= 1.0)
        assert np.array_equal(q[:50], np.full((50, c), min(255, (256 + c // 2) // c) - 128))


def test_int8_probabilities_follow_scikit_learn_predict_proba():
    m = small_mlp()
    Xtr, Xte, _, _ = digits()
    net = ir.normalize(to_network(m))
    q = quantize(net, to_hwc(net, Xtr))
    ts = ref.run(q, q.quantize_input(to_hwc(net, Xte)))
    proba = (ts[-1].reshape(len(Xte), -1) + 128) / 256
    err = np.abs(proba - m.predict_proba(Xte))
    # Most of the error is the int8 logits' (scale ~0.27 here), not the softmax's 1/256.
    assert err.mean() <= 0.005 and err.max() <= 0.1
    assert np.mean(proba.argmax(1) == m.predict(Xte)) >= 0.95   # probabilities tie in int8; predict uses the logits


def test_softmax_option_appends_or_removes_the_final_softmax(tmp_path):
    Xtr, Xte, ytr, yte = digits()
    model = nn.Sequential(nn.Linear(64, 10)).double().eval()
    kw = dict(X_sample=Xtr, input_shape=(64,), X_test=Xte[:20], framework_predict=lambda X: np.zeros(len(X), int))
    r = convert_network(model, "plain", tmp_path, **kw)
    assert not r.qnet.has_softmax and "softmax" not in (tmp_path / "plain.hpp").read_text()
    r = convert_network(model, "with", tmp_path, softmax=True, **kw)
    assert r.qnet.has_softmax and "ctml::nn::softmax<with_data::l1>" in (tmp_path / "with.hpp").read_text()
    assert "expected_proba" in (tmp_path / "with_vectors.hpp").read_text()
    from ctml_codegen.emit import footprint   # the weights and tables, plus the kernels' code per layer
    # (+ the dense layer's requantize parameters, nn::detail::conv_quant: 48 B on a 64-bit host)
    assert r.flash_bytes == footprint.network(len(r.qnet.layers), False,
                                              640 + 4 * 10 + 5 * 10 + 48 + 2 * len(r.qnet.layers[-1].weight), "host")
    r = convert_network(small_mlp(), "without", tmp_path, X_sample=Xtr, softmax=False)
    assert not r.qnet.has_softmax


def test_softmax_errors_are_clear_and_write_nothing(tmp_path):
    Xtr, _, ytr, _ = digits()
    reg = neural_network.MLPRegressor(hidden_layer_sizes=(4,), random_state=0, max_iter=20).fit(Xtr, ytr)
    with pytest.raises(ConversionError, match="softmax=True needs a classifier"):
        convert_network(reg, "r", tmp_path, X_sample=Xtr, softmax=True)
    with pytest.raises(ConversionError, match=r"Softmax\(dim=2\)"):
        to_network(nn.Sequential(nn.Conv2d(1, 2, 3), nn.Softmax(dim=2)).double(), (1, 8, 8))
    with pytest.raises(ConversionError, match="only as a classifier's last layer"):
        ir.normalize(to_network(nn.Sequential(nn.Linear(4, 3), nn.Softmax(dim=1), nn.Linear(3, 2)).double(), (4,)))
    assert not list(tmp_path.iterdir())


def test_torch_functional_softmax_over_channels_is_kept():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 3)

        def forward(self, x):
            return torch.nn.functional.softmax(self.fc(x), dim=-1)

    model = Net().double().eval()
    net = ir.normalize(to_network(model, (4,)))
    assert isinstance(net.layers[-1], ir.Softmax)
    X = torch.randn(6, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        np.testing.assert_allclose(ir.forward(net, to_hwc(net, X.numpy()))[-1].reshape(6, -1), model(X).numpy(),
                                   rtol=1e-12, atol=1e-15)
