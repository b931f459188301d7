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
ADABOOST = ("AdaBoostClassifier", "AdaBoostRegressor")
SUPPORTED = CLASSIFIERS + REGRESSORS + BOOSTED + HIST + ADABOOST + ("IsolationForest",)
REFUSED = ()   # tree models from_sklearn refuses with a reason of their own


def _source(est) -> Source:
    import sklearn
    params = est.get_params(deep=False)
    shown = {k: params[k] for k in ("n_estimators", "max_iter", "max_depth", "learning_rate", "max_samples", "algorithm") if k in params}
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
    if name == "AdaBoostRegressor":
        return _from_adaboost_regressor(est, n_features, src)
    if name in ADABOOST:
        return _from_adaboost(est, n_features, src)
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


def map_leaves(tree: Tree, fn) -> Tree:
    """The tree with each leaf payload v replaced by fn(v), and every test whose two sides end in
    leaves of one payload replaced by that leaf (applied bottom-up, so constant subtrees vanish)."""
    feats, thr, rights, dl, vals, weights = [], [], [], [], [], []

    def build(i: int):
        """Appends node i's subtree; returns its payload when the subtree is one leaf."""
        me = len(feats)
        w = tree.weight[i] if tree.weight else 0.0
        if tree.feature[i] < 0:
            v = tuple(float(x) for x in fn(tree.value[i]))
            feats.append(-1), thr.append(0.0), rights.append(-1), dl.append(False), vals.append(v), weights.append(w)
            return v
        feats.append(tree.feature[i]), thr.append(tree.threshold[i]), rights.append(-1)
        dl.append(tree.default_left[i]), vals.append(None), weights.append(w)
        lv = build(i + 1)
        rights[me] = len(feats)
        rv = build(tree.right[i])
        if lv is not None and lv == rv:
            del feats[me:], thr[me:], rights[me:], dl[me:], vals[me:], weights[me:]
            feats.append(-1), thr.append(0.0), rights.append(-1), dl.append(False), vals.append(lv), weights.append(w)
            return lv
        return None
    build(0)
    return Tree(tuple(feats), tuple(thr), tuple(rights), tuple(dl), tuple(vals), tuple(weights) if tree.weight else ())


def _from_adaboost(est, n_features: int, src: Source) -> Forest:
    """AdaBoostClassifier over decision trees (scikit-learn 1.2's decision_function).
    SAMME: tree i adds its weight w_i to the class it predicts; SAMME.R: it adds
    (K-1) (log p_k - mean_j log p_j), p clipped at float64 eps. Both divide by the sum of the weights.
    A binary model has one score, class 1's minus class 0's, and predict_proba sigmoid(score);
    with K classes each tree becomes K trees (tree i, class k adds to output k; constant parts pruned)
    and predict_proba is softmax(score / (K-1))."""
    inner = ("DecisionTreeClassifier", "ExtraTreeClassifier")
    for m in est.estimators_:
        if type(m).__name__ not in inner:
            raise ConversionError(f"AdaBoostClassifier over {type(m).__name__} is not supported; ctml converts "
                                  "AdaBoost over DecisionTreeClassifier or ExtraTreeClassifier")
    if est.algorithm not in ("SAMME", "SAMME.R"):
        raise ConversionError(f"AdaBoostClassifier(algorithm={est.algorithm!r}) is not supported; use 'SAMME' or 'SAMME.R'")
    k = int(est.n_classes_)
    total = float(np.sum(est.estimator_weights_))
    if not np.isfinite(total) or total <= 0:
        raise ConversionError("the AdaBoostClassifier's estimator weights do not sum to a positive number; retrain it")
    eps = float(np.finfo(np.float64).eps)
    out = []
    for m, w in zip(est.estimators_, est.estimator_weights_):
        if list(m.classes_) != list(est.classes_):
            raise ConversionError("an AdaBoost member tree was fitted on other classes than the ensemble; retrain it")
        base = _class_tree(m.tree_)

        def contribution(p, w=float(w)):
            p = np.asarray(p, dtype=np.float64)
            if est.algorithm == "SAMME":
                c = np.zeros(k)
                c[int(np.argmax(p))] = w
            else:
                lp = np.log(np.clip(p, eps, None))
                c = (k - 1) * (lp - (1.0 / k) * lp.sum())
            return c / total
        if k == 2:
            out.append(map_leaves(base, lambda p, f=contribution: (f(p)[1] - f(p)[0],)))
        else:
            out.extend(map_leaves(base, lambda p, f=contribution, j=j: (f(p)[j],)) for j in range(k))
    extra = {} if k == 2 else {"proba_gain": 1.0 / (k - 1)}
    return Forest("boosted_classifier", n_features, tuple(out), src, classes=tuple(est.classes_.tolist()),
                  n_outputs=1 if k == 2 else k, init=(0.0,) * (1 if k == 2 else k), extra=extra)


def _from_adaboost_regressor(est, n_features: int, src: Source) -> Forest:
    """AdaBoostRegressor (AdaBoost.R2) over regression trees: predict is the weighted median of the
    members' values (scikit-learn's _get_median_predict), with the weights of the fitted members."""
    inner = ("DecisionTreeRegressor", "ExtraTreeRegressor")
    for m in est.estimators_:
        if type(m).__name__ not in inner:
            raise ConversionError(f"AdaBoostRegressor over {type(m).__name__} is not supported; ctml converts "
                                  "AdaBoost over DecisionTreeRegressor or ExtraTreeRegressor")
    weights = np.asarray(est.estimator_weights_[:len(est.estimators_)], dtype=np.float64)
    if not np.all(np.isfinite(weights)) or np.any(weights < 0) or weights.sum() <= 0:
        raise ConversionError("the AdaBoostRegressor's estimator weights are not finite and positive; retrain it")
    trees = tuple(_value_tree(m.tree_) for m in est.estimators_)
    return Forest("regressor", n_features, trees, src, extra={"median_weights": tuple(float(w) for w in weights)})
