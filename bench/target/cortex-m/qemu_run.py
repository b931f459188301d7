#!/usr/bin/python3
"""Runs a Cortex-M firmware in qemu (mps2-an385/an386) with semihosting and counts instructions.

  qemu_run.py [--machine mps2-an386] [--timeout S] [--json out.json] [--no-count] firmware.elf

The firmware's output goes to stdout and its exit status becomes ours (124 time-out, 125 fault,
126 cannot start). Counting is exact: qemu runs one instruction per translation block
(-singlestep) and logs each executed block (-d exec,nochain), so every "Trace" line is one
instruction. A region's count is the number of lines after target_begin returns and before
target_end is entered, less the branch into target_end, so an empty region reports 0. (qemu's -icount with a timer resolves only the timer's tick:
40 instructions at the board's 25 MHz.)
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading


def symbol_ranges(elf: str) -> dict[str, tuple[int, int]]:
    out = subprocess.run(["arm-none-eabi-nm", "-S", elf], capture_output=True, text=True, check=True).stdout
    ranges = {}
    for line in out.splitlines():
        p = line.split()
        if len(p) == 4 and p[3] in ("target_begin", "target_end"):
            start = int(p[0], 16) & ~1
            ranges[p[3]] = (start, start + int(p[1], 16))
    return ranges


def count_regions(log_path: str, begin: tuple[int, int], end: tuple[int, int]) -> list[int]:
    trace = re.compile(r"^Trace \d+: 0x[0-9a-f]+ \[[0-9a-f]+/([0-9a-f]+)/")
    counts, counting, in_begin, n = [], False, False, 0
    with open(log_path, errors="replace") as fh:
        for line in fh:
            m = trace.match(line)
            if not m:
                continue
            pc = int(m.group(1), 16)
            if begin[0] <= pc < begin[1]:
                in_begin, counting = True, False
                continue
            if in_begin:          # first instruction after target_begin returned
                in_begin, counting, n = False, True, 0
            if counting and pc == end[0]:
                counts.append(n - 1)   # the branch into target_end is not the region's
                counting = False
                continue
            if counting:
                n += 1
    return counts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("elf")
    ap.add_argument("--machine", default="mps2-an386")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--json")
    ap.add_argument("--no-count", action="store_true")
    args = ap.parse_args()
    if not os.path.exists(args.elf):
        print(f"qemu_run: no such file {args.elf}", file=sys.stderr)
        return 126
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "exec.log")
        # Semihosting output goes to a stdio chardev (without one, qemu writes it to stderr).
        cmd = ["qemu-system-arm", "-M", args.machine, "-display", "none", "-monitor", "none", "-serial", "none",
               "-chardev", "stdio,id=ctml0", "-semihosting-config", "enable=on,target=native,chardev=ctml0",
               "-kernel", args.elf]
        if not args.no_count:
            cmd += ["-singlestep", "-d", "exec,nochain", "-D", log]
        try:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        except OSError as e:
            print(f"qemu_run: cannot start qemu: {e}", file=sys.stderr)
            return 126
        out_chunks: list[bytes] = []

        def pump() -> None:
            for chunk in iter(lambda: proc.stdout.read(4096), b""):
                out_chunks.append(chunk)
                sys.stdout.buffer.write(chunk)
                sys.stdout.flush()
        t = threading.Thread(target=pump)
        t.start()
        try:
            proc.wait(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            t.join()
            print("qemu_run: time-out", file=sys.stderr)
            return 124
        t.join()
        err = proc.stderr.read().decode(errors="replace")
        if err.strip():
            print(err.strip(), file=sys.stderr)
        rc = proc.returncode
        if b"\nfault: " in b"".join(out_chunks):
            rc = 125
        if args.json:
            result = {"exit_code": rc, "machine": args.machine}
            if not args.no_count:
                r = symbol_ranges(args.elf)
                counts = count_regions(log, r["target_begin"], r["target_end"])
                result["instructions"] = counts
            m = re.search(rb"^stack_peak (\d+)$", b"".join(out_chunks), re.M)
            result["region_stack_peak"] = int(m.group(1)) if m else None
            with open(args.json, "w") as fh:
                json.dump(result, fh)
    return rc


if __name__ == "__main__":
    raise SystemExit(main())
