"""TFLite frontend: .tflite files the tests write (tflite_builder.py) convert with their own
quantization, and ctml's numpy reference equals an independent interpreter of TFLite's int8
reference kernels (tflite_interp.py) on every output; unsupported operators, types and options
are refused by name; malformed and truncated files give one error line and write nothing; the
four official MLPerf Tiny files (../shared/mlperf_tiny, absent from a user's clone) convert."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import tflite_builder as tb
import tflite_interp
from ctml_codegen import ConversionError, convert_network, convert_tflite
from ctml_codegen.frontends import tflite
from ctml_codegen.nn import reference as ref

ROOT = Path(__file__).resolve().parents[2]
MLPERF = ROOT.parent / "shared" / "mlperf_tiny"


def write(tmp_path: Path, data: bytes, name="m.tflite") -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def agree(path: Path, n: int = 12, seed: int = 0) -> np.ndarray:
    """Every output of ctml's reference equals the interpreter's on n random int8 inputs; returns them."""
    q = tflite.to_qnetwork(path)
    tensors, ops, gi, _, _ = tflite.read(path)
    X = np.random.default_rng(seed).integers(-128, 128, size=(n,) + q.net.input_shape)
    got = ref.run(q, X)[-1].reshape(n, -1)
    want = np.stack([tflite_interp.run(tensors, ops, gi, x).reshape(-1) for x in X])
    np.testing.assert_array_equal(got, want)
    return got


def one_conv(tmp_path, in_hwc, out_hwc, oc, k, stride, padding, act, per_channel=True, multiplier=None, seed=0):
    rng = np.random.default_rng(seed)
    m = tb.Model()
    x = tb.act_tensor(m, in_hwc, 0.02, 5)
    y = tb.conv(m, rng, x, in_hwc, out_hwc, oc, k, stride, padding, act, per_channel, out_q=(0.04, -7),
                depthwise_multiplier=multiplier)
    return write(tmp_path, m.finish([x], [y]))


def test_every_operator_at_once_matches_tflite_arithmetic(tmp_path):
    p = write(tmp_path, tb.tiny_cnn())
    out = agree(p, n=20)
    assert len(np.unique(out)) > 10          # not a constant output
    q = tflite.to_qnetwork(p)
    assert q.layers[0].layer.padding == (0, 1, 0, 1)           # SAME, stride 2: the extra row/column after
    assert len(set(q.layers[0].multiplier.tolist())) == 1      # per-tensor weights
    assert q.layers[1].layer.multiplier == 2                   # depth multiplier


@pytest.mark.parametrize("in_hwc,out_hwc,k,stride,padding", [
    ((8, 8, 3), (4, 4, 4), (3, 3), (2, 2), tb.SAME),     # total pad 1: bottom/right only
    ((7, 9, 3), (4, 5, 4), (3, 3), (2, 2), tb.SAME),     # total pad 2: one each side
    ((6, 7, 3), (2, 3, 4), (4, 2), (2, 2), tb.VALID),
    ((5, 6, 2), (5, 6, 4), (2, 2), (1, 1), tb.SAME),     # even kernel: pad 0 before, 1 after
    ((9, 5, 1), (3, 3, 4), (4, 3), (3, 2), tb.SAME),
])
@pytest.mark.parametrize("act", [tb.NONE, tb.RELU, tb.RELU6])
@pytest.mark.parametrize("per_channel", [True, False])
def test_conv2d_padding_stride_activation(tmp_path, in_hwc, out_hwc, k, stride, padding, act, per_channel):
    agree(one_conv(tmp_path, in_hwc, out_hwc, 4, k, stride, padding, act, per_channel), n=4)


@pytest.mark.parametrize("multiplier", [1, 2, 3])
@pytest.mark.parametrize("stride,out_hw", [((1, 1), (6, 5)), ((2, 2), (3, 3))])
def test_depthwise_multiplier_and_stride(tmp_path, multiplier, stride, out_hw):
    agree(one_conv(tmp_path, (6, 5, 3), out_hw + (3 * multiplier,), 3 * multiplier, (3, 3), stride, tb.SAME, tb.RELU,
                   multiplier=multiplier), n=4)


@pytest.mark.parametrize("per_channel", [False, True])
@pytest.mark.parametrize("act", [tb.NONE, tb.RELU, tb.RELU6])
def test_fully_connected(tmp_path, per_channel, act):
    rng = np.random.default_rng(4)
    m = tb.Model()
    x = m.tensor((1, 20), tb.INT8, 0.03, -4)
    y = tb.fully_connected(m, rng, x, 20, 7, act, out_q=(0.05, 2), per_channel=per_channel)
    agree(write(tmp_path, m.finish([x], [y])), n=30)


def test_fully_connected_per_tensor_multiplier_uses_a_float32_product():
    """TFLite's GetQuantizedConvolutionMultipler multiplies the two scales in float: a case where that
    changes the Q31 multiplier, so the frontend must do the same."""
    rng = np.random.default_rng(0)
    for _ in range(20000):
        s_in, s_w, s_out = (np.float32(v) for v in rng.uniform(0.001, 0.1, size=3))
        f = ref.quantize_multiplier(float(np.float32(s_in * s_w)) / float(s_out))
        d = ref.quantize_multiplier(float(s_in) * float(s_w) / float(s_out))
        if f != d:
            break
    else:
        pytest.skip("no float/double difference found")
    assert tflite_interp.quantize_multiplier(float(np.float32(s_in * s_w)) / float(s_out)) == f


def test_add_with_its_own_input_and_output_scales(tmp_path):
    """ADD of a convolution and the model's input (an identity shortcut), all three scales different."""
    rng = np.random.default_rng(2)
    m = tb.Model()
    x = tb.act_tensor(m, (4, 5, 3), 0.021, 9)
    c = tb.conv(m, rng, x, (4, 5, 3), (4, 5, 3), 3, (3, 3), (1, 1), tb.SAME, tb.NONE, out_q=(0.077, -20))
    y = tb.act_tensor(m, (4, 5, 3), 0.05, 1)
    m.op(tb.ADD, [x, c], [y], "add", act=tb.RELU6)
    p = write(tmp_path, m.finish([x], [y]))
    agree(p, n=10)
    q = tflite.to_qnetwork(p)
    assert q.layers[1].add["in1_multiplier"] != q.layers[1].add["in2_multiplier"]


