"""The Python API: convert a fitted estimator into models/<name>.hpp (+ <name>_vectors.hpp)."""
from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np

from . import families, model_io, quantize
from .emit import trees as emit_trees
from .errors import ConversionError
from .ir import Forest, check_finite

# Per-target figures used for budgets and the automatic layout (keep in step with
# include/ctml/platform/target.hpp and core/layout.hpp).
TARGETS = {
    "host": {"bytes_per_node": 12, "call_frame": 256, "flash": None, "ram": None},
    "avr": {"bytes_per_node": 10, "call_frame": 72, "flash": 32768, "ram": 2048},
    "cortex-m": {"bytes_per_node": 8, "call_frame": 96, "flash": None, "ram": None},
}
UNROLL_LIMIT = 24576
TABLE_WALKER_BYTES = 256


@dataclass(frozen=True)
class Result:
    header: Path
    vectors: Optional[Path]
    layout: str
    flash_estimate: int
    ram_bytes: int
    nodes: int


def to_ir(est) -> Forest:
    mod = type(est).__module__
    if mod.startswith("xgboost"):
        from .frontends.xgboost_trees import from_xgboost
        return from_xgboost(est)
    if mod.startswith("sklearn"):
        from .frontends.sklearn_trees import from_sklearn
        return from_sklearn(est)
    from .frontends.sklearn_trees import SUPPORTED
    raise ConversionError(f"{type(est).__name__} from {mod} is not supported; supported: "
                          f"{', '.join(SUPPORTED + tuple(families.supported()))}, "
                          "XGBClassifier, XGBRegressor and xgboost.Booster")


def _thresholds(forest: Forest) -> list[list[float]]:
    per: list[list[float]] = [[] for _ in range(forest.n_features)]
    for t in forest.trees:
        for f, th in zip(t.feature, t.threshold):
            if f >= 0:
                per[f].append(th)
    return per


def estimate(lw: emit_trees.Lowered, target: str, layout: str = "automatic") -> tuple[str, int, int]:
    """(layout, flash bytes, ram bytes) as the C++ side will choose and report them."""
    tg = TARGETS[target]
    fp = emit_trees.footprint(lw)
    code = fp["nodes"] * tg["bytes_per_node"]
    chosen = layout if layout != "automatic" else ("unrolled" if code <= UNROLL_LIMIT else "table")
    flash = fp["leaf_bytes"] + (code if chosen == "unrolled" else fp["node_bytes"] + TABLE_WALKER_BYTES)
    fo = lw.forest
    if fo.kind == "classifier":
        vote = 2 if lw.codes["scale"] * len(fo.trees) <= 0xFFFF else 4
        code = 1 if len(fo.classes) + len(lw.codes["dists"]) <= 0xFF else 2
        # forest_classifier::ram_bytes: counts, exact votes, their sum; per tree a code, a
        # model-wide code and a rest.
        rest = 1 if lw.codes["bits"] == 8 else 2
        tree_code = 1 if len(fo.classes) + max(b - a for a, b in zip(lw.codes["bases"], lw.codes["bases"][1:])) <= 0x100 else 2
        scratch = 0 if len(fo.trees) == 1 else (vote + 1) * len(fo.classes) + vote + (code + tree_code + rest) * len(fo.trees)
    else:
        scratch = 4 * fo.n_outputs
    return chosen, flash, scratch + tg["call_frame"]


def _write_atomic(files: dict[Path, str]) -> None:
    """Writes every file or none: all go to temporaries first, then are renamed into place."""
    temps = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
            with os.fdopen(fd, "w", newline="\n") as fh:
                fh.write(text)
            os.chmod(tmp, 0o644)
            temps.append((tmp, path))
    except BaseException:
        for tmp, _ in temps:
            os.unlink(tmp)
        raise
    for tmp, path in temps:
        os.replace(tmp, path)


def convert(est, name: str, out_dir="models", *, X_sample=None, feature_bits: Optional[int] = None,
            vote_bits: int = 8, target: str = "host", layout: str = "automatic",
            flash_budget: Optional[int] = None, ram_budget: Optional[int] = None,
            X_test=None, y_test=None, n_vectors: Optional[int] = None) -> Result:
    """Converts a fitted estimator and writes models/<name>.hpp (and <name>_vectors.hpp with X_test).

    X_sample: inputs the model will see (e.g. the training set); integer-valued inputs become
    lossless int8/int16 codes. feature_bits: 0 float, 8 or 16 integer codes, None automatic.
    Budgets default to the target's memory (ATmega328P: 32 KB flash, 2 KB RAM).
    """
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ConversionError(f"model name {name!r} must be a lower-case C++ identifier")
    if target not in TARGETS:
        raise ConversionError(f"unknown target {target!r}; choose one of {', '.join(TARGETS)}")
    if layout not in ("automatic", "unrolled", "table"):
        raise ConversionError("layout must be automatic, unrolled or table")
    from .frontends.sklearn_pipeline import split
    scaling, final = split(est)
    family = families.find(final)
    if family is not None:
        return family.convert(final, name, out_dir, pipeline=est, scaling=scaling, X_sample=X_sample,
                              feature_bits=feature_bits, target=target, layout=layout, flash_budget=flash_budget,
                              ram_budget=ram_budget, X_test=X_test, y_test=y_test, n_vectors=n_vectors)
    if scaling is not None or final is not est:
        raise ConversionError("tree models need no input scaling: convert the Pipeline's final estimator alone")
    forest = to_ir(est)
    check_finite(forest)
    model_io.check_width(X_test, forest.n_features)
    fmap = quantize.choose(_thresholds(forest), feature_bits, X_sample)
    lw = emit_trees.lower(forest, fmap, vote_bits)
    if forest.kind == "classifier" and X_sample is not None and vote_bits == 8:
        # One byte of votes per class and tree is exact in practice; if it changes any sample's
        # class, use 16-bit votes (checked on the sample inputs at the model's input precision).
        Xq = fmap.dequantize(fmap.quantize(np.asarray(X_sample)))
        if emit_trees.vote_disagreements(forest, lw.codes["scale"], Xq):
            lw = emit_trees.lower(forest, fmap, 16)
    chosen, flash, ram = estimate(lw, target, layout)
    flash_budget = flash_budget if flash_budget is not None else TARGETS[target]["flash"]
    ram_budget = ram_budget if ram_budget is not None else TARGETS[target]["ram"]
    if flash_budget is not None and flash > flash_budget:
        raise ConversionError(f"model {name} needs about {flash} B of flash on {target} ({chosen} layout, "
                              f"{lw.n_nodes} nodes) but the budget is {flash_budget} B; use fewer or shallower trees, "
                              "the table layout, or a larger budget")
    if ram_budget is not None and ram > ram_budget:
        raise ConversionError(f"model {name} needs {ram} B of RAM on {target} but the budget is {ram_budget} B")
    out = Path(out_dir)
    files = {out / f"{name}.hpp": emit_trees.header(lw, name)}
    vec_path = None
    if X_test is not None:
        from .vectors import vectors_header
        vec_path = out / f"{name}_vectors.hpp"
        files[vec_path] = vectors_header(est, forest, fmap, name, np.asarray(X_test), y_test, n_vectors)
    _write_atomic(files)
    return Result(out / f"{name}.hpp", vec_path, chosen, flash, ram, lw.n_nodes)
