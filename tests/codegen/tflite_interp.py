"""An independent int8 interpreter of a TFLite graph for the tests, written from TFLite's reference
kernels (reference_integer_ops ConvPerChannel, DepthwiseConvPerChannel, FullyConnected,
AveragePool, MaxPool, AddElementwise; kernel_util's multipliers and activation ranges) on the raw
tensors and operators of a file, in Python integers: it shares nothing with ctml's frontend
(_Importer) or numpy reference but the flatbuffer reader and the softmax, which
tests/codegen/test_tflite.py checks separately (the softmax against gemmlowp, see docs/tflite.md).
Padding is TFLite's kernel form: only the `before` pad enters the loops; taps outside are skipped.
"""
from __future__ import annotations

import math

import numpy as np

I32_MIN, I32_MAX = -(1 << 31), (1 << 31) - 1


def quantize_multiplier(m: float):
    if m == 0:
        return 0, 0
    q, e = math.frexp(m)
    q_fixed = int(math.copysign(math.floor(abs(q) * (1 << 31) + 0.5), q))   # TfLiteRound
    if q_fixed == 1 << 31:
        q_fixed //= 2
        e += 1
    if e < -31:
        return 0, 0
    return q_fixed, e


def srdhm(a: int, b: int) -> int:
    if a == b == I32_MIN:
        return I32_MAX
    ab = a * b
    v = ab + ((1 << 30) if ab >= 0 else 1 - (1 << 30))
    return v // (1 << 31) if v >= 0 else -((-v) // (1 << 31))


def rdbp(x: int, e: int) -> int:
    mask = (1 << e) - 1
    return (x >> e) + ((x & mask) > (mask >> 1) + (1 if x < 0 else 0))


def mbqm(x: int, m: int, shift: int) -> int:
    left, right = max(shift, 0), max(-shift, 0)
    return rdbp(srdhm(x * (1 << left), m), right)


def act_range(act: int, scale, zero: int):
    def q(f):
        v = float(np.float32(f) / np.float32(scale))
        return zero + int(math.copysign(math.floor(abs(v) + 0.5), v))
    if act == 1:
        return max(-128, q(0.0)), 127
    if act == 3:
        return max(-128, q(0.0)), min(127, q(6.0))
    return -128, 127


