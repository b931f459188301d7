"""The kernel-machine family: SVC, NuSVC, SVR, NuSVR, OneClassSVM (scikit-learn) and RVR, RVC
(ctml_codegen.rvm) to models/<name>.hpp, a ctml::svm type. Registered in families.FAMILIES.

A linear kernel is collapsed into its primal form, one weight vector per decision
(w = sum_i alpha_i v_i in float64), and goes through the linear family (float or integer inputs):
float32 sums of <x, v_i> over raw features of magnitude 1e3 lose the decision (breast cancer: 9 of
143 classes). Every float kernel path is simulated in float32 on the sample and test inputs and
refused if any class differs from the framework's."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import numpy as np

from . import Result
from ..emit import model_io
from ..emit import svm as emit_svm
from ..errors import ConversionError
from ..frontends.sklearn_svm import SUPPORTED, from_sklearn
from ..emit import footprint
from ..targets import TARGETS, check_budget

__all__ = ["SUPPORTED", "convert"]


def _bits(feature_bits: Optional[int], kernel: str) -> int:
    """Automatic: the integer path (int16) for the bounded kernels rbf and sigmoid, float otherwise."""
    if feature_bits is None:
        return 16 if kernel in ("rbf", "sigmoid") else 0
    return feature_bits


def convert(est, name: str, out_dir="models", *, pipeline=None, scaling=None, X_sample=None,
            feature_bits: Optional[int] = None, target: str = "host", layout: str = "automatic",
            flash_budget: Optional[int] = None, ram_budget: Optional[int] = None, X_test=None, y_test=None,
            n_vectors: Optional[int] = None):
    km = from_sklearn(est)
    if scaling is not None and len(scaling.offset) != km.n_features:
        raise ConversionError("the Pipeline's scaling and the estimator disagree on the feature count")
    for what, X in (("sample", X_sample), ("test", X_test)):
        model_io.check_width(X, km.n_features, what)
    whole = pipeline if pipeline is not None else est
    if km.kernel == "linear" and not km.prob_a:
        from . import linear
        model, reference = _primal(km, scaling, whole)
        return linear.convert_model(model, reference, name, out_dir, X_sample=X_sample, feature_bits=feature_bits,
                                    target=target, layout=layout, flash_budget=flash_budget, ram_budget=ram_budget,
                                    X_test=X_test, y_test=y_test, n_vectors=n_vectors,
                                    check_classes=None if km.kind == "regression" else
                                    (lambda X: _framework_classes(km, whole, X)))
    lw = emit_svm.lower(km, scaling, _bits(feature_bits, km.kernel), X_sample)
    if lw.fmap.is_float and km.kind != "regression":
        _check_float(lw, whole, [a for a in (X_sample, X_test) if a is not None])
    tg = TARGETS[target]
    extra = 64 if target == "avr" else (160 if lw.fmap.is_float else 96)   # as svm/expansion.hpp's frame_bytes
    fp = emit_svm.footprint(lw, target, tg["call_frame"] + extra)
    foot = footprint.kernel(lw, fp["table_flash"], target, layout)
    chosen, flash = foot.chosen, foot.flash
    check_budget(name, target, chosen, flash, fp["ram"], flash_budget, ram_budget,
                 advice=f"fewer support vectors ({km.n_sv} now: a larger C or smaller nu), integer features",
                 other_flash=foot.other)
    out = Path(out_dir)
    files = {out / f"{name}.hpp": emit_svm.header(lw, name)}
    vec_path = None
    if X_test is not None:
        vec_path = out / f"{name}_vectors.hpp"
        files[vec_path] = emit_svm.vectors_header(pipeline if pipeline is not None else est, km, lw.fmap, name,
                                                  np.asarray(X_test), y_test, n_vectors)
    model_io.write_atomic(files)
    return Result(out / f"{name}.hpp", vec_path, chosen, flash, fp["ram"], km.n_sv, foot.reason)


def _framework_classes(km, whole, X) -> np.ndarray:
    labels = (-1, 1) if km.kind == "one_class" else km.classes
    return model_io.class_index(tuple(labels), whole.predict(X))


def _check_float(lw, whole, inputs) -> None:
    """The float32 kernel path must predict the framework's class on every sample and test input."""
    for X in inputs:
        X = np.asarray(X, dtype=np.float64)
        X = X[np.all(np.isfinite(X), axis=1)].astype(np.float32)
        if not len(X):
            continue
        ours = emit_svm.classes_of(lw.km, emit_svm.float_decisions(lw, X))
        bad = np.flatnonzero(ours != _framework_classes(lw.km, whole, X.astype(np.float64)))
        if bad.size:
            raise ConversionError(f"the float32 kernel sums of this {lw.km.source.estimator} change the class on "
                                  f"{bad.size} of {len(X)} inputs (first: row {bad[0]}; libsvm sums in float64); "
                                  "scale the inputs (a StandardScaler step) and retrain")


def _primal(km, scaling, whole):
    """The Linear IR of a linear-kernel machine and the framework's answers for its test vectors."""
    import copy

    from ..ir.families import Linear
    V = np.asarray(km.support_vectors, dtype=np.float64)
    coef = np.asarray(km.coef, dtype=np.float64)
    W, b = [], []
    for p, entries in enumerate(emit_svm.contributions(km)):
        w = np.zeros(km.n_features)
        for r, i, _ in entries:
            w += coef[r, i] * V[i]
        W.append(w)
        b.append(float(km.intercept[p]))
    W, b = np.asarray(W), np.asarray(b)
    rows = lambda a: tuple(tuple(float(v) for v in r) for r in a)
    src = km.source
    if km.kind == "regression":
        model = Linear("regressor", rows(W), tuple(b.tolist()), src, scaling)
    elif km.kind == "one_class":
        model = Linear("classifier", rows(W), tuple(b.tolist()), src, scaling, (-1, 1))
    elif km.kind == "logistic":
        model = Linear("classifier", rows(W), tuple(b.tolist()), src, scaling, km.classes, "logistic")
    elif len(km.classes) == 2:
        # libsvm's pair value > 0 means class 0; scikit-learn's (and the linear classifier's) sign is the opposite.
        model = Linear("classifier", rows(-W), tuple((-b).tolist()), src, scaling, km.classes)
    else:
        model = Linear("classifier", rows(W), tuple(b.tolist()), src, scaling, km.classes, ovo=True)

    ovo = copy.deepcopy(whole)
    final = ovo.steps[-1][1] if hasattr(ovo, "steps") else ovo
    if hasattr(final, "decision_function_shape"):
        final.decision_function_shape = "ovo"

    def reference(X):
        if km.kind == "regression":
            return {"value": np.asarray(whole.predict(X), dtype=np.float64)}
        out = {"class": _framework_classes(km, whole, X),
               "score": np.asarray(ovo.decision_function(X), dtype=np.float64).reshape(len(X), -1)}
        if km.kind == "logistic":
            out["proba"] = np.asarray(whole.predict_proba(X), dtype=np.float64)
        return out
    return model, reference
