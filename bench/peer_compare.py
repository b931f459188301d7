#!/usr/bin/python3
"""Peer comparison on the ATmega328P: a peer generator's C output (micromlgen, emlearn, ...) against
ctml's model of the same estimator, on the same first 30 held-out samples, in simavr.

  bench/peer_compare.py --peer-c model.c --entry predict --model breast_cancer_svc [--args x|x,n]
  bench/peer_compare.py --baseline --model breast_cancer_svc      # the naive float C written here

The peer's file is compiled with avr-gcc -Os (C99) and called as `int ENTRY(const float *x)` (or
`ENTRY(x, n_features)` with --args x,n) on the float inputs of tests/fixtures/<model>_float_vectors.hpp.
Its cycles come from the same runner and region markers as ctml's; its flash is the size of every
symbol its object file defines (code and constants), its static RAM what of that lands in RAM.
ctml's figures come from the avr preset's runs (build/avr/runs): predict on int16 codes
(fw_<model>_*), and quantize + predict on the same float inputs (peer_ctml_<model>).
--max-ratio R fails unless ctml's predict (on codes, and the float model on floats) takes at most R
times the peer's cycles.
No peer generator can be installed here (no network), so CI runs --baseline, which is labelled
as what it is: a naive float C baseline written here, not a peer.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import harness  # noqa: E402

MCU = "atmega328p"
CFLAGS = ["-mmcu=" + MCU, "-Os", "-std=gnu99", "-ffunction-sections", "-fdata-sections"]
BASELINE_LABEL = "naive float C baseline written here (not a peer)"


def read_vectors(model: str) -> tuple[list[list[str]], list[int]]:
    """The float inputs (as C literals) and scikit-learn's classes of <model>_float_vectors_head."""
    path = ROOT / "tests" / "fixtures" / f"{model}_float_vectors.hpp"
    if not path.exists():
        sys.exit(f"peer_compare: {path} is missing; the comparison needs the float variant's vectors "
                 f"(examples/make_models.py writes {model}_float)")
    text = path.read_text()
    head = text[text.index(f"struct {model}_float_vectors_head"):]
    body = re.search(r"inputs\[\d+\]\[\d+\] = \{(.*?)\};", head, re.S).group(1)
    rows = [[v.strip() for v in r.split(",")] for r in re.findall(r"\{([^{}]*)\}", body)]
    classes = [int(v) for v in re.search(r"expected_class\[\d+\] = \{(.*?)\};", head, re.S).group(1).replace("\n", "").split(",")]
    return rows, classes


def write_baseline_params(model: str, out: Path) -> None:
    """The naive baseline's parameters: the same Pipeline(StandardScaler, LinearSVC) as
    examples/make_models.py trains for breast_cancer_svc (same split, random_state=0)."""
    if model != "breast_cancer_svc":
        sys.exit("peer_compare: the baseline is written for breast_cancer_svc only")
    from sklearn import datasets, pipeline, preprocessing, svm
    from sklearn.model_selection import train_test_split
    X, y = datasets.load_breast_cancer(return_X_y=True)
    Xtr, _, ytr, _ = train_test_split(X, y, test_size=0.25, random_state=0)
    p = pipeline.make_pipeline(preprocessing.StandardScaler(), svm.LinearSVC(random_state=0)).fit(Xtr, ytr)
    sc, est = p[0], p[-1]
    arr = lambda name, v: f"static const float {name}[{len(v)}] = {{" + ", ".join(f"{float(x)!r}f" for x in v) + "};"
    out.write_text("/* Written by bench/peer_compare.py from the trained Pipeline. */\n"
                   f"#define NAIVE_N_FEATURES {len(sc.mean_)}\n#define NAIVE_INTERCEPT {float(est.intercept_[0])!r}f\n"
                   + arr("naive_mean", sc.mean_) + "\n" + arr("naive_scale", sc.scale_) + "\n"
                   + arr("naive_coef", est.coef_[0]) + "\n")


