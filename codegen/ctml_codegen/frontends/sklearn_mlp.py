"""scikit-learn MLPClassifier / MLPRegressor -> network IR (Dense layers with fused ReLU)."""
from __future__ import annotations

import numpy as np

from ..ir import nn as ir
from ..errors import ConversionError
from ..ir.common import Source

SUPPORTED = ("MLPClassifier", "MLPRegressor")
ACTIVATIONS = {"relu": "relu", "identity": "linear", "logistic": "sigmoid", "tanh": "tanh"}


def from_sklearn_mlp(est) -> ir.Network:
    import sklearn
    kind = type(est).__name__
    if kind not in SUPPORTED:
        raise ConversionError(f"{kind} is not a supported network; supported: {', '.join(SUPPORTED)}")
    if not hasattr(est, "coefs_"):
        raise ConversionError(f"the {kind} is not fitted; call fit() first")
    if est.activation not in ACTIVATIONS:
        raise ConversionError(f"MLP activation {est.activation!r} is not supported; supported: {', '.join(ACTIVATIONS)}")
    hidden = ACTIVATIONS[est.activation]
    n = len(est.coefs_)
    layers = []
    for i, (w, b) in enumerate(zip(est.coefs_, est.intercepts_)):
        fused = hidden if hidden in ir.ACTIVATIONS and i + 1 < n else "linear"
        layers.append(ir.Dense(np.asarray(w, dtype=np.float64).T.copy(), np.asarray(b, dtype=np.float64), fused))
        if hidden in ir.TABLES and i + 1 < n:
            layers.append(ir.Activation(hidden))
    classes = ()
    if kind == "MLPClassifier":
        if est.out_activation_ == "logistic" and len(est.classes_) == 2:
            # One logit z: class 1 when z > 0. As two outputs (0, z) argmax picks the same class
            # (a tie, z = 0, gives class 0 as scikit-learn's proba > 0.5 does).
            last = layers[-1]
            layers[-1] = ir.Dense(np.vstack([np.zeros_like(last.weight), last.weight]),
                                  np.concatenate([[0.0], last.bias]), "linear")
        elif est.out_activation_ != "softmax":
            raise ConversionError(f"MLPClassifier output {est.out_activation_!r} is not supported (multi-label); "
                                  "supported: binary and multiclass")
        layers.append(ir.Softmax())   # predict_proba: softmax(0, z) is scikit-learn's (1 - sigmoid(z), sigmoid(z))
        classes = tuple(est.classes_.tolist())
    params = f"hidden_layer_sizes={est.hidden_layer_sizes}, activation={est.activation!r}"
    return ir.Network((1, 1, est.coefs_[0].shape[0]), tuple(layers),
                      Source(f"scikit-learn {sklearn.__version__}", f"{kind}({params})"),
                      "classifier" if kind == "MLPClassifier" else "regressor", classes)
