"""The numpy reference of ctml's int8 network arithmetic (TFLite's int8 scheme), bit for bit what
include/ctml/nn computes. Everything is exact int64 numpy arithmetic.

Requantization follows TFLite/gemmlowp: SaturatingRoundingDoublingHighMul then
RoundingDivideByPOT, with one difference that avoids undefined behaviour: a left shift (a
multiplier >= 1) saturates to int32 instead of overflowing.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..ir import nn as ir

I32_MIN, I32_MAX = -(1 << 31), (1 << 31) - 1


def srdhm(a, b) -> np.ndarray:
    """SaturatingRoundingDoublingHighMul of int32 values (arrays broadcast)."""
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    ab = a * b
    s = ab + np.where(ab >= 0, 1 << 30, 1 - (1 << 30))
    q = np.where(s >= 0, s >> 31, -((-s) >> 31))  # division truncating toward zero
    return np.where((a == I32_MIN) & (b == I32_MIN), I32_MAX, q)


def rounding_divide_by_pot(x, exponent) -> np.ndarray:
    x = np.asarray(x, dtype=np.int64)
    e = np.asarray(exponent, dtype=np.int64)
    mask = (np.int64(1) << e) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (x < 0)
    return (x >> e) + (remainder > threshold)


def multiply_by_quantized_multiplier(x, multiplier, shift) -> np.ndarray:
    shift = np.asarray(shift, dtype=np.int64)
    left = np.maximum(shift, 0)
    x = np.clip(np.asarray(x, dtype=np.int64) << left, I32_MIN, I32_MAX)
    return rounding_divide_by_pot(srdhm(x, multiplier), np.maximum(-shift, 0))


def requantize(acc, multiplier, shift, zero, act_min, act_max) -> np.ndarray:
    v = multiply_by_quantized_multiplier(acc, multiplier, shift) + zero
    return np.clip(v, act_min, act_max).astype(np.int8)


def quantize_multiplier(m: float) -> tuple[int, int]:
    """TFLite's QuantizeMultiplier: m = q * 2^shift with q a Q31 int32 in [2^30, 2^31)."""
    if m == 0.0:
        return 0, 0
    frac, exp = np.frexp(np.float64(m))
    q = int(np.floor(float(frac) * (1 << 31) + 0.5))
    if q == 1 << 31:
        q //= 2
        exp += 1
    if exp < -31:
        return 0, 0
    return q, int(exp)


