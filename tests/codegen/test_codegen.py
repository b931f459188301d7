"""Codegen: reproducible output, exact threshold mapping, and clear errors that write nothing."""
from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn import datasets, ensemble, tree
from sklearn.model_selection import train_test_split

from ctml_codegen import ConversionError, convert
from ctml_codegen.quantize.features import FeatureMap, choose, map_threshold

ROOT = Path(__file__).resolve().parents[2]
PY = "/usr/bin/python3"
sys.path.insert(0, str(ROOT / "examples"))
import layout  # noqa: E402  (examples/layout.py: models/ for the examples, tests/fixtures/ for the rest)


def bc():
    X, y = datasets.load_breast_cancer(return_X_y=True)
    return train_test_split(X, y, test_size=0.25, random_state=0)


def test_every_checked_in_header_is_in_its_home():
    for d in (ROOT / "models", ROOT / "tests" / "fixtures"):
        for p in d.glob("*.hpp"):
            assert layout.home(p.name) == d, f"{p.name} belongs in {layout.home(p.name)}"
    assert sorted(p.stem for p in (ROOT / "models").glob("*.hpp")) == sorted(layout.EXAMPLES)


def test_regenerating_the_checked_in_models_changes_no_byte(tmp_path):
    subprocess.run([PY, str(ROOT / "examples" / "make_models.py"), "--out", str(tmp_path)], check=True,
                   capture_output=True)
    produced = sorted(p.name for p in tmp_path.glob("*.hpp"))
    assert produced, "no headers produced"
    for name in produced:
        assert (tmp_path / name).read_bytes() == (layout.home(name) / name).read_bytes(), f"{name} differs"


def test_regenerating_the_learning_streams_changes_no_byte(tmp_path):
    subprocess.run([PY, str(ROOT / "examples" / "make_streams.py"), "--out", str(tmp_path)], check=True,
                   capture_output=True)
    produced = sorted(p.name for p in tmp_path.glob("*.hpp"))
    assert produced == ["breast_cancer_stream.hpp", "digits_stream.hpp"]
    for name in produced:
        assert (tmp_path / name).read_bytes() == (layout.home(name) / name).read_bytes(), f"{name} differs"


@pytest.mark.parametrize("bits", [8, 16])
def test_integer_thresholds_decide_exactly_like_the_real_threshold(bits):
    rng = np.random.RandomState(0)
    thresholds = sorted(rng.uniform(-50, 50, size=40).tolist())
    fm = choose([thresholds], bits, None)
    codes = np.arange(fm.qmin, fm.qmax + 1)
    real = fm.dequantize(codes.reshape(-1, 1))[:, 0]
    for t in thresholds:
        m = map_threshold(fm, 0, t)
        assert m[0] == "cmp"
        assert np.array_equal(codes <= m[1], real.astype(np.float64) <= t)


def test_float_thresholds_round_down_to_float32():
    fm = FeatureMap(0)
    t = 0.1  # not a float32
    m = map_threshold(fm, 0, t)
    assert np.float32(m[1]) <= t < np.nextafter(np.float32(m[1]), np.float32(1))


def test_integer_valued_samples_get_lossless_int8_codes():
    X, _ = datasets.load_digits(return_X_y=True)
    fm = choose([[0.5]] * 64, None, X)
    assert fm.bits == 8 and set(fm.scale) == {1.0} and set(fm.offset) == {0.0}
    assert np.array_equal(fm.quantize(X), X.astype(np.int8))


def test_quantizer_matches_float32_device_rule():
    fm = FeatureMap(16, (1.0,), (0.5,))
    x = np.array([[1.25], [0.75], [np.nan], [1e30], [-1e30]], dtype=np.float32)
    assert fm.quantize(x)[:, 0].tolist() == [1, -1, -32768, 32767, -32768]


def test_unsupported_estimator_names_the_supported_ones(tmp_path):
    Xtr, _, ytr, _ = bc()
    from sklearn.discriminant_analysis import QuadraticDiscriminantAnalysis
    est = QuadraticDiscriminantAnalysis().fit(Xtr, ytr)
    with pytest.raises(ConversionError, match="RandomForestClassifier.*LinearSVC"):
        convert(est, "p", tmp_path)
    assert not list(tmp_path.iterdir())


def test_unfitted_model_is_refused(tmp_path):
    with pytest.raises(ConversionError, match="not fitted"):
        convert(ensemble.RandomForestClassifier(), "rf", tmp_path)
    assert not list(tmp_path.iterdir())


