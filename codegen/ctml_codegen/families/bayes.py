"""The naive Bayes family: scikit-learn's GaussianNB (optionally behind scaler steps) to
ctml::bayes::gaussian_nb, with float inputs or int8/int16 codes and int64 fixed point."""
from __future__ import annotations

from typing import Optional

import numpy as np

from . import Result
from ..emit import bayes as emit
from ..emit import model_io
from ..errors import ConversionError
from ..frontends.sklearn_bayes import SUPPORTED, from_sklearn
from ..quantize.features import FeatureMap
from ..emit import footprint
from ..targets import TARGETS, check_budget

__all__ = ["SUPPORTED", "convert"]


def convert(est, name: str, out_dir, *, pipeline, scaling, X_sample=None, feature_bits: Optional[int] = None,
            target: str = "host", layout: str = "automatic", flash_budget=None, ram_budget=None, X_test=None,
            y_test=None, n_vectors=None, **_) -> Result:
    model = from_sklearn(est, scaling)
    n = model.n_features
    X = None if X_sample is None else np.asarray(X_sample, dtype=np.float64)
    if X is not None:
        model_io.check_samples(X, n)
    model_io.check_width(X_test, n)
    bits = feature_bits if feature_bits is not None else (16 if target == "avr" else 0)
    if bits == 0:
        fmap = FeatureMap(0)
    else:
        fmap = model_io.lossless(X, bits) or model_io.ranged(X, bits, n, "naive Bayes model")
    lw = emit.lower(model, fmap)
    n_c = len(model.classes)
    data = n_c * n * (12 if fmap.is_float else 8) + n_c * (4 if fmap.is_float else 8)
    fp = footprint.bayes(n_c, n, data, target, layout)
    chosen, flash = fp.chosen, fp.flash
    ram = 2 * n_c * (4 if fmap.is_float else 8) + TARGETS[target]["call_frame"]
    check_budget(name, target, chosen, flash, ram, flash_budget, ram_budget,
                 advice="fewer features", other_flash=fp.other)

    def reference(Xd):
        return {"class": model_io.class_index(model.classes, pipeline.predict(Xd)),
                "score": pipeline.predict_joint_log_proba(Xd) if hasattr(pipeline, "predict_joint_log_proba")
                else _jll(pipeline, Xd),
                "proba": pipeline.predict_proba(Xd)}
    vectors = None if X_test is None else model_io.vectors_header(name, fmap, np.asarray(X_test), reference,
                                                                  model.classes, y_test, n_vectors)
    header, vec = model_io.write(out_dir, name, emit.header(lw, name), vectors)
    return Result(header, vec, chosen, flash, ram, n_c * n, fp.reason)


def _jll(pipeline, X):
    """scikit-learn 1.2's own _joint_log_likelihood on the scaled inputs (no public method yet)."""
    if type(pipeline).__name__ == "Pipeline":
        X = pipeline[:-1].transform(X)
        pipeline = pipeline[-1]
    return pipeline._joint_log_likelihood(X)
