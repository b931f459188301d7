"""Which converter handles an estimator: trees live in api.py, every other model family is a module
with `SUPPORTED` (estimator class names) and `convert(est, name, out_dir, *, scaling, **options)`.

A family adds one line to FAMILIES; api.convert looks the final estimator of a Pipeline up here and
passes the Pipeline's scaling (pipeline.InputScaling or None) along, so the family folds it.
"""
from __future__ import annotations

import importlib

# (module under ctml_codegen, human-readable family name)
FAMILIES: tuple[tuple[str, str], ...] = (
    ("family_linear", "linear models"),
    ("family_bayes", "naive Bayes"),
    ("family_neighbors", "nearest neighbours"),
)


def find(est):
    """The family module that converts est's class, or None."""
    cls = type(est).__name__
    for module, _ in FAMILIES:
        mod = importlib.import_module(f"ctml_codegen.{module}")
        if cls in mod.SUPPORTED:
            return mod
    return None


def supported() -> list[str]:
    """Every estimator class name a family converts."""
    names: list[str] = []
    for module, _ in FAMILIES:
        names.extend(importlib.import_module(f"ctml_codegen.{module}").SUPPORTED)
    return names
