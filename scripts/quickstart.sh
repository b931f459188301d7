#!/usr/bin/env bash
# The main job: install what is missing, convert the bundled example random forests (trained on
# scikit-learn's breast-cancer and digits data), build them for host, AVR and Cortex-M, run them
# in simavr and qemu, and print agreement, accuracy, cycles/instructions, flash and RAM.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
/usr/bin/python3 examples/make_models.py --only breast_cancer_rf digits_rf breast_cancer_dt
jobs=$(nproc)
for preset in host avr cortex-m; do
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs" >/dev/null
  ctest --preset "$preset" -j "$jobs" -L target -R 'breast_cancer_rf|digits_rf|breast_cancer_dt' >/dev/null
done
/usr/bin/python3 bench/harness.py --models breast_cancer_dt breast_cancer_rf digits_rf --presets host avr cortex-m --out build/results
