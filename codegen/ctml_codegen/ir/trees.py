"""The tree IR: what the tree frontends produce and emit/trees.py consumes.

A tree is stored in preorder: the left child of node i is i + 1, the right child is right[i].
A node sends x to the left when x <= threshold (frontends normalise other comparisons).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from .common import Source  # noqa: F401  (a Forest carries its Source)


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
        # +inf is a real test on NaN-aware trees (HistGradientBoosting: NaN against every number).
        thr = np.array([th for f, th in zip(tree.feature, tree.threshold)
                        if f >= 0 and not (forest.nan_aware and th == np.inf)], dtype=np.float64)
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
