"""XGBoost models (XGBClassifier, XGBRegressor, Booster) to the IR.

XGBoost sends x left ("yes") when x < split in float32. On float32 inputs that is
x <= the float32 just below split, which is the threshold the IR keeps. Missing values (NaN) go
to the node's default child, so the model is nan_aware.
"""
from __future__ import annotations

import json
import math

import numpy as np

from ..errors import ConversionError
from ..ir.common import Source
from ..ir.trees import Forest, Tree, preorder

OBJECTIVES = ("binary:logistic", "multi:softprob", "multi:softmax", "reg:squarederror")


def _tree(t: dict) -> Tree:
    lc, rc = t["left_children"], t["right_children"]
    split, cond, dleft = t["split_indices"], t["split_conditions"], t["default_left"]
    order, idx = preorder(lc, rc)
    feats, thr, right, dl, vals = [], [], [], [], []
    for n in order:
        if lc[n] == -1:
            feats.append(-1), thr.append(0.0), right.append(-1), dl.append(False)
            vals.append((float(np.float32(cond[n])),))
        else:
            c = np.float32(cond[n])
            below = np.nextafter(c, np.float32(-np.inf), dtype=np.float32)
            feats.append(int(split[n])), thr.append(float(below)), right.append(idx[rc[n]])
            dl.append(bool(dleft[n])), vals.append(None)
    cover = t.get("sum_hessian")
    weights = tuple(float(cover[n]) for n in order) if cover is not None and len(cover) == len(lc) else ()
    return Tree(tuple(feats), tuple(thr), tuple(right), tuple(dl), tuple(vals), weights)


def _round_robin(info: list[int], k: int) -> list[int]:
    """The trees in an order where tree t adds to output t % k (what ctml's additive ensembles
    take), keeping each class's trees in XGBoost's order, so every class sums its leaves in the
    same order as XGBoost. Several parallel trees per round (XGBRFClassifier, num_parallel_tree)
    come in blocks of one class; they are interleaved here."""
    per = [[i for i, c in enumerate(info) if c == j] for j in range(k)]
    if any(c < 0 or c >= k for c in info) or len({len(p) for p in per}) > 1:
        raise ConversionError(f"the XGBoost model's trees are not spread evenly over its {k} outputs (tree_info); "
                              "re-save it with XGBoost")
    return [per[j][r] for r in range(len(per[0])) for j in range(k)]


def from_xgboost(model) -> Forest:
    import xgboost as xgb
    booster = model if isinstance(model, xgb.Booster) else None
    if booster is None:
        try:
            booster = model.get_booster()
        except Exception as e:  # xgboost raises its own NotFittedError subclasses
            raise ConversionError(f"the {type(model).__name__} is not fitted; call fit() before converting") from e
    doc = json.loads(booster.save_raw("json"))
    learner = doc["learner"]
    objective = learner["objective"]["name"]
    if objective not in OBJECTIVES:
        raise ConversionError(f"XGBoost objective {objective} is not supported; supported: {', '.join(OBJECTIVES)}")
    gb = learner["gradient_booster"]
    if gb["name"] != "gbtree":
        raise ConversionError(f"XGBoost booster {gb['name']} is not supported; only gbtree")
    params = learner["learner_model_param"]
    n_features = int(params["num_feature"])
    n_class = int(params["num_class"])
    base = float(params["base_score"])
    trees_json = gb["model"]["trees"]
    info = gb["model"]["tree_info"]
    k = max(1, n_class)
    order = _round_robin([int(c) for c in info], k)
    trees = tuple(_tree(trees_json[i]) for i in order)
    src = Source(f"XGBoost {xgb.__version__}", f"{type(model).__name__}(objective={objective}, n_trees={len(trees)})")
    if objective == "binary:logistic":
        init = (math.log(base / (1 - base)),)
        return Forest("boosted_classifier", n_features, trees, src, classes=(0, 1), n_outputs=1, init=init, nan_aware=True)
    if objective.startswith("multi:"):
        return Forest("boosted_classifier", n_features, trees, src, classes=tuple(range(k)), n_outputs=k,
                      init=(base,) * k, nan_aware=True)
    return Forest("regressor", n_features, trees, src, init=(base,), nan_aware=True)


class BoosterReference:
    """A raw xgboost.Booster (a .json/.ubj file) answering as XGBClassifier/XGBRegressor do, for
    the test vectors: predict (classes or values), predict_proba, predict(output_margin=True)."""

    def __init__(self, booster, forest: Forest):
        self.booster, self.forest = booster, forest

    def _run(self, X, margin=False):
        import numpy as np
        import xgboost as xgb
        return self.booster.predict(xgb.DMatrix(np.asarray(X, dtype=np.float32)), output_margin=margin)

    def predict_proba(self, X):
        import numpy as np
        p = np.asarray(self._run(X), dtype=np.float64)
        return np.column_stack([1 - p, p]) if p.ndim == 1 else p

    def predict(self, X, output_margin=False):
        import numpy as np
        if output_margin:
            return self._run(X, margin=True)
        if self.forest.kind != "boosted_classifier":
            return self._run(X)
        return np.asarray(self.forest.classes)[np.argmax(self.predict_proba(X), axis=1)]
