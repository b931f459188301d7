"""Input quantization for tree models.

A model's input is either float (thresholds rounded down to float32, so `x <= t` decides as
scikit-learn does on float32 inputs) or one integer type for every feature with a per-feature
affine map q = round((x - offset) / scale). An integer input q stands for the real value
dequantize(q) = float32(offset + q * scale), and each threshold t becomes T = the largest q with
dequantize(q) <= t, so every decision on a quantized input is exactly the framework's decision on
its dequantized value. The device-side quantizer (ctml::quantize::affine) computes in float32;
quantize() here does the same float32 operations, so both give the same codes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from ..errors import ConversionError

INT_TYPES = {8: (np.int8, "std::int8_t", -128, 127), 16: (np.int16, "std::int16_t", -32768, 32767)}


@dataclass(frozen=True)
class FeatureMap:
    """How inputs are represented; bits == 0 means float."""
    bits: int
    offset: tuple[float, ...] = ()    # float32 values
    scale: tuple[float, ...] = ()     # float32 values

    @property
    def is_float(self) -> bool:
        return self.bits == 0

    @property
    def ctype(self) -> str:
        return "float" if self.is_float else INT_TYPES[self.bits][1]

    @property
    def qmin(self) -> int:
        return INT_TYPES[self.bits][2]

    @property
    def qmax(self) -> int:
        return INT_TYPES[self.bits][3]

    def inv_scale(self) -> np.ndarray:
        return (np.float32(1.0) / np.asarray(self.scale, dtype=np.float32)).astype(np.float32)

    def quantize(self, x: np.ndarray) -> np.ndarray:
        """Float inputs to codes, with the float32 arithmetic of ctml::quantize::affine."""
        x = np.asarray(x, dtype=np.float32)
        if self.is_float:
            return x
        with np.errstate(invalid="ignore", over="ignore"):
            v = ((x - np.asarray(self.offset, dtype=np.float32)) * self.inv_scale()).astype(np.float32)
            r = np.where(v >= 0, v + np.float32(0.5), v - np.float32(0.5)).astype(np.float32)
            q = np.trunc(np.clip(np.nan_to_num(r, nan=self.qmin), self.qmin, self.qmax))
        q = np.where(np.isnan(x) | ~(v > self.qmin), self.qmin, q)
        q = np.where(v >= self.qmax, self.qmax, q)
        return q.astype(INT_TYPES[self.bits][0])

    def dequantize(self, q: np.ndarray) -> np.ndarray:
        if self.is_float:
            return np.asarray(q, dtype=np.float32)
        q = np.asarray(q, dtype=np.float64)
        return (np.asarray(self.offset, np.float64) + q * np.asarray(self.scale, np.float64)).astype(np.float32)


def float32_floor(t: float) -> float:
    """The largest float32 not above t: on float32 inputs, x <= t and x <= this agree."""
    f = np.float32(t)
    if float(f) > t:
        f = np.nextafter(f, np.float32(-np.inf), dtype=np.float32)
    return float(f)


def map_threshold(fm: FeatureMap, feature: int, t: float):
    """('cmp', T) for a real test, ('left',) or ('right',) when every input goes one way."""
    if fm.is_float:
        return ("cmp", float32_floor(t))
    off, sc = float(fm.offset[feature]), float(fm.scale[feature])

    def deq(q: int) -> float:
        return float(np.float32(off + q * sc))
    q = int(np.clip(np.floor((t - off) / sc), fm.qmin, fm.qmax))
    while q < fm.qmax and deq(q + 1) <= t:
        q += 1
    while q >= fm.qmin and deq(q) > t:
        q -= 1
    if q < fm.qmin:
        return ("right",)
    if q >= fm.qmax:
        return ("left",)
    return ("cmp", q)


def choose(thresholds: list[list[float]], bits: Optional[int], X: Optional[np.ndarray]) -> FeatureMap:
    """Picks the input representation.

    bits None: integer codes when sample inputs X are given and every feature holds integers that
    fit int8 or int16 (lossless, scale 1), else float. bits 0: float. bits 8/16: that integer type,
    lossless when X is integer-valued and fits, otherwise each feature's range of thresholds spread
    over the type's codes (inputs outside it clamp, which keeps every decision exact).
    """
    n = len(thresholds)
    if bits == 0:
        return FeatureMap(0)
    if X is not None:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != n:
            raise ConversionError(f"the sample inputs have {X.shape[-1] if X.ndim else 0} features, the model {n}")
        if np.all(np.isfinite(X)) and np.all(X == np.round(X)):
            lo, hi = X.min(), X.max()
            for b in (8, 16):
                if bits in (None, b) and lo >= INT_TYPES[b][2] and hi <= INT_TYPES[b][3]:
                    return FeatureMap(b, (0.0,) * n, (1.0,) * n)
    if bits is None:
        return FeatureMap(0)
    if bits not in INT_TYPES:
        raise ConversionError(f"feature bits must be 0 (float), 8 or 16, not {bits}")
    qmin, qmax = INT_TYPES[bits][2], INT_TYPES[bits][3]
    offsets, scales = [], []
    for ts in thresholds:
        if not ts:
            offsets.append(0.0)
            scales.append(1.0)
            continue
        lo, hi = min(ts), max(ts)
        span = hi - lo
        steps = qmax - qmin - 4          # a margin of codes beyond the extreme thresholds
        scale = span / steps if span > 0 else max(abs(lo), 1.0) / 2 ** (bits - 2)
        offsets.append(float(np.float32((lo + hi) / 2)))
        scales.append(float(np.float32(scale)))
    return FeatureMap(bits, tuple(offsets), tuple(scales))
