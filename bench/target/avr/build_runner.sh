#!/usr/bin/env bash
# build_runner.sh OUTDIR: builds the simavr runner (simavr_run.c) into OUTDIR/simavr_run with the
# host C compiler ($CC, default cc) on libsimavr and libelf. Idempotent: it rebuilds only when
# simavr_run.c (or this script) is newer than the binary.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-build/runner}"
mkdir -p "$out"
bin="$out/simavr_run"
if [ -x "$bin" ] && [ ! "$here/simavr_run.c" -nt "$bin" ] && [ ! "$here/build_runner.sh" -nt "$bin" ]; then
  exit 0
fi
# pkg-config simavr gives -I/usr/include/simavr -lsimavr (Debian's libsimavr-dev); the source
# includes <simavr/...>, which /usr/include resolves either way.
if flags=$(pkg-config --cflags --libs simavr 2>/dev/null); then :; else flags="-I/usr/include/simavr -lsimavr"; fi
# shellcheck disable=SC2086
"${CC:-cc}" -O2 -std=gnu11 -Wall -Wextra -o "$bin.tmp" "$here/simavr_run.c" $flags -lelf
mv -f "$bin.tmp" "$bin"
