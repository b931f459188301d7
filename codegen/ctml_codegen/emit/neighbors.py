"""k nearest neighbours to a C++ header: the training set in flash. Integer inputs use one common
scale S for every feature in the scaled space z (a Pipeline's scaling folded into each feature's
affine input map: offset_x = m + zoff / k, scale_x = S / k), so integer distances are proportional
to scikit-learn's. Training data on a decimal grid (iris: one decimal) get lossless codes."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ConversionError
from ..ir.families import Neighbors
from .model_io import MARGIN, info_block
from ..quantize.features import INT_TYPES, FeatureMap
from .cpp import comment_block, f32, wrap


@dataclass(frozen=True)
class LoweredKNN:
    model: Neighbors
    fmap: FeatureMap
    train: np.ndarray           # codes (int) or float32 points
    distance_type: str

    def nearest(self, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The k nearest training samples of each row of codes q, as knn.hpp finds them: stable
        sort by distance (training order on ties); (their distances, their indices)."""
        m = self.model
        if self.fmap.is_float:
            d = q.astype(np.float32)[:, None, :] - self.train.astype(np.float32)[None, :, :]
            part = np.abs(d) if m.p == 1 else (d * d).astype(np.float32)
            dist = np.zeros(d.shape[:2], dtype=np.float32)
            for j in range(d.shape[2]):
                dist = (dist + part[:, :, j]).astype(np.float32)
        else:
            d = q.astype(np.int64)[:, None, :] - self.train.astype(np.int64)[None, :, :]
            dist = (np.abs(d) if m.p == 1 else d * d).sum(2)
        idx = np.argsort(dist, axis=1, kind="stable")[:, :m.k]
        return np.take_along_axis(dist, idx, 1), idx

    def predict(self, q: np.ndarray, scores: bool = False) -> np.ndarray:
        """What the C++ predicts: the vote or mean of the k nearest (weights='distance': the
        weighted vote, or with scores=True each class's weight)."""
        m = self.model
        dist, idx = self.nearest(q)
        y = np.asarray(m.y)
        if m.distance_weights:
            r = self._weighted(dist, y[idx])
            return r if m.kind == "regressor" or scores else np.argmax(r, 1)
        if m.kind == "regressor":
            out = np.zeros(len(q), dtype=np.float32)
            for i in range(m.k):
                out = (out + y[idx[:, i]].astype(np.float32)).astype(np.float32)
            return (out / np.float32(m.k)).astype(np.float32)
        votes = np.zeros((len(q), len(m.classes)), dtype=np.int64)
        for i in range(m.k):
            np.add.at(votes, (np.arange(len(q)), y[idx[:, i]]), 1)
        return np.argmax(votes, 1)

    def weights(self, d: np.ndarray) -> np.ndarray:
        """knn.hpp's weights in float64 from the code-space distances of the k nearest (rows)."""
        d = np.asarray(d, dtype=np.float64)
        w = np.zeros_like(d)
        exact = d[:, 0] == 0
        w[exact] = (d[exact] == 0).astype(np.float64)
        far = ~exact
        w[far] = 1.0 / (d[far] if self.model.p == 1 else np.sqrt(d[far]))
        return w

    def _weighted(self, d: np.ndarray, y_near: np.ndarray) -> np.ndarray:
        w = self.weights(d)
        if self.model.kind == "regressor":
            return (w * y_near).sum(1) / w.sum(1)
        s = np.zeros((len(d), len(self.model.classes)))
        for i in range(self.model.k):
            np.add.at(s, (np.arange(len(d)), y_near[:, i]), w[:, i])
        return s

    def class_margins(self, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """weights='distance' classifier: the class knn.hpp picks from float64 weights on its own
        code-space distances, and the gap to the runner-up relative to the total weight."""
        s = self.predict(q, scores=True)
        order = np.sort(s, axis=1)
        gap = (order[:, -1] - order[:, -2]) / s.sum(1)
        # Neighbours at distance 0 weigh exactly 1 each: float32 counts them exactly, ties included.
        exact = self.nearest(q)[0][:, 0] == 0
        return np.argmax(s, 1), np.where(exact, np.inf, gap)


def _decimal_grid(X: np.ndarray, bits: int):
    """Codes = X * 10^d when the data are on a decimal grid that fits the type, else None."""
    lo, hi = INT_TYPES[bits][2], INT_TYPES[bits][3]
    for d in range(4):
        v = X * 10.0 ** d
        if np.all(np.abs(v - np.round(v)) < 1e-6) and v.min() >= lo and v.max() <= hi:
            n = X.shape[1]
            return FeatureMap(bits, (0.0,) * n, (float(np.float32(10.0 ** -d)),) * n)
    return None


def choose_map(m: Neighbors, bits: int) -> FeatureMap:
    Z = np.asarray(m.X, dtype=np.float64)
    n = Z.shape[1]
    if bits == 0:
        if m.scaling is not None:
            raise ConversionError("a k-NN behind a scaler needs integer inputs (feature_bits 8 or 16), which fold the "
                                  "scaling into the input codes; or convert the estimator alone and scale before predict")
        return FeatureMap(0)
    if bits not in INT_TYPES:
        raise ConversionError(f"feature bits must be 0 (float), 8 or 16, not {bits}")
    if m.scaling is None:
        grid = _decimal_grid(Z, bits)
        if grid is not None:
            return grid
    qmin, qmax = INT_TYPES[bits][2], INT_TYPES[bits][3]
    lo, hi = Z.min(0), Z.max(0)
    S = max(float((hi - lo).max()) * (1 + 2 * MARGIN) / (qmax - qmin), 1e-30)
    zoff = (lo + hi) / 2
    if m.scaling is None:
        return FeatureMap(bits, tuple(float(np.float32(v)) for v in zoff), (float(np.float32(S)),) * n)
    k, off = np.asarray(m.scaling.scale), np.asarray(m.scaling.offset)
    return FeatureMap(bits, tuple(float(np.float32(v)) for v in off + zoff / k),
                      tuple(float(np.float32(v)) for v in S / k))


def lower(m: Neighbors, bits: int) -> LoweredKNN:
    fmap = choose_map(m, bits)
    Z = np.asarray(m.X, dtype=np.float64)
    n = Z.shape[1]
    if fmap.is_float:
        return LoweredKNN(m, fmap, Z.astype(np.float32), "float")
    if m.scaling is None:
        train = fmap.quantize(Z)
    else:
        # Codes of the scaled training points on the same grid as the inputs' codes.
        S = np.asarray(fmap.scale, np.float64) * np.asarray(m.scaling.scale)   # = the common scale, per feature
        zoff = (np.asarray(fmap.offset) - np.asarray(m.scaling.offset)) * np.asarray(m.scaling.scale)
        train = np.clip(np.round((Z - zoff) / S), fmap.qmin, fmap.qmax).astype(INT_TYPES[fmap.bits][0])
    span = fmap.qmax - fmap.qmin
    worst = n * (span if m.p == 1 else span * span)
    dtype = next(t for t, lim in (("std::uint16_t", 0xFFFF), ("std::uint32_t", 0xFFFFFFFF), ("std::uint64_t", 2 ** 64 - 1))
                 if worst <= lim)
    return LoweredKNN(m, fmap, train, dtype)


def header(lw: LoweredKNN, name: str) -> str:
    m, fm = lw.model, lw.fmap
    data_ns = f"{name}_data"
    n_s, n = lw.train.shape
    cell = f32 if fm.is_float else (lambda v: str(int(v)))
    what = "classifier" if m.kind == "classifier" else "regressor"
    info = [f"ctml model `{name}`, generated by ctml codegen: do not edit, regenerate.",
            f"Source: {m.source.estimator}, {m.source.framework}." +
            ("" if m.scaling is None else " The Pipeline's scaling is folded into the input codes."),
            f"{n} features, input {fm.ctype}" + ("" if fm.is_float else f" (affine codes on one common scale; see {name}_info::quantize)")
            + f"; {n_s} training samples, k = {m.k}, " + ("manhattan" if m.p == 1 else "euclidean") + " distance"
            + (", neighbours weighted by 1 / distance." if m.distance_weights else ".")]
    if m.classes:
        info.append("Classes (predict returns the index): " + ", ".join(repr(c) for c in m.classes) + ".")
    lines = [comment_block(info), "#pragma once", "#include <array>", "#include <cstdint>", "#include <limits>", "",
             "#include <ctml/core/quantize.hpp>", "#include <ctml/core/budget.hpp>", "#include <ctml/neighbors/knn.hpp>", "#include <ctml/platform/flash.hpp>",
             "", f"namespace ctml_models::{data_ns} {{", "", "// The training set, one sample per row, in training order.",
             f"CTML_FLASH inline constexpr {fm.ctype} train[] = {{", wrap([cell(v) for v in lw.train.reshape(-1)]), "};"]
    if m.kind == "classifier":
        lines += [f"CTML_FLASH inline constexpr std::uint8_t labels[] = {{", wrap([str(int(v)) for v in m.y]), "};"]
    else:
        lines += [f"CTML_FLASH inline constexpr float targets[] = {{", wrap([f32(v) for v in m.y]), "};"]
    lines += ["", f"}}  // namespace ctml_models::{data_ns}", "", "namespace ctml_models {", "", f"struct {name}_spec {{",
              f"  static constexpr std::size_t n_features = {n};", f"  using feature_type = {fm.ctype};",
              f"  using distance_type = {'float' if fm.is_float else lw.distance_type};",
              f"  static constexpr std::size_t n_samples = {n_s};", f"  static constexpr std::size_t k = {m.k};",
              f"  static constexpr int p = {m.p};", f"  static constexpr const auto& train = {data_ns}::train;"]
    if m.distance_weights:
        lines.append("  static constexpr bool distance_weights = true;  // weights='distance'")
    if m.kind == "classifier":
        lines += [f"  static constexpr std::size_t n_classes = {len(m.classes)};",
                  f"  static constexpr const auto& labels = {data_ns}::labels;"]
    else:
        lines.append(f"  static constexpr const auto& targets = {data_ns}::targets;")
    lines += ["};", "", "// The model type; the layout can be chosen: ctml::layout::unrolled, ::table or ::automatic.",
              "template <class Layout = ctml::layout::automatic>",
              f"using {name}_t = ctml::neighbors::knn_{what}<{name}_spec, Layout>;", f"using {name} = {name}_t<>;", ""]
    lines += info_block(name, fm, n, m.classes) + ["}  // namespace ctml_models", ""]
    return "\n".join(lines)
