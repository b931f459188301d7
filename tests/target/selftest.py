#!/usr/bin/python3
"""Checks the target runner against firmware with known answers (tests/target/selftest.cpp).

  selftest.py <unit> <ok.elf> <crash.elf> <hang.elf> -- <runner command...>

unit is "cycles" (AVR: 10 nops are 10 cycles) or "instructions" (Cortex-M: 10 instructions).
"""
import json
import subprocess
import sys
import tempfile
from pathlib import Path


def run(cmd, elf, extra=()):
    with tempfile.TemporaryDirectory() as tmp:
        js = Path(tmp) / "r.json"
        p = subprocess.run([*cmd, *extra, "--json", str(js), elf], capture_output=True, text=True, timeout=600)
        return p, (json.loads(js.read_text()) if js.exists() else None)


def main() -> int:
    unit, ok, crash, hang = sys.argv[1:5]
    cmd = sys.argv[sys.argv.index("--") + 1:]
    failures = []
    p, j = run(cmd, ok)
    counts = j.get(unit) if j else None
    checks = [
        (p.returncode == 3, f"exit status {p.returncode}, expected 3"),
        (p.stdout.startswith("hello -42\n"), f"output {p.stdout[:40]!r}"),
        (counts is not None and len(counts) == 3, f"regions {counts}"),
        (counts is not None and counts[:2] == [0, 10], f"empty region and 10 nops gave {counts}"),
        (j is not None and (j.get("region_stack_peak") or 0) >= 100, f"stack peak {j and j.get('region_stack_peak')}"),
    ]
    failures += [msg for good, msg in checks if not good]
    p, _ = run(cmd, crash)
    if p.returncode != 125:
        failures.append(f"crash gave exit status {p.returncode}, expected 125")
    extra = ["--timeout-cycles", "2000000"] if unit == "cycles" else ["--timeout", "5", "--no-count"]
    p, _ = run(cmd, hang, extra)
    if p.returncode != 124:
        failures.append(f"endless loop gave exit status {p.returncode}, expected 124")
    for f in failures:
        print("selftest: " + f)
    print("selftest: ok" if not failures else "selftest: FAILED")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
