"""The tree family: scikit-learn, XGBoost and LightGBM tree ensembles (frontends/sklearn_trees.py,
xgboost_trees.py, lightgbm.py) -> the Forest IR -> input codes and exact thresholds (quantize/features.py) ->
emit/trees.py. api.convert hands every estimator no other family claims to this module."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import numpy as np

from . import Result
from ..emit import model_io
from ..emit import trees as emit_trees
from ..errors import ConversionError
from ..ir.trees import Forest, check_finite
from ..quantize import features as quantize
from ..emit import footprint
from ..targets import TARGETS, check_budget


def to_ir(est) -> Forest:
    """The Forest IR of a tree model; anything else is refused with every estimator ctml converts."""
    from ..frontends.sklearn_trees import REFUSED, SUPPORTED
    mod = type(est).__module__
    if mod.startswith("xgboost"):
        from ..frontends.xgboost_trees import from_xgboost
        return from_xgboost(est)
    if mod.startswith("sklearn") and type(est).__name__ in ("VotingRegressor", "StackingRegressor"):
        from ..frontends.sklearn_voting import fold_trees
        return fold_trees(est)
    if mod.startswith("sklearn") and type(est).__name__ == "VotingClassifier":
        from ..frontends.sklearn_voting import fold_soft_trees
        return fold_soft_trees(est)
    if mod.startswith("sklearn") and type(est).__name__ in SUPPORTED + REFUSED:
        from ..frontends.sklearn_trees import from_sklearn
        return from_sklearn(est)
    from . import supported as families_supported
    raise ConversionError(f"{type(est).__name__} from {mod} is not supported; supported: "
                          f"{', '.join(SUPPORTED + tuple(families_supported()))}, "
                          "XGBClassifier, XGBRegressor, xgboost.Booster and LightGBM models (a text or JSON model "
                          "file, Booster.dump_model()'s dict, a fitted LGBMClassifier/LGBMRegressor)")


def _thresholds(forest: Forest) -> list[list[float]]:
    per: list[list[float]] = [[] for _ in range(forest.n_features)]
    for t in forest.trees:
        for f, th in zip(t.feature, t.threshold):
            if f >= 0:
                per[f].append(th)
    return per


def estimate(lw: emit_trees.Lowered, target: str, layout: str = "automatic") -> tuple[str, int, int]:
    """(layout, flash bytes, ram bytes) as the C++ side will choose and report them."""
    chosen, flash, ram, _ = estimate_footprint(lw, target, layout)
    return chosen, flash, ram


def estimate_footprint(lw: emit_trees.Lowered, target: str, layout: str = "automatic"):
    """(layout, flash bytes, ram bytes, footprint.Footprint) of a forest: flash is code + constants."""
    tg = TARGETS[target]
    fp = footprint.trees(lw, target, layout)
    chosen, flash = fp.chosen, fp.flash
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
        if "median_weights" in fo.extra:   # tree_regressor::median_ram: the values and their order
            scratch += len(fo.trees) * (4 + (1 if len(fo.trees) <= 0x100 else 2))
    return chosen, flash, scratch + tg["call_frame"], fp


def boosted_disagreements(est, lw: emit_trees.Lowered, X: np.ndarray) -> int:
    """Rows of X (float inputs) where the lowered boosted classifier's score sums, added in the C++'s
    order and arithmetic (float32, or int32 fixed point), pick another class than est.predict."""
    fo, fmap = lw.forest, lw.fmap
    Xq = fmap.dequantize(fmap.quantize(np.asarray(X)))
    n, k = len(Xq), fo.n_outputs
    if lw.value_int:
        acc = np.tile(np.array([round(v * 2 ** lw.frac_bits) for v in fo.init], dtype=np.int64), (n, 1))
    else:
        acc = np.tile(np.array(fo.init, dtype=np.float32), (n, 1))
    for t, tree in enumerate(fo.trees):
        for r, v in enumerate(emit_trees.leaf_payloads(tree, Xq)):
            if lw.value_int:
                acc[r, t % k] += int(round(v[0] * 2 ** lw.frac_bits))
            else:
                acc[r, t % k] = np.float32(acc[r, t % k] + np.float32(v[0]))
    mine = (acc[:, 0] > 0).astype(np.int64) if k == 1 else np.argmax(acc, axis=1)
    classes = list(fo.classes)
    theirs = np.array([classes.index(c) for c in est.predict(Xq).tolist()])
    return int(np.sum(mine != theirs))


def _check_boosted_classes(est, lw: emit_trees.Lowered, inputs: list) -> None:
    """Refuses a boosted classifier whose C++ score sums would decide a given input otherwise than
    the framework (a near tie that float32 or fixed point resolves the other way)."""
    for X in inputs:
        bad = boosted_disagreements(est, lw, X)
        if bad:
            raise ConversionError(f"{type(est).__name__}: ctml's {'fixed-point' if lw.value_int else 'float32'} score sums "
                                  f"pick another class than scikit-learn on {bad} of {len(X)} given inputs (near ties); "
                                  "use float inputs (feature_bits=0) or retrain with other weights")


def median_disagreements(est, lw: emit_trees.Lowered, X: np.ndarray) -> int:
    """Rows of X where the C++'s weighted median (integer weights) returns another tree's value than
    est.predict: more than the leaf's float32 or fixed-point rounding away from it."""
    Xq = lw.fmap.dequantize(lw.fmap.quantize(np.asarray(X)))
    theirs = np.asarray(est.predict(Xq), dtype=np.float64)
    step = 2.0 ** -lw.frac_bits if lw.value_int else 0.0
    tol = np.maximum(step, np.abs(theirs) * 2.0 ** -23)
    return int(np.sum(np.abs(emit_trees.weighted_medians(lw, Xq) - theirs) > tol))


