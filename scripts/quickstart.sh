#!/usr/bin/env bash
# The main job: install what is missing, convert the bundled example random forests (trained on
# scikit-learn's breast-cancer and digits data), build them for host, AVR and Cortex-M, run them
# in simavr and qemu, and print agreement, accuracy, cycles/instructions, flash and RAM.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
/usr/bin/python3 examples/make_models.py --only breast_cancer_rf digits_rf breast_cancer_dt
jobs=$(nproc)
models="breast_cancer_dt breast_cancer_rf digits_rf"
firmware=$(for m in $models; do echo "fw_${m}_unrolled fw_${m}_table"; done)
for preset in host avr cortex-m; do
  echo "== $preset: building and running $models"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs" --target $firmware >/dev/null
  ctest --preset "$preset" -j "$jobs" -R "^run_fw_(${models// /|})_(unrolled|table)\$" >/dev/null
done
/usr/bin/python3 bench/harness.py --models $models --presets host avr cortex-m --out build/results
