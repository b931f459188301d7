"""scikit-learn's GaussianMixture, BayesianGaussianMixture and EllipticEnvelope to the Mixture IR.

Every covariance type becomes one dense square root U_k of each component's precision, so that
the quadratic part of the log-density is |(x - mean_k) U_k|^2: precisions_cholesky_ as it is for
'full', repeated for 'tied', diagonal for 'diag' and 'spherical'. The constant part of each
component's weighted log-probability (log weight, log det, the Bayesian mixture's digamma terms) is
read off scikit-learn's own _estimate_weighted_log_prob at x = mean_k, where the quadratic part is
zero. EllipticEnvelope: the Cholesky factor of precision_ (refused when it is not positive definite)."""
from __future__ import annotations

import numpy as np

from ..errors import ConversionError
from ..ir.common import Source
from ..ir.families import Mixture, check_all_finite

SUPPORTED = ("GaussianMixture", "BayesianGaussianMixture", "EllipticEnvelope")


def _fitted(est) -> None:
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted
    try:
        check_is_fitted(est)
    except NotFittedError as e:
        raise ConversionError(f"the {type(est).__name__} is not fitted; call fit() before converting") from e


def _roots(est) -> np.ndarray:
    k, n = est.means_.shape
    pc = np.asarray(est.precisions_cholesky_, dtype=np.float64)
    kind = est.covariance_type
    if kind == "full":
        return pc
    if kind == "tied":
        return np.repeat(pc[None, :, :], k, axis=0)
    if kind == "diag":
        return np.stack([np.diag(pc[c]) for c in range(k)])
    if kind == "spherical":
        return np.stack([np.eye(n) * pc[c] for c in range(k)])
    raise ConversionError(f"covariance_type={kind!r} is not supported; use 'full', 'tied', 'diag' or 'spherical'")


def from_sklearn(est, scaling=None) -> Mixture:
    import sklearn
    name = type(est).__name__
    if name not in SUPPORTED:
        raise ConversionError(f"{name} is not a mixture model; supported: {', '.join(SUPPORTED)}")
    if scaling is not None:
        raise ConversionError(f"a {name} behind a scaler is not supported; convert the {name} alone and scale the "
                              "inputs before predict")
    _fitted(est)
    if name == "EllipticEnvelope":
        loc = np.asarray(est.location_, dtype=np.float64)
        prec = np.asarray(est.precision_, dtype=np.float64)
        check_all_finite(name, loc, prec)
        try:
            root = np.linalg.cholesky(prec)   # prec = L L^T, so (x - loc)^T prec (x - loc) = |(x - loc) L|^2
        except np.linalg.LinAlgError as e:
            raise ConversionError("the EllipticEnvelope's precision is not positive definite; refit it with more "
                                  "samples or support_fraction=1") from e
        src = Source(f"scikit-learn {sklearn.__version__}",
                     f"EllipticEnvelope(contamination={est.contamination!r}, support_fraction={est.support_fraction!r})")
        return Mixture("elliptic_envelope", (tuple(loc.tolist()),), (tuple(map(tuple, root.tolist())),), (0.0,), src,
                       float(est.offset_), (-1, 1))
    means = np.asarray(est.means_, dtype=np.float64)
    roots = _roots(est)
    const = np.array([est._estimate_weighted_log_prob(means[c:c + 1])[0, c] for c in range(len(means))])
    check_all_finite(name, means, roots, const)
    src = Source(f"scikit-learn {sklearn.__version__}",
                 f"{name}(n_components={len(means)}, covariance_type={est.covariance_type!r})")
    return Mixture("gaussian_mixture", tuple(map(tuple, means.tolist())),
                   tuple(tuple(map(tuple, r.tolist())) for r in roots), tuple(const.tolist()), src,
                   classes=tuple(range(len(means))))