def harness_c(rows: list[list[str]], entry: str, args: str) -> str:
    n = len(rows[0])
    call = {"x": f"{entry}(x)", "x,n": f"{entry}(x, {n})"}[args]
    proto = {"x": f"int {entry}(const float *x);", "x,n": f"int {entry}(const float *x, int n);"}[args]
    data = ",\n".join("{" + ", ".join(v if v.endswith("f") else v + "f" for v in r) + "}" for r in rows)
    return f"""/* Written by bench/peer_compare.py: times {entry} on {len(rows)} float inputs. */
#include <avr/pgmspace.h>
#include "target.h"
{proto}
static const float inputs[{len(rows)}][{n}] PROGMEM = {{
{data}
}};
int main(void) {{
  target_init();
  for (int i = 0; i < {len(rows)}; ++i) {{
    float x[{n}];
    memcpy_P(x, inputs[i], sizeof x);
    target_begin();
    __asm__ volatile("" : : "r"(x) : "memory");
    int r = {call};
    __asm__ volatile("" : : "r"(r) : "memory");
    target_end();
    target_puts("p "); target_put_int(i); target_putc(' '); target_put_int(r); target_putc('\\n');
  }}
  target_exit(0);
}}
"""


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"peer_compare: {' '.join(cmd)} failed ({r.returncode}):\n{r.stdout}{r.stderr}")
    return r


def build_and_run_peer(peer_c: Path, entry: str, args: str, rows, build: Path, work: Path) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    (work / "harness.c").write_text(harness_c(rows, entry, args))
    tdir = ROOT / "bench" / "target"
    objs = []
    for src in (peer_c, work / "harness.c", tdir / "avr" / "target.c", tdir / "common.c"):
        obj = work / (src.stem + ".o")
        run(["avr-gcc", *CFLAGS, f"-I{tdir}", f"-I{peer_c.parent}", f"-I{work}", "-c", str(src), "-o", str(obj)])
        objs.append(obj)
    elf = work / "peer.elf"
    run(["avr-gcc", f"-mmcu={MCU}", "-Wl,--gc-sections", *map(str, objs), "-o", str(elf)])
    js = work / "peer.json"
    out = run([str(build / "runner" / "simavr_run"), "--mcu", MCU, "--json", str(js), str(elf)]).stdout
    answers = [int(m.group(2)) for m in re.finditer(r"^p (\d+) (-?\d+)$", out, re.M)]
    cycles = json.loads(js.read_text())["cycles"]
    # The peer's own symbols: everything its object defines, at its linked size.
    defined = {ln.split()[-1] for ln in run(["avr-nm", str(objs[0])]).stdout.splitlines()
               if len(ln.split()) == 3 and ln.split()[1] in "TtDdBbRr"}
    flash = ram = 0
    for ln in run(["avr-nm", "-S", str(elf)]).stdout.splitlines():
        p = ln.split()
        if len(p) == 4 and p[3] in defined:
            size = int(p[1], 16)
            flash += size if p[2] in "TtDdRr" else 0
            ram += size if p[2] in "DdBbRr" and int(p[0], 16) >= 0x800000 else 0
    return {"answers": answers, "cycles": sum(cycles) / len(cycles), "max": max(cycles), "flash": flash,
            "static_ram": ram, "firmware_flash": harness.image_sizes("avr-", elf)[0]}


