#!/usr/bin/env bash
# Installs ctml into a temporary prefix, then configures, builds and runs tests/package against it.
set -euo pipefail
src="$(cd "$(dirname "$0")/../.." && pwd)"
build="$1"
rm -rf "$build/pkg"
mkdir -p "$build/pkg"
cmake -S "$src" -B "$build/pkg/ctml" -G Ninja -DCTML_BUILD_TESTS=OFF -DCTML_BUILD_BENCH=OFF \
  -DCMAKE_INSTALL_PREFIX="$build/pkg/prefix" >/dev/null
cmake --install "$build/pkg/ctml" >/dev/null
/usr/bin/python3 - "$build/pkg/iris.json" <<'PY'
import sys
import xgboost as xgb
from sklearn.datasets import load_iris
X, y = load_iris(return_X_y=True)
xgb.XGBClassifier(n_estimators=5, max_depth=2, random_state=0, n_jobs=1).fit(X, y).save_model(sys.argv[1])
PY
cmake -S "$src/tests/package" -B "$build/pkg/consumer" -G Ninja -DCMAKE_PREFIX_PATH="$build/pkg/prefix" \
  -DMODEL_FILE="$build/pkg/iris.json" >/dev/null
cmake --build "$build/pkg/consumer" >/dev/null
"$build/pkg/consumer/consumer"
echo "package: find_package(ctml), ctml_add_model and predict work"
