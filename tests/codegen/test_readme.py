"""Every snippet in README.md works as written: the Python blocks run (in a temporary folder, in
order), and the C++ blocks compile against the headers they wrote, for the host and for AVR."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

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
