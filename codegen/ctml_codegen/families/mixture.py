"""The mixture family: scikit-learn's GaussianMixture, BayesianGaussianMixture and EllipticEnvelope
to ctml::mixture (float inputs), the means and precision roots in flash."""
from __future__ import annotations

from typing import Optional

import numpy as np

from . import Result
from ..emit import footprint, model_io
from ..emit import mixture as emit
from ..errors import ConversionError
from ..frontends.sklearn_mixture import SUPPORTED, from_sklearn
from ..quantize.features import FeatureMap
from ..targets import TARGETS, check_budget

__all__ = ["SUPPORTED", "convert"]

# float32 scores decide as scikit-learn's float64 ones when the decision is farther than this
# share of the scores' magnitude from a tie (d = x - mean is exact to an ulp, the sums of n terms
# lose a few more; 1e-4 leaves room for any target's multiply-add contraction).
MARGIN = 1e-4


def _check(m, est, inputs: list) -> None:
    """Refuses a model whose float32 decision differs from scikit-learn's on a given input, or is
    within MARGIN of a tie there."""
    for X in inputs:
        X = np.asarray(X, dtype=np.float64)
        s = emit.scores(m, X).astype(np.float64)
        if m.kind == "elliptic_envelope":
            mine = (s[:, 0] >= 0).astype(np.int64)
            theirs = (np.asarray(est.predict(X)) == 1).astype(np.int64)
            scale = np.abs(emit.distances(m, X)[:, 0]) + abs(m.offset) + 1.0
            near = np.abs(s[:, 0]) <= MARGIN * scale
        else:
            mine = np.argmax(s, 1)
            theirs = np.asarray(est.predict(X))
            top = np.sort(s, 1)
            near = (top[:, -1] - top[:, -2]) <= MARGIN * (np.abs(top[:, -1]) + 1.0) if s.shape[1] > 1 else np.zeros(len(s), bool)
        bad = int(np.sum((mine != theirs) | near))
        if bad:
            raise ConversionError(f"{type(est).__name__}: on {bad} of {len(X)} given inputs ctml's float32 scores decide "
                                  "otherwise than scikit-learn or are within 1e-4 of a tie; scale the inputs (a "
                                  "StandardScaler before fitting) or leave such inputs out of X_sample")


def convert(est, name: str, out_dir, *, pipeline, scaling, X_sample=None, feature_bits: Optional[int] = None,
            target: str = "host", layout: str = "automatic", flash_budget=None, ram_budget=None, X_test=None,
            y_test=None, n_vectors=None, **_) -> Result:
    if pipeline is not est:
        raise ConversionError(f"a {type(est).__name__} in a Pipeline is not supported; convert it alone and transform "
                              "the inputs before predict")
    m = from_sklearn(est, scaling)
    n, k = m.n_features, len(m.means)
    if feature_bits not in (None, 0):
        raise ConversionError(f"{type(est).__name__} takes float inputs: use feature_bits=0 (or leave it unset)")
    X = None if X_sample is None else np.asarray(X_sample, dtype=np.float64)
    if X is not None:
        model_io.check_samples(X, n)
    model_io.check_width(X_test, n)
    _check(m, est, [a for a in (X, X_test) if a is not None])
    means, roots = emit.arrays(m)
    terms = int(np.count_nonzero(roots))
    data = 4 * (means.size + roots.size)
    fp = footprint.mixture(k, terms, data, target, layout)
    const = 4 * k if m.kind == "gaussian_mixture" else 0
    chosen, flash = fp.chosen, fp.flash + const
    ram = 4 * (n + k) + (4 * k if m.kind == "gaussian_mixture" else 0) + TARGETS[target]["call_frame"]
    check_budget(name, target, chosen, flash, ram, flash_budget, ram_budget, advice="fewer features or components",
                 other_flash=fp.other + const)

    def reference(Xd):
        if m.kind == "elliptic_envelope":
            return {"class": (np.asarray(est.predict(Xd)) == 1).astype(np.int64),
                    "score": est.decision_function(Xd)[:, None], "value": est.score_samples(Xd)}
        return {"class": np.asarray(est.predict(Xd)), "proba": est.predict_proba(Xd), "value": est.score_samples(Xd)}
    vectors = None if X_test is None else model_io.vectors_header(name, FeatureMap(0), np.asarray(X_test), reference,
                                                                  m.classes, y_test, n_vectors)
    header, vec = model_io.write(out_dir, name, emit.header(m, name), vectors)
    return Result(header, vec, chosen, flash, ram, terms, fp.reason)
