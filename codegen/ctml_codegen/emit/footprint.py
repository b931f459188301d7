"""What a model costs in flash on a target: code (estimated per unit, as include/ctml/platform/code_size.hpp
does at compile time, with the same table) plus its constants, for each layout, and the layout that
`automatic` picks (the same rule as core/layout.hpp: unrolled while its flash stays within the limit)."""
from __future__ import annotations

import math
from dataclasses import dataclass

# code bytes = (fixed + sum per[k] * unit[k]) / 16, rounded up. Keep in step with
# include/ctml/platform/code_size.hpp (tests/codegen/test_footprint.py compares the two).
# family -> {layout: (fixed, per-unit sixteenths)}; see code_size.hpp for what the units are.
COSTS: dict[str, dict] = {
    "avr": {
        "forest_vote": {"unrolled": (0, (58, 27686, 0, 76, 10, 743, 0)), "table": (839, (2030, 0))},
        "forest_sum": {"unrolled": (0, (0, 0, 0, 124, 53, 205, 136)), "table": (1676, (1002, 0))},
        "forest_path": {"unrolled": (0, (0, 0, 0, 125, 0, 0, 0)), "table": (0, (1727, 0))},
        "linear": {"unrolled": (0, (133, 1223)), "table": (5805, (739,))},
        "linear_float": {"unrolled": (0, (0, 735)), "table": (7132, (0,))},
        "kernel": {"unrolled": (3117, (8055, 4346, 8834, 0, 1051, 230)), "table": (16360, (7463, 3000, 8123, 0))},
        "kernel_float": {"unrolled": (0, (7768, 0, 0, 0, 0, 976)), "table": (0, (16137, 4303, 0, 4659))},
        "knn": {"unrolled": (0, (0, 863)), "table": (14765, ())},
        "bayes": {"unrolled": (0, (2417,)), "table": (0, (4875,))},
        "median": {"unrolled": (14400, (0,)), "table": (14400, (0,))},
        "knn_weights": {"unrolled": (14400, ()), "table": (14400, ())},
        "mixture": {"unrolled": (0, (5648, 578)), "table": (5136, (2928,))},
        "network": (4800, (11200,)),
        "network_float": (4800, (11200,)),
    },
    "armv7em": {
        "forest_vote": {"unrolled": (0, (271, 28464, 0, 0, 77, 746, 0)), "table": (283, (1661, 0))},
        "forest_sum": {"unrolled": (0, (0, 0, 76, 111, 0, 0, 68)), "table": (0, (268, 45))},
        "forest_path": {"unrolled": (0, (0, 0, 0, 116, 0, 0, 0)), "table": (0, (1017, 0))},
        "linear": {"unrolled": (253, (0, 191)), "table": (562, (288,))},
        "linear_float": {"unrolled": (0, (0, 295)), "table": (1038, (0,))},
        "kernel": {"unrolled": (0, (685, 0, 8576, 0, 109, 202)), "table": (6870, (99, 2242, 1406, 0))},
        "kernel_float": {"unrolled": (0, (3902, 0, 0, 0, 0, 226)), "table": (0, (3144, 920, 0, 0))},
        "knn": {"unrolled": (0, (243, 308)), "table": (5728, ())},
        "bayes": {"unrolled": (0, (717,)), "table": (0, (1103,))},
        "median": {"unrolled": (4800, (0,)), "table": (4800, (0,))},
        "knn_weights": {"unrolled": (4960, ()), "table": (4960, ())},
        "mixture": {"unrolled": (0, (2224, 231)), "table": (1664, (1088,))},
        "network": (1600, (5200,)),
        "network_float": (800, (2560,)),
    },
    "armv7m": {
        "forest_vote": {"unrolled": (0, (271, 28464, 0, 0, 77, 747, 0)), "table": (243, (1662, 0))},
        "forest_sum": {"unrolled": (0, (0, 0, 149, 75, 0, 0, 67)), "table": (0, (218, 95))},
        "forest_path": {"unrolled": (0, (0, 0, 0, 116, 0, 0, 0)), "table": (0, (1014, 0))},
        "linear": {"unrolled": (311, (0, 208)), "table": (562, (288,))},
        "linear_float": {"unrolled": (0, (0, 394)), "table": (1176, (0,))},
        "kernel": {"unrolled": (0, (686, 0, 8600, 0, 108, 202)), "table": (6656, (171, 2170, 1615, 0))},
        "kernel_float": {"unrolled": (0, (5609, 0, 0, 0, 0, 301)), "table": (0, (3493, 1378, 0, 0))},
        "knn": {"unrolled": (0, (129, 319)), "table": (5680, ())},
        "bayes": {"unrolled": (0, (694,)), "table": (0, (1103,))},
        "median": {"unrolled": (4800, (0,)), "table": (4800, (0,))},
        "knn_weights": {"unrolled": (4960, ()), "table": (4960, ())},
        "mixture": {"unrolled": (0, (2224, 231)), "table": (1664, (1088,))},
        "network": (0, (3200,)),
        "network_float": (0, (3200,)),   # not measured (no float network runs on the M3)
    },
}
COSTS["host"] = COSTS["armv7em"]   # no flash budget on the host; not calibrated
# codegen's --target names -> the instruction set whose row applies.
ISA = {"host": "host", "avr": "avr", "cortex-m": "armv7em", "cortex-m4": "armv7em", "cortex-m3": "armv7m"}
# layout::automatic's default limit (core/layout.hpp): unrolled while its flash stays within it.
from ..targets import UNROLL_LIMIT  # noqa: E402


