"""Post-training quantization of a network to TFLite's int8 scheme, with calibration data.

- activations: asymmetric int8 per tensor, from the float ranges the calibration inputs produce
  (always including 0, so a padded 0 is exact); pooling keeps its input's parameters; inputs
  that are small integers (digits' 0..16) get a lossless map q = k * x + zero.
- weights: symmetric int8 per output channel (scale = max |w| / 127); bias int32 at scale
  s_in * s_w; requantization multiplier s_in * s_w / s_out as a Q31 value and a shift.
- a fused ReLU/ReLU6 becomes the clamp [act_min, act_max], as in TFLite.
nn_reference.run executes the result in integers; the C++ kernels must match it bit for bit.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from ..ir import nn as ir
from ..errors import ConversionError
from ..nn.reference import I32_MAX, quantize_multiplier


@dataclass(frozen=True, eq=False)
class QLayer:
    layer: object
    in_zero: int
    out_scale: float
    out_zero: int
    act_min: int = -128
    act_max: int = 127
    weight: Optional[np.ndarray] = None      # int64, the IR's layout
    bias: Optional[np.ndarray] = None        # int64, at scale s_in * s_w (input zero point not folded)
    multiplier: Optional[np.ndarray] = None  # int64 Q31
    shift: Optional[np.ndarray] = None
    other_zero: int = 0
    add: dict = field(default_factory=dict)
    in_scale: Optional[float] = None         # the input's scale (kept where a layer's table depends on it)


@dataclass(frozen=True, eq=False)
class QNetwork:
    net: ir.Network                  # normalized
    input_scale: float
    input_zero: int
    layers: tuple

    @property
    def has_softmax(self) -> bool:
        return isinstance(self.layers[-1].layer, ir.Softmax)

    @property
    def logits_layer(self) -> QLayer:
        """The layer whose output logits() returns: the last one before a final softmax."""
        return self.layers[-2] if self.has_softmax else self.layers[-1]

    @property
    def output_scale(self) -> float:
        """The scale of the logits (or a regressor's values)."""
        return self.logits_layer.out_scale

    @property
    def output_zero(self) -> int:
        return self.logits_layer.out_zero

    def quantize_input(self, X: np.ndarray) -> np.ndarray:
        """Float inputs (n, h, w, c) to int8 codes: round half away from zero, then clamp."""
        v = np.asarray(X, dtype=np.float64) / self.input_scale
        v = np.sign(v) * np.floor(np.abs(v) + 0.5) + self.input_zero
        return np.clip(v, -128, 127).astype(np.int64)


def _affine(lo: float, hi: float) -> tuple[float, int]:
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi - lo <= 0:
        return 1.0, 0
    scale = (hi - lo) / 255.0
    zero = int(np.clip(np.round(-128 - lo / scale), -128, 127))
    return float(scale), zero


def input_params(X: np.ndarray) -> tuple[float, int]:
    X = np.asarray(X, dtype=np.float64)
    if not np.all(np.isfinite(X)):
        raise ConversionError("the calibration inputs contain NaN or infinity; clean them first")
    lo, hi = min(float(X.min()), 0.0), max(float(X.max()), 0.0)
    if np.all(X == np.round(X)) and 0 < hi - lo <= 255:
        # Small integers: an integer step k per unit, lossless for every value in range.
        k = int(255 // (hi - lo))
        return 1.0 / k, int(-128 - lo * k)
    return _affine(lo, hi)


def _channel_axis(layer) -> int:
    return -1 if isinstance(layer, ir.DepthwiseConv2D) else 0


def _weights(layer, s_in: float, s_out: float, index: int) -> dict:
    w = np.asarray(layer.weight, dtype=np.float64)
    axis = _channel_axis(layer)
    wc = np.moveaxis(w, axis, 0).reshape(w.shape[axis], -1)
    s_w = np.abs(wc).max(axis=1) / 127.0
    s_w = np.where(s_w > 0, s_w, 1.0)
    # A channel with tiny weights but a real bias (a dead unit) would need a bias beyond int32 at
    # scale s_in * s_w: coarsen that channel's weight scale so the bias fits in 2^29.
    s_w = np.maximum(s_w, np.abs(np.asarray(layer.bias, dtype=np.float64)) / (s_in * 2.0 ** 29))
    shape = [1] * w.ndim
    shape[axis] = -1
    wq = np.clip(np.round(w / s_w.reshape(shape)), -127, 127).astype(np.int64)
    bq = np.round(np.asarray(layer.bias, dtype=np.float64) / (s_in * s_w))
    if np.any(np.abs(bq) > I32_MAX // 2):
        raise ConversionError(f"layer {index} ({type(layer).__name__}): a bias does not fit int32 at scale s_in * s_w; "
                              "the calibration range or the weights are degenerate")
    mult, shift = zip(*(quantize_multiplier(float(s_in * s / s_out)) for s in s_w))
    if max(shift) > 30:
        raise ConversionError(f"layer {index}: a requantization multiplier is too large (2^{max(shift)}); "
                              "check the calibration data")
    taps = wc.shape[1] if not isinstance(layer, ir.DepthwiseConv2D) else w.shape[0] * w.shape[1]
    if np.max(np.abs(bq)) + taps * 255 * 128 > I32_MAX:
        raise ConversionError(f"layer {index}: the int32 accumulator could overflow ({taps} taps); split the layer")
    return {"weight": wq, "bias": bq.astype(np.int64), "multiplier": np.array(mult, dtype=np.int64),
            "shift": np.array(shift, dtype=np.int64)}


def _clamp(activation: str, scale: float, zero: int) -> tuple[int, int]:
    if activation == "relu":
        return max(-128, zero), 127
    if activation == "relu6":
        return max(-128, zero), min(127, zero + int(np.round(6.0 / scale)))
    return -128, 127


def _add_params(s1: float, s2: float, s_out: float) -> dict:
    """TFLite's int8 ADD preparation (left shift 20)."""
    twice = 2 * max(s1, s2)
    m1, sh1 = quantize_multiplier(s1 / twice)
    m2, sh2 = quantize_multiplier(s2 / twice)
    mo, sho = quantize_multiplier(twice / ((1 << 20) * s_out))
    return {"in1_multiplier": m1, "in1_shift": sh1, "in2_multiplier": m2, "in2_shift": sh2,
            "out": (mo, sho)}


TABLE_OUTPUT = {"sigmoid": (1.0 / 256, -128), "tanh": (1.0 / 128, 0)}   # TFLite's fixed parameters


def _table(layer, s_in: float, z_in: int) -> QLayer:
    """The activation at every input code, quantized: index q + 128 holds f((q - z_in) * s_in)."""
    s_out, z_out = TABLE_OUTPUT[layer.kind]
    codes = np.arange(-128, 128)
    real = ir.squash(layer.kind, (codes - z_in) * s_in)
    table = np.clip(np.floor(real / s_out + 0.5) + z_out, -128, 127).astype(np.int64)
    return QLayer(layer, in_zero=z_in, out_scale=s_out, out_zero=z_out, weight=table)


SOFTMAX_OUTPUT = (1.0 / 256, -128)        # TFLite's fixed int8 softmax output parameters
SOFTMAX_ONE = 1 << 15                     # the exp table's scale: table[d] = round(2^15 exp(-d s_in))


def softmax_table(s_in: float) -> np.ndarray:
    """exp(-d s_in) in Q15 for input code differences d = 0, 1, ..., cut after the last nonzero entry."""
    d = np.arange(256)
    table = np.floor(np.exp(-d * float(s_in)) * SOFTMAX_ONE + 0.5).astype(np.int64)
    return table[:int(np.count_nonzero(table))]   # non-increasing: the nonzero entries come first


def _softmax(layer, s_in: float, z_in: int) -> QLayer:
    s_out, z_out = SOFTMAX_OUTPUT
    return QLayer(layer, in_zero=z_in, out_scale=s_out, out_zero=z_out, weight=softmax_table(s_in), in_scale=float(s_in))


def quantize(net: ir.Network, X_sample: np.ndarray) -> QNetwork:
    """Quantizes a normalized network with calibration inputs X_sample (n, h, w, c)."""
    ir.check_finite(net)
    X_sample = np.asarray(X_sample, dtype=np.float64)
    s_in, z_in = input_params(X_sample)
    ts = ir.forward(net, X_sample)
    params = [(s_in, z_in)]
    out = []
    for i, outer in enumerate(net.layers):
        s, z = params[i if not isinstance(outer, ir.Branch) else outer.source]
        layer = ir.unwrap(outer)
        if isinstance(layer, (ir.Pool2D, ir.GlobalAvgPool)):
            params.append((s, z))
            out.append(QLayer(outer, in_zero=z, out_scale=s, out_zero=z))
            continue
        if isinstance(layer, (ir.Activation, ir.Softmax)):
            out.append(_table(layer, s, z) if isinstance(layer, ir.Activation) else _softmax(layer, s, z))
            params.append((out[-1].out_scale, out[-1].out_zero))
            continue
        so, zo = _affine(float(ts[i + 1].min()), float(ts[i + 1].max()))
        lo, hi = _clamp(layer.activation, so, zo)
        if isinstance(layer, ir.Add):
            s2, z2 = params[layer.other]
            a = _add_params(s, s2, so)
            mo, sho = a.pop("out")
            ql = QLayer(layer, in_zero=z, out_scale=so, out_zero=zo, act_min=lo, act_max=hi,
                        multiplier=np.int64(mo), shift=np.int64(sho), other_zero=z2, add=a)
        else:
            ql = QLayer(outer, in_zero=z, out_scale=so, out_zero=zo, act_min=lo, act_max=hi, **_weights(layer, s, so, i))
        params.append((so, zo))
        out.append(ql)
    return QNetwork(net, s_in, z_in, tuple(out))
