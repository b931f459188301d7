"""Tree ensembles to a C++ header: lowering (threshold mapping, pruning, leaf codes) and text."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import ConversionError
from ..ir.trees import Forest, Tree
from ..quantize.features import FeatureMap, map_threshold
from .cpp import comment_block, f32, int_type, wrap
from .model_io import info_block

VOTE_MAX = 0xFFFF


@dataclass
class Lowered:
    """A forest ready to print: per tree a list of (feature, threshold, right, default_left, code)."""
    forest: Forest
    fmap: FeatureMap
    trees: list[list[tuple]]
    codes: dict                 # family constants: vote scale and distributions, or values
    value_int: bool             # additive leaves as int32 fixed point
    frac_bits: int = 0

    @property
    def n_nodes(self) -> int:
        return sum(len(t) for t in self.trees)


def _lower_tree(tree: Tree, fmap: FeatureMap, leaf_code) -> list[tuple]:
    """Maps thresholds into the input domain and drops tests every input passes the same way.
    A node is (feature, threshold, right, default_left, right_hot): right_hot when more training
    weight went right than left (AVR lays the hotter child out as the fall-through)."""
    out: list[tuple] = []
    w = tree.weight

    def build(i: int) -> None:
        f = tree.feature[i]
        if f < 0:
            out.append((-1, 0, leaf_code(tree.value[i]), False, False))
            return
        m = map_threshold(fmap, f, tree.threshold[i])
        if m[0] == "left":
            build(i + 1)
            return
        if m[0] == "right":
            build(tree.right[i])
            return
        me = len(out)
        out.append(None)
        build(i + 1)
        right = len(out)
        hot = bool(w) and w[tree.right[i]] > w[i + 1]
        out[me] = (f, m[1], right, tree.default_left[i], hot)
        build(tree.right[i])
    build(0)
    return out


def _votes(p: np.ndarray, scale: int) -> tuple[int, ...]:
    """Probabilities to integer votes summing to scale (largest remainder, ties to the lower class)."""
    exact = p * scale
    base = np.floor(exact).astype(np.int64)
    rest = int(scale - base.sum())
    order = sorted(range(len(p)), key=lambda k: (-(exact[k] - base[k]), k))
    for k in order[:rest]:
        base[k] += 1
    return tuple(int(v) for v in base)


def lower(forest: Forest, fmap: FeatureMap, vote_bits: int = 8) -> Lowered:
    if forest.kind == "classifier":
        n_classes = len(forest.classes)
        # Votes per tree: up to 255 in one byte per class entry (vote_bits 8), or up to 65535/T.
        entry_max = 0xFF if vote_bits == 8 else 0xFFFF
        scale = min(entry_max, VOTE_MAX // len(forest.trees)) if len(forest.trees) <= VOTE_MAX // 15 else entry_max
        dists: list[tuple] = []      # every tree's distributions, tree after tree
        bases: list[int] = []
        trees = []
        for tree in forest.trees:
            local: dict[tuple, int] = {}

            def code(value, local=local) -> int:
                v = _votes(np.asarray(value, dtype=np.float64), scale)
                nz = [k for k, c in enumerate(v) if c]
                if len(nz) == 1:
                    return nz[0]
                return n_classes + local.setdefault(v, len(local))
            bases.append(len(dists))
            trees.append(_lower_tree(tree, fmap, code))
            dists.extend(local)
        bases.append(len(dists))
        return Lowered(forest, fmap, trees, {"scale": scale, "dists": dists, "bases": bases, "bits": vote_bits}, False)

    value_int = not fmap.is_float
    frac = 0
    if value_int:
        # The bound ctml's static_assert checks: the largest |init| plus every tree's largest |leaf|.
        bound = max(abs(v) for v in forest.init)
        bound += sum(max(abs(v[0]) for v in tree.value if v is not None) for tree in forest.trees)
        if forest.kind == "isolation":
            bound = max(bound, abs(_inlier_sum(forest)))
        frac = 30 if bound == 0 else int(math.floor(math.log2((2 ** 31 - 1) / (bound * 1.001))))
        frac = max(0, min(30, frac))
    values: dict = {}

    def code(value) -> int:
        v = value[0]
        key = int(round(v * 2 ** frac)) if value_int else float(np.float32(v))
        return values.setdefault(key, len(values))
    trees = [_lower_tree(t, fmap, code) for t in forest.trees]
    return Lowered(forest, fmap, trees, {"values": list(values)}, value_int, frac)


def median_codes(weights) -> tuple[list[int], int]:
    """AdaBoostRegressor's float64 weights as the integers trees/regressor.hpp adds: scaled by one
    power of two so that they sum below 2^30 (equal weights stay equal), and half their sum."""
    w = np.asarray(weights, dtype=np.float64)
    shift = int(math.floor(math.log2(2.0 ** 30 / float(w.sum()))))
    codes = [int(round(math.ldexp(float(v), shift))) for v in w]
    return codes, (sum(codes) + 1) // 2


def weighted_medians(lw: "Lowered", X: np.ndarray) -> np.ndarray:
    """The value trees/regressor.hpp's median returns for each row of float inputs X, as a real."""
    fo, fmap = lw.forest, lw.fmap
    Xq = fmap.dequantize(fmap.quantize(np.asarray(X)))
    codes, half = median_codes(fo.extra["median_weights"])
    per_tree = []
    for tree in fo.trees:
        vals = [v[0] for v in leaf_payloads(tree, Xq)]
        per_tree.append([round(v * 2 ** lw.frac_bits) * 2.0 ** -lw.frac_bits if lw.value_int else float(np.float32(v))
                         for v in vals])
    V = np.array(per_tree).T   # rows x trees
    out = np.empty(len(V))
    for r, row in enumerate(V):
        acc = 0
        order = np.argsort(row, kind="stable")
        out[r] = row[order[-1]]
        for i in order[:-1]:
            acc += codes[i]
            if acc >= half:
                out[r] = row[i]
                break
    return out


