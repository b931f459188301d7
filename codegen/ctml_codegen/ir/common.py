"""What every family's IR carries: where the model came from (Source), and a Pipeline's affine
input scaling (InputScaling), which each family folds into its weights or its input codes."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Source:
    framework: str          # "scikit-learn 1.2.1"
    estimator: str          # "RandomForestClassifier(n_estimators=10, max_depth=6)"


@dataclass(frozen=True)
class InputScaling:
    offset: tuple[float, ...]   # z = (x - offset) * scale, per feature, float64
    scale: tuple[float, ...]

    def apply(self, X) -> np.ndarray:
        return (np.asarray(X, dtype=np.float64) - np.asarray(self.offset)) * np.asarray(self.scale)
