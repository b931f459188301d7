"""scikit-learn tree models to the IR (Forest of preorder Trees)."""
from __future__ import annotations

import numpy as np

from ..errors import ConversionError
from ..ir.common import Source
from ..ir.trees import Forest, Tree, preorder

CLASSIFIERS = ("DecisionTreeClassifier", "ExtraTreeClassifier", "RandomForestClassifier", "ExtraTreesClassifier")
REGRESSORS = ("DecisionTreeRegressor", "ExtraTreeRegressor", "RandomForestRegressor", "ExtraTreesRegressor")
BOOSTED = ("GradientBoostingClassifier", "GradientBoostingRegressor")
HIST = ("HistGradientBoostingClassifier", "HistGradientBoostingRegressor")
SUPPORTED = CLASSIFIERS + REGRESSORS + BOOSTED + HIST + ("IsolationForest",)


def _source(est) -> Source:
    import sklearn
    params = est.get_params(deep=False)
    shown = {k: params[k] for k in ("n_estimators", "max_iter", "max_depth", "learning_rate", "max_samples") if k in params}
    args = ", ".join(f"{k}={v!r}" for k, v in shown.items())
    return Source(f"scikit-learn {sklearn.__version__}", f"{type(est).__name__}({args})")


def _preorder(t, leaf_payload, feature_map=None) -> Tree:
    """Renumbers a fitted sklearn tree_ in preorder (left child = next node)."""
    left, right, feat, thr = t.children_left, t.children_right, t.feature, t.threshold
    order, new_index = preorder(left, right)
    features, thresholds, rights, values = [], [], [], []
    for old in order:
        if left[old] == -1:
            features.append(-1)
            thresholds.append(0.0)
            rights.append(-1)
            values.append(tuple(float(v) for v in leaf_payload(old)))
        else:
            f = int(feat[old])
            features.append(int(feature_map[f]) if feature_map is not None else f)
            thresholds.append(float(thr[old]))
            rights.append(new_index[int(right[old])])
            values.append(None)
    weights = tuple(float(t.weighted_n_node_samples[old]) for old in order)
    return Tree(tuple(features), tuple(thresholds), tuple(rights), (False,) * len(order), tuple(values), weights)


def _class_tree(t) -> Tree:
    if t.n_outputs != 1:
        raise ConversionError("multi-output trees are not supported; fit one model per output")

    def payload(n):
        v = np.asarray(t.value[n][0], dtype=np.float64)
        total = v.sum()
        return v / total if total > 0 else np.full_like(v, 1.0 / v.size)
    return _preorder(t, payload)


def _value_tree(t, scale=1.0, feature_map=None) -> Tree:
    if t.n_outputs != 1:
        raise ConversionError("multi-output trees are not supported; fit one model per output")
    return _preorder(t, lambda n: (float(t.value[n][0][0]) * scale,), feature_map)


def _average_path_length(n: np.ndarray) -> np.ndarray:
    # scikit-learn's sklearn.ensemble._iforest._average_path_length, so sums match exactly.
    from sklearn.ensemble._iforest import _average_path_length as apl
    return apl(np.asarray(n))


def _isolation_tree(t, feature_map) -> Tree:
    depth = np.zeros(t.node_count, dtype=np.int64)
    for n in range(t.node_count):
        if t.children_left[n] != -1:
            depth[t.children_left[n]] = depth[n] + 1
            depth[t.children_right[n]] = depth[n] + 1
    path = depth + _average_path_length(t.n_node_samples)
    return _preorder(t, lambda n: (float(path[n]),), feature_map)


