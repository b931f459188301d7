"""The families: one module per model family, each running frontend -> IR -> quantize -> emit for
its estimators and writing the files. trees.py takes every estimator no other family claims (tree
ensembles); every other family is a module with `SUPPORTED` (estimator class names) and
`convert(est, name, out_dir, *, pipeline, scaling, **options)`; network.py is convert_network.

A family adds one line to FAMILIES; api.convert looks the final estimator of a Pipeline up here and
passes the Pipeline's scaling (frontends.sklearn_pipeline.InputScaling or None) along, so the family
folds it.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

# (module under ctml_codegen.families, human-readable family name)
FAMILIES: tuple[tuple[str, str], ...] = (
    ("linear", "linear models"),
    ("bayes", "naive Bayes"),
    ("neighbors", "nearest neighbours"),
    ("svm", "kernel machines (SVM, RVM)"),
    ("mixture", "Gaussian mixtures and the elliptic envelope"),
)


@dataclass(frozen=True)
class Result:
    """What convert wrote and the figures it chose: layout, flash estimate, RAM, and the model's size
    in its family's unit (nodes, weights, support vectors, training samples)."""
    header: Path
    vectors: Optional[Path]
    layout: str
    flash_estimate: int
    ram_bytes: int
    nodes: int
    reason: str = ""        # which layout automatic picked and why (one line; emit/footprint.py)


def find(est):
    """The family module that converts est's class, or None."""
    cls = type(est).__name__
    for module, _ in FAMILIES:
        mod = importlib.import_module(f"ctml_codegen.families.{module}")
        if cls in mod.SUPPORTED:
            return mod
    return None


def supported() -> list[str]:
    """Every estimator class name a family converts."""
    names: list[str] = []
    for module, _ in FAMILIES:
        names.extend(importlib.import_module(f"ctml_codegen.families.{module}").SUPPORTED)
    return names
