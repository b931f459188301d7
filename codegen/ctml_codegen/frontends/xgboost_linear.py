"""XGBoost's linear booster (booster='gblinear') to the Linear IR.

The model's JSON (Booster.save_raw("json")) holds one weight per feature and output group, then
one bias per group: weights[f * k + g], weights[n_features * k + g]. XGBoost's margin is
bias_g + sum_f w_fg x_f plus base_score in margin space: logit(base_score) for binary:logistic
(0 for the default 0.5), base_score itself for multi:softprob/softmax and reg:squarederror.
Probabilities are the logistic of the margin (binary) or its softmax (multiclass).
"""
from __future__ import annotations

import json
import math

import numpy as np

from ..errors import ConversionError
from ..ir.common import Source
from ..ir.families import Linear, check_all_finite

OBJECTIVES = ("binary:logistic", "multi:softprob", "multi:softmax", "reg:squarederror")


def is_gblinear(model) -> bool:
    """An XGBoost model (sklearn wrapper or Booster) whose booster is gblinear."""
    if not type(model).__module__.startswith("xgboost"):
        return False
    try:
        booster = model if type(model).__name__ == "Booster" else model.get_booster()
        return json.loads(booster.save_raw("json"))["learner"]["gradient_booster"]["name"] == "gblinear"
    except Exception:  # not fitted, or not a booster model: the tree frontend reports it
        return False


def from_xgboost(model) -> tuple[Linear, "Reference"]:
    import xgboost as xgb
    booster = model if isinstance(model, xgb.Booster) else model.get_booster()
    learner = json.loads(booster.save_raw("json"))["learner"]
    objective = learner["objective"]["name"]
    if objective not in OBJECTIVES:
        raise ConversionError(f"XGBoost objective {objective} is not supported with gblinear; supported: "
                              f"{', '.join(OBJECTIVES)}")
    params = learner["learner_model_param"]
    n = int(params["num_feature"])
    k = max(1, int(params["num_class"]))
    base = float(params["base_score"])
    w = np.asarray(learner["gradient_booster"]["model"]["weights"], dtype=np.float64)
    if w.size != (n + 1) * k:
        raise ConversionError(f"the gblinear model has {w.size} weights; {n} features and {k} outputs need {(n + 1) * k}")
    coef, bias = w[:n * k].reshape(n, k).T, w[n * k:]
    check_all_finite("XGBoost gblinear", coef, bias)
    src = Source(f"XGBoost {xgb.__version__}", f"{type(model).__name__}(booster='gblinear', objective={objective})")
    if objective == "binary:logistic":
        if not 0 < base < 1:
            raise ConversionError(f"base_score {base} of a binary:logistic model must be in (0, 1)")
        lin = Linear("classifier", (tuple(coef[0]),), (float(bias[0]) + math.log(base / (1 - base)),), src,
                     classes=(0, 1), proba="logistic")
    elif objective.startswith("multi:"):
        lin = Linear("classifier", tuple(map(tuple, coef.tolist())), tuple(float(b) + base for b in bias), src,
                     classes=tuple(range(k)), proba="softmax")
    else:
        lin = Linear("regressor", (tuple(coef[0]),), (float(bias[0]) + base,), src)
    return lin, Reference(booster, lin)


class Reference:
    """XGBoost's own answers for the test vectors and the class check: classes, margins,
    probabilities or values, on float32 inputs (what XGBoost's DMatrix holds)."""

    def __init__(self, booster, model: Linear):
        self.booster, self.model = booster, model

    def _run(self, X, margin=False):
        import xgboost as xgb
        return np.asarray(self.booster.predict(xgb.DMatrix(np.asarray(X, dtype=np.float32)), output_margin=margin),
                          dtype=np.float64)

    def classes(self, X) -> np.ndarray:
        m = self._run(X, margin=True).reshape(len(X), -1)
        return (m[:, 0] > 0).astype(np.int64) if m.shape[1] == 1 else np.argmax(m, axis=1)

    def __call__(self, X) -> dict:
        if self.model.kind == "regressor":
            return {"value": self._run(X)}
        p = self._run(X).reshape(len(X), -1)
        proba = np.column_stack([1 - p[:, 0], p[:, 0]]) if p.shape[1] == 1 else p
        return {"class": self.classes(X), "score": self._run(X, margin=True).reshape(len(X), -1), "proba": proba}
