#!/usr/bin/python3
"""Runs one Cortex-M firmware under qemu_run.py twice, counting regions with the instruction trace
and with the plugin (bench/target/cortex-m/count_plugin.c), and fails unless every count is equal.

  compare_counters.py <firmware.elf> <count_plugin.so> -- <qemu_run.py command without --plugin...>
"""
import json
import subprocess
import sys
import tempfile
from pathlib import Path


def counts(cmd, elf, extra=()):
    with tempfile.TemporaryDirectory() as tmp:
        js = Path(tmp) / "r.json"
        p = subprocess.run([*cmd, *extra, "--json", str(js), elf], capture_output=True, text=True, timeout=600)
        return p.returncode, json.loads(js.read_text()).get("instructions")


def main() -> int:
    elf = sys.argv[1]
    cmd = sys.argv[sys.argv.index("--") + 1:]
    plugin = sys.argv[2]
    rc_t, trace = counts(cmd, elf)
    rc_p, plug = counts(cmd, elf, ["--plugin", plugin])
    ok = rc_t == rc_p == 0 and trace and trace == plug
    print(f"trace {rc_t} {trace[:5] if trace else trace}... plugin {rc_p} {plug[:5] if plug else plug}...")
    print("compare_counters: " + ("ok, %d regions equal" % len(trace) if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
