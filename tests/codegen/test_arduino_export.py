"""export-arduino: the library folder, its C/C++11 header as the board cores compile it, the .S
guards, and bad input (unknown MCU, over budget, existing folder) refused with nothing written.
The Uno build, simavr run and scikit-learn comparison are the avr preset's arduino_uno_* tests."""
from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.tree import DecisionTreeClassifier

from ctml_codegen import ConversionError, convert
from ctml_codegen.cli import main
from ctml_codegen.export.arduino import export_arduino

ROOT = Path(__file__).resolve().parents[2]
FOREST = ROOT / "models" / "breast_cancer_rf.hpp"
ARM = {"cortex-m4f": ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=softfp", "-mfpu=fpv4-sp-d16"],
       "cortex-m0plus": ["-mcpu=cortex-m0plus", "-mthumb"]}


def cli(capsys, *args) -> tuple[int, str]:
    rc = main(["export-arduino", *map(str, args)])
    return rc, capsys.readouterr().err


def listing(d: Path) -> list:
    return sorted(str(p.relative_to(d)) for p in d.rglob("*"))


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    X, y = load_iris(return_X_y=True)
    tree = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X, y)
    out = tmp_path_factory.mktemp("lib")
    header = convert(tree, "iris_tree", tmp_path_factory.mktemp("model"), X_sample=X, target="avr").header
    r = export_arduino(header, "IrisTree", out, ["atmega328p", "nrf52840", "samd21"])
    return r, out / "IrisTree"


def test_library_folder_has_what_the_arduino_and_platformio_specs_ask_for(library):
    r, lib = library
    assert listing(lib) == ["examples", "examples/IrisTree", "examples/IrisTree/IrisTree.ino", "library.json",
                            "library.properties", "src", "src/IrisTree.h", "src/IrisTree_atmega328p.S",
                            "src/IrisTree_cortex_m0plus.S", "src/IrisTree_cortex_m4f.S"]
    props = dict(ln.split("=", 1) for ln in (lib / "library.properties").read_text().splitlines() if ln)
    for key in ("name", "version", "author", "maintainer", "sentence", "paragraph", "category", "url", "architectures"):
        assert props[key]
    assert props["architectures"] == "avr,mbed,mbed_nano,samd"
    assert [f.mcu for f in r.figures] == ["atmega328p", "cortex-m4f", "cortex-m0plus"]
    assert all(f.flash_bytes > 0 and f.stack_bytes > 0 for f in r.figures)
    # Nothing from the C++ runtime: only libgcc / libm / libc helpers.
    for syms in r.undefined.values():
        assert not [s for s in syms if s.startswith(("_Z", "__cxa", "__gxx"))]


def compile_header(lib: Path, cc: str, flags: list, source: str, lang: str) -> subprocess.CompletedProcess:
    return subprocess.run([cc, *flags, "-x", lang, "-fsyntax-only", f"-I{lib / 'src'}", "-"], input=source,
                          capture_output=True, text=True)


def test_header_is_plain_c_and_cxx11_with_budget_constants(library):
    _, lib = library
    use = ('#include <IrisTree.h>\nstatic const long labels[IRISTREE_N_CLASSES] = IRISTREE_CLASS_LABELS;\n'
           'int f(const float* x) { return (int)labels[IrisTree_predict(x)]; }\n')
    # Debian's Arduino core: avr-gcc 5.4, -std=gnu++11 (and plain C for .c files).
    for lang, std in (("c++", "-std=gnu++11"), ("c", "-std=gnu99")):
        p = compile_header(lib, "avr-gcc", ["-mmcu=atmega328p", std], use, lang)
        assert p.returncode == 0, p.stderr
    ok = use + "static_assert(IRISTREE_FLASH_BYTES <= 32256u && IRISTREE_RAM_BYTES <= 2048u, \"budget\");\n"
    assert compile_header(lib, "avr-g++", ["-mmcu=atmega328p", "-std=gnu++11"], ok, "c++").returncode == 0
    over = use + "static_assert(IRISTREE_FLASH_BYTES <= 16u, \"over the budget\");\n"
    p = compile_header(lib, "avr-g++", ["-mmcu=atmega328p", "-std=gnu++11"], over, "c++")
    assert p.returncode != 0 and "over the budget" in p.stderr
    for flags in ARM.values():
        assert compile_header(lib, "arm-none-eabi-gcc", flags + ["-std=gnu++11"], use, "c++").returncode == 0