def out_size_and_pad(size, k, stride, padding):
    if padding == 1:   # VALID
        return (size - k + stride) // stride, 0
    out = (size + stride - 1) // stride
    return out, max(((out - 1) * stride + k - size) // 2, 0)


def _w(t):
    return np.frombuffer(t.data.tobytes(), dtype=np.int8).astype(np.int64).reshape(t.shape)


def _b(t, n):
    return np.frombuffer(t.data.tobytes(), dtype=np.int32).astype(np.int64) if t is not None else np.zeros(n, np.int64)


def _conv(x, T, op, depthwise):
    o = op.options
    pad, sw, sh = o.scalar(0, "b"), o.scalar(1, "i"), o.scalar(2, "i")
    act = o.scalar(4 if depthwise else 3, "b")
    xt, wt, yt = T[op.inputs[0]], T[op.inputs[1]], T[op.outputs[0]]
    bt = T[op.inputs[2]] if len(op.inputs) > 2 and op.inputs[2] >= 0 else None
    w = _w(wt)
    h, wd, ic = x.shape
    if depthwise:
        _, kh, kw, oc = w.shape
        mult = oc // ic
    else:
        oc, kh, kw, _ = w.shape
    bias = _b(bt, oc)
    oh, pt = out_size_and_pad(h, kh, sh, pad)
    ow, pl = out_size_and_pad(wd, kw, sw, pad)
    s_in, s_out = float(xt.scale[0]), float(yt.scale[0])
    scales = np.broadcast_to(wt.scale, (oc,))
    qm = [quantize_multiplier(float(np.float32(s_in)) * float(s) / float(np.float32(s_out))) for s in scales]
    lo, hi = act_range(act, yt.scale[0], int(yt.zero[0]))
    off, zo = -int(xt.zero[0]), int(yt.zero[0])
    y = np.zeros((oh, ow, oc), dtype=np.int64)
    for oy in range(oh):
        for ox in range(ow):
            acc = np.zeros(oc, dtype=np.int64)
            for ky in range(kh):
                iy = oy * sh - pt + ky
                if not 0 <= iy < h:
                    continue
                for kx in range(kw):
                    ix = ox * sw - pl + kx
                    if not 0 <= ix < wd:
                        continue
                    v = x[iy, ix] + off
                    if depthwise:
                        acc += w[0, ky, kx] * np.repeat(v, mult)
                    else:
                        acc += w[:, ky, kx, :] @ v
            for c in range(oc):
                y[oy, ox, c] = min(hi, max(lo, mbqm(int(acc[c] + bias[c]), *qm[c]) + zo))
    return y


def _fc(x, T, op):
    act = op.options.scalar(0, "b")
    xt, wt, yt = T[op.inputs[0]], T[op.inputs[1]], T[op.outputs[0]]
    bt = T[op.inputs[2]] if len(op.inputs) > 2 and op.inputs[2] >= 0 else None
    w = _w(wt)
    units = w.shape[0]
    bias = _b(bt, units)
    s_in, s_out = np.float32(xt.scale[0]), np.float32(yt.scale[0])
    if wt.scale.size == 1:   # GetQuantizedConvolutionMultipler: the product in float
        qm = [quantize_multiplier(float(np.float32(s_in * np.float32(wt.scale[0]))) / float(s_out))] * units
    else:
        qm = [quantize_multiplier(float(s_in) * float(s) / float(s_out)) for s in wt.scale]
    lo, hi = act_range(act, yt.scale[0], int(yt.zero[0]))
    acc = w @ (x.reshape(-1) - int(xt.zero[0])) + bias
    return np.array([min(hi, max(lo, mbqm(int(a), *qm[u]) + int(yt.zero[0]))) for u, a in enumerate(acc)]).reshape(1, 1, -1)


def _pool(x, T, op, kind):
    o = op.options
    pad, sw, sh, fw, fh, act = (o.scalar(0, "b"), o.scalar(1, "i"), o.scalar(2, "i"), o.scalar(3, "i"),
                                o.scalar(4, "i"), o.scalar(5, "b"))
    yt = T[op.outputs[0]]
    h, wd, c = x.shape
    oh, pt = out_size_and_pad(h, fh, sh, pad)
    ow, pl = out_size_and_pad(wd, fw, sw, pad)
    lo, hi = act_range(act, yt.scale[0], int(yt.zero[0]))
    y = np.zeros((oh, ow, c), dtype=np.int64)
    for oy in range(oh):
        for ox in range(ow):
            y0, x0 = oy * sh - pt, ox * sw - pl
            win = x[max(y0, 0):min(y0 + fh, h), max(x0, 0):min(x0 + fw, wd)].reshape(-1, c)
            for ch in range(c):
                if kind == "max":
                    v = int(win[:, ch].max())
                else:
                    s, n = int(win[:, ch].sum()), len(win)
                    v = (s + n // 2) // n if s > 0 else -((-(s - n // 2)) // n)   # C++ division truncates
                y[oy, ox, ch] = min(hi, max(lo, v))
    return y


def _add(a, b, T, op):
    t1, t2, yt = T[op.inputs[0]], T[op.inputs[1]], T[op.outputs[0]]
    s1, s2, so = float(t1.scale[0]), float(t2.scale[0]), float(yt.scale[0])
    twice = 2 * max(s1, s2)
    m1, m2 = quantize_multiplier(s1 / twice), quantize_multiplier(s2 / twice)
    mo = quantize_multiplier(twice / ((1 << 20) * so))
    lo, hi = act_range(op.options.scalar(0, "b"), yt.scale[0], int(yt.zero[0]))
    y = np.zeros(a.shape, dtype=np.int64)
    for i in np.ndindex(a.shape):
        u = mbqm((int(a[i]) - int(t1.zero[0])) * (1 << 20), *m1)
        v = mbqm((int(b[i]) - int(t2.zero[0])) * (1 << 20), *m2)
        y[i] = min(hi, max(lo, mbqm(u + v, *mo) + int(yt.zero[0])))
    return y


# ---- TFLite's int8 softmax on gemmlowp's FixedPoint, scalar (raw int32 values, integer bits tracked by hand)
def _sat_shl(x: int, e: int) -> int:
    return max(I32_MIN, min(I32_MAX, x * (1 << e)))


def _exp_on_negative_values(a: int) -> int:
    """FixedPoint<int32, 5> a <= 0 -> FixedPoint<int32, 0>."""
    one_quarter = 1 << 24                                  # ConstantPOT<-2> with 26 fractional bits
    a_mod = (a & (one_quarter - 1)) - one_quarter
    x = _sat_shl(a_mod, 5) + (1 << 28)                     # Rescale<0>, then + 1/8
    x2 = srdhm(x, x)
    x3 = srdhm(x2, x)
    x4 = srdhm(x2, x2)
    t = rdbp(srdhm(rdbp(x4, 2) + x3, 715827883) + x2, 1)
    result = 1895147668 + srdhm(1895147668, x + t)
    remainder = a_mod - a
    for k, mult in zip(range(-2, 5), (1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242)):
        if remainder & (1 << (26 + k)):
            result = srdhm(result, mult)
    return I32_MAX if a == 0 else result


def _one_over_one_plus_x(a: int) -> int:
    s = a + I32_MAX
    half = (s + (1 if s >= 0 else -1))
    half = half // 2 if half >= 0 else -((-half) // 2)
    x = 1515870810 + srdhm(half, -1010580540)
    for _ in range(3):
        x = x + _sat_shl(srdhm(x, (1 << 29) - srdhm(half, x)), 2)
    return _sat_shl(x, 1)


def softmax(row, beta: float, scale) -> list:
    real = min(beta * float(np.float32(scale)) * (1 << 26), (1 << 31) - 1.0)
    mult, shift = quantize_multiplier(real)
    diff_min = -math.floor(31 * (1 << 26) / (1 << shift))
    top = max(row)
    exps = [(_exp_on_negative_values(srdhm((v - top) * (1 << shift), mult)) if v - top >= diff_min else None)
            for v in row]
    total = sum(rdbp(e, 12) for e in exps if e is not None)
    headroom = 32 - total.bit_length()
    scale_q0 = _one_over_one_plus_x(((total << headroom) & 0xFFFFFFFF) - (1 << 31))
    return [-128 if e is None else max(-128, min(127, rdbp(srdhm(scale_q0, e), 12 - headroom + 23) - 128))
            for e in exps]


def run(tensors, ops, inputs, x: np.ndarray) -> np.ndarray:
    """The graph's output for one int8 input x (its HWC or flat shape)."""
    T = tensors
    shape = T[inputs[0]].shape
    vals = {inputs[0]: np.asarray(x, dtype=np.int64).reshape(tuple(shape[1:]) if len(shape) == 4 else (1, 1, -1))}
    for op in ops:
        a = vals[op.inputs[0]]
        if op.code in (3, 4):
            y = _conv(a, T, op, op.code == 4)
        elif op.code == 9:
            y = _fc(a, T, op)
        elif op.code in (1, 17):
            y = _pool(a, T, op, "avg" if op.code == 1 else "max")
        elif op.code == 0:
            y = _add(a, vals[op.inputs[1]], T, op)
        elif op.code == 22:
            y = a.reshape(1, 1, -1) if len(T[op.outputs[0]].shape) == 2 else a
        elif op.code == 25:
            y = np.array(softmax([int(v) for v in a.reshape(-1)], op.options.scalar(0, "f"), T[op.inputs[0]].scale[0]))
        else:
            raise ValueError(op.code)
        vals[op.outputs[0]] = y
    return vals[ops[-1].outputs[0]]
