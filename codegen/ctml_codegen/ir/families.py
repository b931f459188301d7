"""IR classes of the non-tree families: linear models, Gaussian naive Bayes, nearest neighbours.

Parameters are float64 over the estimator's own inputs; a Pipeline's scaling (z = (x - offset) *
scale) travels beside them and is folded by the family's lowering (into the weights or the input
quantizer), so it is computed once.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from ..errors import ConversionError
from ..ir.common import InputScaling
from .common import Source


@dataclass(frozen=True)
class Linear:
    """s_o = intercept_o + sum_j coef_oj * z_j. kind "classifier" (one score for two classes, else
    one per class) or "regressor" (one output). proba: none, logistic, softmax, modified_huber."""
    kind: str
    coef: tuple[tuple[float, ...], ...]
    intercept: tuple[float, ...]
    source: Source
    scaling: Optional[InputScaling] = None
    classes: tuple = ()
    proba: str = "none"
    ovo: bool = False        # classifier: one score per class pair in libsvm's order, predict by libsvm's vote
    link: str = "identity"   # regressor: identity, or log (predict = exp(score): Poisson, Gamma, Tweedie)

    @property
    def n_features(self) -> int:
        return len(self.coef[0])

    def folded(self) -> tuple[np.ndarray, np.ndarray]:
        """(weights, bias) over the raw inputs x, the Pipeline's scaling folded in."""
        w = np.asarray(self.coef, dtype=np.float64)
        b = np.asarray(self.intercept, dtype=np.float64)
        if self.scaling is None:
            return w, b
        k, m = np.asarray(self.scaling.scale), np.asarray(self.scaling.offset)
        return w * k, b - (w * k) @ m


@dataclass(frozen=True)
class NaiveBayes:
    """Gaussian naive Bayes: jll_c = log prior_c - 1/2 sum_j log(2 pi var_cj) - 1/2 sum_j (z_j - theta_cj)^2 / var_cj."""
    theta: tuple[tuple[float, ...], ...]
    var: tuple[tuple[float, ...], ...]
    log_prior: tuple[float, ...]
    classes: tuple
    source: Source
    scaling: Optional[InputScaling] = None

    @property
    def n_features(self) -> int:
        return len(self.theta[0])


@dataclass(frozen=True)
class Neighbors:
    """k nearest neighbours by brute force over the training set (in the scaled space z)."""
    kind: str                       # "classifier" or "regressor"
    X: tuple[tuple[float, ...], ...]
    y: tuple                        # class indices (classifier) or float targets (regressor)
    k: int
    p: int                          # 1 manhattan, 2 euclidean
    source: Source
    scaling: Optional[InputScaling] = None
    classes: tuple = ()
    distance_weights: bool = False   # weights='distance': 1 / distance (1 for zero distances, 0 for the rest)

    @property
    def n_features(self) -> int:
        return len(self.X[0])


@dataclass(frozen=True)
class Mixture:
    """Components k score log_const_k - |(x - mean_k) root_k|^2 / 2 (root_k: a square root of the
    component's precision, n x n). kind "gaussian_mixture" (predict: the best component) or
    "elliptic_envelope" (one component; inlier when -q - offset >= 0)."""
    kind: str
    means: tuple[tuple[float, ...], ...]              # (K, n)
    roots: tuple[tuple[tuple[float, ...], ...], ...]  # (K, n, n): y_j = sum_i d_i root[i][j]
    log_const: tuple[float, ...]                      # (K,); unused by the envelope
    source: Source
    offset: float = 0.0                               # elliptic envelope's offset_
    classes: tuple = ()

    @property
    def n_features(self) -> int:
        return len(self.means[0])


def check_all_finite(what: str, *arrays) -> None:
    for a in arrays:
        if not np.all(np.isfinite(np.asarray(a, dtype=np.float64))):
            raise ConversionError(f"the {what} has NaN or infinite parameters; retrain or repair the model")
