"""LightGBM models to the Forest IR, read from LightGBM's documented formats without LightGBM
itself (it is not packaged for Debian 12): the text model of `Booster.save_model` /
`model_to_string`, the JSON of `Booster.dump_model` (a dict or a .json file), or a fitted
LGBMClassifier / LGBMRegressor / Booster (read through its text).

LightGBM's decision rule on a numerical split (its Tree::NumericalDecision): with missing type
None a NaN feature counts as 0.0; with missing type NaN a NaN goes to the default child
(decision_type bit 1); otherwise x <= threshold (a double) goes left. That is the IR's rule with
default_left = (0 <= threshold) for None. Missing type Zero (zero_as_missing) and categorical
splits are refused. Trees of iteration i add to output i % num_tree_per_iteration.

`reference` evaluates the parsed model by those rules in float64, straight from the file's arrays:
the tests' and the test vectors' stand-in for LightGBM's own predict.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from ..errors import ConversionError
from ..ir.common import Source
from ..ir.trees import Forest, Tree, preorder

IDENTITY = ("regression", "regression_l1", "huber", "fair", "quantile", "mape")
EXP_LINK = ("poisson", "gamma", "tweedie")          # predict = exp(raw)
LOGISTIC_LINK = ("cross_entropy",)                  # predict = sigmoid(raw)
REGRESSION = IDENTITY + EXP_LINK + LOGISTIC_LINK
SUPPORTED_OBJECTIVES = REGRESSION + ("binary", "multiclass", "multiclassova")
MISSING = {0: "None", 1: "Zero", 2: "NaN"}


def is_lightgbm(source) -> bool:
    if isinstance(source, dict):
        return "tree_info" in source
    if isinstance(source, (str, Path)):
        text = str(source)
        if "\n" not in text and Path(text).is_file():
            text = _read(text)
        return text.lstrip().startswith(("tree", "{"))
    return type(source).__module__.startswith("lightgbm")


def _read(path) -> str:
    try:
        return Path(path).read_text()
    except (OSError, UnicodeDecodeError) as e:
        raise ConversionError(f"cannot read the LightGBM model {path}: {e}") from e


def parse(source) -> dict:
    """The model as plain arrays: objective (name, params), num_class, per_iteration, n_features,
    average_output, classes, trees (each: split_feature, threshold, decision_type, left_child,
    right_child, leaf_value, num_cat)."""
    classes = None
    if type(source).__module__.startswith("lightgbm"):
        booster = getattr(source, "booster_", source)
        if not hasattr(booster, "model_to_string"):
            raise ConversionError(f"the {type(source).__name__} is not fitted; call fit() before converting")
        classes = tuple(getattr(source, "classes_", ()).tolist()) if hasattr(source, "classes_") else None
        source = booster.model_to_string()
    if isinstance(source, Path) or (isinstance(source, str) and "\n" not in source and Path(source).is_file()):
        source = _read(source)
    if isinstance(source, str) and source.lstrip().startswith("{"):
        try:
            source = json.loads(source)
        except json.JSONDecodeError as e:
            raise ConversionError(f"the LightGBM JSON dump is malformed: {e}") from e
    model = _from_json(source) if isinstance(source, dict) else _from_text(source)
    model["classes"] = classes
    return model


def _objective(text: str) -> tuple[str, dict]:
    parts = text.split()
    if not parts:
        raise ConversionError("the LightGBM model names no objective")
    params = {}
    for p in parts[1:]:
        k, _, v = p.partition(":")
        params[k] = v
    return parts[0], params


def _numbers(text: str, kind=float) -> list:
    try:
        return [kind(v) for v in text.split()] if text.strip() else []
    except ValueError as e:
        raise ConversionError(f"the LightGBM model has a malformed number list: {text[:60]!r}") from e


def _from_text(text: str) -> dict:
    if not text.lstrip().startswith("tree"):
        raise ConversionError("not a LightGBM text model (it starts with 'tree'); save it with Booster.save_model")
    head, trees, cur = {}, [], None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("Tree="):
            cur = {}
            trees.append(cur)
            continue
        if line in ("end of trees",) or line.startswith("feature_importances") or line.startswith("parameters:"):
            cur = None
            if line == "end of trees" or line.startswith("parameters:"):
                break
            continue
        if "=" not in line:
            continue
        k, _, v = line.partition("=")
        (cur if cur is not None else head)[k] = v
    if "end of trees" not in text:
        raise ConversionError("the LightGBM text model is truncated (no 'end of trees'); save it again")
    for key in ("num_class", "num_tree_per_iteration", "max_feature_idx", "objective"):
        if key not in head:
            raise ConversionError(f"the LightGBM text model has no {key}=...; it is malformed or truncated")
    out = []
    for i, t in enumerate(trees):
        try:
            n_leaves = int(t["num_leaves"])
            leaf_value = _numbers(t["leaf_value"])
            if n_leaves > 1:
                tree = {"split_feature": _numbers(t["split_feature"], int), "threshold": _numbers(t["threshold"]),
                        "decision_type": _numbers(t["decision_type"], int), "left_child": _numbers(t["left_child"], int),
                        "right_child": _numbers(t["right_child"], int)}
            else:
                tree = {k: [] for k in ("split_feature", "threshold", "decision_type", "left_child", "right_child")}
        except KeyError as e:
            raise ConversionError(f"LightGBM tree {i} lacks {e.args[0]}=...; the model is malformed or truncated") from e
        tree.update(leaf_value=leaf_value, num_cat=int(t.get("num_cat", "0")), num_leaves=n_leaves,
                    is_linear=int(t.get("is_linear", "0")))
        out.append(tree)
    return {"objective": _objective(head["objective"]), "num_class": int(head["num_class"]),
            "per_iteration": int(head["num_tree_per_iteration"]), "n_features": int(head["max_feature_idx"]) + 1,
            "average_output": "average_output" in head or any(l.strip() == "average_output" for l in text.splitlines()[:40]),
            "trees": out}


def _from_json(doc: dict) -> dict:
    for key in ("tree_info", "objective", "num_class", "max_feature_idx"):
        if key not in doc:
            raise ConversionError(f"the LightGBM JSON dump has no {key!r}; pass Booster.dump_model()'s output")
    trees = []
    for info in doc["tree_info"]:
        nodes, leaves = [], []
        tree = {"split_feature": [], "threshold": [], "decision_type": [], "left_child": [], "right_child": [],
                "leaf_value": [], "num_cat": int(info.get("num_cat", 0)), "num_leaves": int(info.get("num_leaves", 1)),
                "is_linear": 0}

        def visit(n) -> int:   # the node's index in LightGBM's convention (leaf l: ~l)
            if "leaf_value" in n or "split_index" not in n:
                tree["leaf_value"].append(float(n.get("leaf_value", 0.0)))
                return ~(len(tree["leaf_value"]) - 1)
            i = len(tree["split_feature"])
            if n.get("decision_type", "<=") != "<=":
                raise ConversionError("LightGBM categorical splits ('==') are not supported; retrain with the "
                                      "features as numbers (categorical_feature=[])")
            missing = {v: k for k, v in MISSING.items()}.get(n.get("missing_type", "None"), 0)
            dt = (2 if n.get("default_left", False) else 0) | (missing << 2)
            for k, v in (("split_feature", int(n["split_feature"])), ("threshold", float(n["threshold"])),
                         ("decision_type", dt), ("left_child", 0), ("right_child", 0)):
                tree[k].append(v)
            tree["left_child"][i] = visit(n["left_child"])
            tree["right_child"][i] = visit(n["right_child"])
            return i
        visit(info["tree_structure"])
        trees.append(tree)
    return {"objective": _objective(doc["objective"]), "num_class": int(doc["num_class"]),
            "per_iteration": int(doc.get("num_tree_per_iteration", doc["num_class"])),
            "n_features": int(doc["max_feature_idx"]) + 1, "average_output": bool(doc.get("average_output", False)),
            "trees": trees}


def _check(model: dict) -> None:
    name, _ = model["objective"]
    if name not in SUPPORTED_OBJECTIVES:
        raise ConversionError(f"LightGBM objective {name!r} is not supported; supported: {', '.join(SUPPORTED_OBJECTIVES)}")
    for i, t in enumerate(model["trees"]):
        if t["is_linear"]:
            raise ConversionError(f"LightGBM tree {i} is a linear tree (linear_tree=True); retrain without it")
        if t["num_cat"] or any(d & 1 for d in t["decision_type"]):
            raise ConversionError("LightGBM categorical splits are not supported; retrain with the features as "
                                  "numbers (categorical_feature=[])")
        if any((d >> 2) & 3 == 1 for d in t["decision_type"]):
            raise ConversionError("LightGBM missing type Zero (zero_as_missing=True) is not supported; retrain with "
                                  "zero_as_missing=False")
        n = len(t["split_feature"])
        if len(t["leaf_value"]) != n + 1 or not all(len(t[k]) == n for k in ("threshold", "decision_type", "left_child", "right_child")):
            raise ConversionError(f"LightGBM tree {i} has inconsistent array lengths; the model is malformed")
        for c in t["left_child"] + t["right_child"]:
            if not (-(n + 1) <= c < n):
                raise ConversionError(f"LightGBM tree {i} has a child index {c} out of range; the model is malformed")
        if any(f < 0 or f >= model["n_features"] for f in t["split_feature"]):
            raise ConversionError(f"LightGBM tree {i} splits on a feature out of range; the model is malformed")
    k = model["per_iteration"]
    if k < 1 or len(model["trees"]) % k:
        raise ConversionError("the LightGBM model's tree count is not a multiple of num_tree_per_iteration")


def _tree(t: dict, scale: float = 1.0) -> Tree:
    """One tree in preorder; leaf values times scale (1 / iterations for average_output)."""
    n = len(t["split_feature"])
    if n == 0:
        return Tree((-1,), (0.0,), (-1,), (False,), ((float(t["leaf_value"][0]) * scale,),))
    node = lambda c: c if c >= 0 else n + ~c      # internal nodes 0..n-1, then the leaves
    left = [node(c) for c in t["left_child"]] + [-1] * (n + 1)
    right = [node(c) for c in t["right_child"]] + [-1] * (n + 1)
    order, idx = preorder(left, right)
    feats, thr, rights, dl, vals = [], [], [], [], []
    for o in order:
        if o >= n:
            feats.append(-1), thr.append(0.0), rights.append(-1), dl.append(False)
            vals.append((float(t["leaf_value"][o - n]) * scale,))
        else:
            d, th = t["decision_type"][o], float(t["threshold"][o])
            missing = (d >> 2) & 3
            feats.append(int(t["split_feature"][o])), thr.append(th), rights.append(idx[right[o]])
            # NaN: the default child (missing NaN), or compared as 0.0 (missing None).
            dl.append(bool(d & 2) if missing == 2 else 0.0 <= th)
            vals.append(None)
    return Tree(tuple(feats), tuple(thr), tuple(rights), tuple(dl), tuple(vals))


def from_lightgbm(source) -> tuple[Forest, "Reference"]:
    model = parse(source)
    _check(model)
    name, params = model["objective"]
    k = model["per_iteration"]
    # boosting='rf' (average_output): LightGBM divides the raw scores by the number of iterations.
    scale = 1.0 / max(1, len(model["trees"]) // k) if model["average_output"] else 1.0
    trees = tuple(_tree(t, scale) for t in model["trees"])
    src = Source("LightGBM model format (read by ctml; LightGBM itself not run)",
                 f"LightGBM(objective={name}, n_trees={len(trees)}, per_iteration={k})")
    ref = Reference(model)
    if name in REGRESSION:
        if k != 1:
            raise ConversionError("a LightGBM regression model must have one tree per iteration")
        link = "exp" if name in EXP_LINK else "logistic" if name in LOGISTIC_LINK else None
        return Forest("regressor", model["n_features"], trees, src, init=(0.0,), nan_aware=True,
                      extra={"link": link} if link else {}), ref
    classes = model["classes"] or tuple(range(max(2, model["num_class"])))
    if name == "binary":
        gain = float(params.get("sigmoid", "1"))
        if not (gain > 0 and math.isfinite(gain)):
            raise ConversionError(f"LightGBM binary sigmoid parameter {gain} is invalid")
        return Forest("boosted_classifier", model["n_features"], trees, src, classes=classes, n_outputs=1, init=(0.0,),
                      nan_aware=True, extra={"proba_gain": gain} if gain != 1.0 else {}), ref
    if k != model["num_class"] or len(classes) != k:
        raise ConversionError("a LightGBM multiclass model must have num_class trees per iteration")
    extra = {}
    if name == "multiclassova":
        # One binary model per class: predict_proba is sigmoid(sigmoid * raw_k), not normalised.
        if k < 3:
            raise ConversionError("a LightGBM multiclassova model with 2 classes is not supported; use objective=binary")
        gain = float(params.get("sigmoid", "1"))
        if not (gain > 0 and math.isfinite(gain)):
            raise ConversionError(f"LightGBM multiclassova sigmoid parameter {gain} is invalid")
        extra = {"one_vs_rest": True, "proba_gain": gain}
    return Forest("boosted_classifier", model["n_features"], trees, src, classes=classes, n_outputs=k, init=(0.0,) * k,
                  nan_aware=True, extra=extra), ref


class Reference:
    """LightGBM's documented prediction rules in float64 over the parsed arrays (not the IR), with
    predict / decision_function / predict_proba as the test vectors ask an estimator for them."""

    def __init__(self, model: dict):
        self.model = model

    def raw(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        k = self.model["per_iteration"]
        out = np.zeros((len(X), k))
        for i, t in enumerate(self.model["trees"]):
            for s, x in enumerate(X):
                out[s, i % k] += self._leaf(t, x)
        if self.model["average_output"]:
            out /= max(1, len(self.model["trees"]) // k)
        return out

    @staticmethod
    def _leaf(t: dict, x) -> float:
        if not t["split_feature"]:
            return t["leaf_value"][0]
        node = 0
        while node >= 0:
            v = x[t["split_feature"][node]]
            d = t["decision_type"][node]
            missing = (d >> 2) & 3
            if math.isnan(v) and missing != 2:
                v = 0.0
            if (missing == 1 and abs(v) <= 1e-35) or (missing == 2 and math.isnan(v)):
                go_left = bool(d & 2)
            else:
                go_left = v <= t["threshold"][node]
            node = t["left_child"][node] if go_left else t["right_child"][node]
        return t["leaf_value"][~node]

    def decision_function(self, X) -> np.ndarray:
        r = self.raw(X)
        return r[:, 0] if r.shape[1] == 1 else r

    def predict_proba(self, X) -> np.ndarray:
        r = self.raw(X)
        name, params = self.model["objective"]
        if name == "binary":
            p = 1.0 / (1.0 + np.exp(-float(params.get("sigmoid", "1")) * r[:, 0]))
            return np.column_stack([1 - p, p])
        if name == "multiclassova":
            return 1.0 / (1.0 + np.exp(-float(params.get("sigmoid", "1")) * r))
        e = np.exp(r - r.max(1, keepdims=True))
        return e / e.sum(1, keepdims=True)

    def predict(self, X) -> np.ndarray:
        name, _ = self.model["objective"]
        if name in REGRESSION:
            r = self.raw(X)[:, 0]
            return np.exp(r) if name in EXP_LINK else 1.0 / (1.0 + np.exp(-r)) if name in LOGISTIC_LINK else r
        classes = np.asarray(self.model["classes"] or tuple(range(max(2, self.model["num_class"]))))
        r = self.raw(X)
        return classes[(r[:, 0] > 0).astype(int)] if r.shape[1] == 1 else classes[np.argmax(r, 1)]
