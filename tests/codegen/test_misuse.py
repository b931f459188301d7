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
# network, k-NN.
MODELS = sorted(p.stem for p in (ROOT / "models").glob("*.hpp")) + \
    ["digits_mlp_float", "digits_cnn_float", "regression_mlp_float", "diabetes_knn"]
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
