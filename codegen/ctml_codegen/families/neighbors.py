"""The nearest-neighbour family: KNeighborsClassifier / KNeighborsRegressor (optionally behind
scaler steps) to ctml::neighbors::knn_classifier / knn_regressor, the training set in flash."""
from __future__ import annotations

from typing import Optional

import numpy as np

from . import Result
from ..emit import model_io
from ..emit import neighbors as emit
from ..errors import ConversionError
from ..frontends.sklearn_neighbors import SUPPORTED, from_sklearn
from ..emit import footprint
from ..targets import TARGETS, check_budget

__all__ = ["SUPPORTED", "convert"]


# The class knn.hpp's float32 weight sums pick is the float64 one when the runner-up trails by more
# than this share of the total weight (k float32 additions and rsqrt's few ulps are far below it).
WEIGHT_MARGIN = 1e-5


def _check_weighted_classes(pipeline, lw, inputs: list) -> None:
    """weights='distance': refuses a model whose weighted vote, on ctml's code-space distances,
    picks another class than scikit-learn on a given input or comes within WEIGHT_MARGIN of a tie."""
    m = lw.model
    for X in inputs:
        X = np.asarray(X, dtype=np.float64)
        q = lw.fmap.quantize(X)
        mine, gap = lw.class_margins(q)
        theirs = np.array(model_io.class_index(m.classes, pipeline.predict(X)))
        bad = int(np.sum((mine != theirs) | (gap < WEIGHT_MARGIN)))
        if bad:
            raise ConversionError(f"k-NN with weights='distance': on {bad} of {len(X)} given inputs ctml's weighted vote "
                                  "picks another class than scikit-learn or is within 1e-5 of a tie (quantized distances "
                                  "or a near tie); use feature_bits=16 or 0, or weights='uniform'")


def convert(est, name: str, out_dir, *, pipeline, scaling, X_sample=None, feature_bits: Optional[int] = None,
            target: str = "host", layout: str = "automatic", flash_budget=None, ram_budget=None, X_test=None,
            y_test=None, n_vectors=None, **_) -> Result:
    model = from_sklearn(est, scaling)
    n = model.n_features
    model_io.check_width(X_test, n)
    bits = feature_bits if feature_bits is not None else (8 if target == "avr" else 0)
    lw = emit.lower(model, bits)
    n_s = len(model.X)
    esize = 4 if lw.fmap.is_float else lw.fmap.bits // 8
    fp = footprint.neighbors(n_s, n, n_s * n * esize, n_s * (1 if model.kind == "classifier" else 4), target, layout,
                             model.distance_weights)
    chosen, flash = fp.chosen, fp.flash
    dist = 4 if lw.fmap.is_float else {"std::uint16_t": 2, "std::uint32_t": 4, "std::uint64_t": 8}[lw.distance_type]
    ram = model.k * (dist + (1 if n_s <= 256 else 2)) + 8 + len(model.classes) * 2 + TARGETS[target]["call_frame"]
    if model.distance_weights:   # knn.hpp: a float weight per neighbour, float sums per class (or two)
        ram += 4 * model.k + len(model.classes) * 2 + 4
        if model.kind == "classifier":
            _check_weighted_classes(pipeline, lw, [X for X in (X_sample, X_test) if X is not None])
    check_budget(name, target, chosen, flash, ram, flash_budget, ram_budget, advice="fewer training samples", other_flash=fp.other)

    def reference(Xd):
        if model.kind == "regressor":
            return {"value": np.asarray(pipeline.predict(Xd), dtype=np.float64)}
        return {"class": model_io.class_index(model.classes, pipeline.predict(Xd)), "proba": pipeline.predict_proba(Xd)}
    vectors = None if X_test is None else model_io.vectors_header(name, lw.fmap, np.asarray(X_test), reference,
                                                                  model.classes, y_test, n_vectors)
    header, vec = model_io.write(out_dir, name, emit.header(lw, name), vectors)
    return Result(header, vec, chosen, flash, ram, n_s, fp.reason)