@pytest.mark.parametrize("kind", [tb.AVERAGE_POOL_2D, tb.MAX_POOL_2D])
@pytest.mark.parametrize("padding,stride,out_hw", [(tb.SAME, (2, 2), (3, 4)), (tb.VALID, (1, 2), (4, 3)),
                                                   (tb.SAME, (1, 1), (6, 7))])
def test_pools_count_only_real_taps(tmp_path, kind, padding, stride, out_hw):
    m = tb.Model()
    x = tb.act_tensor(m, (6, 7, 5), 0.05, -3)
    y = tb.act_tensor(m, out_hw + (5,), 0.05, -3)
    m.op(kind, [x], [y], "pool", padding=padding, stride_w=stride[1], stride_h=stride[0], filter_width=3,
         filter_height=3, act=tb.RELU)
    agree(write(tmp_path, m.finish([x], [y])), n=6)


@pytest.mark.parametrize("beta,scale", [(1.0, 0.08), (1.0, 0.5), (0.5, 0.2), (1.0, 0.01)])
def test_softmax_exact_and_fast(tmp_path, beta, scale):
    rng = np.random.default_rng(5)
    m = tb.Model()
    x = m.tensor((1, 20), tb.INT8, 0.03, -4)
    f = tb.fully_connected(m, rng, x, 20, 10, out_q=(scale, 3))
    y = m.tensor((1, 10), tb.INT8, 1 / 256, -128)
    m.op(tb.SOFTMAX, [f], [y], "softmax", beta=beta)
    p = write(tmp_path, m.finish([x], [y]))
    exact = agree(p, n=200)
    # Against the float softmax of the dequantized logits: TFLite's fixed point is within 2 codes.
    q = tflite.to_qnetwork(p)
    X = np.random.default_rng(0).integers(-128, 128, size=(200,) + q.net.input_shape)
    logits = ref.run(q, X)[-2].reshape(200, -1)
    z = beta * scale * (logits - 3)
    prob = np.exp(z - z.max(axis=1, keepdims=True))
    prob /= prob.sum(axis=1, keepdims=True)
    assert np.max(np.abs((exact + 128) - np.minimum(np.round(prob * 256), 255))) <= 2
    if beta == 1.0:
        fast = ref.run(tflite.to_qnetwork(p, softmax="fast"), X)[-1].reshape(200, -1)
        assert np.max(np.abs(fast - exact)) <= 1
    else:
        with pytest.raises(ConversionError, match="beta"):
            tflite.to_qnetwork(p, softmax="fast")


