"""scikit-learn's VotingRegressor and StackingRegressor (with a linear final estimator), folded into
one model of their members' family. VotingRegressor.predict is np.average of the members'
predictions with its weights; StackingRegressor.predict is its final estimator's b + sum_m c_m
pred_m (+ c_p . x with passthrough). Both are affine in the members' predictions, and both member
families supported here are linear in their parts, so the combination is exact up to rounding:

- linear members (identity link): W = sum_m a_m W_m (+ c_p), b = b_0 + sum_m a_m b_m;
- tree regressors (DecisionTree, RandomForest, ExtraTrees, GradientBoosting, HistGradientBoosting,
  XGBoost regressors; identity output): every member's trees in one additive forest, each leaf
  times a_m (and 1 / n_trees for a forest that averages), the init b_0 + sum_m a_m init_m.

Members of other kinds or of both families, a final estimator that is not a linear regressor, and
passthrough with tree members are refused in one line. VotingClassifier and StackingClassifier are
not folded (their vote, probabilities or final estimator are not linear in the members' parts)
and are refused by the caller's usual message."""
from __future__ import annotations

import numpy as np

from ..errors import ConversionError
from ..ir.common import Source


KINDS = ("VotingRegressor", "StackingRegressor")


def _combination(est) -> tuple[list, np.ndarray, float, object]:
    """(members, their coefficients a_m, the offset b_0, the passthrough coefficients c_p or None) of a
    VotingRegressor, VotingClassifier (a_m: the weight shares) or StackingRegressor."""
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted
    name = type(est).__name__
    try:
        check_is_fitted(est)
    except NotFittedError as e:
        raise ConversionError(f"the {name} is not fitted; call fit() before converting") from e
    members = list(est.estimators_)
    for m in members:
        if type(m).__name__ == "Pipeline":
            raise ConversionError(f"a {name} member that is a Pipeline is not supported; put the scaler "
                                  f"before the {name} (Pipeline(scaler, {name}(...)))")
    if name in ("VotingRegressor", "VotingClassifier"):   # shares w_m / sum w
        w = est._weights_not_none
        weights = np.ones(len(members)) if w is None else np.asarray(w, dtype=np.float64)
        if len(weights) != len(members) or not np.all(np.isfinite(weights)) or weights.sum() <= 0:
            raise ConversionError(f"the {name}'s weights must be finite and sum to a positive number")
        return members, weights / weights.sum(), 0.0, None
    from .sklearn_linear import REGRESSORS, from_sklearn
    final = est.final_estimator_
    if type(final).__name__ not in REGRESSORS:
        raise ConversionError(f"a StackingRegressor with final_estimator {type(final).__name__} is not supported; "
                              "ctml folds a linear final estimator (RidgeCV, the default, Ridge, LinearRegression, ...)")
    lin = from_sklearn(final, None)
    coef = np.asarray(lin.coef, dtype=np.float64)[0]
    if len(coef) != len(members) + (int(est.n_features_in_) if est.passthrough else 0):
        raise ConversionError("the StackingRegressor's final estimator does not take one prediction per member; refit it")
    return members, coef[:len(members)], float(lin.intercept[0]), coef[len(members):] if est.passthrough else None


def family(est) -> str:
    """'linear' or 'trees': the one family all the members belong to (refused otherwise)."""
    from .sklearn_linear import GLMS, REGRESSORS
    from .sklearn_trees import BOOSTED, HIST, REGRESSORS as TREES
    members, _, _, _ = _combination(est)
    kinds = set()
    for m in members:
        name, mod = type(m).__name__, type(m).__module__
        if name in REGRESSORS or name in GLMS or name == "RANSACRegressor":
            kinds.add("linear")
        elif name in TREES + BOOSTED + HIST or (mod.startswith("xgboost") and name == "XGBRegressor"):
            kinds.add("trees")
        else:
            raise ConversionError(f"{type(est).__name__} over {name} is not supported; ctml folds linear regressors or "
                                  "tree regressors (one family per ensemble)")
    if len(kinds) != 1:
        raise ConversionError(f"a {type(est).__name__} mixing linear and tree regressors is not supported; convert "
                              "each member alone, or use members of one family")
    return kinds.pop()


def _source(est, members) -> Source:
    import sklearn
    names = ", ".join(type(m).__name__ for m in members)
    final = f", final_estimator={type(est.final_estimator_).__name__}" if hasattr(est, "final_estimator_") else ""
    return Source(f"scikit-learn {sklearn.__version__}", f"{type(est).__name__}([{names}]{final})")


