#!/usr/bin/python3
"""Compile time and compiler memory against model size: random forests on digits (depth 10) with
10..100 trees, converted and compiled for the host with g++ and clang, in both layouts.
Writes bench/results/compile_time.md and compile_time.png; --check fails when the 100-tree
forest takes 60 s or more, or 2 GB or more, with any compiler and layout.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "codegen"))

TU = """#include "{name}.hpp"
using M = ctml_models::{name}_t<ctml::layout::{layout}>;
M::output_type infer(const M::input_type& x) {{ return M::predict(x); }}
"""


def measure(cmd: list[str]) -> tuple[float, float]:
    """(seconds, peak MB) of one command, the peak read from a fresh child's rusage."""
    probe = ("import resource,subprocess,sys,time;t=time.time();"
             "r=subprocess.run(sys.argv[1:]);"
             "print(time.time()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss);sys.exit(r.returncode)")
    out = subprocess.run([sys.executable, "-c", probe, *cmd], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    secs, kb = out.stdout.split()
    return float(secs), float(kb) / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trees", type=int, nargs="*", default=[10, 25, 50, 100])
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = ap.parse_args()
    from sklearn import datasets, ensemble
    from sklearn.model_selection import train_test_split
    from ctml_codegen import convert
    X, y = datasets.load_digits(return_X_y=True)
    Xtr, _, ytr, _ = train_test_split(X, y, test_size=0.25, random_state=0)
    rows, failures = [], []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for n in args.trees:
            est = ensemble.RandomForestClassifier(n_estimators=n, max_depth=10, random_state=0, n_jobs=1).fit(Xtr, ytr)
            name = f"digits_rf{n}"
            t0 = time.time()
            r = convert(est, name, tmp, X_sample=Xtr)
            conv = time.time() - t0
            for layout in ("unrolled", "table"):
                src = tmp / f"{name}_{layout}.cpp"
                src.write_text(TU.format(name=name, layout=layout))
                for cxx in ("g++", "clang++-14"):
                    cmd = [cxx, "-std=c++20", "-O2", "-c", f"-I{ROOT / 'include'}", f"-I{tmp}", str(src), "-o", os.devnull]
                    secs, mb = measure(cmd)
                    rows.append((n, r.nodes, layout, cxx, conv, secs, mb))
                    print(f"{n:4d} trees {r.nodes:6d} nodes {layout:8s} {cxx:10s} convert {conv:5.1f} s  compile {secs:6.1f} s  {mb:7.0f} MB", flush=True)
                    if n == 100 and (secs + conv >= 60 or mb >= 2048):
                        failures.append(f"{n} trees, {layout}, {cxx}: {conv + secs:.1f} s, {mb:.0f} MB")
    args.out.mkdir(parents=True, exist_ok=True)
    lines = ["# Compile time and memory vs forest size", "",
             "Random forests on digits, max_depth=10; one TU instantiating predict; -O2; host.", "",
             "| trees | nodes | layout | compiler | convert s | compile s | peak MB |", "|---|---|---|---|---|---|---|"]
    lines += [f"| {n} | {nodes} | {lay} | {cxx} | {conv:.1f} | {secs:.1f} | {mb:.0f} |" for n, nodes, lay, cxx, conv, secs, mb in rows]
    (args.out / "compile_time.md").write_text("\n".join(lines) + "\n")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4))
        for lay in ("unrolled", "table"):
            for cxx in ("g++", "clang++-14"):
                sel = [r for r in rows if r[2] == lay and r[3] == cxx]
                a.plot([r[1] for r in sel], [r[5] for r in sel], marker="o", label=f"{cxx} {lay}")
                b.plot([r[1] for r in sel], [r[6] for r in sel], marker="o", label=f"{cxx} {lay}")
        a.set_xlabel("nodes"), a.set_ylabel("compile s"), b.set_xlabel("nodes"), b.set_ylabel("peak MB")
        a.legend(), fig.tight_layout(), fig.savefig(args.out / "compile_time.png", dpi=100)
    except ImportError:
        pass
    for f in failures:
        print("compile_time: over the bar: " + f, file=sys.stderr)
    return 1 if (failures and args.check) else 0


if __name__ == "__main__":
    raise SystemExit(main())
