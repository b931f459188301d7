"""The kernel-machine family: SVC, NuSVC, SVR, NuSVR, OneClassSVM (scikit-learn) and RVR, RVC
(ctml_codegen.rvm) to models/<name>.hpp, a ctml::svm type. Registered in families.FAMILIES."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import numpy as np

from . import Result
from ..emit import model_io
from ..emit import svm as emit_svm
from ..errors import ConversionError
from ..frontends.sklearn_svm import SUPPORTED, from_sklearn
from ..targets import TARGETS, UNROLL_LIMIT, check_budget

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
    lw = emit_svm.lower(km, scaling, _bits(feature_bits, km.kernel), X_sample)
    tg = TARGETS[target]
    extra = 64 if target == "avr" else (160 if lw.fmap.is_float else 64)   # as svm/expansion.hpp's frame_bytes
    fp = emit_svm.footprint(lw, target, tg["call_frame"] + extra)
    chosen = layout if layout != "automatic" else ("unrolled" if fp["unrolled_code"] <= UNROLL_LIMIT else "table")
    flash = fp["table_flash"] if chosen == "table" else fp["unrolled_code"]
    check_budget(name, target, chosen, flash, fp["ram"], flash_budget, ram_budget,
                 advice=f"fewer support vectors ({km.n_sv} now: a larger C or smaller nu), integer features")
    out = Path(out_dir)
    files = {out / f"{name}.hpp": emit_svm.header(lw, name)}
    vec_path = None
    if X_test is not None:
        vec_path = out / f"{name}_vectors.hpp"
        files[vec_path] = emit_svm.vectors_header(pipeline if pipeline is not None else est, km, lw.fmap, name,
                                                  np.asarray(X_test), y_test, n_vectors)
    model_io.write_atomic(files)
    return Result(out / f"{name}.hpp", vec_path, chosen, flash, fp["ram"], km.n_sv)
