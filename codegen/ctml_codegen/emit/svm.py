"""Kernel machines to C++: lowering to the float or the integer path, the model header and the
test-vector header.

Integer path (rbf and sigmoid): every feature is quantized with one common step s around a
per-feature centre o_j (0 for sigmoid), z_j ~ o_j + s q_j, so |z - v|^2 = s^2 |q - p|^2 (and
<z, v> = s^2 <q, p>) is an exact integer sum on the device. t = gamma s^2 sum in Q4.12 is
((sum >> d2_shift) * t_mul) >> 14; K = exp(-t) or tanh(t + coef0) in Q15. Coefficients are int16 with one step a chosen so that no pair's sum can leave 31 bits; the
real output is the int32 sum times out_scale = a / 32768.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

import numpy as np

from ..ir.common import InputScaling
from ..ir.svm import KernelMachine
from ..quantize.features import INT_TYPES, FeatureMap
from .vectors import HEAD, vectors_file
from .cpp import comment_block, f32, wrap
from .model_io import info_block

COEF_SUM = 30000          # the largest sum of |int16 coefficients| one output may add up
INTERCEPT_LIMIT = 1 << 30


@dataclass(frozen=True)
class Lowered:
    km: KernelMachine
    fmap: FeatureMap                 # the device input: raw features (Pipeline scaling folded in)
    sv: np.ndarray                   # codes (int) or float32 values, n_sv x n_features
    coef: np.ndarray                 # int16 or float32, rows x n_sv
    intercept: np.ndarray            # int32 or float32
    scaling: Optional[InputScaling]  # float path only: applied on the device
    sq_shift: int = 0
    d2_shift: int = 0
    t_mul: int = 0
    out_scale: float = 1.0
    coef0_q12: int = 0
    folded_scaling: bool = False     # integer path: a Pipeline's scaling is in the quantizer

    @property
    def n_outputs(self) -> int:
        return len(self.intercept)


def n_outputs(km: KernelMachine) -> int:
    g = len(km.n_support)
    return g * (g - 1) // 2 if km.kind == "ovo" else (len(km.coef) if km.kind == "logistic" else 1)


def contributions(km: KernelMachine) -> list[list[tuple[int, int, int]]]:
    """Per output p: the (row, sv) coefficient entries its sum adds (libsvm's one-vs-one layout;
    a one-vs-rest logistic machine's output p adds row p over every vector)."""
    if km.kind == "logistic":
        return [[(p, i, 0) for i in range(km.n_sv)] for p in range(len(km.coef))]
    if km.kind != "ovo":
        return [[(0, i, 0) for i in range(km.n_sv)]]
    g = len(km.n_support)
    starts = np.concatenate([[0], np.cumsum(km.n_support)])
    out = []
    for i in range(g):
        for j in range(i + 1, g):
            entries = [(j - 1, s, 0) for s in range(starts[i], starts[i + 1])]
            entries += [(i, s, 0) for s in range(starts[j], starts[j + 1])]
            out.append(entries)
    return out


def _kernel_scaling(gamma: float, step: float, need: float, sat_bits: int) -> tuple[int, int, int]:
    """(sq_shift, d2_shift, t_mul) for an integer kernel argument (rbf: |q - p|^2, sigmoid: <q, p>).

    t_q12 = ((sum >> d2_shift) * t_mul) >> 14 approximates 4096 gamma step^2 sum, and each term is
    added >> sq_shift so that the saturated sum (2^sat_bits) stands for t_q12 >= need, where the
    kernel is flat (rbf: exp(-16) is 0 in Q15; sigmoid: tanh is 1 in Q15 from |t + coef0| = 8 on).
    """
    from ..errors import ConversionError
    u = 4096.0 * gamma * step * step
    if not (u > 0 and math.isfinite(u)):
        raise ConversionError("the integer kernel path needs gamma > 0")
    total = max(0, math.ceil(-math.log2(u))) if u < 1 else 0
    sq_shift = max(0, math.ceil(math.log2(need / (u * 2.0 ** sat_bits))))
    mul = round(u * 2 ** total * 2 ** 14)   # in [2^14, 2^15] when u < 1: a 16-bit multiply
    if mul >= 2 ** 32 or total >= 32 or sq_shift > 16 or sq_shift > total:
        raise ConversionError(f"gamma {gamma} does not fit the integer path at this input range; use feature_bits=0")
    return sq_shift, total - sq_shift, max(mul, 1)


def lower(km: KernelMachine, scaling: Optional[InputScaling], bits: int, X_sample) -> Lowered:
    from ..errors import ConversionError
    V = np.asarray(km.support_vectors, dtype=np.float64)
    coef = np.asarray(km.coef, dtype=np.float64)
    inter = np.asarray(km.intercept, dtype=np.float64)
    if bits == 0:
        return Lowered(km, FeatureMap(0), V.astype(np.float32), coef.astype(np.float32), inter.astype(np.float32), scaling)
    if km.kernel not in ("rbf", "sigmoid"):
        raise ConversionError(f"the integer path supports kernel='rbf' and 'sigmoid' (bounded kernels), not "
                              f"{km.kernel!r}; convert with feature_bits=0 (float)")
    if bits not in INT_TYPES:
        raise ConversionError(f"feature bits must be 0 (float), 8 or 16, not {bits}")
    qmin, qmax = INT_TYPES[bits][2], INT_TYPES[bits][3]
    pts = V
    if X_sample is not None:
        Z = np.asarray(X_sample, dtype=np.float64)
        Z = scaling.apply(Z) if scaling is not None else Z
        pts = np.vstack([V, Z[np.all(np.isfinite(Z), axis=1)]])
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    # rbf: distances do not change with a per-feature centre; sigmoid: dot products need centre 0.
    centre = np.array([float(np.float32(c)) for c in (lo + hi) / 2]) if km.kernel == "rbf" else np.zeros(km.n_features)
    half = float(np.max(np.maximum(hi - centre, centre - lo)))
    step = float(np.float32(1.25 * half / qmax)) if half > 0 else 1.0   # 25 % headroom beyond the sample
    off = np.zeros(km.n_features) if scaling is None else np.asarray(scaling.offset)
    sc = np.ones(km.n_features) if scaling is None else np.asarray(scaling.scale)
    # q = ((x - off) * sc - centre) / step = (x - (off + centre / sc)) / (step / sc)
    fmap = FeatureMap(bits, tuple(float(np.float32(v)) for v in off + centre / sc),
                      tuple(float(np.float32(v)) for v in step / sc))
    codes = np.clip(np.round((V - centre) / step), qmin, qmax).astype(np.int64)
    c0 = int(np.clip(round(4096 * km.coef0), -(1 << 20), 1 << 20))
    if km.kernel == "rbf":
        sq_shift, shift, mul = _kernel_scaling(km.gamma, step, 65536.0, 32)
    else:
        sq_shift, shift, mul = _kernel_scaling(km.gamma, step, 2 * 65536.0 + abs(c0), 31)
    worst = max(sum(abs(coef[r, i]) for r, i, _ in entries) for entries in contributions(km))
    a = worst / COEF_SUM if worst > 0 else 1.0
    cq = np.round(coef / a).astype(np.int64)
    if max(sum(abs(int(cq[r, i])) for r, i, _ in entries) for entries in contributions(km)) > 32767:
        raise ConversionError(f"the model has too many support vectors ({km.n_sv}) for int16 coefficients; use feature_bits=0")
    iq = np.clip(np.round(inter / a * 32768), -INTERCEPT_LIMIT, INTERCEPT_LIMIT).astype(np.int64)
    return Lowered(km, fmap, codes, cq, iq, None, sq_shift, shift, mul, float(np.float32(a / 32768)), c0,
                   scaling is not None)


def footprint(lw: Lowered, target: str, call_frame: int) -> dict:
    """(flash of the table layout, code estimate of the unrolled layout, RAM), as the C++ side counts."""
    km = lw.km
    fsize = 4 if lw.fmap.is_float else lw.fmap.bits // 8
    data = lw.sv.size * fsize + lw.coef.size * (4 if lw.fmap.is_float else 2) + lw.n_outputs * 4
    if lw.scaling is not None:
        data += 8 * km.n_features
    data += 4 * (len(km.prob_a) + len(km.prob_b))   # stays in flash in both layouts
    per_term = 24 if target == "avr" else 12
    code = km.n_sv * (km.n_features + lw.n_outputs) * per_term
    ram = 4 * lw.n_outputs + (len(km.n_support) if km.kind == "ovo" else 0)
    ram += 4 * km.n_features if lw.scaling is not None else 0
    return {"table_flash": data, "unrolled_code": code, "ram": ram + call_frame}


MODEL_TYPE = {"ovo": "svc", "regression": "regressor", "one_class": "one_class", "logistic": "logistic_classifier"}
HEADER = {"ovo": "svc", "regression": "regressor", "one_class": "one_class", "logistic": "logistic"}


def _class_list(classes) -> str:
    return ", ".join(repr(c) for c in classes)


def header(lw: Lowered, name: str) -> str:
    km, fm = lw.km, lw.fmap
    data_ns = f"{name}_data"
    ftype = fm.ctype
    ctype = "float" if fm.is_float else "std::int16_t"
    otype = "float" if fm.is_float else "std::int32_t"
    num = (lambda v: f32(v)) if fm.is_float else (lambda v: str(int(v)))
    info = [f"ctml model `{name}`, generated by ctml codegen: do not edit, regenerate.",
            f"Source: {km.source.estimator}, {km.source.framework}.",
            f"{km.n_features} features, input {ftype}" +
            ("" if fm.is_float else f" (codes of one common step; see {name}_info::quantize)") + ".",
            f"Kernel {km.kernel}" + (f", gamma {km.gamma:.9g}" if km.kernel != "linear" else "") +
            (f", coef0 {km.coef0:.9g}" if km.kernel in ("poly", "sigmoid") else "") +
            (f", degree {km.degree}" if km.kernel == "poly" else "") +
            f"; {km.n_sv} {'relevance' if km.source.estimator.startswith('RV') else 'support'} vectors.",
            ]
    if km.classes:
        info.append(f"Classes (predict returns the index): {_class_list(km.classes)}.")
    if km.kind == "logistic" and len(km.coef) > 1:
        info.append("One-vs-rest: a coefficient row per class; predict is the first largest decision value, "
                    "predict_proba the logistics normalised to sum 1.")
    if km.prob_a:
        info.append("probability=True: predict_proba is libsvm's (pairwise Platt sigmoids, then Wu-Lin-Weng coupling).")
    if lw.scaling is not None:
        info.append("The Pipeline's scaling z = (x - in_offset) * in_scale runs on the device (float path).")
    if lw.folded_scaling:
        info.append("The Pipeline's scaler is folded into the input quantizer (the model takes raw features).")
    lines = [comment_block(info), "#pragma once", "#include <array>", "#include <cstdint>", "#include <limits>", "",
             "#include <ctml/core/quantize.hpp>", "#include <ctml/core/budget.hpp>", "#include <ctml/platform/flash.hpp>",
             f"#include <ctml/svm/{HEADER[km.kind]}.hpp>", "", f"namespace ctml_models::{data_ns} {{", ""]
    rows = ["{" + ", ".join(num(v) for v in r) + "}" for r in lw.sv]
    lines += [f"CTML_FLASH inline constexpr {ftype} sv[{km.n_sv}][{km.n_features}] = {{", wrap(rows), "};"]
    rows = ["{" + ", ".join(num(v) for v in r) + "}" for r in lw.coef]
    lines += [f"CTML_FLASH inline constexpr {ctype} coef[{lw.coef.shape[0]}][{km.n_sv}] = {{", wrap(rows, width=100), "};"]
    lines += [f"CTML_FLASH inline constexpr {otype} intercept[{lw.n_outputs}] = {{", wrap([num(v) for v in lw.intercept]), "};"]
    if lw.scaling is not None:
        lines += [f"CTML_FLASH inline constexpr float in_offset[{km.n_features}] = {{", wrap([f32(v) for v in lw.scaling.offset]), "};",
                  f"CTML_FLASH inline constexpr float in_scale[{km.n_features}] = {{", wrap([f32(v) for v in lw.scaling.scale]), "};"]
    if km.prob_a:
        lines += [f"// probability=True: libsvm's Platt sigmoid per class pair, P(i over j) = 1 / (1 + exp(A d + B)).",
                  f"CTML_FLASH inline constexpr float prob_a[{len(km.prob_a)}] = {{", wrap([f32(v) for v in km.prob_a]), "};",
                  f"CTML_FLASH inline constexpr float prob_b[{len(km.prob_b)}] = {{", wrap([f32(v) for v in km.prob_b]), "};"]
    lines += ["", f"}}  // namespace ctml_models::{data_ns}", "", "namespace ctml_models {", ""]
    spec = [f"struct {name}_spec {{",
            f"  using feature_type = {ftype};",
            f"  static constexpr std::size_t n_features = {km.n_features};",
            f"  static constexpr std::size_t n_sv = {km.n_sv};",
            f"  static constexpr auto kind = ctml::svm::machine_kind::{km.kind};",
            f"  static constexpr auto kernel = ctml::svm::kernel_kind::{km.kernel};",
            f"  static constexpr float gamma = {f32(km.gamma)};",
            f"  static constexpr float coef0 = {f32(km.coef0)};",
            f"  static constexpr int degree = {km.degree};",
            f"  static constexpr std::array<std::size_t, {len(km.n_support)}> n_support = {{{', '.join(str(v) for v in km.n_support)}}};"]
    if not fm.is_float:
        spec += [f"  static constexpr unsigned sq_shift = {lw.sq_shift};",
                 f"  static constexpr unsigned d2_shift = {lw.d2_shift};",
                 f"  static constexpr std::uint32_t t_mul = {lw.t_mul};",
                 f"  static constexpr float out_scale = {f32(lw.out_scale)};"]
        if km.kernel == "sigmoid":
            spec.append(f"  static constexpr std::int32_t coef0_q12 = {lw.coef0_q12};")
    if km.kind == "ovo":
        spec.append(f"  static constexpr bool ovr_shape = {'true' if km.ovr_shape else 'false'};")
        spec.append(f"  static constexpr bool has_probability = {'true' if km.prob_a else 'false'};")
        if km.prob_a:
            spec += [f"  static constexpr const auto& prob_a = {data_ns}::prob_a;",
                     f"  static constexpr const auto& prob_b = {data_ns}::prob_b;"]
    if km.kind == "one_class":
        spec.append(f"  static constexpr float score_offset = {f32(km.score_offset)};")
    spec += [f"  static constexpr bool has_scaling = {'true' if lw.scaling is not None else 'false'};",
             f"  static constexpr const auto& sv = {data_ns}::sv;",
             f"  static constexpr const auto& coef = {data_ns}::coef;",
             f"  static constexpr const auto& intercept = {data_ns}::intercept;"]
    if lw.scaling is not None:
        spec += [f"  static constexpr const auto& in_offset = {data_ns}::in_offset;",
                 f"  static constexpr const auto& in_scale = {data_ns}::in_scale;"]
    spec.append("};")
    lines += spec
    lines += ["", "// The model type; the layout can be chosen: ctml::layout::unrolled, ::table or ::automatic.",
              "template <class Layout = ctml::layout::automatic>",
              f"using {name}_t = ctml::svm::{MODEL_TYPE[km.kind]}<{name}_spec, Layout>;",
              f"using {name} = {name}_t<>;", ""]
    lines += info_block(name, fm, km.n_features, km.classes)
    lines += ["}  // namespace ctml_models", ""]
    return "\n".join(lines)


def reference(est, km: KernelMachine, X: np.ndarray) -> dict:
    """The framework's own answers on inputs X (float32 values): est is the whole Pipeline."""
    out = {}
    if km.kind in ("ovo", "logistic"):
        classes = list(km.classes)
        out["class"] = np.array([classes.index(p) for p in est.predict(X).tolist()], dtype=np.int64)
        d = np.asarray(est.decision_function(X), dtype=np.float64).reshape(len(X), -1)
        if km.kind == "logistic" and len(km.coef) == 1:
            d = np.column_stack([d, est.predict_proba(X)[:, 1]])   # binary RVC: f and P(class 1)
        out["score"] = d
        if km.prob_a or (km.kind == "logistic" and len(km.coef) > 1):
            # one-vs-rest RVC: the K decisions are the scores (decision_function's shape), the
            # normalised logistics the probabilities, as SVC(probability=True) carries them
            out["proba"] = np.asarray(est.predict_proba(X), dtype=np.float64)
    elif km.kind == "regression":
        out["value"] = np.asarray(est.predict(X), dtype=np.float64)
    else:
        out["class"] = np.asarray(est.predict(X), dtype=np.int64)
        out["score"] = np.column_stack([est.decision_function(X), est.score_samples(X)])
    return out


def vectors_header(est, km: KernelMachine, fmap: FeatureMap, name: str, X: np.ndarray, y, n_vectors) -> str:
    return vectors_file(name, X, y, n_vectors, lambda ns, rows, truth: _struct(est, km, fmap, ns, rows, truth))


def _struct(est, km: KernelMachine, fmap: FeatureMap, ns: str, X: np.ndarray, y) -> list[str]:
    q = fmap.quantize(X)
    ref = reference(est, km, fmap.dequantize(q))
    n, nf = q.shape
    cell = (lambda v: f32(v)) if fmap.is_float else (lambda v: str(int(v)))
    lines = [f"struct {ns} {{", f"  static constexpr std::size_t n_samples = {n};",
             f"  static constexpr std::size_t n_features = {nf};",
             f"  CTML_FLASH static constexpr {fmap.ctype} inputs[{n}][{nf}] = {{",
             wrap(["{" + ", ".join(cell(v) for v in row) + "}" for row in q]), "};"]
    if "class" in ref:
        ctype = "std::int8_t" if km.kind == "one_class" else "std::uint8_t"
        lines += [f"  CTML_FLASH static constexpr {ctype} expected_class[{n}] = {{", wrap([str(int(v)) for v in ref["class"]]), "};"]
    if "score" in ref:
        k = ref["score"].shape[1]
        lines += [f"  static constexpr std::size_t n_scores = {k};",
                  f"  CTML_FLASH static constexpr float expected_score[{n}][{k}] = {{",
                  wrap(["{" + ", ".join(f32(v) for v in r) + "}" for r in ref["score"]]), "};"]
    if "proba" in ref:
        k = ref["proba"].shape[1]
        lines += [f"  CTML_FLASH static constexpr float expected_proba[{n}][{k}] = {{",
                  wrap(["{" + ", ".join(f32(v) for v in r) + "}" for r in ref["proba"]]), "};"]
    if "value" in ref:
        lines += [f"  CTML_FLASH static constexpr float expected_value[{n}] = {{", wrap([f32(v) for v in ref["value"]]), "};"]
    if y is not None and km.classes:
        classes = list(km.classes)
        lines += [f"  CTML_FLASH static constexpr std::uint8_t truth[{n}] = {{",
                  wrap([str(classes.index(v)) for v in np.asarray(y).tolist()]), "};"]
    lines.append("};")
    return lines


def float_decisions(lw: Lowered, X: np.ndarray) -> np.ndarray:
    """What the float path computes on inputs X (n x outputs): float32 throughout, in the C++'s
    order (the scaling, each vector's kernel summed feature by feature, then its coefficients added
    output by output in vector order, the intercept last), with numpy's float32 exp and tanh in
    place of ctml::math's (within a few ulps of them)."""
    km = lw.km
    f = np.float32
    Z = np.asarray(X, dtype=np.float32)
    if lw.scaling is not None:
        Z = ((Z - np.asarray(lw.scaling.offset, dtype=f)).astype(f) * np.asarray(lw.scaling.scale, dtype=f)).astype(f)
    out = np.zeros((len(Z), lw.n_outputs), dtype=f)
    feeds: list[list[tuple[int, int]]] = [[] for _ in range(km.n_sv)]
    for p, entries in enumerate(contributions(km)):
        for r, i, _ in entries:
            feeds[i].append((r, p))
    gamma, coef0 = f(km.gamma), f(km.coef0)
    for i in range(km.n_sv):
        acc = np.zeros(len(Z), dtype=f)
        for j in range(km.n_features):
            t = (Z[:, j] - lw.sv[i, j]).astype(f) if km.kernel == "rbf" else Z[:, j]
            acc = (acc + (t * (t if km.kernel == "rbf" else lw.sv[i, j])).astype(f)).astype(f)
        if km.kernel == "rbf":
            k = np.exp((-gamma * acc).astype(f)).astype(f)
        elif km.kernel == "linear":
            k = acc
        else:
            u = ((gamma * acc).astype(f) + coef0).astype(f)
            if km.kernel == "poly":
                k = np.ones(len(Z), dtype=f)
                for _ in range(km.degree):
                    k = (k * u).astype(f)
            else:
                k = np.tanh(u).astype(f)
        for r, p in sorted(feeds[i], key=lambda e: e[1]):
            out[:, p] = (out[:, p] + (lw.coef[r, i] * k).astype(f)).astype(f)
    return (out + lw.intercept.astype(f)).astype(f)


def classes_of(km: KernelMachine, d: np.ndarray) -> np.ndarray:
    """The class index (one_class: 0 for -1, 1 for +1) the C++ predicts from its decision values."""
    if km.kind == "ovo":
        k = len(km.n_support)
        votes = np.zeros((len(d), k), dtype=np.int64)
        p = 0
        for i in range(k):
            for j in range(i + 1, k):
                votes[np.arange(len(d)), np.where(d[:, p] > 0, i, j)] += 1
                p += 1
        return np.argmax(votes, 1)
    if km.kind == "logistic" and d.shape[1] > 1:
        return np.argmax(d, 1)
    return (d[:, 0] > 0).astype(np.int64)
