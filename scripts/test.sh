#!/usr/bin/env bash
# Every test: installs what is missing, then builds and runs the host tests with g++, clang and
# ASan+UBSan, the libFuzzer targets for a bounded run each (fuzz preset, 15 s per target),
# codegen's pytest, the target runs in simavr (AVR) and qemu (Cortex-M4 and M3 with every model;
# Cortex-M0, M7, M33, M55 and RISC-V rv32imc with the models docs/targets.md lists), and finally
# checks that host, AVR, Cortex-M and RISC-V give the same answers and writes bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jobs=$(nproc)
for preset in host host-clang host-sanitize fuzz avr cortex-m cortex-m3 cortex-m0 cortex-m7 cortex-m33 cortex-m55 riscv32 \
              cortex-m-O2 cortex-m-O3; do
  echo "== $preset"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  ctest --preset "$preset" -j "$jobs"
done
/usr/bin/python3 bench/harness.py --check
# Compile time and compiler memory against forest size; fails over 60 s or 2 GB at 100 trees.
/usr/bin/python3 bench/compile_time.py --check
