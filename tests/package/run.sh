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
# An int8 network: a small ONNX MLP ending in a softmax, with its calibration inputs.
/usr/bin/python3 - "$build/pkg/net.onnx" "$build/pkg/sample.npy" <<'PY'
import sys
import numpy as np
from onnx import TensorProto, helper, numpy_helper, save
rng = np.random.RandomState(0)
inits = [numpy_helper.from_array(v, n) for v, n in ((rng.randn(4, 6), "w1"), (rng.randn(6), "b1"),
                                                   (rng.randn(3, 6), "w2"), (rng.randn(3), "b2"))]
nodes = [helper.make_node("MatMul", ["x", "w1"], ["m"]), helper.make_node("Add", ["m", "b1"], ["h"]),
         helper.make_node("Relu", ["h"], ["a"]), helper.make_node("Gemm", ["a", "w2", "b2"], ["z"], transB=1),
         helper.make_node("Softmax", ["z"], ["y"], axis=1)]
graph = helper.make_graph(nodes, "mlp", [helper.make_tensor_value_info("x", TensorProto.DOUBLE, [1, 4])],
                          [helper.make_tensor_value_info("y", TensorProto.DOUBLE, [1, 3])], inits)
save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), sys.argv[1])
np.save(sys.argv[2], rng.randn(64, 4))
PY
cmake -S "$src/tests/package" -B "$build/pkg/consumer" -G Ninja -DCMAKE_PREFIX_PATH="$build/pkg/prefix" \
  -DMODEL_FILE="$build/pkg/iris.json" -DNET_FILE="$build/pkg/net.onnx" -DNET_SAMPLE="$build/pkg/sample.npy" >/dev/null
cmake --build "$build/pkg/consumer" >/dev/null
"$build/pkg/consumer/consumer"
echo "package: find_package(ctml), ctml_add_model (a forest and an int8 network), predict and predict_proba work"