def code_bytes(target: str, family: str, layout: str, *units: int) -> int:
    cost = COSTS[ISA[target]][family]
    fixed, per = cost if family.startswith("network") else cost[layout]
    return math.ceil((fixed + sum(p * u for p, u in zip(per, units))) / 16)


@dataclass(frozen=True)
class Footprint:
    """Flash of each layout (code + constants) and what automatic picks, with the reason."""
    unrolled: int
    table: int
    chosen: str
    reason: str

    @property
    def flash(self) -> int:
        return self.unrolled if self.chosen == "unrolled" else self.table

    @property
    def other(self) -> int:
        """The flash of the layout not chosen."""
        return self.table if self.chosen == "unrolled" else self.unrolled


def choose(target: str, layout: str, unrolled: int, table: int) -> Footprint:
    """The layout core/layout.hpp's rule picks, and one sentence saying why."""
    if layout != "automatic":
        return Footprint(unrolled, table, layout, f"{layout} layout as asked")
    if unrolled <= UNROLL_LIMIT:
        why = f"automatic: unrolled ({unrolled} B of flash on {target}, within the {UNROLL_LIMIT} B limit; table {table} B)"
        return Footprint(unrolled, table, "unrolled", why)
    why = f"automatic: table ({table} B of flash on {target}; unrolled would take {unrolled} B, over the {UNROLL_LIMIT} B limit)"
    return Footprint(unrolled, table, "table", why)


def trees(lw, target: str, layout: str) -> Footprint:
    """A forest (emit.trees.Lowered), as trees/forest.hpp's ensemble_traits counts it."""
    fo = lw.forest
    n_trees, nodes = len(lw.trees), lw.n_nodes
    splits = (nodes - n_trees) // 2
    leaves = nodes - splits
    wbytes = 4 if lw.fmap.is_float else lw.fmap.bits // 8
    if fo.kind == "classifier":
        family, outputs, values = "forest_vote", len(fo.classes), 0
    else:
        family = "forest_path" if fo.kind == "isolation" else "forest_sum"
        outputs, values = fo.n_outputs, len(lw.codes["values"])
    fp = _tree_data(lw, packed=target == "avr")
    code_u = code_bytes(target, family, "unrolled", n_trees, int(n_trees > 1), splits, splits * wbytes, leaves,
                        n_trees * outputs, values)
    code_t = code_bytes(target, family, "table", n_trees, n_trees * outputs)
    # Unrolled, a vote forest still reads its leaf distributions; the table layout reads everything.
    data_u = fp["leaf_bytes"] if family == "forest_vote" else 0
    data_t = fp["node_bytes"] + fp["leaf_bytes"] if family == "forest_vote" else fp["node_bytes"] + fp["leaf_bytes"]
    picked = choose(target, layout, code_u + data_u, code_t + data_t)
    if "median_weights" not in fo.extra:
        return picked
    # AdaBoostRegressor (trees/regressor.hpp): the layout is picked on the forest alone, then the
    # weighted median adds its code and one uint32 weight per tree.
    med = lambda lay: code_bytes(target, "median", lay, n_trees) + 4 * n_trees
    return Footprint(picked.unrolled + med("unrolled"), picked.table + med("table"), picked.chosen, picked.reason)