def softmax(x: np.ndarray, table: np.ndarray) -> np.ndarray:
    """include/ctml/nn/softmax.hpp: over the last axis, with the exp table of nn_quant.softmax_table."""
    x = np.asarray(x, dtype=np.int64)
    d = x.max(axis=-1, keepdims=True) - x
    e = np.where(d < len(table), np.asarray(table, dtype=np.int64)[np.minimum(d, len(table) - 1)], 0)
    total = e.sum(axis=-1, keepdims=True)
    q = ((e << 8) + total // 2) // total
    return np.where(q > 255, 127, q - 128)


# TFLite's int8 softmax (reference_ops::Softmax, with gemmlowp's fixed point): the input
# difference from the row's maximum in Q5.26, exp in Q0.31, the sum in Q12.19, its reciprocal by
# Newton-Raphson, output 1/256 with zero point -128. CMSIS-NN's arm_softmax_s8 computes the same.
def _sat_shift_left(x, e: int) -> np.ndarray:
    return np.clip(np.asarray(x, dtype=np.int64) << e, I32_MIN, I32_MAX)


def _fx_mul(a, b) -> np.ndarray:   # FixedPoint * FixedPoint: the raw values' SRDHM
    return srdhm(a, b)


def _exp_quarter(a) -> np.ndarray:
    """exp on [-1/4, 0) in Q0.31: gemmlowp's exp_on_interval_between_negative_one_quarter_and_0_excl."""
    constant_term, one_third = 1895147668, 715827883
    x = a + (1 << 28)
    x2 = _fx_mul(x, x)
    x3 = _fx_mul(x2, x)
    x4 = _fx_mul(x2, x2)
    x4_over_4 = rounding_divide_by_pot(x4, 2)
    poly = rounding_divide_by_pot(_fx_mul(x4_over_4 + x3, one_third) + x2, 1)
    return constant_term + _fx_mul(constant_term, x + poly)


EXP_BARREL = ((24, 1672461947), (25, 1302514674), (26, 790015084), (27, 290630308), (28, 39332535),
              (29, 720401), (30, 242))   # bit of the Q5.26 remainder -> exp(-2^(bit - 26)) in Q0.31


def exp_on_negative_values_q5(a) -> np.ndarray:
    """gemmlowp's exp_on_negative_values for a Q5.26 input (5 integer bits), result in Q0.31."""
    a = np.asarray(a, dtype=np.int64)
    quarter = 1 << 24
    a_mod = (a & (quarter - 1)) - quarter
    result = _exp_quarter(_sat_shift_left(a_mod, 5))
    remainder = a_mod - a
    for bit, m in EXP_BARREL:
        result = np.where(remainder & (1 << bit), _fx_mul(result, m), result)
    return np.where(a == 0, I32_MAX, result)


def one_over_one_plus_x_q0(a) -> np.ndarray:
    """gemmlowp's one_over_one_plus_x_for_x_in_0_1 (Q0.31 in and out), three Newton-Raphson steps."""
    a = np.asarray(a, dtype=np.int64)
    s = a + I32_MAX
    half_denominator = np.where(s >= 0, (s + 1) // 2, -((-(s - 1)) // 2))   # RoundingHalfSum, truncating
    x = 1515870810 + _fx_mul(half_denominator, -1010580540)                 # Q2.29: 48/17 - 32/17 d
    for _ in range(3):
        one_minus = (1 << 29) - _fx_mul(half_denominator, x)
        x = x + _sat_shift_left(_fx_mul(x, one_minus), 2)
    return _sat_shift_left(x, 1)


def softmax_tflite(x: np.ndarray, p: dict) -> np.ndarray:
    """TFLite's int8 softmax over the last axis; p: input_multiplier, input_left_shift, diff_min."""
    x = np.asarray(x, dtype=np.int64)
    diff = x - x.max(axis=-1, keepdims=True)
    used = diff >= p["diff_min"]
    rescaled = srdhm(np.where(used, diff, 0) << p["input_left_shift"], p["input_multiplier"])
    e = exp_on_negative_values_q5(rescaled)
    total = np.where(used, rounding_divide_by_pot(e, 12), 0).sum(axis=-1, keepdims=True)   # Q12.19
    bits = np.frexp(total.astype(np.float64))[1].astype(np.int64)          # bit length; total < 2^31
    headroom = 32 - bits
    num_bits_over_unit = 12 - headroom
    shifted_minus_one = ((total << headroom) & 0xFFFFFFFF) - (1 << 31)
    scale = one_over_one_plus_x_q0(shifted_minus_one)
    out = rounding_divide_by_pot(srdhm(scale, e), num_bits_over_unit + 31 - 8) - 128
    return np.where(used, np.clip(out, -128, 127), -128)


def trunc_div(a: np.ndarray, b) -> np.ndarray:
    return np.where(a >= 0, a // b, -((-a) // b))


def run(qnet, Xq: np.ndarray) -> list[np.ndarray]:
    """Every int8 tensor of a quantized network (nn_quant.QNetwork) on int8 inputs (n, h, w, c)."""
    ts = [np.asarray(Xq, dtype=np.int64)]
    for ql in qnet.layers:
        ts.append(_layer(ql, ts[-1], ts).astype(np.int64))
    return ts


def _layer(ql, x: np.ndarray, ts: list) -> np.ndarray:
    if isinstance(ql.layer, ir.Branch):   # the wrapped layer on an earlier tensor
        return _layer(replace(ql, layer=ql.layer.layer), ts[ql.layer.source], ts)
    layer, n = ql.layer, x.shape[0]
    if isinstance(layer, ir.Dense):
        acc = (x.reshape(n, -1) - ql.in_zero) @ ql.weight.T + ql.bias
        return requantize(acc, ql.multiplier, ql.shift, ql.out_zero, ql.act_min, ql.act_max).reshape(n, 1, 1, -1)
    if isinstance(layer, ir.Conv2D):
        oc, kh, kw, ic = ql.weight.shape
        p = ir.patches(x, (kh, kw), layer.stride, layer.padding, ql.in_zero) - ql.in_zero
        acc = np.einsum("nyxijc,oijc->nyxo", p, ql.weight) + ql.bias
        return requantize(acc, ql.multiplier, ql.shift, ql.out_zero, ql.act_min, ql.act_max)
    if isinstance(layer, ir.DepthwiseConv2D):
        kh, kw, oc = ql.weight.shape
        p = ir.patches(x, (kh, kw), layer.stride, layer.padding, ql.in_zero) - ql.in_zero
        p = np.repeat(p, layer.multiplier, axis=-1)
        acc = np.einsum("nyxijc,ijc->nyxc", p, ql.weight) + ql.bias
        return requantize(acc, ql.multiplier, ql.shift, ql.out_zero, ql.act_min, ql.act_max)
    if isinstance(layer, (ir.Pool2D, ir.GlobalAvgPool)):
        if isinstance(layer, ir.GlobalAvgPool):
            kernel, stride, padding = x.shape[1:3], (1, 1), (0, 0, 0, 0)
            kind = "avg"
        else:
            kernel, stride, padding, kind = layer.kernel, layer.stride, layer.padding, layer.kind
        if kind == "max":
            v = ir.patches(x, kernel, stride, padding, -(1 << 40)).max(axis=(3, 4))
        else:
            s = ir.patches(x, kernel, stride, padding, 0).sum(axis=(3, 4))
            cnt = ir.valid_mask(x.shape[1:3], kernel, stride, padding).sum(axis=(2, 3))[None, :, :, None]
            v = np.where(s > 0, trunc_div(s + cnt // 2, cnt), trunc_div(s - cnt // 2, cnt))
        return np.clip(v, ql.act_min, ql.act_max)
    if isinstance(layer, ir.Activation):
        return ql.weight[x + 128]
    if isinstance(layer, ir.Softmax):
        return softmax_tflite(x, ql.add) if "input_multiplier" in ql.add else softmax(x, ql.weight)
    if isinstance(layer, ir.Add):
        a = multiply_by_quantized_multiplier((x - ql.in_zero) << 20, ql.add["in1_multiplier"], ql.add["in1_shift"])
        b = multiply_by_quantized_multiplier((ts[layer.other] - ql.other_zero) << 20, ql.add["in2_multiplier"],
                                             ql.add["in2_shift"])
        return requantize(a + b, ql.multiplier, ql.shift, ql.out_zero, ql.act_min, ql.act_max)
    raise TypeError(type(layer).__name__)
