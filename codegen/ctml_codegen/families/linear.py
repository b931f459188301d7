"""The linear family: scikit-learn linear models (optionally behind scaler steps) to
ctml::linear::linear_classifier / linear_regressor.

Float inputs (feature_bits 0, the default on host and Cortex-M) keep float32 weights with the
scaling folded in. Integer inputs (8 or 16 bits, the default on AVR) get per-feature codes spread
over the sample range; the weights become int16 (int8 when 8-bit weights change no prediction on
the sample inputs) against one score scale, with an int32 accumulator.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from . import Result
from ..emit import linear as emit
from ..emit import model_io
from ..emit.model_io import check_samples
from ..errors import ConversionError
from ..frontends.sklearn_linear import SUPPORTED, from_sklearn
from ..emit import footprint
from ..targets import TARGETS, check_budget

__all__ = ["SUPPORTED", "convert"]


def _reference(pipeline, model):
    def ref(X: np.ndarray) -> dict:
        out = {}
        if model.kind == "regressor":
            out["value"] = np.asarray(pipeline.predict(X), dtype=np.float64)
            return out
        out["class"] = model_io.class_index(model.classes, pipeline.predict(X))
        out["score"] = np.asarray(pipeline.decision_function(X), dtype=np.float64).reshape(len(X), -1)
        if model.proba != "none":
            out["proba"] = np.asarray(pipeline.predict_proba(X), dtype=np.float64)
        return out
    return ref


def convert(est, name: str, out_dir, *, pipeline, scaling, projection=None, **options) -> Result:
    model = from_sklearn(est, scaling if projection is None else None)
    if projection is None:
        return convert_model(model, _reference(pipeline, model), name, out_dir, **options)
    model = fold_projection(model, projection, scaling)
    check = None
    if model.kind == "classifier":
        # Folding changes the order of the arithmetic: the emitted model's classes must stay the
        # Pipeline's on every sample and test input, or the model is refused.
        check = lambda X: model_io.class_index(model.classes, pipeline.predict(X))  # noqa: E731
    return convert_model(model, _reference(pipeline, model), name, out_dir, check_classes=check, **options)


def fold_projection(model, projection, scaling):
    """A linear model on z = A x_s + c (a PCA step) as one on x_s: W' = W A, b' = b + W c, computed
    in float64; x_s keeps the scalers before the PCA (scaling)."""
    from dataclasses import replace
    from ..ir.common import Source
    w = np.asarray(model.coef, dtype=np.float64)
    if w.shape[1] != projection.matrix.shape[0]:
        raise ConversionError(f"the Pipeline's PCA gives {projection.matrix.shape[0]} features but the "
                              f"{model.source.estimator} takes {w.shape[1]}")
    if scaling is not None and len(scaling.offset) != projection.matrix.shape[1]:
        raise ConversionError(f"the Pipeline's scaling has {len(scaling.offset)} features but its PCA "
                              f"{projection.matrix.shape[1]}")
    coef = w @ projection.matrix
    intercept = np.asarray(model.intercept, dtype=np.float64) + w @ projection.offset
    src = Source(model.source.framework, f"{projection.steps} + {model.source.estimator}")
    return replace(model, coef=tuple(map(tuple, coef.tolist())), intercept=tuple(intercept.tolist()), source=src,
                   scaling=scaling)


def convert_model(model, reference, name: str, out_dir, *, X_sample=None, feature_bits: Optional[int] = None,
                  target: str = "host", layout: str = "automatic", flash_budget=None, ram_budget=None, X_test=None,
                  y_test=None, n_vectors=None, check_classes=None, **_) -> Result:
    """Lowers a Linear IR (from any frontend: the linear models, or a linear-kernel SVM in primal
    form) and writes it. reference(X) gives the framework's answers for the test vectors;
    check_classes(X) -> class indices, when given, must equal the emitted model's classes on every
    sample and test input (a ConversionError names the first one that differs)."""
    emit.check_weights(model)
    n = model.n_features
    X = None if X_sample is None else np.asarray(X_sample, dtype=np.float64)
    if X is not None:
        check_samples(X, n)
    model_io.check_width(X_test, n)
    bits = feature_bits if feature_bits is not None else (16 if target == "avr" else 0)
    fmap = model_io.lossless(X, bits) if model.scaling is None else None
    if bits == 0:
        from ..quantize.features import FeatureMap
        fmap = FeatureMap(0)
    elif fmap is None:
        fmap = model_io.ranged(X, bits, n, "linear model")
    lw = emit.lower(model, fmap, 16) if not fmap.is_float else emit.lower(model, fmap, 0)
    if not fmap.is_float and fmap.bits == 8 and X is not None:
        narrow = emit.lower(model, fmap, 8)
        q = fmap.quantize(X)
        if model.kind == "classifier" and np.array_equal(emit.predict(narrow, q), emit.predict(lw, q)):
            lw = narrow
    if check_classes is not None:
        _check_classes(lw, fmap, check_classes, [a for a in (X, X_test) if a is not None])
    fp = footprint.linear(lw, target, layout)
    chosen, flash = fp.chosen, fp.flash
    ram = 2 * lw.weights.shape[0] * 4 + TARGETS[target]["call_frame"]
    check_budget(name, target, chosen, flash, ram, flash_budget, ram_budget,
                 advice=f"fewer features or a sparser model ({lw.weights.size} weights now)", other_flash=fp.other)
    vectors = None
    if X_test is not None:
        vectors = model_io.vectors_header(name, fmap, np.asarray(X_test), reference, model.classes,
                                          y_test, n_vectors)
    header, vec = model_io.write(out_dir, name, emit.header(lw, name), vectors)
    return Result(header, vec, chosen, flash, ram, int(lw.weights.size), fp.reason)


def _check_classes(lw, fmap, framework_classes, inputs) -> None:
    """The emitted model's classes (simulated: float32 in the C++'s order, or exact integer sums)
    against the framework's on the same inputs, as the device sees them (quantized for integer
    inputs); any difference is refused."""
    for X in inputs:
        X = np.asarray(X, dtype=np.float64)
        X = X[np.all(np.isfinite(X), axis=1)]
        if not len(X):
            continue
        q = fmap.quantize(X)
        ours = emit.predict(lw, q)
        theirs = framework_classes(fmap.dequantize(q).astype(np.float64))
        bad = np.flatnonzero(ours != theirs)
        if bad.size:
            path = "float32" if fmap.is_float else f"int{fmap.bits} input"
            raise ConversionError(f"the {path} path of this {lw.model.source.estimator} would predict a different "
                                  f"class than scikit-learn on {bad.size} of {len(X)} inputs (first: row {bad[0]}); "
                                  "scale the inputs (a StandardScaler step) or use another feature_bits")