def _aligned(*sizes: int) -> int:
    """sizeof a struct of these members in order on a target that aligns each to its size."""
    off = 0
    for n in sizes:
        off = -(-off // n) * n + n
    return -(-off // max(sizes)) * max(sizes)


def _tree_data(lw, packed: bool) -> dict:
    """A forest's constants (emit.trees.footprint's, with the target's struct padding: AVR packs)."""
    from .trees import _types, footprint as packed_data
    fp = packed_data(lw)
    if packed:
        return fp
    sizes = {"std::uint8_t": 1, "std::uint16_t": 2, "std::uint32_t": 4, "std::int8_t": 1, "std::int16_t": 2, "float": 4}
    node = _aligned(*(sizes[x] for x in _types(lw)))
    leaf = fp["leaf_bytes"]
    if lw.forest.kind == "classifier" and lw.codes["dists"]:
        n_entries = sum(sum(1 for c in d if c) for d in lw.codes["dists"])
        entry = 2 if lw.codes["bits"] == 8 else 4
        leaf = 2 * (len(lw.codes["dists"]) + 1) + n_entries * entry + entry * len(lw.codes["dists"])
    return {"nodes": fp["nodes"], "node_bytes": lw.n_nodes * node, "leaf_bytes": leaf}


def linear(lw, target: str, layout: str) -> Footprint:
    """A linear model (emit.linear.LoweredLinear), as linear/scores.hpp counts it."""
    import numpy as np
    family = "linear_float" if lw.fmap.is_float else "linear"
    rows = lw.weights.shape[0]
    terms = lw.weights.size if lw.fmap.is_float else int(np.count_nonzero(lw.weights))
    code_u = code_bytes(target, family, "unrolled", rows, terms)
    code_t = code_bytes(target, family, "table", rows)
    # A float model reads its tables in both layouts (the finite fallback of linear/scores.hpp).
    data_u = lw.flash_bytes if lw.fmap.is_float else 0
    return choose(target, layout, code_u + data_u, code_t + lw.flash_bytes)


def kernel(lw, data: int, target: str, layout: str) -> Footprint:
    """A kernel machine (emit.svm.Lowered; data = its table-layout constants), as svm/expansion.hpp counts it."""
    km = lw.km
    family = "kernel_float" if lw.fmap.is_float else "kernel"
    ovo = len(km.n_support) if km.kind == "ovo" else 0
    sig, poly = int(km.kernel == "sigmoid"), int(km.kernel == "poly")
    shared = 0 if lw.fmap.is_float else 384   # fixed_math's exp table, read in both layouts
    platt = 4 * (len(km.prob_a) + len(km.prob_b))
    code_u = code_bytes(target, family, "unrolled", lw.n_outputs, ovo, sig, poly, km.n_sv, km.n_sv * km.n_features)
    code_t = code_bytes(target, family, "table", lw.n_outputs, ovo, sig, poly)
    # Float linear/poly/sigmoid kernels read the tables in both layouts where double is 64 bits
    # (the finite fallback of svm/expansion.hpp): every target but AVR.
    wide = lw.fmap.is_float and km.kernel != "rbf" and target != "avr"
    data_u = data if wide else 0
    return choose(target, layout, code_u + shared + platt + data_u, code_t + shared + data)


def neighbors(n_samples: int, n_features: int, train: int, labels: int, target: str, layout: str,
              distance_weights: bool = False) -> Footprint:
    code_u = code_bytes(target, "knn", "unrolled", n_samples, n_samples * n_features)
    code_t = code_bytes(target, "knn", "table")
    picked = choose(target, layout, code_u + labels, code_t + train + labels)
    if not distance_weights:
        return picked
    # neighbors/knn.hpp: picked on the distance code, then the weights' float code on top.
    return Footprint(picked.unrolled + code_bytes(target, "knn_weights", "unrolled"),
                     picked.table + code_bytes(target, "knn_weights", "table"), picked.chosen, picked.reason)


def bayes(n_classes: int, n_features: int, data: int, target: str, layout: str) -> Footprint:
    code_u = code_bytes(target, "bayes", "unrolled", n_classes * n_features)
    code_t = code_bytes(target, "bayes", "table", n_classes)
    return choose(target, layout, code_u, code_t + data)


def network(n_layers: int, is_float: bool, data: int, target: str) -> int:
    """A network's flash (one layout): the kernels' code per layer plus the weights and tables."""
    return code_bytes(target, "network_float" if is_float else "network", "table", n_layers) + data


def mixture(n_components: int, terms: int, data: int, target: str, layout: str) -> Footprint:
    """A Gaussian mixture or elliptic envelope, as mixture/gaussian_mixture.hpp counts it (data: the
    means and precision roots the table layout reads)."""
    code_u = code_bytes(target, "mixture", "unrolled", n_components, terms)
    code_t = code_bytes(target, "mixture", "table", n_components)
    return choose(target, layout, code_u, code_t + data)