def _check_medians(est, lw: emit_trees.Lowered, inputs: list) -> None:
    for X in inputs:
        bad = median_disagreements(est, lw, X)
        if bad:
            raise ConversionError(f"AdaBoostRegressor: ctml's integer tree weights pick another tree's value than "
                                  f"scikit-learn's weighted median on {bad} of {len(X)} given inputs (weights within "
                                  "2^-30 of a tie); retrain with another random_state")


def convert(est, name: str, out_dir="models", *, X_sample=None, feature_bits: Optional[int] = None,
            vote_bits: int = 8, target: str = "host", layout: str = "automatic",
            flash_budget: Optional[int] = None, ram_budget: Optional[int] = None,
            X_test=None, y_test=None, n_vectors: Optional[int] = None, steps=(), final=None) -> Result:
    """Converts a tree model (api.convert has checked the name, target and layout). With steps, est
    is a Pipeline of SimpleImputer / KBinsDiscretizer steps before the tree model final, and they
    are folded into its tests (frontends/sklearn_tree_steps.py)."""
    from ..frontends import lightgbm, sklearn_tree_steps
    model = est if final is None else final
    reference = est   # what the test vectors ask for the framework's answers
    if lightgbm.is_lightgbm(model):
        if steps:
            raise ConversionError("a LightGBM model in a Pipeline is not supported: convert the LightGBM model alone")
        forest, reference = lightgbm.from_lightgbm(model)
    else:
        forest = to_ir(model)
        if type(model).__name__ == "Booster" and type(model).__module__.startswith("xgboost"):
            from ..frontends.xgboost_trees import BoosterReference
            reference = BoosterReference(model, forest)
    if steps:
        sklearn_tree_steps.check(steps, forest.n_features)
        if type(steps[0]).__name__ == "SimpleImputer":
            if feature_bits not in (None, 0):
                raise ConversionError("a SimpleImputer before a tree model needs float inputs (feature_bits=0): "
                                      "integer codes have no NaN")
            feature_bits = 0
        forest = sklearn_tree_steps.fold(forest, steps)
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
    if type(model).__name__ in ("AdaBoostClassifier", "VotingClassifier"):
        _check_boosted_classes(est, lw, [X for X in (X_sample, X_test) if X is not None])
    if "median_weights" in forest.extra:
        _check_medians(est, lw, [X for X in (X_sample, X_test) if X is not None])
    chosen, flash, ram, fp = estimate_footprint(lw, target, layout)
    check_budget(name, target, chosen, flash, ram, flash_budget, ram_budget,
                 advice=f"fewer or shallower trees ({lw.n_nodes} nodes now)", other_flash=fp.other)
    out = Path(out_dir)
    files = {out / f"{name}.hpp": emit_trees.header(lw, name)}
    vec_path = None
    if X_test is not None:
        from ..emit.vectors import vectors_header
        vec_path = out / f"{name}_vectors.hpp"
        files[vec_path] = vectors_header(reference, forest, fmap, name, np.asarray(X_test), y_test, n_vectors)
    model_io.write_atomic(files)
    return Result(out / f"{name}.hpp", vec_path, chosen, flash, ram, lw.n_nodes, fp.reason)