def leaf_payloads(tree: Tree, X: np.ndarray) -> list:
    """The IR tree's leaf payload for each row of float32 inputs X (x <= threshold goes left)."""
    out = []
    for row in np.asarray(X, dtype=np.float32):
        i = 0
        while tree.feature[i] >= 0:
            i = i + 1 if row[tree.feature[i]] <= tree.threshold[i] else tree.right[i]
        out.append(tree.value[i])
    return out


def vote_disagreements(forest: Forest, scale: int, X: np.ndarray) -> int:
    """Samples of X where integer votes of `scale` per tree pick another class than the mean of
    the trees' probabilities (what scikit-learn predicts)."""
    n = len(forest.classes)
    exact = np.zeros((len(X), n))
    votes = np.zeros((len(X), n), dtype=np.int64)
    cache: dict = {}
    for tree in forest.trees:
        for r, p in enumerate(leaf_payloads(tree, X)):
            exact[r] += p
            if p not in cache:
                cache[p] = np.array(_votes(np.asarray(p), scale))
            votes[r] += cache[p]
    return int(np.sum(np.argmax(exact, 1) != np.argmax(votes, 1)))


def _inlier_sum(forest: Forest) -> float:
    """The summed path length from which scikit-learn's IsolationForest calls a sample an inlier."""
    offset = forest.extra["offset"]
    if offset >= 0:
        return math.inf
    return -len(forest.trees) * forest.extra["average_path_length"] * math.log2(-offset)


