"""scikit-learn's KNeighborsClassifier / KNeighborsRegressor to the Neighbors IR: the training set
as fitted, k, and the metric (minkowski p=1/2, euclidean, manhattan; others refused)."""
from __future__ import annotations

from typing import Optional

import numpy as np

from ..errors import ConversionError
from ..ir.common import Source
from ..ir.families import Neighbors, check_all_finite
from ..ir.common import InputScaling

SUPPORTED = ("KNeighborsClassifier", "KNeighborsRegressor")
METRICS = "minkowski with p=1 or p=2, euclidean, manhattan (l1, l2, cityblock)"


def _p(est) -> int:
    metric = est.effective_metric_ if hasattr(est, "effective_metric_") else est.metric
    params = dict(est.effective_metric_params_ if hasattr(est, "effective_metric_params_") else {})
    if metric in ("euclidean", "l2"):
        return 2
    if metric in ("manhattan", "l1", "cityblock"):
        return 1
    if metric == "minkowski" and params.get("p", est.p) in (1, 2) and "w" not in params:
        return int(params.get("p", est.p))
    raise ConversionError(f"metric {metric!r} (params {params or est.p}) is not supported; supported: {METRICS}")


def from_sklearn(est, scaling: Optional[InputScaling]) -> Neighbors:
    import sklearn
    name = type(est).__name__
    if not hasattr(est, "_fit_X"):
        raise ConversionError(f"the {name} is not fitted; fit it before converting")
    if est.weights not in ("uniform", "distance"):
        raise ConversionError(f"{name}(weights={est.weights!r}) is not supported; supported: weights='uniform' or "
                              "'distance' (a callable cannot be converted)")
    weighted = est.weights == "distance"
    p = _p(est)
    X = np.asarray(est._fit_X, dtype=np.float64)   # in a Pipeline: already scaled (z)
    check_all_finite(name + " training set", X)
    k = int(est.n_neighbors)
    if not 1 <= k <= len(X):
        raise ConversionError(f"n_neighbors={k} must be between 1 and the training set size {len(X)}")
    if scaling is not None and len(scaling.offset) != X.shape[1]:
        raise ConversionError(f"the Pipeline's scaling has {len(scaling.offset)} features but the {name} {X.shape[1]}")
    src = Source(f"scikit-learn {sklearn.__version__}",
                 f"{name}(n_neighbors={k}, metric={est.metric!r}, p={est.p}, algorithm={est.algorithm!r}"
                 + (", weights='distance')" if weighted else ")"))
    if name == "KNeighborsClassifier":
        y = np.asarray(est._y)
        if y.ndim != 1:
            raise ConversionError("multi-output KNeighborsClassifier is not supported; fit one model per output")
        classes = tuple(v.item() if hasattr(v, "item") else v for v in est.classes_)
        return Neighbors("classifier", tuple(map(tuple, X.tolist())), tuple(int(v) for v in y), k, p, src, scaling, classes,
                         weighted)
    y = np.asarray(est._y, dtype=np.float64)
    if y.ndim != 1:
        raise ConversionError("multi-output KNeighborsRegressor is not supported; fit one model per output")
    check_all_finite(name + " targets", y)
    return Neighbors("regressor", tuple(map(tuple, X.tolist())), tuple(y.tolist()), k, p, src, scaling,
                     distance_weights=weighted)
