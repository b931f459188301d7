"""scikit-learn's VotingRegressor, folded into one model of its members' family: predict is
np.average of the members' predictions with the ensemble's weights, and both supported member
families are linear in their parts, so the average is exact up to rounding.

- linear members (identity link): W = sum_m a_m W_m, b = sum_m a_m b_m, with a_m = w_m / sum w;
- tree regressors (DecisionTree, RandomForest, ExtraTrees, GradientBoosting, HistGradientBoosting,
  XGBoost regressors; identity output): every member's trees in one additive forest, each leaf
  times a_m (and 1 / n_trees for a forest that averages), the init sum_m a_m init_m.

Members of other kinds, or of both families at once, are refused in one line. VotingClassifier and
StackingClassifier/Regressor are not folded (their vote, probabilities or final estimator are not
linear in the members' parts) and are refused by the caller's usual message."""
from __future__ import annotations

import numpy as np

from ..errors import ConversionError
from ..ir.common import Source


def _members(est) -> tuple[list, np.ndarray]:
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted
    try:
        check_is_fitted(est)
    except NotFittedError as e:
        raise ConversionError("the VotingRegressor is not fitted; call fit() before converting") from e
    members = list(est.estimators_)
    w = est._weights_not_none
    weights = np.ones(len(members)) if w is None else np.asarray(w, dtype=np.float64)
    if len(weights) != len(members) or not np.all(np.isfinite(weights)) or weights.sum() <= 0:
        raise ConversionError("the VotingRegressor's weights must be finite and sum to a positive number")
    for m in members:
        if type(m).__name__ == "Pipeline":
            raise ConversionError("a VotingRegressor member that is a Pipeline is not supported; put the scaler "
                                  "before the VotingRegressor (Pipeline(scaler, VotingRegressor(...)))")
    return members, weights / weights.sum()


def family(est) -> str:
    """'linear' or 'trees': the one family all the members belong to (refused otherwise)."""
    from .sklearn_linear import GLMS, REGRESSORS
    from .sklearn_trees import BOOSTED, HIST, REGRESSORS as TREES
    members, _ = _members(est)
    kinds = set()
    for m in members:
        name, mod = type(m).__name__, type(m).__module__
        if name in REGRESSORS or name in GLMS or name == "RANSACRegressor":
            kinds.add("linear")
        elif name in TREES + BOOSTED + HIST or (mod.startswith("xgboost") and name == "XGBRegressor"):
            kinds.add("trees")
        else:
            raise ConversionError(f"VotingRegressor over {name} is not supported; ctml folds linear regressors or "
                                  "tree regressors (one family per ensemble)")
    if len(kinds) != 1:
        raise ConversionError("a VotingRegressor mixing linear and tree regressors is not supported; convert "
                              "each member alone, or use members of one family")
    return kinds.pop()


def _source(est, members) -> Source:
    import sklearn
    names = ", ".join(type(m).__name__ for m in members)
    return Source(f"scikit-learn {sklearn.__version__}", f"VotingRegressor([{names}])")


def fold_linear(est, scaling):
    """The members' weighted average as one Linear IR (the Pipeline's scaling shared by all)."""
    from ..ir.families import Linear
    from .sklearn_linear import from_sklearn
    members, a = _members(est)
    coef = intercept = None
    for m, am in zip(members, a):
        lin = from_sklearn(m, scaling)
        if lin.link != "identity":
            raise ConversionError(f"VotingRegressor over {type(m).__name__} with a {lin.link} link is not supported: "
                                  "the average of exp(scores) is not one linear model")
        c, b = np.asarray(lin.coef, np.float64), np.asarray(lin.intercept, np.float64)
        coef = am * c if coef is None else coef + am * c
        intercept = am * b if intercept is None else intercept + am * b
    return Linear("regressor", tuple(map(tuple, coef.tolist())), tuple(intercept.tolist()), _source(est, members), scaling)


def fold_trees(est):
    """The members' weighted average as one additive regression Forest."""
    from ..ir.trees import Forest
    from ..families.trees import to_ir
    from .sklearn_trees import map_leaves
    members, a = _members(est)
    trees, init, nan_aware = [], 0.0, False
    for m, am in zip(members, a):
        f = to_ir(m)
        if f.kind != "regressor" or f.n_outputs != 1 or f.extra:
            raise ConversionError(f"VotingRegressor over {type(m).__name__} is not supported: ctml folds tree "
                                  "regressors whose output is the sum or mean of their trees")
        scale = am / len(f.trees) if f.average else am
        trees.extend(map_leaves(t, lambda v, s=scale: (v[0] * s,)) for t in f.trees)
        init += am * (0.0 if f.average else f.init[0])
        nan_aware = nan_aware or f.nan_aware
    return Forest("regressor", int(est.n_features_in_), tuple(trees), _source(est, members), init=(init,),
                  nan_aware=nan_aware)
