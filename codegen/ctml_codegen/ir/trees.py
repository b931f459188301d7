"""The intermediate representation: what frontends produce and emitters consume.

A tree is stored in preorder: the left child of node i is i + 1, the right child is right[i].
A node sends x to the left when x <= threshold (frontends normalise other comparisons).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np


@dataclass(frozen=True)
class Tree:
    feature: tuple[int, ...]          # -1 marks a leaf
    threshold: tuple[float, ...]      # float64; meaningless at leaves
    right: tuple[int, ...]            # right child; -1 at leaves
    default_left: tuple[bool, ...]    # where NaN goes (XGBoost); False for scikit-learn
    value: tuple[Optional[tuple[float, ...]], ...]  # leaf payload: class probabilities or values
    weight: tuple[float, ...] = ()    # training weight reaching each node (sklearn samples, XGBoost cover); may be empty

    @property
    def n_nodes(self) -> int:
        return len(self.feature)

    def leaves(self) -> list[int]:
        return [i for i, f in enumerate(self.feature) if f < 0]


@dataclass(frozen=True)
class Source:
    framework: str          # "scikit-learn 1.2.1"
    estimator: str          # "RandomForestClassifier(n_estimators=10, max_depth=6)"


@dataclass(frozen=True)
class Forest:
    """A tree ensemble.

    kind: "classifier" (trees vote with class probabilities; mean, argmax),
          "regressor"  (leaf values; mean when average else init + sum),
          "boosted_classifier" (leaf values added into n_outputs raw scores),
          "isolation"  (leaf values are path lengths).
    """
    kind: str
    n_features: int
    trees: tuple[Tree, ...]
    source: Source
    classes: tuple = ()
    n_outputs: int = 1
    init: tuple[float, ...] = (0.0,)
    average: bool = False
    nan_aware: bool = False
    extra: dict = field(default_factory=dict)   # family-specific constants (isolation forest)


def preorder(left, right) -> tuple[list[int], dict[int, int]]:
    """Preorder of a tree given as child arrays (-1 = no child), and old index -> new index."""
    order, stack = [], [0]
    while stack:
        n = stack.pop()
        order.append(n)
        if left[n] != -1:
            stack.append(right[n])
            stack.append(left[n])
    return order, {old: i for i, old in enumerate(order)}


def check_finite(forest: Forest) -> None:
    from ..errors import ConversionError
    for t, tree in enumerate(forest.trees):
        thr = np.array([th for f, th in zip(tree.feature, tree.threshold) if f >= 0], dtype=np.float64)
        if thr.size and not np.all(np.isfinite(thr)):
            raise ConversionError(f"tree {t} has a NaN or infinite threshold; retrain or repair the model")
        for v in tree.value:
            if v is not None and not np.all(np.isfinite(np.asarray(v, dtype=np.float64))):
                raise ConversionError(f"tree {t} has a NaN or infinite leaf value; retrain or repair the model")
    if not np.all(np.isfinite(np.asarray(forest.init, dtype=np.float64))):
        raise ConversionError("the model's initial score is NaN or infinite")
    for k, v in forest.extra.items():
        if isinstance(v, float) and not np.isfinite(v):
            raise ConversionError(f"the model's {k} is NaN or infinite")


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
