"""scikit-learn Pipelines: StandardScaler / MinMaxScaler / MaxAbsScaler steps followed by one
estimator become one affine input map z = (x - offset) * scale per feature, which the family
folds into its weights or its input quantizer (the scaling is never computed twice)."""
from __future__ import annotations

from typing import Optional

import numpy as np

from ..errors import ConversionError
from ..ir.common import InputScaling

SCALERS = ("StandardScaler", "MinMaxScaler", "MaxAbsScaler")


def _affine(step) -> tuple[np.ndarray, np.ndarray]:
    """(offset, scale) of one fitted scaler."""
    name = type(step).__name__
    n = int(step.n_features_in_)
    if name == "StandardScaler":
        mean = step.mean_ if step.with_mean else np.zeros(n)
        scale = step.scale_ if step.with_std else np.ones(n)
        return np.asarray(mean, np.float64), 1.0 / np.asarray(scale, np.float64)
    if name == "MinMaxScaler":
        if step.clip:
            raise ConversionError("MinMaxScaler(clip=True) clips its output, which is not affine; use clip=False")
        s, m = np.asarray(step.scale_, np.float64), np.asarray(step.min_, np.float64)
        return -m / s, s   # x * s + m == (x - (-m / s)) * s
    if name == "MaxAbsScaler":
        return np.zeros(n), 1.0 / np.asarray(step.scale_, np.float64)
    raise ConversionError(f"pipeline step {name} is not supported; supported steps before the estimator: "
                          f"{', '.join(SCALERS)} (or 'passthrough')")


def split(est) -> tuple[Optional[InputScaling], object]:
    """(the composed scaling of a Pipeline's scaler steps or None, the final estimator)."""
    if type(est).__name__ != "Pipeline":
        return None, est
    steps = [s for _, s in est.steps if s is not None and s != "passthrough"]
    if not steps:
        raise ConversionError("the Pipeline has no estimator")
    *scalers, final = steps
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted
    offset = scale = None
    for s in scalers:
        try:
            check_is_fitted(s)
        except NotFittedError as e:
            raise ConversionError(f"the Pipeline's {type(s).__name__} is not fitted; fit the Pipeline first") from e
        o, k = _affine(s)
        if offset is None:
            offset, scale = o, k
        else:
            # ((x - o1) * k1 - o2) * k2 == (x - (o1 + o2 / k1)) * (k1 * k2)
            offset, scale = offset + o / scale, scale * k
    if offset is None:
        return None, final
    if not (np.all(np.isfinite(offset)) and np.all(np.isfinite(scale))):
        raise ConversionError("the Pipeline's scaling has NaN or infinite parameters")
    return InputScaling(tuple(float(v) for v in offset), tuple(float(v) for v in scale)), final