def test_softmax_kernel_matches_gemmlowp_cases():
    """Fixed points of TFLite's softmax that do not depend on rounding: a lone maximum among values
    below diff_min is 255/256 (127), values below diff_min give -128, and equal inputs share the mass."""
    p = tflite.softmax_params(1.0, 0.5)
    assert p["diff_min"] < 0
    x = np.array([[100, -100, -128, -120]])
    np.testing.assert_array_equal(ref.softmax_tflite(x, p), [[127, -128, -128, -128]])
    eq = ref.softmax_tflite(np.full((1, 4), 7), p)
    assert np.all(eq == eq[0, 0]) and abs(int(eq[0, 0]) - (64 - 128)) <= 1


def model_with(op_code, options=None, **fields):
    m = tb.Model()
    x = m.tensor((1, 4), tb.INT8, 0.1, 0)
    y = m.tensor((1, 4), tb.INT8, 0.1, 0)
    m.op(op_code, [x, x] if op_code == tb.MUL else [x], [y], options, **fields)
    return m.finish([x], [y])


@pytest.mark.parametrize("build,match", [
    (lambda: model_with(tb.MUL), r"MUL\) is not supported; supported: CONV_2D"),
    (lambda: model_with(tb.LOGISTIC), r"LOGISTIC\) is not supported"),
    (lambda: model_with(tb.QUANTIZE), r"QUANTIZE\) is not supported"),
])
def test_unsupported_operators_are_named(tmp_path, build, match):
    with pytest.raises(ConversionError, match=match):
        tflite.to_qnetwork(write(tmp_path, build()))


def fc_model(in_type=tb.INT8, w_type=tb.INT8, b_type=tb.INT32, act=tb.NONE, w_zero=0, hybrid=False):
    rng = np.random.default_rng(0)
    m = tb.Model()
    x = m.tensor((1, 6), in_type, None if in_type == tb.FLOAT32 else 0.1, None if in_type == tb.FLOAT32 else 0)
    wdt = {tb.INT8: np.int8, tb.FLOAT32: np.float32, tb.INT16: np.int16}[w_type]
    w = m.tensor((3, 6), w_type, 0.01, w_zero, rng.integers(-5, 5, size=(3, 6)).astype(wdt))
    bdt = {tb.INT32: np.int32, tb.INT64: np.int64, tb.FLOAT32: np.float32}[b_type]
    b = m.tensor((3,), b_type, 0.001, None, np.zeros(3, dtype=bdt))
    y = m.tensor((1, 3), in_type, None if in_type == tb.FLOAT32 else 0.1, None if in_type == tb.FLOAT32 else 0)
    m.op(tb.FULLY_CONNECTED, [x, w, b], [y], "fc", act=act, weights_format=0, keep_num_dims=False,
         asymmetric_quantize_inputs=hybrid)
    return m.finish([x], [y])


@pytest.mark.parametrize("build,match", [
    (lambda: fc_model(in_type=tb.FLOAT32, w_type=tb.FLOAT32, b_type=tb.FLOAT32), "FLOAT32.*fully int8"),
    (lambda: fc_model(in_type=tb.FLOAT32), "hybrid/dynamic-range"),
    (lambda: fc_model(in_type=tb.INT16, w_type=tb.INT8, b_type=tb.INT64), "INT16"),
    (lambda: fc_model(hybrid=True), "asymmetric_quantize_inputs"),
    (lambda: fc_model(act=tb.RELU_N1_TO_1), "fused activation RELU_N1_TO_1"),
    (lambda: fc_model(w_zero=3), "asymmetric weights"),
    (lambda: fc_model(b_type=tb.INT64), "bias of type INT64"),
])
def test_unsupported_types_and_options_are_refused(tmp_path, build, match):
    with pytest.raises(ConversionError, match=match) as e:
        tflite.to_qnetwork(write(tmp_path, build()))
    assert "\n" not in str(e.value)


