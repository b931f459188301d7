"""Every snippet in README.md works as written: the Python blocks run (in a temporary folder, in
order), and the C++ blocks compile against the headers they wrote, for the host and for AVR."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
PY = "/usr/bin/python3"


def blocks(lang: str) -> list[str]:
    text = (ROOT / "README.md").read_text()
    return re.findall(rf"^```{lang}\n(.*?)^```", text, flags=re.S | re.M)


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("readme")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "codegen"))
    for i, code in enumerate(blocks("python")):
        (tmp / f"snippet{i}.py").write_text(code)
        r = subprocess.run([PY, f"snippet{i}.py"], cwd=tmp, env=env, capture_output=True, text=True)
        assert r.returncode == 0, f"README python block {i} failed:\n{r.stderr}"
    return tmp


def test_readme_has_snippets():
    assert blocks("python") and blocks("cpp")


def compile_cpp(cmd: list[str], tmp: Path) -> None:
    for i, code in enumerate(blocks("cpp")):
        src = tmp / f"snippet{i}.cpp"
        src.write_text(code)
        r = subprocess.run(cmd + [str(src)], capture_output=True, text=True)
        assert r.returncode == 0, f"README C++ block {i} does not compile:\n{r.stderr[:3000]}"


def test_readme_cpp_compiles_for_the_host(converted):
    compile_cpp(["g++", "-std=c++20", "-fsyntax-only", f"-I{ROOT / 'include'}", f"-I{converted / 'models'}"], converted)


@pytest.mark.skipif(shutil.which("clang++-16") is None, reason="clang++-16 (the AVR compiler) is not installed")
def test_readme_cpp_compiles_for_avr(converted):
    newlib = "/usr/include/newlib/c++/12.2.1"
    compile_cpp(["clang++-16", "--target=avr", "-mmcu=atmega328p", "-std=c++20", "-Os", "-fsyntax-only",
                 "-fno-exceptions", "-fno-rtti", "-isystem", "/usr/lib/avr/include", "-nostdinc++",
                 "-isystem", newlib, "-isystem", f"{newlib}/arm-none-eabi/thumb/v6-m/nofp",
                 f"-I{ROOT / 'include'}", f"-I{converted / 'models'}"], converted)


def test_readme_links_point_to_files():
    text = (ROOT / "README.md").read_text()
    for target in re.findall(r"\]\(([^)#:]+)\)", text):
        assert (ROOT / target).exists(), f"README links to {target}, which does not exist"


def test_the_troubleshooting_page_lists_every_message_of_the_sources():
    r = subprocess.run([PY, str(ROOT / "scripts" / "errors_page.py"), "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_the_docs_figure_tables_are_the_harness_results():
    r = subprocess.run([PY, str(ROOT / "bench" / "docs_figures.py"), "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_readme_classify_gives_scikit_learns_classes(converted):
    """The C++ snippet's classify(), linked and run on the host over the whole data set the Python
    snippet trained on, against scikit-learn's predict (the same forest: random_state=0)."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.ensemble import RandomForestClassifier
    X, y = load_breast_cancer(return_X_y=True)
    forest = RandomForestClassifier(n_estimators=10, max_depth=6, random_state=0).fit(X, y)
    expected = forest.predict(X)
    rows = ",\n".join("{" + ", ".join(f"{v!r}f" for v in np.float32(x)) + "}" for x in X)
    driver = converted / "readme_driver.cpp"
    driver.write_text(
        "#include <array>\n#include <cstdio>\n"
        "long classify(const std::array<float, 30>& features);\n"
        f"static const std::array<float, 30> X[{len(X)}] = {{\n{rows}}};\n"
        f"static const long expected[{len(X)}] = {{{', '.join(str(int(v)) for v in expected)}}};\n"
        "int main() {\n  int same = 0;\n"
        f"  for (int i = 0; i < {len(X)}; ++i) same += classify(X[i]) == expected[i];\n"
        f"  std::printf(\"%d/{len(X)}\\n\", same);\n  return same == {len(X)} ? 0 : 1;\n}}\n")
    (cpp,) = [c for c in blocks("cpp") if "classify" in c]
    (converted / "classify.cpp").write_text(cpp)
    exe = converted / "readme_classify"
    r = subprocess.run(["g++", "-std=c++20", "-O1", f"-I{ROOT / 'include'}", f"-I{converted / 'models'}",
                        str(converted / "classify.cpp"), str(driver), "-o", str(exe)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[:3000]
    r = subprocess.run([str(exe)], capture_output=True, text=True)
    assert r.returncode == 0, f"classify differs from scikit-learn: {r.stdout.strip()} agree"