def test_header_refuses_a_board_it_was_not_exported_for(library):
    _, lib = library
    # The hard-float ABI (a core other than the mbed one) and an AVR other than the ATmega328P.
    for cc, flags in (("arm-none-eabi-gcc", ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"]),
                      ("avr-gcc", ["-mmcu=atmega2560"])):
        p = compile_header(lib, cc, flags, "#include <IrisTree.h>\n", "c")
        assert p.returncode != 0 and "re-export it with" in p.stderr


def symbols(nm: str, obj: Path) -> list:
    return [ln.split()[-1] for ln in subprocess.run([nm, "--defined-only", str(obj)], capture_output=True, text=True,
                                                    check=True).stdout.splitlines() if ln.strip()]


@pytest.mark.parametrize("mcu", ["atmega328p", "cortex-m4f", "cortex-m0plus"])
def test_every_board_assembles_every_S_and_keeps_only_its_own(library, tmp_path, mcu):
    """The builders compile all of src/: each .S is empty except on its own MCU, where it defines the API."""
    _, lib = library
    cc, flags, nm = ("avr-gcc", ["-mmcu=atmega328p"], "avr-nm") if mcu == "atmega328p" else \
        ("arm-none-eabi-gcc", ARM[mcu], "arm-none-eabi-nm")
    for S in sorted((lib / "src").glob("*.S")):
        obj = tmp_path / (S.stem + ".o")
        subprocess.run([cc, *flags, "-c", "-x", "assembler-with-cpp", str(S), "-o", str(obj)], check=True)
        names = symbols(nm, obj)
        if S.stem.endswith(mcu.replace("-", "_")):
            assert {"IrisTree_predict", "IrisTree_predict_proba"} <= set(names)  # float inputs: no _codes
        else:
            assert names == [], S.name


def test_unknown_mcu_is_refused(capsys, tmp_path):
    rc, err = cli(capsys, FOREST, "--name", "Forest", "--mcu", "atmega328p", "--mcu", "esp32", "--out", tmp_path)
    assert rc == 2 and err.count("\n") == 1 and "unknown MCU 'esp32'" in err and "atmega328p" in err
    assert listing(tmp_path) == []


def small_tree():
    X, y = load_iris(return_X_y=True)
    return DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, y), X


def test_model_over_the_budget_is_refused_and_nothing_is_written(capsys, tmp_path):
    rc, err = cli(capsys, FOREST, "--name", "Forest", "--flash-budget", "1000", "--out", tmp_path)
    assert rc == 2 and err.count("\n") == 1 and "budget is 1000 B" in err
    assert listing(tmp_path) == []
    tree, X = small_tree()
    header = convert(tree, "tree", tmp_path / "model", X_sample=X, target="cortex-m").header
    out = tmp_path / "out"
    with pytest.raises(ConversionError, match="B of RAM on cortex-m0plus but the budget is 20 B"):
        export_arduino(header, "Tree", out, ["cortex-m0plus"], ram_budget=20)
    assert not out.exists()