def from_sklearn(est) -> Forest:
    name = type(est).__name__
    if name not in SUPPORTED:
        raise ConversionError(f"{name} is not a tree model; supported: {', '.join(SUPPORTED)}")
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted
    try:
        check_is_fitted(est)
    except NotFittedError as e:
        raise ConversionError(f"the {name} is not fitted; call fit() before converting") from e
    n_features = int(est.n_features_in_)
    src = _source(est)
    if name in CLASSIFIERS:
        members = est.estimators_ if hasattr(est, "estimators_") else [est]
        trees = tuple(_class_tree(m.tree_) for m in members)
        return Forest("classifier", n_features, trees, src, classes=tuple(est.classes_.tolist()))
    if name in REGRESSORS:
        members = est.estimators_ if hasattr(est, "estimators_") else [est]
        trees = tuple(_value_tree(m.tree_) for m in members)
        return Forest("regressor", n_features, trees, src, average=True)
    if name in HIST:
        return _from_hist(est, n_features, src)
    if name in BOOSTED:
        if est.init not in (None, "zero"):
            raise ConversionError("only the default or 'zero' init of gradient boosting is supported")
        raw_init = est._raw_predict_init(np.zeros((1, n_features), dtype=np.float32))[0]
        stages = est.estimators_
        k = stages.shape[1]
        trees = tuple(_value_tree(stages[s, j].tree_, est.learning_rate) for s in range(stages.shape[0]) for j in range(k))
        if name == "GradientBoostingRegressor":
            return Forest("regressor", n_features, trees, src, init=(float(raw_init[0]),))
        # loss='exponential' (binary only): scikit-learn's predict_proba is expit(2 raw).
        gain = 2.0 if getattr(est, "loss", None) == "exponential" else 1.0
        return Forest("boosted_classifier", n_features, trees, src, classes=tuple(est.classes_.tolist()),
                      n_outputs=k, init=tuple(float(v) for v in raw_init), extra={"proba_gain": gain} if gain != 1.0 else {})
    # IsolationForest
    trees = tuple(_isolation_tree(m.tree_, np.asarray(f)) for m, f in zip(est.estimators_, est.estimators_features_))
    c = float(_average_path_length(np.array([est.max_samples_]))[0])
    return Forest("isolation", n_features, trees, src,
                  extra={"average_path_length": c, "offset": float(est.offset_)})


def _hist_tree(nodes) -> Tree:
    """A fitted HistGradientBoosting TreePredictor's nodes in preorder. scikit-learn's predict on
    raw data (_predictor.pyx): a NaN goes to the side missing_go_to_left names, otherwise
    x <= num_threshold (float64) goes left; num_threshold is +inf on a split of NaN against the
    rest. Leaf values already carry the learning rate."""
    left = [int(n["left"]) if not n["is_leaf"] else -1 for n in nodes]
    right = [int(n["right"]) if not n["is_leaf"] else -1 for n in nodes]
    order, idx = preorder(left, right)
    feats, thr, rights, dl, vals, weights = [], [], [], [], [], []
    for o in order:
        n = nodes[o]
        weights.append(float(n["count"]))
        if n["is_leaf"]:
            feats.append(-1), thr.append(0.0), rights.append(-1), dl.append(False), vals.append((float(n["value"]),))
        else:
            feats.append(int(n["feature_idx"])), thr.append(float(n["num_threshold"]))
            rights.append(idx[right[o]]), dl.append(bool(n["missing_go_to_left"])), vals.append(None)
    return Tree(tuple(feats), tuple(thr), tuple(rights), tuple(dl), tuple(vals), tuple(weights))


def _from_hist(est, n_features: int, src: Source) -> Forest:
    name = type(est).__name__
    cat = getattr(est, "is_categorical_", None)
    if (cat is not None and np.any(cat)) or any(np.any(p.nodes["is_categorical"]) for it in est._predictors for p in it):
        raise ConversionError(f"{name} with categorical_features is not supported; one-hot or ordinal-encode the "
                              "features and retrain with categorical_features=None")
    loss = type(est._loss).__name__
    trees = tuple(_hist_tree(p.nodes) for it in est._predictors for p in it)
    base = tuple(float(v) for v in np.asarray(est._baseline_prediction, dtype=np.float64).ravel())
    if name == "HistGradientBoostingRegressor":
        if loss not in ("HalfSquaredError", "AbsoluteError", "PinballLoss"):
            raise ConversionError(f"HistGradientBoostingRegressor with loss={est.loss!r} (a log link) is not supported; "
                                  "use loss='squared_error', 'absolute_error' or 'quantile'")
        return Forest("regressor", n_features, trees, src, init=base, nan_aware=True)
    k = len(est._predictors[0]) if est._predictors else 1
    return Forest("boosted_classifier", n_features, trees, src, classes=tuple(est.classes_.tolist()),
                  n_outputs=k, init=base, nan_aware=True)