def test_nan_in_the_model_is_refused(tmp_path):
    Xtr, _, ytr, _ = bc()
    est = tree.DecisionTreeRegressor(max_depth=3, random_state=0).fit(Xtr, ytr)
    est.tree_.value[est.tree_.children_left == -1][0]  # leaves exist
    leaf = int(np.flatnonzero(est.tree_.children_left == -1)[0])
    est.tree_.value[leaf, 0, 0] = np.nan
    with pytest.raises(ConversionError, match="NaN"):
        convert(est, "bad", tmp_path)
    assert not list(tmp_path.iterdir())


def test_feature_count_mismatch_is_refused(tmp_path):
    Xtr, Xte, ytr, _ = bc()
    est = tree.DecisionTreeClassifier(max_depth=3, random_state=0).fit(Xtr, ytr)
    with pytest.raises(ConversionError, match="30"):
        convert(est, "dt", tmp_path, X_test=Xte[:, :10])
    assert not list(tmp_path.iterdir())


def test_model_over_the_avr_flash_budget_prints_the_figures(tmp_path):
    X, y = datasets.load_digits(return_X_y=True)
    est = ensemble.RandomForestClassifier(n_estimators=100, max_depth=10, random_state=0).fit(X, y)
    with pytest.raises(ConversionError, match=r"needs about \d+ B of flash on avr .* budget is 32768 B"):
        convert(est, "big", tmp_path, X_sample=X, target="avr")
    assert not list(tmp_path.iterdir())


def test_cli_refuses_pickles_without_the_flag_and_converts_with_it(tmp_path):
    Xtr, _, ytr, _ = bc()
    est = tree.DecisionTreeClassifier(max_depth=3, random_state=0).fit(Xtr, ytr)
    pkl = tmp_path / "dt.pkl"
    pkl.write_bytes(pickle.dumps(est))
    env = {"PYTHONPATH": str(ROOT / "codegen")}
    run = lambda *a: subprocess.run([PY, "-m", "ctml_codegen", "convert", str(pkl), "--name", "dt",
                                     "--out", str(tmp_path / "out"), *a], capture_output=True, text=True, env=env)
    r = run()
    assert r.returncode == 2 and "--allow-pickle" in r.stderr and not (tmp_path / "out").exists()
    r = run("--allow-pickle")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out" / "dt.hpp").exists()
    h = subprocess.run([PY, "-m", "ctml_codegen", "convert", "--help"], capture_output=True, text=True, env=env)
    assert "runs code" in h.stdout


def test_cli_reports_a_malformed_model_file(tmp_path):
    bad = tmp_path / "m.json"
    bad.write_text("{not json")
    r = subprocess.run([PY, "-m", "ctml_codegen", "convert", str(bad), "--name", "m", "--out", str(tmp_path / "o")],
                       capture_output=True, text=True, env={"PYTHONPATH": str(ROOT / "codegen")})
    assert r.returncode == 2 and "not a valid XGBoost model" in r.stderr
    assert not (tmp_path / "o").exists()


def test_forest_votes_reproduce_scikit_learn_argmax_on_held_out_data():
    """One byte of votes per class and tree gives scikit-learn's class on every held-out sample,
    and the IR walk itself reproduces scikit-learn's probabilities."""
    from ctml_codegen import to_ir
    from ctml_codegen.emit.trees import leaf_payloads, lower, vote_disagreements
    X, y = datasets.load_digits(return_X_y=True)
    Xtr, Xte, ytr, _ = train_test_split(X, y, test_size=0.25, random_state=0)
    est = ensemble.RandomForestClassifier(n_estimators=20, max_depth=8, random_state=0).fit(Xtr, ytr)
    forest = to_ir(est)
    lw = lower(forest, choose([[]] * 64, None, Xtr))
    assert lw.codes["scale"] == 255 and lw.codes["dists"]
    Xte32 = Xte.astype(np.float32)
    mean = np.mean([np.array(leaf_payloads(t, Xte32)) for t in forest.trees], axis=0)
    assert np.allclose(mean, est.predict_proba(Xte32))
    assert vote_disagreements(forest, lw.codes["scale"], Xte32) == 0
    # A coarse scale is caught: with 3 votes per tree some samples change class.
    assert vote_disagreements(forest, 3, Xte32) > 0