def test_default_budget_is_the_board_minus_its_core(capsys, tmp_path):
    """The Uno's 32,256 B less the 1,532 B Debian's core needs for a Serial sketch, from a model
    file through the CLI (which converts it first)."""
    import pickle
    rs = np.random.RandomState(0)
    X = rs.randn(2000, 8)
    y = (X @ rs.randn(8) > 0).astype(int) + (X[:, 0] > 1)
    from sklearn.ensemble import RandomForestClassifier
    big = RandomForestClassifier(n_estimators=40, max_depth=12, random_state=0).fit(X, y)
    src = tmp_path / "src"
    src.mkdir()
    (src / "big.pkl").write_bytes(pickle.dumps(big))
    np.save(src / "X.npy", X)
    out = tmp_path / "out"
    rc, err = cli(capsys, src / "big.pkl", "--allow-pickle", "--sample", src / "X.npy", "--name", "Big",
                  "--layout", "table", "--out", out)
    assert rc == 2 and err.count("\n") == 1 and "budget is 30724 B" in err, err
    assert not out.exists()


def test_existing_library_folder_is_refused_and_left_alone(capsys, tmp_path):
    (tmp_path / "Forest").mkdir()
    (tmp_path / "Forest" / "mine.txt").write_text("keep")
    rc, err = cli(capsys, FOREST, "--name", "Forest", "--out", tmp_path)
    assert rc == 2 and err.count("\n") == 1 and "already exists" in err
    assert listing(tmp_path) == ["Forest", "Forest/mine.txt"]


def test_bad_names_and_inputs_are_refused(capsys, tmp_path):
    for args, msg in (((FOREST, "--name", "my-lib"), "C identifier"),
                      ((tmp_path / "nothing.hpp", "--name", "X"), "does not exist"),
                      ((ROOT / "include" / "ctml" / "ctml.hpp", "--name", "X"), "not a header written by ctml codegen"),
                      ((tmp_path / "model.xyz", "--name", "X"), "does not exist")):
        rc, err = cli(capsys, *args, "--out", tmp_path)
        assert rc == 2 and err.count("\n") == 1 and msg in err, err
    assert listing(tmp_path) == []


@pytest.mark.parametrize("mcu", ["atmega328p", "cortex-m4f"])
def test_an_S_that_assembles_to_other_code_or_data_is_caught(tmp_path, mcu):
    """The export's own check: the .S, assembled as the cores do, must be the compiler's object."""
    from ctml_codegen.export import toolchain as tc
    m = tc.mcu(mcu)
    src = tmp_path / "f.cpp"
    src.write_text('[[gnu::section(".progmem.data")]] extern const unsigned short table[] = {1000, 2000};\n'
                   'extern "C" int f(int x) { return x * 3 + 1; }\n')
    tc.compile_object(m, src, [], tmp_path / "c.o")
    S = tc.gnu_assembly(m, tc.compile_asm(m, src, []))
    good = tmp_path / "good.S"
    good.write_text(S)
    tc.assemble_like_arduino(m, good, tmp_path / "good.o")
    tc.check_same_code(m, tmp_path / "c.o", tmp_path / "good.o")
    for i, (old, new) in enumerate(((".short\t2000", ".short\t2001"), ("f:\n", "f:\n\tnop\n"))):
        assert old in S
        bad = tmp_path / f"bad{i}.S"
        bad.write_text(S.replace(old, new, 1))
        tc.assemble_like_arduino(m, bad, tmp_path / f"bad{i}.o")
        with pytest.raises(ConversionError, match="does not assemble to the compiler's own object"):
            tc.check_same_code(m, tmp_path / "c.o", tmp_path / f"bad{i}.o")


def test_example_reads_codes_when_the_model_has_no_float_entry():
    """A model on integer codes whose header has no quantizer: the example reads integers."""
    from ctml_codegen.export.arduino import _example
    meta = {"input": 4, "labels": [0, 1]}
    ino = _example("Codes", meta, ["Codes_predict_codes"])
    assert "static int16_t x[CODES_N_FEATURES];" in ino and "(int16_t)Serial.parseInt()" in ino
    assert "labels[Codes_predict_codes(x)]" in ino and "Codes_predict(" not in ino
    ino = _example("Floats", meta, ["Floats_predict_codes", "Floats_predict"])
    assert "Serial.parseFloat()" in ino and "labels[Floats_predict(x)]" in ino
