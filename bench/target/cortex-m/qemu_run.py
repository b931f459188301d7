#!/usr/bin/python3
"""Runs a Cortex-M or RISC-V firmware in qemu with semihosting and counts instructions.

  qemu_run.py [--machine mps2-an386] [--timeout S] [--json out.json] [--no-count] firmware.elf

The ELF header's machine picks the emulator and the binutils: Arm (qemu-system-arm, the board
given by --machine: microbit, mps2-an385/an386/an500/an505, mps3-an547) or RISC-V
(qemu-system-riscv32 -bios none, --machine virt; the reset code jumps to 0x80000000).

Output and status: the firmware's semihosting output is streamed to stdout; the exit status is the
firmware's (target_exit / SYS_EXIT_EXTENDED), 124 on a time-out (wall clock, --timeout, default
600 s), 125 on a fault (the start-up code's fault handler prints "fault: ..." and exits with 125;
qemu dying or reporting "qemu: fatal" is also 125), 126 if the firmware or qemu cannot be started.

Counting (default): qemu runs one guest instruction per translation block (-singlestep) and logs
every executed block (-d exec,nochain; nochain so that chained blocks still pass through the logging
loop), so each "Trace" line is exactly one executed instruction (a conditional instruction whose
condition fails counts too, as it takes a cycle on the core). A region is counted from the first
line after the last line inside target_begin (target_begin is one `b` into ctml_region_open, which
returns straight to the caller) up to, but not including, the branch that enters target_end: the
lines strictly between target_begin's return and target_end's entry, less 1 for that branch. An
empty region (`target_begin(); target_end();`) is 0. ctml_region_open/close and
ctml_stack_paint_all (stack painting, bench/target/cortex-m/target.c) are excluded from the trace
with -dfilter, so they neither cost log lines nor can be counted. The log is a FIFO in a temporary
directory, parsed while qemu runs: nothing large is written to disk.

--json writes {"exit_code", "machine", "instructions": [one count per closed region],
"stack_peak", "region_stack_peak", "fault", "seconds"}. stack_peak (and region_stack_peak, the
same value, the key bench/harness.py reads) is the number the firmware printed on a line
"stack_peak N" (target_stack_peak(): the deepest stack a measured region used, from painting), or
null if it printed none. With --no-count there is no tracing (several times faster) and
"instructions" is null. With --plugin and a firmware that has ctml_layer_mark (built with
CTML_LAYER_MARKS), "layer_marks" holds, per region, the count at each mark (one after each layer).

Why not -icount: with -icount shift=0 qemu's virtual clock advances exactly 1 ns per instruction,
so a timer read at target_begin/target_end would give instruction counts too, but the MPS2 timers
(SysTick, CMSDK timers) tick at the board's 25 MHz, i.e. once per 40 instructions; the trace is
exact to the instruction.
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
import time

UNTRACED = ("ctml_stack_paint_all", "ctml_region_open", "ctml_region_close")
# ELF e_machine -> (binutils prefix, qemu binary, extra qemu arguments)
ARCHES = {40: ("arm-none-eabi-", "qemu-system-arm", []),
          243: ("riscv64-unknown-elf-", "qemu-system-riscv32", ["-bios", "none"])}


def elf_arch(elf: str) -> tuple[str, str, list[str]]:
    """The firmware's architecture from its ELF header (32-bit little-endian: e_machine at 18)."""
    with open(elf, "rb") as fh:
        head = fh.read(20)
    if head[:4] != b"\x7fELF" or len(head) < 20:
        raise ValueError(f"{elf} is not an ELF file")
    machine = int.from_bytes(head[18:20], "little")
    if machine not in ARCHES:
        raise ValueError(f"{elf}: ELF machine {machine} is neither Arm (40) nor RISC-V (243)")
    return ARCHES[machine]


def symbols(elf: str, nm: str = "arm-none-eabi-nm") -> dict[str, tuple[int, int]]:
    """name -> (start, end) of the functions that matter here (Thumb bit cleared)."""
    out = subprocess.run([nm, "-S", elf], capture_output=True, text=True, check=True).stdout
    syms = {}
    for line in out.splitlines():
        p = line.split()
        if len(p) == 4 and p[3] in ("target_begin", "target_end", "ctml_layer_mark", *UNTRACED):
            start = int(p[0], 16) & ~1
            syms[p[3]] = (start, start + int(p[1], 16))
    return syms


