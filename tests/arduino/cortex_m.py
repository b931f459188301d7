"""The exported library's Cortex-M .S files, linked as a board core links them and run in qemu.

No Arduino Cortex-M core (mbed for the Nano 33 BLE, samd for the Zero) is packaged in Debian, so
the check program is C compiled by arm-none-eabi-gcc with the board's CPU and float-ABI flags,
the library's .S assembled as the cores do (gcc -x assembler-with-cpp), and ctml's own start-up
code for qemu's MPS2 boards:
  cortex-m4f (softfp, the mbed core's ABI) on mps2-an386 (a Cortex-M4F);
  cortex-m0plus on mps2-an385 (a Cortex-M3: ARMv6-M code is a subset of ARMv7-M; qemu has no M0+ MPS2).
Every answer must be scikit-learn's (the test vectors); instructions per predict_codes are printed,
and for the M4F compared with ctml's harness firmware of the same model and layout when given
(within 2% on average: GCC's inlining depends on the other entry points in the same unit).

usage: cortex_m.py --build DIR --model models/X.hpp --vectors tests/fixtures/X_vectors.hpp --layout L
                   [--harness-json fw.json]
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "codegen"))
from arduino_uno import N_FLOAT, c_array, fail, float_features, measured  # noqa: E402

TARGET = ROOT / "bench" / "target"
# (qemu machine, the board's flags for the check program and the library, flags for ctml's qemu
# support code: its region markers are ARMv7-M assembly, so on the M3 board they are built for the M3)
BOARDS = {"cortex-m4f": ("mps2-an386", ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=softfp", "-mfpu=fpv4-sp-d16"],
                         ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=softfp", "-mfpu=fpv4-sp-d16"]),
          "cortex-m0plus": ("mps2-an385", ["-mcpu=cortex-m0plus", "-mthumb", "-mfloat-abi=soft"],
                            ["-mcpu=cortex-m3", "-mthumb", "-mfloat-abi=soft"])}


def check_program(name: str, vec: str, ctype: str, feats: list) -> str:
    n = int(re.search(r"n_samples = (\d+);", vec).group(1))
    nf = int(re.search(r"n_features = (\d+);", vec).group(1))
    rows = ",\n".join("{" + ", ".join(f"{float(v)!r}f" for v in f) + "}" for f in feats)
    floats = f"""
static const float features[{len(feats)}][{nf}] = {{
{rows}}};
""" if feats else ""
    run_floats = measured(len(feats), f"for (int j = 0; j < {nf}; ++j) xf[j] = features[i][j];", f"{name}_predict",
                          "xf", "f") if feats else ""
    return f"""#include <string.h>