def test_dilation_and_broadcast_add_are_refused(tmp_path):
    rng = np.random.default_rng(0)
    m = tb.Model()
    x = tb.act_tensor(m, (6, 6, 2), 0.02, 0)
    tb.conv(m, rng, x, (6, 6, 2), (6, 6, 2), 2, (3, 3))
    m.ops[0][4]["dilation_w"] = 2
    with pytest.raises(ConversionError, match="dilation 1x2"):
        tflite.to_qnetwork(write(tmp_path, m.finish([x], [1 + 3])))
    m = tb.Model()
    x = tb.act_tensor(m, (2, 2, 3), 0.02, 0)
    c = tb.act_tensor(m, (1, 1, 3), 0.02, 0)
    y = tb.act_tensor(m, (2, 2, 3), 0.02, 0)
    m.op(tb.ADD, [x, c], [y], "add", act=tb.NONE)
    with pytest.raises(ConversionError, match="ADD"):
        tflite.to_qnetwork(write(tmp_path, m.finish([x], [y])))


def test_reader_round_trips_the_builder(tmp_path):
    tensors, ops, gi, go, _ = tflite.read(write(tmp_path, tb.tiny_cnn()))
    assert [o.code for o in ops] == [tb.CONV_2D, tb.DEPTHWISE_CONV_2D, tb.CONV_2D, tb.ADD, tb.MAX_POOL_2D,
                                     tb.AVERAGE_POOL_2D, tb.RESHAPE, tb.FULLY_CONNECTED, tb.SOFTMAX]
    assert tensors[gi[0]].shape == (1, 10, 12, 3) and tensors[go[0]].shape == (1, 6)
    assert tensors[gi[0]].zero[0] == 7 and np.float32(tensors[gi[0]].scale[0]) == np.float32(0.02)
    assert ops[1].options.scalar(3, "i") == 2     # depth_multiplier


@pytest.mark.parametrize("cut", [0, 3, 7, 8, 40, 0.25, 0.5, 0.9, -1])
def test_truncated_files_give_one_error_and_write_nothing(tmp_path, cut):
    data = tb.tiny_cnn()
    n = int(cut * len(data)) if isinstance(cut, float) else (len(data) + cut if cut < 0 else cut)
    p = write(tmp_path, data[:n])
    out = tmp_path / "out"
    with pytest.raises(ConversionError) as e:
        convert_tflite(p, "m", out)
    assert "\n" not in str(e.value) and str(p) in str(e.value)
    assert not out.exists() or not any(out.iterdir())


def test_corrupted_offsets_and_identifiers(tmp_path):
    data = bytearray(tb.tiny_cnn())
    bad_id = bytes(data[:4]) + b"XXXX" + bytes(data[8:])
    with pytest.raises(ConversionError, match="TFL3"):
        tflite.to_qnetwork(write(tmp_path, bad_id, "a.tflite"))
    rng = np.random.default_rng(0)
    refused = 0
    for _ in range(200):    # random byte flips: refused with a ConversionError or converted, never another exception
        d = bytearray(data)
        for i in rng.integers(8, len(d), size=4):
            d[i] = int(rng.integers(0, 256))
        try:
            tflite.to_qnetwork(write(tmp_path, bytes(d), "b.tflite"))
        except ConversionError as e:
            assert "\n" not in str(e)
            refused += 1
    assert refused > 0
    huge = bytearray(data)
    huge[0:4] = (len(data) + 100).to_bytes(4, "little")    # root offset past the end
    with pytest.raises(ConversionError, match="malformed or truncated"):
        tflite.to_qnetwork(write(tmp_path, bytes(huge), "c.tflite"))


