"""Misuse at compile time (issue 15, item 5): a C array, a std::vector or an array of the wrong
element type passed to predict, for a model of every family in models/ (trees, forest, network
int8 and float, Gaussian NB, linear, SVM), gives a readable static_assert as the FIRST error line,
with g++ and clang. The lines of compiler output per misuse are printed (pytest -s) and bounded
generously (they are compiler-version dependent, not a measurement)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Every bundled model, plus fixtures of the families models/ lacks: float networks, a regressor
# network, k-NN, a Gaussian mixture and an elliptic envelope.
MODELS = sorted(p.stem for p in (ROOT / "models").glob("*.hpp")) + \
    ["digits_mlp_float", "digits_cnn_float", "regression_mlp_float", "diabetes_knn", "iris_gmm", "wine_ee"]
MISUSE = {
    "c_array": ("typename M::input_type::value_type x[M::n_features]{};", "not a C array"),
    "vector": ("std::vector<typename M::input_type::value_type> x(M::n_features);", "std::vector"),
    "wrong_type": ("std::array<double, M::n_features> x{};", "wrong input element type"),
    "wrong_count": ("std::array<typename M::input_type::value_type, M::n_features + 1> x{};", "wrong feature count"),
}
MAX_LINES = 60  # today 18-20 (g++ 12) and 28-32 (clang 14) lines


@pytest.mark.parametrize("cxx", ["g++", "clang++-14"])
@pytest.mark.parametrize("misuse", sorted(MISUSE))
def test_misuse_gives_the_readable_static_assert_first(tmp_path, cxx, misuse):
    if shutil.which(cxx) is None:
        pytest.skip(f"{cxx} is not installed")
    decl, words = MISUSE[misuse]
    counts = {}
    for model in MODELS:
        src = tmp_path / f"{model}.cpp"
        src.write_text(f'#include <array>\n#include <vector>\n#include "{model}.hpp"\n'
                       f"template <class M> int use() {{ {decl} return static_cast<int>(M::predict(x)); }}\n"
                       f"int main() {{ return use<ctml_models::{model}>(); }}\n")
        r = subprocess.run([cxx, "-std=c++20", "-fsyntax-only", f"-I{ROOT / 'include'}", f"-I{ROOT / 'models'}",
                            f"-I{ROOT / 'tests' / 'fixtures'}", str(src)],
                           capture_output=True, text=True)
        errors = [l for l in r.stderr.splitlines() if "error" in l]
        assert r.returncode != 0 and errors, (model, "compiled")
        assert "ctml:" in errors[0] and words in errors[0], (model, errors[0])
        counts[model] = len(r.stderr.splitlines())
        assert counts[model] <= MAX_LINES, (model, counts[model], r.stderr)
    print(f"\n{cxx} {misuse}: lines of output per model: {counts}")


# The entry points besides predict: each model that has one gives the same readable error for a
# wrong input (a model without it is skipped through the requires-expression, and each entry point
# must be found on at least one model).
OTHER_CALLS = ["predict_proba", "decision_function", "score_samples", "logits", "probabilities"]


@pytest.mark.parametrize("cxx", ["g++", "clang++-14"])
@pytest.mark.parametrize("call", OTHER_CALLS)
def test_every_entry_point_gives_the_readable_static_assert_first(tmp_path, cxx, call):
    if shutil.which(cxx) is None:
        pytest.skip(f"{cxx} is not installed")
    checked = []
    for model in MODELS + ["breast_cancer_if", "breast_cancer_ocsvm", "breast_cancer_gb", "diabetes_ridge"]:
        for misuse in ("c_array", "vector", "wrong_count"):
            decl, words = MISUSE[misuse]
            src = tmp_path / f"{model}_{misuse}.cpp"
            src.write_text(f'#include <array>\n#include <vector>\n#include "{model}.hpp"\n'
                           f"template <class M> int use() {{ {decl}\n"
                           f"  if constexpr (requires(const typename M::input_type& i) {{ M::{call}(i); }}) {{\n"
                           f"    (void)M::{call}(x); return 1; }} else return 0; }}\n"
                           f"int main() {{ return use<ctml_models::{model}>(); }}\n")
            r = subprocess.run([cxx, "-std=c++20", "-fsyntax-only", f"-I{ROOT / 'include'}", f"-I{ROOT / 'models'}",
                                f"-I{ROOT / 'tests' / 'fixtures'}", str(src)], capture_output=True, text=True)
            if r.returncode == 0:
                break   # the model has no such entry point
            errors = [l for l in r.stderr.splitlines() if "error" in l]
            assert errors and "ctml:" in errors[0] and words in errors[0], (model, call, misuse, errors[:2])
            assert len(r.stderr.splitlines()) <= MAX_LINES, (model, call, misuse, r.stderr)
            checked.append(f"{model}/{misuse}")
    assert checked, f"no model has {call}"
    print(f"\n{cxx} {call}: {len(checked)} misuses checked")
