"""The kernel-machine IR: SVC, NuSVC, SVR, NuSVR, OneClassSVM and ctml's RVR/RVC in libsvm's own
layout (support vectors grouped by class, libsvm-internal dual coefficients and intercepts)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from .common import Source  # noqa: F401  (a KernelMachine carries its Source)


@dataclass(frozen=True)
class KernelMachine:
    """A kernel expansion out[p] = sum_i coef[row][i] K(x, v_i) + intercept[p] (libsvm's layout).

    kind: "ovo" (SVC/NuSVC: support vectors grouped by class, n_classes - 1 coefficient rows,
          one intercept per class pair, libsvm's vote), "regression" (SVR, NuSVR, RVR),
          "one_class" (OneClassSVM: predict +1 when the sum is > 0), "logistic" (RVC: class 1 when
          the sum is > 0, probability by the logistic function).
    Support vectors are in the estimator's input space after any Pipeline scaling (z-space).
    """
    kind: str
    kernel: str                                  # linear | poly | rbf | sigmoid
    gamma: float
    coef0: float
    degree: int
    support_vectors: tuple[tuple[float, ...], ...]
    n_support: tuple[int, ...]                   # vectors per class group, in order
    coef: tuple[tuple[float, ...], ...]          # rows x n_sv
    intercept: tuple[float, ...]
    source: Source
    classes: tuple = ()
    ovr_shape: bool = True                       # SVC decision_function_shape == 'ovr'
    score_offset: float = 0.0                    # OneClassSVM: score_samples = decision + offset
    prob_a: tuple = ()                           # SVC(probability=True): libsvm's Platt sigmoid per pair,
    prob_b: tuple = ()                           # P(i over j) = 1 / (1 + exp(A d + B))

    @property
    def n_features(self) -> int:
        return len(self.support_vectors[0])

    @property
    def n_sv(self) -> int:
        return len(self.support_vectors)