def test_convert_writes_header_and_vectors_through_every_entry_point(tmp_path):
    p = write(tmp_path, tb.tiny_cnn())
    r = convert_tflite(p, "tiny", tmp_path / "a", X_test_codes=np.zeros((3, 10, 12, 3), dtype=np.int64))
    text = r.header.read_text()
    assert "ctml::nn::softmax_tflite<" in text and "pad_top = 0, pad_bottom = 1" in text
    assert "expected_proba" in r.vectors.read_text()
    assert r.macs == 5 * 6 * 4 * 27 + 5 * 6 * 8 * 9 + 5 * 6 * 8 * 4 + 8 * 6
    fast = convert_tflite(p, "tiny", tmp_path / "b", softmax="fast")
    assert "ctml::nn::softmax<" in fast.header.read_text()
    again = convert_network(str(p), "tiny", tmp_path / "c")
    assert again.header.read_text() == text
    with pytest.raises(ConversionError, match="own quantization"):
        convert_network(p, "tiny", tmp_path / "d", X_sample=np.zeros((1, 360)))
    cli = [sys.executable, "-m", "ctml_codegen", "convert", str(p), "--name", "tiny", "--out", str(tmp_path / "e"),
           "--test-codes", "4"]
    env = {"PYTHONPATH": str(ROOT / "codegen"), "PATH": "/usr/bin:/bin"}
    res = subprocess.run(cli, capture_output=True, text=True, env=env)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "e" / "tiny.hpp").read_text() == text
    assert (tmp_path / "e" / "tiny_vectors.hpp").exists()
    bad = write(tmp_path, tb.tiny_cnn()[:500], "bad.tflite")
    res = subprocess.run(cli[:4] + [str(bad)] + cli[5:], capture_output=True, text=True, env=env)
    assert res.returncode == 2 and res.stderr.count("\n") == 1 and "malformed or truncated" in res.stderr
    assert not (tmp_path / "e" / "bad.hpp").exists()


OFFICIAL = {   # file: (input shape, outputs, MACs from the table, rounded there)
    "kws_ref_model.tflite": ((49, 10, 1), 12, 2.66e6),
    "pretrainedResnet_quant.tflite": ((32, 32, 3), 10, 12.5e6),
    "vww_96_int8.tflite": ((96, 96, 3), 2, 7.49e6),
    "ad01_int8.tflite": ((1, 1, 640), 640, 264e3),
}


@pytest.mark.parametrize("name", sorted(OFFICIAL))
def test_official_mlperf_tiny_models_convert(tmp_path, name):
    path = MLPERF / name
    if not path.exists():
        pytest.skip(f"{MLPERF} is absent (the official MLPerf Tiny files are not part of the repository)")
    shape, outputs, macs = OFFICIAL[name]
    r = convert_tflite(path, "m", tmp_path, X_test_codes=np.random.default_rng(0).integers(-128, 128, size=(2,) + shape))
    assert r.qnet.net.input_shape == shape
    assert abs(r.macs - macs) / macs < 0.005
    out = ref.run(r.qnet, np.random.default_rng(1).integers(-128, 128, size=(2,) + shape))[-1]
    assert out.reshape(2, -1).shape[1] == outputs
    if name in ("kws_ref_model.tflite", "ad01_int8.tflite"):   # the interpreter is slow on the larger two
        agree(path, n=1)


def test_float_test_inputs_are_quantized_as_tflite_quantizes(tmp_path):
    """X_test floats (NHWC) become codes round-half-away(x / s) + zp, clamped, as TFLite's QUANTIZE."""
    p = write(tmp_path, tb.tiny_mlp())
    X = np.array([[0.01, -0.01, 0.03, 0.05, -2.56, 3.0, 0.0, 0.07] * 2])   # scale 0.02, zero point 3
    r = convert_tflite(p, "mlp", tmp_path / "v", X_test=X)
    text = r.vectors.read_text()
    codes = [4, 2, 5, 6, -125, 127, 3, 7] * 2        # 0.5 -> 1, -0.5 -> -1, 1.5 -> 2, 2.5 -> 3, 3.5 -> 4
    assert "{" + ", ".join(map(str, codes)) + "}" in text
    with pytest.raises(ConversionError, match="finite floats"):
        convert_tflite(p, "mlp", tmp_path / "w", X_test=np.full((1, 16), np.nan))