def footprint(lw: Lowered) -> dict:
    """Flash bytes of the model's arrays in the table layout (what flash_bytes reports)."""
    node_size = _node_size(lw)
    if lw.forest.kind == "classifier":
        n_entries = sum(sum(1 for c in d if c) for d in lw.codes["dists"])
        entry = 2 if lw.codes["bits"] == 8 else 3   # AVR packs {class, votes} without padding
        extra = (2 * (len(lw.codes["dists"]) + 1) + n_entries * entry + entry * len(lw.codes["dists"])) \
            if lw.codes["dists"] else 0
    else:
        extra = 4 * len(lw.codes["values"])
    return {"nodes": lw.n_nodes, "node_bytes": lw.n_nodes * node_size, "leaf_bytes": extra}


def _types(lw: Lowered) -> tuple[str, str, str]:
    n_feat = lw.forest.n_features
    feat_limit = 63 if lw.forest.nan_aware else 254
    ftype = "std::uint8_t" if n_feat <= feat_limit else "std::uint16_t"
    if n_feat > 16383:
        raise ConversionError(f"{n_feat} features are more than ctml's trees support (16383)")
    max_code = max(n[2] for t in lw.trees for n in t)
    ctype = int_type(0, max(max_code, max(len(t) for t in lw.trees)), unsigned=True)
    return ftype, lw.fmap.ctype, ctype


def _node_size(lw: Lowered) -> int:
    sizes = {"std::uint8_t": 1, "std::uint16_t": 2, "std::uint32_t": 4, "std::int8_t": 1, "std::int16_t": 2, "float": 4}
    f, t, c = (sizes[x] for x in _types(lw))
    return f + t + c   # AVR packs fields without padding


def _leads(dists: list[tuple]) -> list[str]:
    """{leading class, votes of the other classes} per distribution (first class on ties)."""
    out = []
    for d in dists:
        k = max(range(len(d)), key=lambda c: (d[c], -c))
        out.append(f"{{{k}, {sum(d) - d[k]}}}")
    return out or ["{0, 0}"]


def _node_text(n: tuple, fmap: FeatureMap, nan_aware: bool, ftype: str) -> str:
    f, thr, right, dl = n[:4]
    if f < 0:
        return f"{{leaf, 0, {right}}}"
    thr_text = f32(thr) if fmap.is_float else str(int(thr))
    feat = f"{f} | ctml::trees::default_left_bit<{ftype}>" if (nan_aware and dl) else str(f)
    return f"{{{feat}, {thr_text}, {right}}}"


