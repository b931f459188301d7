#!/usr/bin/env bash
# Installs ctml into a temporary prefix, then configures examples/out-of-tree from that install
# alone, for the host and (if clang-16, avr-gcc and simavr are there) for the ATmega328P, builds it
# and runs the firmware (natively; in simavr), which checks every answer against XGBoost's.
set -euo pipefail
src="$(cd "$(dirname "$0")/../.." && pwd)"
work="$1/out_of_tree"
rm -rf "$work"
mkdir -p "$work"
cmake -S "$src" -B "$work/ctml" -G Ninja -DCTML_BUILD_TESTS=OFF -DCTML_BUILD_BENCH=OFF \
  -DCMAKE_INSTALL_PREFIX="$work/prefix" >/dev/null
cmake --install "$work/ctml" >/dev/null
prefix="$work/prefix"
for f in share/ctml/cmake/avr-clang.cmake share/ctml/cmake/arm-none-eabi.cmake share/ctml/target/target.h \
         share/ctml/target/cortex-m/startup.c share/ctml/target/cortex-m/mps2.ld share/ctml/target/avr/simavr_run.c; do
  [ -f "$prefix/$f" ] || { echo "install lacks $f"; exit 1; }
done
ex="$src/examples/out-of-tree"
cmake -S "$ex" -B "$work/host" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/host" >/dev/null
ctest --test-dir "$work/host" --output-on-failure
if command -v clang++-16 >/dev/null && command -v avr-gcc >/dev/null && command -v simavr >/dev/null; then
  cmake -S "$ex" -B "$work/avr" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=MinSizeRel \
    -DCMAKE_TOOLCHAIN_FILE="$prefix/share/ctml/cmake/avr-clang.cmake" >/dev/null
  cmake --build "$work/avr" >/dev/null
  ctest --test-dir "$work/avr" --output-on-failure -V | grep -E "agree|tests passed"
else
  echo "out-of-tree: clang++-16, avr-gcc or simavr missing: the AVR build was not tried"
  exit 1
fi
echo "out-of-tree: the example builds from the install and agrees with XGBoost on host and ATmega328P"
