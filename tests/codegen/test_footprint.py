"""The footprint codegen reports is the one the C++ model type reports: the same per-target code-size
table (include/ctml/platform/code_size.hpp vs emit/footprint.py), the same units counted from the
model (checked by compiling flash_bytes against codegen's figure), the layout automatic picks, and
budget messages that state the figures and give advice that applies. How close both are to the
linker's figure is bench/harness.py --check's job (it builds and links every model)."""
from __future__ import annotations

import re
import shutil
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn import datasets, ensemble, linear_model, naive_bayes, neighbors, svm

from ctml_codegen import ConversionError, convert
from ctml_codegen.emit import footprint

ROOT = Path(__file__).resolve().parents[2]
PY = "/usr/bin/python3"


def cpp_costs() -> dict:
    """The rows of code_size.hpp, parsed into footprint.COSTS's shape."""
    text = (ROOT / "include/ctml/platform/code_size.hpp").read_text()
    rows = {}
    for isa, body in re.findall(r"costs_of<isa::(\w+)> = \{(.*?)\n\};", text, re.S):
        row = {}
        for fam, u_fixed, u_per, t_fixed, t_per in re.findall(
                r"\.(\w+) = \{\{(\d+), \{([\d, ]*)\}\}, \{(\d+), \{([\d, ]*)\}\}\}", body):
            nums = lambda s: tuple(int(v) for v in s.replace(" ", "").split(",") if v)
            row[fam] = {"unrolled": (int(u_fixed), nums(u_per)), "table": (int(t_fixed), nums(t_per))}
        for fam, fixed, per in re.findall(r"\.(network\w*) = \{(\d+), \{([\d, ]*)\}\}", body):
            row[fam] = (int(fixed), tuple(int(v) for v in per.replace(" ", "").split(",") if v))
        rows[isa] = row
    return rows


def pad(cost):
    fixed, per = cost
    return fixed, tuple(per) + (0,) * (7 - len(per))


def test_codegen_and_cpp_share_one_code_size_table():
    cpp = cpp_costs()
    assert set(cpp) >= {"avr", "armv7em", "armv7m"}
    for isa, row in cpp.items():
        py = footprint.COSTS[isa]
        assert set(row) == set(py), isa
        for fam, cost in row.items():
            if fam.startswith("network"):
                assert pad(cost) == pad(py[fam]), (isa, fam)
            else:
                for layout in ("unrolled", "table"):
                    assert pad(cost[layout]) == pad(py[fam][layout]), (isa, fam, layout)


def _fitted():
    warnings.filterwarnings("ignore")
    Xb, yb = datasets.load_breast_cancer(return_X_y=True)
    Xi, yi = datasets.load_iris(return_X_y=True)
    Xd, yd = datasets.load_diabetes(return_X_y=True)
    return [
        ("fp_rf", ensemble.RandomForestClassifier(n_estimators=5, max_depth=4, random_state=0).fit(Xb, yb), Xb, {"feature_bits": 16}),
        ("fp_gb", ensemble.GradientBoostingRegressor(n_estimators=8, max_depth=3, random_state=0).fit(Xd, yd), Xd, {"feature_bits": 16}),
        ("fp_if", ensemble.IsolationForest(n_estimators=5, random_state=0).fit(Xb), Xb, {"feature_bits": 16}),
        ("fp_logit", linear_model.LogisticRegression(max_iter=3000).fit(Xi, yi), Xi, {"feature_bits": 16}),
        ("fp_lasso", linear_model.Lasso(alpha=0.5).fit(Xd, yd), Xd, {"feature_bits": 16}),
        ("fp_svc", svm.SVC().fit(Xi, yi), Xi, {"feature_bits": 16}),
        ("fp_knn", neighbors.KNeighborsClassifier().fit(Xi, yi), Xi, {"feature_bits": 8}),
        ("fp_gnb", naive_bayes.GaussianNB().fit(Xi, yi), Xi, {"feature_bits": 16}),
    ]


@pytest.mark.skipif(shutil.which("g++") is None, reason="needs g++ to compile the headers")
def test_cpp_flash_bytes_is_codegens_estimate_for_every_family_and_layout(tmp_path):
    """The host row: the C++ type counts the same units as codegen (both layouts, every family)."""
    checks = []
    for name, est, X, opts in _fitted():
        for layout in ("unrolled", "table"):
            r = convert(est, name, tmp_path, X_sample=X, target="host", layout=layout, **opts)
            checks.append(f"static_assert(ctml_models::{name}_t<ctml::layout::{layout}>::flash_bytes == {r.flash_estimate});")
    src = tmp_path / "check.cpp"
    src.write_text("".join(f'#include "{n}.hpp"\n' for n, *_ in _fitted()) + "\n".join(checks) + "\nint main() {}\n")
    run = subprocess.run(["g++", "-std=c++20", "-fsyntax-only", f"-I{ROOT / 'include'}", f"-I{tmp_path}", str(src)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[:3000]


def test_automatic_never_picks_a_layout_over_the_avr_flash():
    """The issue's case: LogisticRegression on digits (64 x 10) for AVR was an unrolled 39.6 KB
    model for a 32 KB part; automatic now picks the table layout and says why."""
    warnings.filterwarnings("ignore")
    X, y = datasets.load_digits(return_X_y=True)
    est = linear_model.LogisticRegression(max_iter=300).fit(X, y)
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        r = convert(est, "digits_logit", d, X_sample=X, target="avr")
    assert r.layout == "table" and r.flash_estimate < 32768
    assert "unrolled would take" in r.reason and "over the" in r.reason


def test_a_table_model_over_budget_is_not_told_to_use_the_table_layout(tmp_path):
    X, y = datasets.load_digits(return_X_y=True)
    est = ensemble.RandomForestClassifier(n_estimators=100, max_depth=10, random_state=0).fit(X, y)
    with pytest.raises(ConversionError) as e:
        convert(est, "big", tmp_path, X_sample=X, target="avr")
    msg = str(e.value)
    assert re.search(r"needs about \d+ B of flash on avr \(code \+ constants, table layout", msg)
    assert "budget is 32768 B" in msg and "table layout (" not in msg and "use the table" not in msg
    assert not list(tmp_path.iterdir())


def test_an_unrolled_model_over_budget_is_told_the_table_layouts_figure(tmp_path):
    X, y = datasets.load_digits(return_X_y=True)
    est = ensemble.RandomForestClassifier(n_estimators=20, max_depth=8, random_state=0).fit(X, y)
    with pytest.raises(ConversionError, match=r"unrolled layout.*use the table layout \(\d+ B\)"):
        convert(est, "rf", tmp_path, X_sample=X, target="avr", layout="unrolled", flash_budget=28000)
    assert not list(tmp_path.iterdir())


def test_cli_says_which_layout_automatic_picked_and_why(tmp_path):
    X, y = datasets.load_iris(return_X_y=True)
    np.savez(tmp_path / "s.npz", X=X)
    import xgboost as xgb
    xgb.XGBClassifier(n_estimators=5, max_depth=2, n_jobs=1).fit(X, y).save_model(str(tmp_path / "m.json"))
    run = subprocess.run([PY, "-m", "ctml_codegen", "convert", str(tmp_path / "m.json"), "--name", "m", "--out",
                          str(tmp_path / "out"), "--target", "avr", "--sample", str(tmp_path / "s.npz")],
                         capture_output=True, text=True, env={"PYTHONPATH": str(ROOT / "codegen")})
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert any(re.fullmatch(r"layout: automatic: unrolled \(\d+ B of flash on avr, within the 24576 B limit; table \d+ B\)", l)
               for l in lines), run.stdout