def header(lw: Lowered, name: str) -> str:
    fo, fm = lw.forest, lw.fmap
    ftype, ttype, ctype = _types(lw)
    data_ns = f"{name}_data"
    lines: list[str] = []
    what = {"classifier": "forest_classifier", "regressor": "tree_regressor",
            "boosted_classifier": "boosted_classifier", "isolation": "isolation_forest"}[fo.kind]
    include = {"classifier": "forest_classifier", "regressor": "regressor",
               "boosted_classifier": "boosted_classifier", "isolation": "isolation_forest"}[fo.kind]
    info = [f"ctml model `{name}`, generated by ctml codegen: do not edit, regenerate.",
            f"Source: {fo.source.estimator}, {fo.source.framework}.",
            f"{fo.n_features} features, input {fm.ctype}" + ("" if fm.is_float else f" (per-feature affine codes; see {name}_info::quantize)") + ".",
            f"{len(fo.trees)} trees, {lw.n_nodes} nodes after threshold mapping."]
    if fo.classes:
        info.append("Classes (predict returns the index): " + ", ".join(repr(c) for c in fo.classes) + ".")
    lines += [comment_block(info), "#pragma once", "#include <array>", "#include <cstdint>", "#include <limits>", "",
              "#include <ctml/core/quantize.hpp>", "#include <ctml/core/budget.hpp>", "#include <ctml/platform/flash.hpp>",
              f"#include <ctml/trees/{include}.hpp>", "", f"namespace ctml_models::{data_ns} {{", "",
              f"using node = ctml::trees::node<{ftype}, {ttype}, {ctype}>;",
              f"inline constexpr {ftype} leaf = ctml::trees::leaf_feature<{ftype}>;", ""]
    for t, nodes in enumerate(lw.trees):
        items = [_node_text(n, fm, fo.nan_aware, ftype) for n in nodes]
        lines += [f"CTML_FLASH inline constexpr node tree_{t}[] = {{", wrap(items), "};"]
    hot = _hot_lines(lw)
    lines.append("")
    lines += hot
    spec: list[str] = [f"  static constexpr std::size_t n_features = {fo.n_features};",
                       f"  using feature_type = {fm.ctype};"]
    if fo.nan_aware:
        spec.append("  static constexpr bool nan_aware = true;")
    if fo.kind == "classifier":
        total = lw.codes["scale"] * len(fo.trees)
        vtype = "std::uint16_t" if total <= 0xFFFF else "std::uint32_t"
        etype = "std::uint8_t" if lw.codes["bits"] == 8 else "std::uint16_t"
        dists = lw.codes["dists"]
        starts, entries = [0], []
        for d in dists:
            for k, c in enumerate(d):
                if c:
                    entries.append(f"{{{k}, {c}}}")
            starts.append(len(entries))
        if not entries:
            entries = ["{0, 0}"]
        etype = f"ctml::trees::vote_entry<{etype}>"
        lines += [f"CTML_FLASH inline constexpr std::uint16_t dist_start[] = {{", wrap([str(s) for s in starts]), "};",
                  "// The leaf distributions: {class, votes} entries, distribution d at dist_start[d].",
                  f"CTML_FLASH inline constexpr {etype} dist_entries[] = {{", wrap(entries), "};",
                  "// Each distribution's leading class and the votes of all other classes (the fast path).",
                  f"CTML_FLASH inline constexpr {etype} dist_lead[] = {{", wrap(_leads(dists)), "};",
                  "// The first distribution of each tree (a leaf code c >= n_classes is distribution",
                  "// dist_base[tree] + c - n_classes); only read at compile time.",
                  "inline constexpr std::uint16_t dist_base[] = {", wrap([str(b) for b in lw.codes["bases"]]), "};", ""]
        spec += [f"  static constexpr std::size_t n_classes = {len(fo.classes)};",
                 f"  using vote_type = {vtype};",
                 f"  static constexpr {vtype} vote_scale = {lw.codes['scale']};",
                 f"  static constexpr const auto& dist_start = {data_ns}::dist_start;",
                 f"  static constexpr const auto& dist_entries = {data_ns}::dist_entries;",
                 f"  static constexpr const auto& dist_base = {data_ns}::dist_base;",
                 f"  static constexpr const auto& dist_lead = {data_ns}::dist_lead;"]
    else:
        vals = lw.codes["values"]
        vtype = "std::int32_t" if lw.value_int else "float"
        text = [str(v) for v in vals] if lw.value_int else [f32(v) for v in vals]
        lines += [f"CTML_FLASH inline constexpr {vtype} values[] = {{", wrap(text), "};", ""]
        init = [int(round(v * 2 ** lw.frac_bits)) if lw.value_int else v for v in fo.init]
        init_text = ", ".join(str(v) for v in init) if lw.value_int else ", ".join(f32(v) for v in init)
        spec += [f"  using value_type = {vtype};",
                 f"  static constexpr std::size_t n_outputs = {fo.n_outputs};",
                 f"  static constexpr std::array<value_type, {fo.n_outputs}> init = {{{init_text}}};",
                 f"  static constexpr const auto& values = {data_ns}::values;"]
        if lw.value_int:
            spec.append(f"  static constexpr float value_scale = {f32(2.0 ** -lw.frac_bits)};  // 2^-{lw.frac_bits}")
        if "median_weights" in fo.extra:
            codes, half = median_codes(fo.extra["median_weights"])
            lines += ["// AdaBoostRegressor: each tree's weight (scikit-learn's estimator_weights_, scaled to integers);",
                      "// predict is the value at which the weights of the trees sorted by value reach median_half.",
                      f"CTML_FLASH inline constexpr std::uint32_t median_weights[] = {{", wrap([str(c) for c in codes]), "};", ""]
            spec += [f"  static constexpr const auto& median_weights = {data_ns}::median_weights;",
                     f"  static constexpr std::uint32_t median_half = {half};"]
        if fo.kind == "regressor":
            spec.append(f"  static constexpr bool average = {'true' if fo.average else 'false'};")
            if fo.extra.get("link"):
                spec.append(f"  static constexpr auto link = ctml::trees::output_link::{fo.extra['link']};")
        if fo.kind == "boosted_classifier":
            spec.append(f"  static constexpr std::size_t n_classes = {len(fo.classes)};")
            if fo.extra.get("proba_linear"):
                spec.append("  static constexpr bool proba_linear = true;  // the scores are probabilities (soft voting)")
            if fo.extra.get("one_vs_rest"):
                spec.append("  static constexpr bool one_vs_rest = true;  // one binary model per class (LightGBM multiclassova)")
            if fo.extra.get("proba_gain", 1.0) != 1.0:
                spec.append(f"  static constexpr float proba_gain = {f32(fo.extra['proba_gain'])};  // predict_proba: "
                            + ("sigmoid(gain * score)" if fo.n_outputs == 1 else "sigmoid(gain * score) per class"
                               if fo.extra.get("one_vs_rest") else "softmax(gain * scores)"))
        if fo.kind == "isolation":
            h = _inlier_sum(fo)
            if lw.value_int:
                h_text = "std::numeric_limits<std::int32_t>::max()" if math.isinf(h) else str(int(math.ceil(h * 2 ** lw.frac_bits)))
            else:
                h_text = f32(h)
            spec += [f"  static constexpr value_type inlier_min_sum = {h_text};",
                     f"  static constexpr float average_path_length = {f32(fo.extra['average_path_length'])};",
                     f"  static constexpr float offset = {f32(fo.extra['offset'])};"]
    tree_refs = [f"{data_ns}::tree_{t}" for t in range(len(lw.trees))]
    spec.append("  using trees = ctml::trees::tree_list<")
    spec.append(wrap(tree_refs, indent="      ") + ">;")
    if hot:
        spec.append("  static constexpr const char* right_hot[] = {")
        spec.append(wrap([f"{data_ns}::tree_{t}_hot" for t in range(len(lw.trees))], indent="      ") + "};")
    lines += [f"}}  // namespace ctml_models::{data_ns}", "", "namespace ctml_models {", "",
              f"struct {name}_spec {{", *spec, "};", "",
              "// The model type; the layout can be chosen: ctml::layout::unrolled, ::table or ::automatic.",
              "template <class Layout = ctml::layout::automatic>",
              f"using {name}_t = ctml::trees::{what}<{name}_spec, Layout>;", f"using {name} = {name}_t<>;", ""]
    lines += _info(lw, name)
    lines += ["}  // namespace ctml_models", ""]
    return "\n".join(lines)


def _hot_lines(lw: Lowered) -> list[str]:
    """Per tree, '1' at each node whose right child drew more training weight (AVR code layout:
    the hotter child falls through); compile-time only, so no flash. Empty without weights."""
    if not all(t.weight for t in lw.forest.trees):
        return []
    lines = ["// Per node, 1 where more training weight went right (code layout only; read at compile time)."]
    for t, nodes in enumerate(lw.trees):
        bits = "".join("1" if n[4] else "0" for n in nodes)
        chunks = [bits[k:k + 96] for k in range(0, len(bits), 96)]
        lines.append(f"inline constexpr char tree_{t}_hot[] =")
        lines += [f'    "{c}"' for c in chunks[:-1]]
        lines.append(f'    "{chunks[-1]}";')
    lines.append("")
    return lines


def _info(lw: Lowered, name: str) -> list[str]:
    return info_block(name, lw.fmap, lw.forest.n_features, lw.forest.classes)