def fold_linear(est, scaling):
    """The members' weighted average as one Linear IR (the Pipeline's scaling shared by all)."""
    from ..ir.families import Linear
    from .sklearn_linear import from_sklearn
    members, a, offset, through = _combination(est)
    coef, intercept = None, np.array([offset])
    for m, am in zip(members, a):
        lin = from_sklearn(m, scaling)
        if lin.link != "identity":
            raise ConversionError(f"{type(est).__name__} over {type(m).__name__} with a {lin.link} link is not "
                                  "supported: a combination of exp(scores) is not one linear model")
        c, b = np.asarray(lin.coef, np.float64), np.asarray(lin.intercept, np.float64)
        coef = am * c if coef is None else coef + am * c
        intercept = intercept + am * b
    if through is not None:   # passthrough: the final estimator also reads the (scaled) inputs
        coef = coef + through[None, :]
    return Linear("regressor", tuple(map(tuple, coef.tolist())), tuple(intercept.tolist()), _source(est, members), scaling)


def fold_trees(est):
    """The members' weighted average as one additive regression Forest."""
    from ..ir.trees import Forest
    from ..families.trees import to_ir
    from .sklearn_trees import map_leaves
    members, a, offset, through = _combination(est)
    if through is not None and np.any(through != 0):
        raise ConversionError("a StackingRegressor over trees with passthrough=True is not supported (the inputs "
                              "would add a linear part to the forest); use passthrough=False")
    trees, init, nan_aware = [], offset, False
    for m, am in zip(members, a):
        f = to_ir(m)
        if f.kind != "regressor" or f.n_outputs != 1 or f.extra:
            raise ConversionError(f"{type(est).__name__} over {type(m).__name__} is not supported: ctml folds tree "
                                  "regressors whose output is the sum or mean of their trees")
        scale = am / len(f.trees) if f.average else am
        trees.extend(map_leaves(t, lambda v, s=scale: (v[0] * s,)) for t in f.trees)
        init += am * (0.0 if f.average else f.init[0])
        nan_aware = nan_aware or f.nan_aware
    return Forest("regressor", int(est.n_features_in_), tuple(trees), _source(est, members), init=(init,),
                  nan_aware=nan_aware)


TREE_CLASSIFIERS = ("DecisionTreeClassifier", "ExtraTreeClassifier", "RandomForestClassifier", "ExtraTreesClassifier")


def fold_soft_trees(est):
    """VotingClassifier(voting='soft') over tree classifiers: predict_proba is sum_m a_m proba_m and
    a forest's proba the mean of its trees' distributions, so every tree adds c_t p_t (c_t = a_m /
    n_trees_m) to the class scores: a boosted classifier whose scores are the probabilities
    (binary: one score p1 - p0, class 1 when positive, as argmax)."""
    from ..ir.trees import Forest
    from ..families.trees import to_ir
    from .sklearn_trees import map_leaves
    members, a, _, _ = _combination(est)
    if est.voting != "soft":
        raise ConversionError("VotingClassifier(voting='hard') is not supported (a vote of the members' classes is "
                              "not one forest); use voting='soft', which ctml folds into one forest")
    k = len(est.classes_)
    trees = []
    for m, am in zip(members, a):
        if type(m).__name__ not in TREE_CLASSIFIERS:
            raise ConversionError(f"VotingClassifier over {type(m).__name__} is not supported; ctml folds soft voting "
                                  f"over {', '.join(TREE_CLASSIFIERS)}")
        f = to_ir(m)
        if len(f.classes) != k:
            raise ConversionError(f"a VotingClassifier member ({type(m).__name__}) saw {len(f.classes)} of the "
                                  f"{k} classes; ctml needs every member fitted on every class")
        c = am / len(f.trees)
        for t in f.trees:
            if k == 2:
                trees.append(map_leaves(t, lambda p, c=c: (c * (p[1] - p[0]),)))
            else:
                trees.extend(map_leaves(t, lambda p, c=c, j=j: (c * p[j],)) for j in range(k))
    names = ", ".join(type(m).__name__ for m in members)
    import sklearn
    src = Source(f"scikit-learn {sklearn.__version__}", f"VotingClassifier([{names}], voting='soft')")
    n_out = 1 if k == 2 else k
    return Forest("boosted_classifier", int(est.n_features_in_), tuple(trees), src,
                  classes=tuple(v.item() if hasattr(v, "item") else v for v in est.classes_), n_outputs=n_out,
                  init=(0.0,) * n_out, extra={"proba_linear": True})