def dfilter(excluded: list[tuple[int, int]]) -> str:
    """A -dfilter value covering the whole address space except the given [start, end) ranges."""
    ranges, lo = [], 0
    for start, end in sorted(excluded):
        if start > lo:
            ranges.append(f"0x{lo:x}..0x{start - 1:x}")
        lo = max(lo, end)
    ranges.append(f"0x{lo:x}..0xffffffff")
    return ",".join(ranges)


class RegionCounter:
    """Counts trace lines per region from a stream of qemu -d exec lines."""

    def __init__(self, begin: tuple[int, int], end: tuple[int, int]):
        self.begin_range, self.end_range = begin, end
        # The PC is printed as 8 hex digits after the first '/': compare the bytes, no int().
        self.begin = {f"{a:08x}".encode() for a in range(begin[0], begin[1], 2)}
        self.end_entry = f"{end[0]:08x}".encode()
        self.counts: list[int] = []
        self.lines = 0

    def feed(self, fh) -> None:
        begin, end_entry, counts = self.begin, self.end_entry, self.counts
        IDLE, IN_BEGIN, COUNTING = 0, 1, 2
        state, n, lines = IDLE, 0, 0
        for line in fh:
            if not line.startswith(b"Trace"):
                continue
            lines += 1
            i = line.find(b"/")
            pc = line[i + 1:i + 9]
            if pc in begin:
                state = IN_BEGIN
                continue
            if state == IN_BEGIN:
                state, n = COUNTING, 0
            if state == COUNTING:
                if pc == end_entry:
                    counts.append(n - 1)  # the branch into target_end is not the region's
                    state = IDLE
                else:
                    n += 1
        self.lines = lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("elf")
    ap.add_argument("--machine", default="mps2-an386")
    ap.add_argument("--timeout", type=float, default=600, help="wall-clock seconds (default 600)")
    ap.add_argument("--json")
    ap.add_argument("--no-count", action="store_true", help="no trace: faster, no instruction counts")
    ap.add_argument("--plugin", help="count with this build of count_plugin.c (a qemu plugin) instead of a trace")
    args = ap.parse_args()
    result: dict = {"exit_code": None, "machine": args.machine, "instructions": None, "stack_peak": None,
                    "region_stack_peak": None, "fault": None, "seconds": None}

    def finish(rc: int) -> int:
        result["exit_code"] = rc
        if args.json:
            with open(args.json, "w") as fh:
                json.dump(result, fh)
        return rc

    if not os.path.isfile(args.elf):
        print(f"qemu_run: no such file {args.elf}", file=sys.stderr)
        return finish(126)
    try:
        tools, qemu, qemu_args = elf_arch(args.elf)
    except (OSError, ValueError) as e:
        print(f"qemu_run: {e}", file=sys.stderr)
        return finish(126)
    counter = None
    if not args.no_count:
        try:
            syms = symbols(args.elf, tools + "nm")
        except (OSError, subprocess.CalledProcessError) as e:
            print(f"qemu_run: {tools}nm failed: {e}", file=sys.stderr)
            return finish(126)
        if "target_begin" in syms and "target_end" in syms:
            counter = RegionCounter(syms["target_begin"], syms["target_end"])
        else:
            print("qemu_run: no target_begin/target_end in the firmware: no regions counted", file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="qemu_run.") as tmp:
        # Semihosting output goes to a stdio chardev: without one (e.g. plain -nographic) qemu 7.2
        # writes it to stderr. stdin is /dev/null so qemu never reads the terminal.
        cmd = [qemu, "-M", args.machine, *qemu_args, "-display", "none", "-monitor", "none", "-serial", "none",
               "-chardev", "stdio,id=ctml0", "-semihosting-config", "enable=on,target=native,chardev=ctml0",
               "-kernel", args.elf]
        reader = None
        log = os.path.join(tmp, "exec.fifo")
        counts_file = os.path.join(tmp, "counts.txt")
        if counter and args.plugin:
            # The counting plugin (count_plugin.c): the same regions without a trace, ~50x faster.
            excluded = [syms[s] for s in UNTRACED if s in syms]
            cmd += ["-plugin", ",".join([args.plugin, f"begin=0x{counter.begin_range[0]:x}",
                                         f"begin_end=0x{counter.begin_range[1]:x}", f"end=0x{counter.end_range[0]:x}",
                                         *(f"skip{k}=0x{a:x}-0x{b:x}" for k, (a, b) in enumerate(excluded)),
                                         *([f"mark=0x{syms['ctml_layer_mark'][0]:x}"] if "ctml_layer_mark" in syms else []),
                                         f"out={counts_file}"])]
        elif not args.no_count:
            os.mkfifo(log)
            cmd += ["-singlestep", "-d", "exec,nochain", "-D", log]
            excluded = [syms[s] for s in UNTRACED if s in syms]
            if excluded:
                cmd += ["-dfilter", dfilter(excluded)]

            def parse() -> None:
                with open(log, "rb", buffering=1 << 20) as fh:
                    if counter:
                        counter.feed(fh)
                    else:
                        for _ in fh:
                            pass
            reader = threading.Thread(target=parse, daemon=True)
            reader.start()
        t0 = time.monotonic()
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        except OSError as e:
            print(f"qemu_run: cannot start qemu: {e}", file=sys.stderr)
            if reader:
                os.close(os.open(log, os.O_WRONLY | os.O_NONBLOCK))  # unblock the reader
            return finish(126)
        out: list[bytes] = []
        err: list[bytes] = []

        def pump() -> None:
            for chunk in iter(lambda: os.read(proc.stdout.fileno(), 65536), b""):
                out.append(chunk)
                sys.stdout.buffer.write(chunk)
                sys.stdout.flush()

        def drain_err() -> None:
            err.append(proc.stderr.read())
        pumps = [threading.Thread(target=pump, daemon=True), threading.Thread(target=drain_err, daemon=True)]
        for t in pumps:
            t.start()
        timed_out = False
        try:
            proc.wait(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            proc.kill()
            proc.wait()
        for t in pumps:
            t.join()
        if reader:
            reader.join(timeout=0.5)
            if reader.is_alive():  # qemu never opened the log (it failed early): give the reader EOF
                try:
                    os.close(os.open(log, os.O_WRONLY | os.O_NONBLOCK))
                except OSError:
                    pass
                reader.join()
        result["seconds"] = round(time.monotonic() - t0, 3)
        if counter and args.plugin and os.path.exists(counts_file):
            marks, pending = [], []  # per region: the count at each layer mark ("m N" lines before its count)
            with open(counts_file) as fh:
                for line in fh:
                    if line.startswith("m "):
                        pending.append(int(line[2:]))
                    elif line.strip():
                        counter.counts.append(int(line))
                        marks.append(pending)
                        pending = []
            if any(marks):
                result["layer_marks"] = marks
    text = b"".join(out).decode(errors="replace")
    errtext = b"".join(err).decode(errors="replace").strip()
    if errtext:
        print(errtext, file=sys.stderr)
    m = re.search(r"^stack_peak (\d+)$", text, re.M)
    if m:
        result["stack_peak"] = result["region_stack_peak"] = int(m.group(1))
    m = re.search(r"^fault: .*$", text, re.M)
    if m:
        result["fault"] = m.group(0)
    if counter:
        result["instructions"] = counter.counts
        result["traced_instructions"] = counter.lines
    if timed_out:
        print(f"qemu_run: time-out after {args.timeout:g} s", file=sys.stderr)
        return finish(124)
    rc = proc.returncode
    if rc < 0 or "qemu: fatal" in errtext:
        print(f"qemu_run: qemu failed (status {rc})", file=sys.stderr)
        result["fault"] = result["fault"] or (errtext.splitlines()[0] if errtext else f"qemu status {rc}")
        return finish(125)
    return finish(rc)


if __name__ == "__main__":
    raise SystemExit(main())