def ctml_rows(model: str, build: Path) -> list[dict]:
    """ctml's runs: predict on int16 codes (both layouts), the float model on the float inputs
    themselves (fw_<model>_float_unrolled), and quantize + predict (peer_ctml_<model>)."""
    rows = []
    for m, layout, what in ((model, "unrolled", "predict on int16 codes"), (model, "table", "predict on int16 codes"),
                            (model + "_float", "unrolled", "float weights on the float inputs")):
        out = build / "runs" / f"fw_{m}_{layout}.out"
        if not out.exists():
            sys.exit(f"peer_compare: {out} is missing; run the avr preset first (ctest --preset avr)")
        r = harness.parse_out(out)
        cyc = json.loads(out.with_suffix(".json").read_text())["cycles"][:30]
        code, data, _ = harness.symbol_sizes("avr-", build / "tests" / "target" / out.stem, m)
        rows.append({"what": f"ctml {m} ({layout}), {what}", "cycles": sum(cyc) / len(cyc),
                     "max": max(cyc), "flash": code + data, "static_ram": 0,
                     "answers": [r["answers"][i] for i in range(len(cyc))]})
    q = build / "runs" / f"peer_ctml_{model}.out"
    if q.exists():
        text = q.read_text()
        cyc = json.loads(q.with_suffix(".json").read_text())["cycles"]
        elf = build / "tests" / "target" / f"peer_ctml_{model}"
        nm = run(["avr-nm", "-C", "-S", str(elf)]).stdout
        code = sum(int(ln.split()[1], 16) for ln in nm.splitlines() if len(ln.split()) >= 4 and ln.split()[2] in "TtWw"
                   and ("ctml_infer_float" in ln or "ctml::" in ln))
        data = sum(int(ln.split()[1], 16) for ln in nm.splitlines() if len(ln.split()) >= 4
                   and (f"{model}_data::" in ln or f"{model}_info::quantizer" in ln))
        rows.append({"what": f"ctml {model} (unrolled), quantize floats + predict", "cycles": sum(cyc) / len(cyc),
                     "max": max(cyc), "flash": code + data, "static_ram": 0,
                     "answers": [int(m.group(2)) for m in re.finditer(r"^p (\d+) (-?\d+)$", text, re.M)]})
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peer-c", type=Path, help="the peer generator's C file")
    ap.add_argument("--entry", help="the peer's predict function")
    ap.add_argument("--args", default="x", choices=["x", "x,n"], help="how the entry takes its input")
    ap.add_argument("--label", default=None, help="what to call the peer in the table")
    ap.add_argument("--baseline", action="store_true", help="use the naive float C baseline written here")
    ap.add_argument("--model", required=True, help="ctml's integer model of the same estimator")
    ap.add_argument("--build-dir", type=Path, default=ROOT / "build" / "avr")
    ap.add_argument("--max-ratio", type=float, default=None, help="fail unless ctml cycles <= ratio * peer cycles")
    a = ap.parse_args()
    build = a.build_dir.resolve()
    work = build / "peer" / (a.model + ("_baseline" if a.baseline else "_peer"))
    work.mkdir(parents=True, exist_ok=True)
    if a.baseline:
        write_baseline_params(a.model, work / "naive_linear_svc_params.h")
        peer_c, entry, label = ROOT / "bench" / "peer" / "naive_linear_svc.c", "naive_linear_svc_predict", BASELINE_LABEL
        # The baseline's parameter header lives in the build tree.
        (work / "naive_linear_svc.c").write_text(peer_c.read_text())
        peer_c = work / "naive_linear_svc.c"
    else:
        if not (a.peer_c and a.entry):
            ap.error("give --peer-c and --entry, or --baseline")
        peer_c, entry, label = a.peer_c.resolve(), a.entry, a.label or f"peer {a.peer_c.name}"
    inputs, expected = read_vectors(a.model)
    peer = build_and_run_peer(peer_c, entry, a.args, inputs, build, work)
    rows = ctml_rows(a.model, build) + [{"what": label, **peer}]
    print(f"ATmega328P (simavr), first {len(inputs)} held-out samples of {a.model}; agreement = with scikit-learn")
    print("| implementation | agreement | cycles (mean) | max | model flash B | model static RAM B |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        agree = sum(int(x == e) for x, e in zip(r["answers"], expected))
        print(f"| {r['what']} | {agree}/{len(expected)} | {r['cycles']:.0f} | {r['max']} | {r['flash']} | {r['static_ram']} |")
    ratio = min(r["cycles"] for r in rows[:2]) / peer["cycles"]
    ratio_float = rows[2]["cycles"] / peer["cycles"]
    print(f"ctml predict on int16 codes / {label}: {ratio:.3f} of the cycles")
    print(f"ctml float model on float inputs / {label}: {ratio_float:.3f} of the cycles")
    if len(rows) > 4:
        print(f"ctml quantize + predict / {label}: {rows[3]['cycles'] / peer['cycles']:.3f} of the cycles "
              "(the float-to-code quantizer dominates)")
    ratio = max(ratio, ratio_float)
    (work / "result.json").write_text(json.dumps([{k: v for k, v in r.items() if k != "answers"} for r in rows], indent=1))
    if sum(int(x == e) for x, e in zip(peer["answers"], expected)) != len(expected) and a.baseline:
        print("peer_compare: the baseline disagrees with scikit-learn", file=sys.stderr)
        return 1
    if a.max_ratio is not None and ratio > a.max_ratio:
        print(f"peer_compare: ctml's predict takes {ratio:.3f} of the peer's cycles, more than {a.max_ratio}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
