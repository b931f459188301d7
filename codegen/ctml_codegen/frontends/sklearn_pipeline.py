"""scikit-learn Pipelines: StandardScaler / MinMaxScaler / MaxAbsScaler steps followed by one
estimator become one affine input map z = (x - offset) * scale per feature, which the family
folds into its weights or its input quantizer (the scaling is never computed twice).

A PCA step (and the scalers after it) is a full affine map z = A x_s + c of the scaled input x_s;
split_projection returns it as a Projection, which only a linear estimator can fold into its
weights (W' = W A, b' = b + W c). split refuses it for every other estimator."""
from __future__ import annotations

from dataclasses import dataclass
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
                          f"{', '.join(SCALERS)}, PCA (before a linear model), SimpleImputer and "
                          "KBinsDiscretizer(encode='ordinal') (alone before a tree model) or 'passthrough'")


@dataclass(frozen=True)
class Projection:
    """z = matrix @ x_s + offset: a Pipeline's PCA step and the scalers after it, on the output of
    the scalers before it (float64, scikit-learn's transform up to rounding)."""
    matrix: np.ndarray      # (n_out, n_in)
    offset: np.ndarray      # (n_out,)
    steps: str              # "PCA(n_components=3, whiten=True)", for the header's Source line

    def apply(self, X) -> np.ndarray:
        return np.asarray(X, dtype=np.float64) @ self.matrix.T + self.offset


def _pca(step) -> tuple[np.ndarray, np.ndarray]:
    """(A, c) of a fitted PCA: transform(x) = A x + c."""
    a = np.asarray(step.components_, dtype=np.float64)
    if step.whiten:
        a = a / np.sqrt(np.asarray(step.explained_variance_, dtype=np.float64))[:, None]
    mean = np.zeros(a.shape[1]) if step.mean_ is None else np.asarray(step.mean_, dtype=np.float64)
    return a, -(a @ mean)


def _fitted(step) -> None:
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted
    try:
        check_is_fitted(step)
    except NotFittedError as e:
        raise ConversionError(f"the Pipeline's {type(step).__name__} is not fitted; fit the Pipeline first") from e


def split(est) -> tuple[Optional[InputScaling], object]:
    """(the composed scaling of a Pipeline's scaler steps or None, the final estimator). A PCA step
    is refused: only a linear estimator folds it (split_projection)."""
    scaling, projection, final = split_projection(est)
    if projection is not None:
        raise ConversionError(f"a PCA step folds only into a linear model, not into {type(final).__name__}; "
                              "use a linear estimator after the PCA, or transform the inputs on the device yourself")
    return scaling, final


def split_projection(est) -> tuple[Optional[InputScaling], Optional[Projection], object]:
    """(the scaling of the scaler steps before any PCA or None, the PCA step and everything after
    it as a Projection or None, the final estimator)."""
    if type(est).__name__ != "Pipeline":
        return None, None, est
    steps = [s for _, s in est.steps if s is not None and s != "passthrough"]
    if not steps:
        raise ConversionError("the Pipeline has no estimator")
    *transforms, final = steps
    names = [type(s).__name__ for s in transforms]
    first_pca = names.index("PCA") if "PCA" in names else len(transforms)
    scalers, after = transforms[:first_pca], transforms[first_pca:]
    for s in transforms:
        if type(s).__name__ == "PCA":
            _fitted(s)
    projection = _projection(after) if after else None
    return _compose(scalers), projection, final


def _projection(steps) -> Projection:
    """The affine map of a PCA step and the PCA and scaler steps after it."""
    a = c = None
    shown = []
    for s in steps:
        _fitted(s)
        if type(s).__name__ == "PCA":
            sa, sc = _pca(s)
            shown.append(f"PCA(n_components={s.n_components_}{', whiten=True' if s.whiten else ''})")
        else:
            o, k = _affine(s)
            sa, sc = np.diag(k), -k * o        # (z - o) * k
            shown.append(type(s).__name__)
        if a is None:
            a, c = sa, sc
        else:
            if sa.shape[1] != a.shape[0]:
                raise ConversionError(f"the Pipeline's {type(s).__name__} takes {sa.shape[1]} features but gets {a.shape[0]}")
            a, c = sa @ a, sa @ c + sc
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(c))):
        raise ConversionError("the Pipeline's PCA has NaN or infinite parameters; refit it")
    return Projection(a, c, " + ".join(shown))


def _compose(scalers) -> Optional[InputScaling]:
    """One InputScaling for a run of scaler steps, or None when there is none."""
    offset = scale = None
    for s in scalers:
        _fitted(s)
        o, k = _affine(s)
        if offset is None:
            offset, scale = o, k
        else:
            # ((x - o1) * k1 - o2) * k2 == (x - (o1 + o2 / k1)) * (k1 * k2)
            offset, scale = offset + o / scale, scale * k
    if offset is None:
        return None
    if not (np.all(np.isfinite(offset)) and np.all(np.isfinite(scale))):
        raise ConversionError("the Pipeline's scaling has NaN or infinite parameters")
    return InputScaling(tuple(float(v) for v in offset), tuple(float(v) for v in scale))
