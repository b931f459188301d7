"""scikit-learn kernel machines (SVC, NuSVC, SVR, NuSVR, OneClassSVM) and ctml's RVR/RVC to the
KernelMachine IR, in libsvm's own layout: support vectors grouped by class, the libsvm-internal
dual coefficients and intercepts (scikit-learn flips their sign for binary SVC in its public
dual_coef_/intercept_; libsvm's decide the vote)."""
from __future__ import annotations

import numpy as np

from ..errors import ConversionError
from ..ir.common import Source
from ..ir.svm import KernelMachine

CLASSIFIERS = ("SVC", "NuSVC")
REGRESSORS = ("SVR", "NuSVR")
RVM = ("RVR", "RVC")
SUPPORTED = CLASSIFIERS + REGRESSORS + ("OneClassSVM",) + RVM
KERNELS = ("linear", "poly", "rbf", "sigmoid")


def _source(est) -> Source:
    params = est.get_params(deep=False)
    shown = {k: params[k] for k in ("kernel", "C", "nu", "epsilon", "gamma", "degree", "coef0") if k in params}
    if shown.get("kernel") not in ("poly",):
        shown.pop("degree", None)
    if shown.get("kernel") not in ("poly", "sigmoid"):
        shown.pop("coef0", None)
    args = ", ".join(f"{k}={v!r}" for k, v in shown.items())
    if type(est).__name__ in RVM:
        framework = "ctml_codegen.rvm (Tipping 2001)"
    else:
        import sklearn
        framework = f"scikit-learn {sklearn.__version__}"
    return Source(framework, f"{type(est).__name__}({args})")


def _dense(a) -> np.ndarray:
    return np.asarray(a.toarray() if hasattr(a, "toarray") else a, dtype=np.float64)


def _check(est) -> None:
    name = type(est).__name__
    kernel = est.kernel
    if callable(kernel) or kernel not in KERNELS:
        shown = "a callable" if callable(kernel) else repr(kernel)
        raise ConversionError(f"{name}(kernel={shown}) cannot be converted: ctml evaluates the kernels "
                              f"{', '.join(repr(k) for k in KERNELS)}; retrain with one of them")
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted
    try:
        check_is_fitted(est, "relevance_vectors_" if name in RVM else "support_vectors_")
    except NotFittedError as e:
        raise ConversionError(f"the {name} is not fitted; call fit() before converting") from e


def _finite(km: KernelMachine) -> None:
    checks = {"support vectors": km.support_vectors, "dual coefficients": km.coef, "intercepts": km.intercept,
              "gamma": (km.gamma,), "coef0": (km.coef0,), "offset": (km.score_offset,)}
    for what, values in checks.items():
        if not np.all(np.isfinite(np.asarray(values, dtype=np.float64))):
            raise ConversionError(f"the model's {what} contain NaN or infinite values; retrain or repair the model")


def _platt(est) -> dict:
    """SVC/NuSVC(probability=True): libsvm's pairwise Platt parameters (probA_, probB_)."""
    if not getattr(est, "probability", False):
        return {}
    a, b = np.asarray(est.probA_, dtype=np.float64), np.asarray(est.probB_, dtype=np.float64)
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ConversionError("the SVC's probability calibration (probA_, probB_) has NaN or infinite values; refit it")
    return {"prob_a": tuple(a.tolist()), "prob_b": tuple(b.tolist())}


def from_sklearn(est) -> KernelMachine:
    name = type(est).__name__
    if name not in SUPPORTED:
        raise ConversionError(f"{name} is not a kernel machine ctml converts; supported: {', '.join(SUPPORTED)}")
    _check(est)
    common = dict(kernel=est.kernel, gamma=float(est._gamma) if est.kernel != "linear" else 0.0,
                  coef0=float(est.coef0), degree=int(est.degree), source=_source(est))
    if name in RVM:
        sv = _dense(est.relevance_vectors_)
        if len(sv) == 0:
            raise ConversionError(f"the {name} kept no relevance vector (a constant model); nothing to convert")
        kind = "regression" if name == "RVR" else "logistic"
        # A binary RVC has one row (class 1 against 0); one-vs-rest RVC one row per class.
        coef, inter = np.atleast_2d(np.asarray(est.coef_, dtype=np.float64)), np.atleast_1d(est.intercept_)
        km = KernelMachine(kind=kind, support_vectors=tuple(map(tuple, sv)), n_support=(len(sv),),
                           coef=tuple(tuple(float(v) for v in row) for row in coef),
                           intercept=tuple(float(v) for v in inter),
                           classes=tuple(est.classes_.tolist()) if kind == "logistic" else (), **common)
    else:
        sv = _dense(est.support_vectors_)
        if len(sv) == 0:
            raise ConversionError(f"the {name} has no support vectors; nothing to convert")
        dual = _dense(est._dual_coef_)
        inter = np.asarray(est._intercept_, dtype=np.float64)
        if name in CLASSIFIERS:
            if getattr(est, "break_ties", False):
                raise ConversionError(f"{name}(break_ties=True) decides ties by decision values; ctml votes as "
                                      "libsvm does: retrain with break_ties=False")
            km = KernelMachine(kind="ovo", support_vectors=tuple(map(tuple, sv)),
                               n_support=tuple(int(v) for v in est._n_support), coef=tuple(map(tuple, dual)),
                               intercept=tuple(float(v) for v in inter), classes=tuple(est.classes_.tolist()),
                               ovr_shape=est.decision_function_shape == "ovr", **_platt(est), **common)
        else:
            km = KernelMachine(kind="regression" if name in REGRESSORS else "one_class",
                               support_vectors=tuple(map(tuple, sv)), n_support=(len(sv),),
                               coef=(tuple(float(v) for v in dual[0]),), intercept=(float(inter[0]),),
                               score_offset=float(est.offset_[0]) if name == "OneClassSVM" else 0.0, **common)
    _finite(km)
    return km


def kernel_matrix(km: KernelMachine, Z: np.ndarray) -> np.ndarray:
    """K(z, v_i) in float64, libsvm's formulas (for checks in codegen and tests)."""
    V = np.asarray(km.support_vectors, dtype=np.float64)
    Z = np.asarray(Z, dtype=np.float64)
    if km.kernel == "rbf":
        d2 = ((Z[:, None, :] - V[None, :, :]) ** 2).sum(-1)
        return np.exp(-km.gamma * d2)
    dot = Z @ V.T
    if km.kernel == "linear":
        return dot
    if km.kernel == "poly":
        return (km.gamma * dot + km.coef0) ** km.degree
    return np.tanh(km.gamma * dot + km.coef0)
