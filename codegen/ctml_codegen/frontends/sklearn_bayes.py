"""scikit-learn's GaussianNB to the NaiveBayes IR (theta_, var_ and log(class_prior_) as fitted)."""
from __future__ import annotations

from typing import Optional

import numpy as np

from ..errors import ConversionError
from ..ir.common import Source
from ..ir.families import NaiveBayes, check_all_finite
from ..ir.common import InputScaling

SUPPORTED = ("GaussianNB",)


def from_sklearn(est, scaling: Optional[InputScaling]) -> NaiveBayes:
    import sklearn
    if not hasattr(est, "theta_"):
        raise ConversionError("the GaussianNB is not fitted; fit it before converting")
    theta = np.asarray(est.theta_, dtype=np.float64)
    var = np.asarray(est.var_, dtype=np.float64)
    prior = np.asarray(est.class_prior_, dtype=np.float64)
    check_all_finite("GaussianNB", theta, var)
    if np.any(var <= 0):
        raise ConversionError("the GaussianNB has a zero variance; refit it with var_smoothing > 0")
    if np.any(prior <= 0):
        raise ConversionError("the GaussianNB has a class with prior 0, whose log-likelihood is -inf; "
                              "remove the class or set priors > 0")
    if scaling is not None and len(scaling.offset) != theta.shape[1]:
        raise ConversionError(f"the Pipeline's scaling has {len(scaling.offset)} features but the GaussianNB {theta.shape[1]}")
    classes = tuple(v.item() if hasattr(v, "item") else v for v in est.classes_)
    src = Source(f"scikit-learn {sklearn.__version__}", f"GaussianNB(var_smoothing={est.var_smoothing!r})")
    return NaiveBayes(tuple(map(tuple, theta.tolist())), tuple(map(tuple, var.tolist())),
                      tuple(np.log(prior).tolist()), classes, src, scaling)
