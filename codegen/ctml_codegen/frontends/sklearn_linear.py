"""scikit-learn linear models to the Linear IR: coef_ / intercept_ as fitted, classes_, and which
predict_proba the estimator has (scikit-learn 1.2's rules)."""
from __future__ import annotations

from typing import Optional

import numpy as np

from ..errors import ConversionError
from ..ir.common import Source
from ..ir.families import Linear, check_all_finite
from ..ir.common import InputScaling

CLASSIFIERS = ("LogisticRegression", "LinearSVC", "SGDClassifier", "Perceptron", "RidgeClassifier",
               "RidgeClassifierCV", "LogisticRegressionCV", "PassiveAggressiveClassifier")
REGRESSORS = ("LinearRegression", "Ridge", "Lasso", "ElasticNet", "LinearSVR", "SGDRegressor",
              # predict = X coef_ + intercept_ as well (Bayesian, robust, least-angle, cross-validated):
              "ARDRegression", "BayesianRidge", "HuberRegressor", "Lars", "LarsCV", "LassoLars", "LassoLarsCV",
              "LassoLarsIC", "LassoCV", "ElasticNetCV", "RidgeCV", "OrthogonalMatchingPursuit",
              "OrthogonalMatchingPursuitCV", "PassiveAggressiveRegressor", "TheilSenRegressor", "RANSACRegressor")
# Generalized linear models: predict = link^-1(X coef_ + intercept_).
GLMS = ("PoissonRegressor", "GammaRegressor", "TweedieRegressor")
SUPPORTED = CLASSIFIERS + REGRESSORS + GLMS


def _link(est) -> str:
    """A GLM's link as scikit-learn 1.2 resolves it: Poisson and Gamma log; Tweedie 'auto' is identity
    for power <= 0 (normal) and log otherwise."""
    name = type(est).__name__
    if name != "TweedieRegressor":
        return "log"
    link = est.link
    if link == "auto":
        link = "identity" if est.power <= 0 else "log"
    if link not in ("identity", "log"):
        raise ConversionError(f"TweedieRegressor(link={est.link!r}) is not supported; ctml has the identity and log links")
    return link


def _describe(est) -> str:
    keys = {"LogisticRegression": ("C", "multi_class", "solver"), "LinearSVC": ("C", "loss", "multi_class"),
            "SGDClassifier": ("loss", "alpha"), "Perceptron": ("penalty",), "RidgeClassifier": ("alpha",),
            "Ridge": ("alpha",), "Lasso": ("alpha",), "ElasticNet": ("alpha", "l1_ratio"),
            "LinearSVR": ("C", "epsilon", "loss"), "SGDRegressor": ("loss", "alpha"), "LinearRegression": ()}
    params = est.get_params()
    return f"{type(est).__name__}(" + ", ".join(f"{k}={params[k]!r}" for k in keys.get(type(est).__name__, ())) + ")"


def _proba(est, n_classes: int) -> str:
    name = type(est).__name__
    if name in ("LogisticRegression", "LogisticRegressionCV"):
        mc = est.multi_class
        ovr = mc in ("ovr", "warn") or (mc == "auto" and (n_classes <= 2 or est.solver == "liblinear"))
        return "logistic" if ovr else "softmax"
    if name == "SGDClassifier":
        return {"log_loss": "logistic", "log": "logistic", "modified_huber": "modified_huber"}.get(est.loss, "none")
    return "none"


def from_sklearn(est, scaling: Optional[InputScaling]) -> Linear:
    import sklearn
    from scipy import sparse
    name = type(est).__name__
    if name not in SUPPORTED:
        raise ConversionError(f"{name} is not a supported linear model; supported: {', '.join(SUPPORTED)}")
    if name == "RANSACRegressor":
        inner = getattr(est, "estimator_", None)
        if inner is None:
            raise ConversionError("the RANSACRegressor is not fitted; fit it before converting")
        if type(inner).__name__ not in REGRESSORS + GLMS:
            raise ConversionError(f"RANSACRegressor over {type(inner).__name__} is not supported; use a linear "
                                  f"estimator ({', '.join(REGRESSORS[:6])}, ...)")
        model = from_sklearn(inner, scaling)
        src = Source(model.source.framework, f"RANSACRegressor(estimator={model.source.estimator})")
        return Linear(model.kind, model.coef, model.intercept, src, scaling, link=model.link)
    if not hasattr(est, "coef_"):
        raise ConversionError(f"the {name} is not fitted; fit it before converting")
    if sparse.issparse(est.coef_):
        raise ConversionError(f"the {name} has sparse coefficients (sparsify()); call densify() before converting")
    coef = np.atleast_2d(np.asarray(est.coef_, dtype=np.float64))
    intercept = np.atleast_1d(np.asarray(est.intercept_, dtype=np.float64))
    if intercept.size == 1 and coef.shape[0] > 1:
        intercept = np.full(coef.shape[0], float(intercept[0]))
    check_all_finite(name, coef, intercept)
    if scaling is not None and len(scaling.offset) != coef.shape[1]:
        raise ConversionError(f"the Pipeline's scaling has {len(scaling.offset)} features but the {name} {coef.shape[1]}")
    src = Source(f"scikit-learn {sklearn.__version__}", _describe(est))
    if name in CLASSIFIERS:
        classes = tuple(v.item() if hasattr(v, "item") else v for v in est.classes_)
        return Linear("classifier", tuple(map(tuple, coef.tolist())), tuple(intercept.tolist()), src, scaling,
                      classes, _proba(est, len(classes)))
    if coef.shape[0] != 1:
        raise ConversionError(f"the {name} predicts {coef.shape[0]} targets; ctml's linear regressor predicts one "
                              "(fit one model per target)")
    return Linear("regressor", tuple(map(tuple, coef.tolist())), tuple(intercept.tolist()), src, scaling,
                  link=_link(est) if name in GLMS else "identity")