#include "target.h"
#include "{name}.h"
static const {ctype} codes[{n}][{nf}] = {c_array(vec, "inputs")};
{floats}
static {ctype} xq[{nf}];
static float xf[{nf}];
static void put(const char* tag, int i, unsigned c) {{
  target_puts(tag); target_put_int(i); target_putc(' '); target_put_int((long)c); target_putc('\\n');
}}
int main(void) {{
  target_init();
{measured(n, "memcpy(xq, codes[i], sizeof xq);", f"{name}_predict_codes", "xq", "p")}{run_floats}  return 0;
}}
"""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", type=Path, required=True)
    ap.add_argument("--model", type=Path, required=True)
    ap.add_argument("--vectors", type=Path, required=True)
    ap.add_argument("--layout", default="unrolled")
    ap.add_argument("--name", default="CtmlModel")
    ap.add_argument("--harness-json", type=Path)
    a = ap.parse_args()
    from ctml_codegen.export.arduino import export_arduino
    libs = a.build / "libraries"
    shutil.rmtree(libs / a.name, ignore_errors=True)
    libs.mkdir(parents=True, exist_ok=True)
    r = export_arduino(a.model, a.name, libs, list(BOARDS), layout=a.layout)
    src = libs / a.name / "src"
    vec, text = a.vectors.read_text(), a.model.read_text()
    n = int(re.search(r"n_samples = (\d+);", vec).group(1))
    ctype = re.search(r"static constexpr (std::u?int\d+_t|float) inputs", vec).group(1).replace("std::", "")
    expected = [int(v) for v in re.findall(r"-?\d+", c_array(vec, "expected_class"))]
    feats = []
    if "quantize(const std::array<float" in text:
        codes = [[int(v) for v in re.findall(r"-?\d+", row)] for row in re.findall(r"\{([^{}]*)\}", c_array(vec, "inputs")[1:-1])]
        feats = float_features(text, r.model, codes, min(n, N_FLOAT))
    prog = a.build / "check.c"
    prog.write_text(check_program(a.name, vec, ctype, feats))
    for f in r.figures:
        print(f"{f.mcu}: the library adds {f.flash_bytes} B flash, {f.static_ram_bytes} B static RAM, {f.stack_bytes} B stack")
    for mcu, (machine, flags, support_flags) in BOARDS.items():
        S = src / f"{a.name}_{mcu.replace('-', '_')}.S"
        objs = [a.build / f"{mcu}_lib.o", a.build / f"{mcu}_check.o", a.build / f"{mcu}_support.o"]
        cc = ["arm-none-eabi-gcc", "-c", "-Os", "-ffunction-sections", "-fdata-sections", f"-I{TARGET}", f"-I{src}"]
        subprocess.run([*cc, "-x", "assembler-with-cpp", *flags, str(S), "-o", str(objs[0])], check=True)
        subprocess.run([*cc, "-std=gnu11", *flags, str(prog), "-o", str(objs[1])], check=True)
        support = []
        for f in (TARGET / "cortex-m" / "startup.c", TARGET / "cortex-m" / "target.c", TARGET / "semihost.c",
                  TARGET / "common.c"):
            support.append(a.build / f"{mcu}_{f.stem}.o")
            subprocess.run([*cc, *support_flags, str(f), "-o", str(support[-1])], check=True)
        elf = a.build / f"check_{mcu}.elf"
        p = subprocess.run(["arm-none-eabi-gcc", *support_flags, *map(str, objs[:2] + support),
                            f"-L{TARGET / 'cortex-m'}", f"-T{TARGET / 'cortex-m' / 'mps2.ld'}", "-Wl,--gc-sections", "--specs=nano.specs",
                            "--specs=nosys.specs", "-nostartfiles", "-lm", "-o", str(elf)], capture_output=True, text=True)
        if p.returncode != 0:
            fail(f"linking the {mcu} check program failed:\n{p.stderr[-3000:]}")
        js = a.build / f"check_{mcu}.json"
        p = subprocess.run([sys.executable, str(TARGET / "cortex-m" / "qemu_run.py"), "--machine", machine,
                            "--json", str(js), str(elf)], capture_output=True, text=True)
        if p.returncode != 0:
            fail(f"the {mcu} check program exited with {p.returncode} in qemu {machine}: {p.stdout[-500:]}{p.stderr[-500:]}")
        got = {(t, int(i)): int(c) for t, i, c in re.findall(r"^([pf]) (\d+) (\d+)$", p.stdout, re.M)}
        bad = [i for i in range(n) if got.get(("p", i)) != expected[i]]
        badf = [i for i in range(len(feats)) if got.get(("f", i)) != expected[i]]
        counts = json.loads(js.read_text())["instructions"]
        mean = sum(counts[:n]) / n
        print(f"{mcu} on qemu {machine}: predict_codes agrees with scikit-learn on {n - len(bad)}/{n}, predict (float) "
              f"on {len(feats) - len(badf)}/{len(feats)}; instructions per predict_codes: mean {mean:.1f}"
              + (f", per predict (float): {sum(counts[n:]) / len(counts[n:]):.1f}" if feats else ""))
        if bad or badf:
            fail(f"{mcu}: answers differ from scikit-learn on samples {bad[:10]} (codes), {badf[:10]} (float)")
        if mcu == "cortex-m4f" and a.harness_json:
            if not a.harness_json.exists():
                fail(f"{a.harness_json} is missing: its CTest fixture (the harness firmware run) did not run")
            hc = json.loads(a.harness_json.read_text())["instructions"][:n]
            diff = [x - y for x, y in zip(counts[:n], hc)]
            print(f"ctml's harness on the M4F (hard-float ABI, same model and layout): mean {sum(hc) / len(hc):.1f}; "
                  f"per-sample difference min {min(diff)}, max {max(diff)}")
            # Not exact, unlike AVR: GCC's inlining depends on what else the translation unit uses. With
            # predict_proba beside predict in the library, add_vote is called twice and stays out of line
            # (the same bytes in total), which changes a couple of samples' counts by a few instructions.
            same = sum(d == 0 for d in diff)
            print(f"  identical on {same}/{n} samples")
            if abs(sum(counts[:n]) - sum(hc)) > 0.02 * sum(hc):
                fail("the exported model's instructions differ from the harness's by more than 2% on average")
    return 0


if __name__ == "__main__":
    sys.exit(main())
