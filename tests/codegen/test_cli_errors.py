"""Every CLI failure is one line on stderr, exit status 2, and writes nothing (issue 15, item 4);
--help lists the model kinds and every option; --vectors works for an XGBoost model file."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
PY = "/usr/bin/python3"
ENV = dict(os.environ, PYTHONPATH=str(ROOT / "codegen"))


def cli(*args, cwd=None):
    return subprocess.run([PY, "-m", "ctml_codegen", *map(str, args)], capture_output=True, text=True, env=ENV, cwd=cwd)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    import xgboost as xgb
    from sklearn.datasets import load_iris
    d = tmp_path_factory.mktemp("cli")
    X, y = load_iris(return_X_y=True)
    m = xgb.XGBClassifier(n_estimators=5, max_depth=2, random_state=0, n_jobs=1).fit(X, y)
    m.save_model(d / "iris.json")
    m.save_model(d / "iris.ubj")
    np.savez(d / "test.npz", X=X[::5], y=y[::5])
    return d, m, X[::5]


def failure(r, out: Path, *words):
    assert r.returncode == 2, (r.returncode, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ctml codegen: error:"), r.stderr
    assert "Traceback" not in r.stderr and not out.exists()
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


def test_vectors_work_for_an_xgboost_model_file(files):
    d, m, X = files
    for ext in ("json", "ubj"):
        r = cli("convert", d / f"iris.{ext}", "--name", f"iris_{ext}", "--feature-bits", "0",
                "--vectors", d / "test.npz", "--out", d / f"ok_{ext}")
        assert r.returncode == 0, r.stderr
        text = (d / f"ok_{ext}" / f"iris_{ext}_vectors.hpp").read_text()
        expected = text.split("expected_class[30] = {", 1)[1].split("}", 1)[0]
        assert [int(v) for v in expected.replace("\n", " ").split(",")] == m.predict(X).tolist()


def test_an_xgboost_gblinear_file_converts_through_the_linear_family(files):
    import xgboost as xgb
    from sklearn.datasets import load_iris
    d, _, X = files
    Xa, y = load_iris(return_X_y=True)
    m = xgb.XGBClassifier(booster="gblinear", n_estimators=10, random_state=0, n_jobs=1).fit(Xa, y)
    m.save_model(d / "gblinear.json")
    r = cli("convert", d / "gblinear.json", "--name", "gbl", "--feature-bits", "0", "--vectors", d / "test.npz",
            "--out", d / "ok_gbl")
    assert r.returncode == 0, r.stderr
    header = (d / "ok_gbl" / "gbl.hpp").read_text()
    assert "booster='gblinear'" in header and "ctml/linear/" in header
    text = (d / "ok_gbl" / "gbl_vectors.hpp").read_text()
    expected = text.split("expected_class[30] = {", 1)[1].split("}", 1)[0]
    assert [int(v) for v in expected.replace("\n", " ").split(",")] == m.predict(X).tolist()


@pytest.mark.parametrize("cut", [40, 300, 2000])
def test_a_truncated_xgboost_file_is_one_clear_error(files, cut):
    d, _, _ = files
    for ext in ("json", "ubj"):
        bad = d / f"cut{cut}.{ext}"
        bad.write_bytes((d / f"iris.{ext}").read_bytes()[:cut])
        out = d / f"out_cut{cut}_{ext}"
        line = failure(cli("convert", bad, "--name", "m", "--out", out), out, "not a valid XGBoost model file")
        assert "map::at" not in line and "basic_string" not in line and "[bt]" not in line


def test_xgboost_internal_messages_become_a_message_about_the_file(files):
    import json
    d, _, _ = files
    doc = json.loads((d / "iris.json").read_text())
    del doc["learner"]["gradient_booster"]["model"]["trees"][0]["split_conditions"]
    bad = d / "edited.json"
    bad.write_text(json.dumps(doc))
    out = d / "out_edited"
    failure(cli("convert", bad, "--name", "m", "--out", out), out, "missing, damaged or cut off")
    (d / "nolearner.json").write_text('{"version": [1, 7, 0]}')
    failure(cli("convert", d / "nolearner.json", "--name", "m", "--out", out), out, "'learner'")


def test_out_naming_a_file(files):
    d, _, _ = files
    f = d / "a_file"
    f.write_text("keep me")
    r = cli("convert", d / "iris.json", "--name", "m", "--out", f)
    failure(r, d / "never", "is a file")
    assert f.read_text() == "keep me"


@pytest.mark.parametrize("name", ["class", "int", "namespace", "2fast", "Model", "a__b", "with-dash"])
def test_names_that_are_not_cpp_identifiers(files, name):
    d, _, _ = files
    out = d / f"out_name_{abs(hash(name))}"
    failure(cli("convert", d / "iris.json", "--name", name, "--out", out), out, repr(name))


@pytest.mark.parametrize("args", [["--layout", "bogus"], ["--vectors", "missing.npz"], ["--target", "z80"],
                                  ["--feature-bits", "7"], ["--softmax"]])
def test_bad_options(files, args):
    d, _, _ = files
    out = d / "out_opts"
    failure(cli("convert", d / "iris.json", "--name", "m", "--out", out, *args), out)


def test_help_lists_the_model_kinds_every_option_and_the_version():
    top = cli("--help").stdout
    assert "--version" in top and "XGBoost" in top and "TFLite" in top and "ONNX" in top
    h = cli("convert", "--help").stdout
    for opt in ("--name", "--out", "--allow-pickle", "--feature-bits", "--sample", "--vectors", "--target", "--layout",
                "--flash-budget", "--ram-budget", "--drop-last", "--float-network", "--softmax", "--no-softmax", "--test-codes",
                "--tflite-softmax"):
        assert opt in h, opt
    assert "unrolled" in h and "LightGBM" in h
    v = cli("--version")
    assert v.returncode == 0 and v.stdout.startswith("ctml codegen 0.1")


@pytest.mark.parametrize("cxx", ["g++", "clang++-14"])
def test_a_header_below_cpp20_gives_one_readable_error(tmp_path, cxx):
    import shutil
    if shutil.which(cxx) is None:
        pytest.skip(f"{cxx} is not installed")
    for header in sorted((ROOT / "models").glob("*.hpp")):
        src = tmp_path / "old.cpp"
        src.write_text(f'#include "{header.name}"\n')
        r = subprocess.run([cxx, "-std=c++17", "-fsyntax-only", f"-I{ROOT / 'include'}", f"-I{ROOT / 'models'}", str(src)],
                           capture_output=True, text=True)
        errors = [l for l in r.stderr.splitlines() if "error" in l]
        assert r.returncode != 0 and "ctml needs C++20" in errors[0], (header.name, r.stderr[:500])
        assert len(r.stderr.splitlines()) <= 15, (header.name, len(r.stderr.splitlines()))


def test_float_network_writes_the_float_header_and_it_gives_scikit_learns_classes(tmp_path):
    """--float-network: the CLI writes <name>_float.hpp (the API's float_path); compiled and run on
    the host over held-out digits, its classes are scikit-learn's own predict."""
    import pickle
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier
    X, y = load_digits(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=0)
    mlp = MLPClassifier(hidden_layer_sizes=(8,), random_state=0, max_iter=300).fit(Xtr, ytr)
    (tmp_path / "mlp.pkl").write_bytes(pickle.dumps(mlp))
    np.save(tmp_path / "sample.npy", Xtr)
    np.savez(tmp_path / "test.npz", X=Xte, y=yte)
    out = tmp_path / "models"
    r = cli("convert", tmp_path / "mlp.pkl", "--allow-pickle", "--name", "cli_mlp", "--out", out, "--sample",
            tmp_path / "sample.npy", "--vectors", tmp_path / "test.npz", "--float-network")
    assert r.returncode == 0, r.stderr
    assert (out / "cli_mlp_float.hpp").exists() and (out / "cli_mlp_float_vectors.hpp").exists(), r.stdout
    src = tmp_path / "run.cpp"
    src.write_text('#include <cstdio>\n#include "cli_mlp_float.hpp"\n#include "cli_mlp_float_vectors.hpp"\n'
                   "int main() {\n  using M = ctml_models::cli_mlp_float; using V = ctml_models::cli_mlp_float_vectors;\n"
                   "  int same = 0;\n  for (std::size_t i = 0; i < V::n_samples; ++i) {\n    M::input_type x{};\n"
                   "    for (std::size_t j = 0; j < M::n_features; ++j) x[j] = V::inputs[i][j];\n"
                   "    same += M::predict(x) == V::expected_class[i];\n  }\n"
                   '  std::printf("%d/%d\\n", same, int(V::n_samples));\n  return same == int(V::n_samples) ? 0 : 1;\n}\n')
    exe = tmp_path / "run"
    c = subprocess.run(["g++", "-std=c++20", "-O1", f"-I{ROOT / 'include'}", f"-I{out}", str(src), "-o", str(exe)],
                       capture_output=True, text=True)
    assert c.returncode == 0, c.stderr[:3000]
    run = subprocess.run([str(exe)], capture_output=True, text=True)
    assert run.returncode == 0, f"float network vs scikit-learn: {run.stdout.strip()}"
    # expected_class is scikit-learn's own predict on those inputs
    import re
    text = (out / "cli_mlp_float_vectors.hpp").read_text()
    got = [int(v) for v in re.search(r"expected_class\[\d+\] = \{([^}]*)\}", text).group(1).split(",")]
    assert got == [list(mlp.classes_).index(p) for p in mlp.predict(Xte)]


def test_float_network_is_refused_for_other_models(files):
    d, _, _ = files
    out = d / "out_float_net"
    failure(cli("convert", d / "iris.json", "--name", "m", "--out", out, "--float-network"), out, "--float-network")
