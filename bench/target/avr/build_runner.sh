#!/usr/bin/env bash
# Builds the simavr runner into OUTDIR (default: build/runner) with the host C compiler.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-build/runner}"
mkdir -p "$out"
if [ ! -x "$out/simavr_run" ] || [ "$here/simavr_run.c" -nt "$out/simavr_run" ]; then
  flags=$(pkg-config --cflags --libs simavr 2>/dev/null || echo "-I/usr/include/simavr -lsimavr")
  cc -O2 -std=gnu11 -Wall -Wextra -o "$out/simavr_run" "$here/simavr_run.c" $flags -lelf
fi
