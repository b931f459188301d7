"""The Python API: convert a fitted estimator into models/<name>.hpp (+ <name>_vectors.hpp).

convert() validates the request and hands the estimator to its family (families/): the family runs
frontend -> IR -> quantize -> emit and writes the files all-or-nothing."""
from __future__ import annotations

import re
from typing import Optional

from . import families
from .errors import ConversionError, numpy_defaults
from .families import Result
from .targets import TARGETS

__all__ = ["Result", "convert"]


@numpy_defaults
def convert(est, name: str, out_dir="models", *, X_sample=None, feature_bits: Optional[int] = None,
            vote_bits: int = 8, target: str = "host", layout: str = "automatic",
            flash_budget: Optional[int] = None, ram_budget: Optional[int] = None,
            X_test=None, y_test=None, n_vectors: Optional[int] = None) -> Result:
    """Converts a fitted estimator and writes models/<name>.hpp (and <name>_vectors.hpp with X_test).

    X_sample: inputs the model will see (e.g. the training set); integer-valued inputs become
    lossless int8/int16 codes. feature_bits: 0 float, 8 or 16 integer codes, None automatic.
    Budgets default to the target's memory (ATmega328P: 32 KB flash, 2 KB RAM).
    """
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ConversionError(f"model name {name!r} must be a lower-case C++ identifier")
    if target not in TARGETS:
        raise ConversionError(f"unknown target {target!r}; choose one of {', '.join(TARGETS)}")
    if layout not in ("automatic", "unrolled", "table"):
        raise ConversionError("layout must be automatic, unrolled or table")
    from .frontends.sklearn_pipeline import split, split_projection
    from .frontends import sklearn_tree_steps, xgboost_linear
    tree_pipeline = sklearn_tree_steps.pipeline_steps(est)
    if tree_pipeline is not None:   # SimpleImputer / KBinsDiscretizer steps fold into a tree model
        steps, final = tree_pipeline
        if families.find(final) is not None or xgboost_linear.is_gblinear(final):
            raise ConversionError(f"SimpleImputer and KBinsDiscretizer steps fold only into tree models, not into "
                                  f"{type(final).__name__}; impute or bin the inputs on the device yourself")
        from .families import trees
        return trees.convert(est, name, out_dir, vote_bits=vote_bits, X_sample=X_sample, feature_bits=feature_bits,
                             target=target, layout=layout, flash_budget=flash_budget, ram_budget=ram_budget,
                             X_test=X_test, y_test=y_test, n_vectors=n_vectors, steps=steps, final=final)
    scaling, projection, final = split_projection(est)
    options = dict(X_sample=X_sample, feature_bits=feature_bits, target=target, layout=layout,
                   flash_budget=flash_budget, ram_budget=ram_budget, X_test=X_test, y_test=y_test, n_vectors=n_vectors)
    family = families.find(final)
    if projection is not None:
        from .families import linear
        if family is not linear:
            split(est)   # refuses the PCA step in one line, naming the estimator
        return linear.convert(final, name, out_dir, pipeline=est, scaling=scaling, projection=projection, **options)
    if family is not None:
        return family.convert(final, name, out_dir, pipeline=est, scaling=scaling, **options)
    if type(final).__name__ in ("VotingRegressor", "StackingRegressor") and type(final).__module__.startswith("sklearn"):
        from .frontends import sklearn_voting
        if sklearn_voting.family(final) == "linear":
            from .families import linear
            model = sklearn_voting.fold_linear(final, scaling)
            return linear.convert_model(model, linear._reference(est, model), name, out_dir, **options)
    if xgboost_linear.is_gblinear(final):
        if final is not est:
            raise ConversionError("an XGBoost model in a Pipeline is not supported: convert the XGBoost model alone")
        from .families import linear
        model, reference = xgboost_linear.from_xgboost(est)
        check = reference.classes if model.kind == "classifier" else None
        return linear.convert_model(model, reference, name, out_dir, check_classes=check, **options)
    if scaling is not None or final is not est:
        raise ConversionError("tree models need no input scaling: convert the Pipeline's final estimator alone")
    from .families import trees
    return trees.convert(est, name, out_dir, vote_bits=vote_bits, **options)
