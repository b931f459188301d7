"""Pipeline steps that fold exactly into a tree model's tests, so the device never runs them:

- KBinsDiscretizer(encode='ordinal'): scikit-learn 1.2 bins x by np.searchsorted(inner edges, x,
  side='right'), so a test bin <= t on bin b = floor(t) is x < edges[b + 1]; on float32 inputs
  that is x <= the largest float32 below the edge. A test every bin passes (or none does) is
  pruned to the side it always takes.
- SimpleImputer (missing_values=NaN): a missing x_j becomes statistics_[j], which the rest of the
  Pipeline turns into one fixed value per feature. So NaN takes, at each test, the side that value
  takes: the test's default direction (a NaN-aware forest, as XGBoost's missing values). Needs
  float inputs: integer codes have no NaN.

pipeline_steps(est) recognises a Pipeline of such steps before a tree model; fold(forest, steps)
applies them, last step first."""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

import numpy as np

from ..errors import ConversionError
from ..ir.common import Source
from ..ir.trees import Forest, Tree

STEPS = ("SimpleImputer", "KBinsDiscretizer")


def pipeline_steps(est) -> Optional[tuple[list, object]]:
    """(the transform steps, the final estimator) of a Pipeline whose steps are all SimpleImputer or
    KBinsDiscretizer, else None."""
    if type(est).__name__ != "Pipeline":
        return None
    steps = [s for _, s in est.steps if s is not None and s != "passthrough"]
    if len(steps) < 2:
        return None
    *transforms, final = steps
    if not all(type(s).__name__ in STEPS for s in transforms):
        return None
    return transforms, final


def _fitted(step) -> None:
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted
    try:
        check_is_fitted(step)
    except NotFittedError as e:
        raise ConversionError(f"the Pipeline's {type(step).__name__} is not fitted; fit the Pipeline first") from e


def check(steps, n_features: int) -> None:
    """Refuses the step options that do not fold, in one line each."""
    names = [type(s).__name__ for s in steps]
    if names.count("SimpleImputer") > 1 or names.count("KBinsDiscretizer") > 1 or \
            ("SimpleImputer" in names and names.index("SimpleImputer") != 0):
        raise ConversionError("a tree Pipeline may hold one SimpleImputer (first) and one KBinsDiscretizer; "
                              f"this one has {' + '.join(names)}")
    for s in steps:
        _fitted(s)
        if type(s).__name__ == "KBinsDiscretizer" and s.encode != "ordinal":
            raise ConversionError(f"KBinsDiscretizer(encode={s.encode!r}) is not supported before a tree model; "
                                  "use encode='ordinal', which folds into the trees' thresholds")
        if type(s).__name__ == "SimpleImputer":
            mv = s.missing_values
            if not (isinstance(mv, float) and np.isnan(mv)):
                raise ConversionError(f"SimpleImputer(missing_values={mv!r}) is not supported; ctml folds "
                                      "missing_values=np.nan into the trees' NaN directions")
            if s.add_indicator:
                raise ConversionError("SimpleImputer(add_indicator=True) adds features the trees test; use "
                                      "add_indicator=False")
            stats = np.asarray(s.statistics_, dtype=np.float64)
            if not np.all(np.isfinite(stats)):
                raise ConversionError("the SimpleImputer has a feature with no observed value (a NaN statistic, "
                                      "which scikit-learn drops); remove the feature or use strategy='constant'")
    for s in steps:
        if int(s.n_features_in_) != n_features:
            raise ConversionError(f"the Pipeline's {type(s).__name__} takes {s.n_features_in_} features but the "
                                  f"tree model {n_features}")


def _below(e: float) -> float:
    """The largest float32 strictly below e."""
    c = np.float32(e)
    if float(c) >= e:
        c = np.nextafter(c, np.float32(-np.inf))
    return float(c)


def _fold_kbins(tree: Tree, kb) -> Tree:
    feats, thr, rights, dl, vals, weights = [], [], [], [], [], []
    edges, n_bins = kb.bin_edges_, np.asarray(kb.n_bins_)

    def build(i: int) -> None:
        f = tree.feature[i]
        w = tree.weight[i] if tree.weight else 0.0
        if f < 0:
            feats.append(-1), thr.append(0.0), rights.append(-1), dl.append(False), vals.append(tree.value[i])
            weights.append(w)
            return
        b = int(np.floor(tree.threshold[i]))
        if b >= int(n_bins[f]) - 1:   # every bin goes left
            return build(i + 1)
        if b < 0:                      # every bin goes right
            return build(tree.right[i])
        me = len(feats)
        feats.append(f), thr.append(_below(float(edges[f][b + 1]))), rights.append(-1)
        dl.append(tree.default_left[i]), vals.append(None), weights.append(w)
        build(i + 1)
        rights[me] = len(feats)
        build(tree.right[i])
    build(0)
    return Tree(tuple(feats), tuple(thr), tuple(rights), tuple(dl), tuple(vals), tuple(weights) if tree.weight else ())


def _nan_sides(tree: Tree, filled: np.ndarray) -> Tree:
    """Each test's default direction: the side scikit-learn's float32 tree sends filled[feature]."""
    dl = tuple(bool(f >= 0 and np.float32(filled[f]) <= tree.threshold[i]) for i, f in enumerate(tree.feature))
    return replace(tree, default_left=dl)


def fold(forest: Forest, steps) -> Forest:
    """The forest on the Pipeline's raw inputs (check() has accepted the steps)."""
    trees = forest.trees
    imputer = steps[0] if type(steps[0]).__name__ == "SimpleImputer" else None
    if imputer is not None:
        # The value a missing input becomes after every later step (a row of the statistics).
        filled = np.asarray(imputer.statistics_, dtype=np.float64)[None, :]
        for s in steps[1:]:
            filled = np.asarray(s.transform(filled), dtype=np.float64)
        trees = tuple(_nan_sides(t, filled[0]) for t in trees)
    for s in reversed(steps):
        if type(s).__name__ == "KBinsDiscretizer":
            trees = tuple(_fold_kbins(t, s) for t in trees)
    shown = " + ".join(type(s).__name__ for s in steps)
    src = Source(forest.source.framework, f"{shown} + {forest.source.estimator}")
    return replace(forest, trees=trees, source=src, nan_aware=forest.nan_aware or imputer is not None)
