#!/usr/bin/env python3
"""Fills the figure tables of docs/*.md from bench/results/results.json (written by harness.py), so
that a page's measured figures are the harness's, never typed in. A page asks for a table with

    <!-- figures: models=iris_svc,iris_logit targets=avr,cortex-m -->
    <!-- /figures -->

and everything between the two lines is replaced by one row per model, layout and target.
`--check` fails if a page differs from what the results give (run after the harness).

Usage: /usr/bin/python3 bench/docs_figures.py [--results bench/results/results.json] [--check]"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"(<!-- figures: (?P<spec>[^>]*?) -->\n)(?P<body>.*?)(<!-- /figures -->)", re.S)
UNIT = {"avr": "cycles", "host": ""}


def _spec(text: str) -> dict[str, list[str]]:
    return {k: v.split(",") for k, v in (item.split("=", 1) for item in text.split())}


def table(rows: list[dict], spec: dict[str, list[str]]) -> str:
    models, targets = spec.get("models", []), spec.get("targets", ["avr", "cortex-m"])
    out = ["| model | layout | target | agreement | per inference (mean) | model flash B | static RAM B | stack peak B | ram_bytes |",
           "|---|---|---|---|---|---|---|---|---|"]
    picked = [r for r in rows if r["model"] in models and r["target"] in targets]
    picked.sort(key=lambda r: (models.index(r["model"]), r["layout"], targets.index(r["target"])))
    if not picked:
        raise SystemExit(f"docs_figures: no results for {spec}; run scripts/test.sh (or the harness) first")
    for r in picked:
        unit = UNIT.get(r["target"], "instructions")
        per = f"{r['per_inference']:,.0f} {unit}" if r.get("per_inference") is not None else "-"
        out.append(f"| {r['model']} | {r['layout']} | {r['target']} | {r['agree']}/{r['n']} | {per} | "
                   f"{r['model_flash']:,} | {r['static_ram']} | {r.get('stack_peak', '-')} | {r['ram_bytes']} |")
    return "\n".join(out) + "\n"


def fill(text: str, rows: list[dict]) -> str:
    return BLOCK.sub(lambda m: m.group(1) + table(rows, _spec(m.group("spec"))) + m.group(4), text)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", type=Path, default=ROOT / "bench" / "results" / "results.json")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    rows = json.loads(args.results.read_text())
    stale = []
    for page in sorted((ROOT / "docs").glob("*.md")):
        text = page.read_text()
        new = fill(text, rows)
        if new != text:
            stale.append(page.name)
            if not args.check:
                page.write_text(new)
    if args.check and stale:
        print(f"docs_figures: {', '.join(stale)} differ from {args.results}; run bench/docs_figures.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
