"""convert_network: a trained network (scikit-learn MLP, PyTorch module) to models/<name>.hpp.

The flow: frontend -> ir_nn.Network -> normalize (fuse activations) -> nn_quant.quantize with
calibration inputs -> emit/nn.py; nn_reference.run gives the int8 answers the C++ must match.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np

from ..ir import nn as ir
from ..nn import frozen as nn_frozen
from ..nn import reference as nn_reference
from ..emit import model_io
from ..emit import nn as emit_nn
from ..errors import ConversionError, numpy_defaults
from ..quantize.nn import QNetwork, quantize
from ..targets import TARGETS



@dataclass(frozen=True)
class NetworkResult:
    header: Path
    vectors: Optional[Path]
    qnet: QNetwork
    arena_bytes: int
    flash_bytes: int
    macs: int = 0                    # multiply-accumulates per inference
    two_largest_live: int = 0        # the largest sum of two tensors alive at once (nn_plan.arena_bounds)
    all_live: int = 0                # the largest sum of all tensors alive at once


def to_network(model, input_shape=None) -> ir.Network:
    mod = type(model).__module__
    if mod.startswith("sklearn"):
        from ..frontends.sklearn_mlp import from_sklearn_mlp
        return from_sklearn_mlp(model)
    if mod.startswith("torch") or _is_torch(model):
        from ..frontends.torch_nn import from_torch
        if input_shape is None:
            raise ConversionError("a PyTorch model needs input_shape=(channels, height, width) or (features,)")
        return from_torch(model, input_shape)
    if mod.startswith("onnx") or isinstance(model, (str, Path)):
        from ..frontends.onnx_nn import from_onnx
        return from_onnx(model)
    raise ConversionError(f"{type(model).__name__} from {mod} is not a supported network; supported: scikit-learn "
                          "MLPClassifier/MLPRegressor, PyTorch nn.Module (nn.Sequential or torch.fx-traceable), "
                          "ONNX ModelProto or .onnx path")


def _is_torch(model) -> bool:
    try:
        import torch
    except ImportError:
        return False
    return isinstance(model, torch.nn.Module)


def to_hwc(net: ir.Network, X) -> np.ndarray:
    """Inputs as (n, h, w, c): flat rows for vector inputs, NCHW (PyTorch's layout) for images."""
    X = np.asarray(X, dtype=np.float64)
    h, w, c = net.input_shape
    if X.ndim == 2 and X.shape[1] == h * w * c and h == w == 1:
        return X.reshape(-1, 1, 1, c)
    if X.ndim == 2 and X.shape[1] == h * w * c:
        return X.reshape(-1, c, h, w).transpose(0, 2, 3, 1)
    if X.ndim == 4 and X.shape[1:] == (c, h, w):
        return X.transpose(0, 2, 3, 1)
    raise ConversionError(f"inputs of shape {X.shape} do not match the network's input (c, h, w) = {(c, h, w)}")


def arena_bytes(shapes: list, layers) -> int:
    """The C++ plan (include/ctml/nn/network.hpp: greedy by size over lifetimes), for budgets and reports,
    of the network codegen emits for these normalized layers: Conv/Dense + Add pairs fused in place
    (nn_fuse), the fused output sharing its shortcut's buffer."""
    from ..nn import fuse as nn_fuse
    layers = list(layers)
    if layers and isinstance(getattr(layers[-1], "layer", layers[-1]), ir.Softmax):
        layers = layers[:-1]   # a final softmax writes outside the arena (network.hpp: probabilities)
    layers, kept = nn_fuse.fuse(layers)
    shapes = [shapes[t] for t in kept]
    n = len(layers)
    last = list(range(n)) + [n]
    for i, layer in enumerate(layers):
        if nn_fuse.extra_input(layer) is not None:
            last[nn_fuse.extra_input(layer)] = max(last[nn_fuse.extra_input(layer)], i)
    root = list(range(n + 1))   # in place: tensor t uses root[t]'s buffer, which lives as long as all of them
    for t in range(1, n + 1):
        if isinstance(layers[t - 1], nn_fuse.AddInPlace):
            root[t] = root[layers[t - 1].other]
        last[root[t]] = max(last[root[t]], last[t])
    size = [int(np.prod(s)) for s in shapes]
    order = sorted(range(1, n + 1), key=lambda t: -size[t])   # stable: ties keep tensor order
    off, placed, total = [0] * (n + 1), [], 0
    for t in (t for t in order if root[t] == t):
        alive = [u for u in placed if u - 1 <= last[t] and t - 1 <= last[u]]
        clash = lambda at: any(at < off[u] + size[u] and off[u] < at + size[t] for u in alive)
        off[t] = min(c for c in [0] + [off[u] + size[u] for u in alive] if not clash(c))
        placed.append(t)
        total = max(total, off[t] + size[t])
    return total


def is_tflite(model) -> bool:
    return isinstance(model, (str, Path)) and Path(model).suffix.lower() == ".tflite"


@numpy_defaults
def convert_tflite(path, name: str, out_dir="models", *, target: str = "host", ram_budget: Optional[int] = None,
                   X_test=None, X_test_codes=None, softmax: str = "exact", vector_parts: int = 1) -> NetworkResult:
    """A TFLite int8 model (.tflite) to models/<name>.hpp with the file's own quantization (no calibration).
    softmax: "exact" computes a final SOFTMAX as TFLite does (include/ctml/nn/softmax_tflite.hpp, the same
    codes as TFLite Micro), "fast" with ctml's Q15 exp table (softmax.hpp: up to one code from TFLite's).
    Test vectors: X_test (floats, NHWC or (n, h*w*c), quantized with the input's scale and zero point as
    TFLite's QUANTIZE does) or X_test_codes (int8 codes); their expected outputs are nn/reference.py's,
    which follows TFLite's int8 reference kernels step by step."""
    from ..frontends.tflite import to_qnetwork
    _check_name_target(name, target)
    qnet = to_qnetwork(path, softmax)
    net = qnet.net
    shapes = ir.shapes(net)
    arena = _check_ram(name, target, ram_budget, net, shapes)
    out = Path(out_dir)
    files = {out / f"{name}.hpp": emit_nn.header(qnet, name, shapes)}
    vec = None
    if X_test is not None or X_test_codes is not None:
        n_in = int(np.prod(net.input_shape))
        if X_test_codes is not None:
            Xq = np.asarray(X_test_codes)
            if Xq.size % n_in or Xq.min(initial=0) < -128 or Xq.max(initial=0) > 127 or np.any(Xq != np.round(Xq)):
                raise ConversionError(f"X_test_codes must be int8 codes, {n_in} per sample")
            Xq = Xq.astype(np.int64).reshape((-1,) + net.input_shape)
        else:
            X = np.asarray(X_test, dtype=np.float64)
            if X.size % n_in or not np.all(np.isfinite(X)):
                raise ConversionError(f"X_test must hold finite floats, {n_in} per sample (NHWC)")
            Xq = qnet.quantize_input(X.reshape((-1,) + net.input_shape))
        ts = nn_reference.run(qnet, Xq)
        proba = ts[-1].reshape(len(Xq), -1) if qnet.has_softmax else None
        ref = ts[-2 if qnet.has_softmax else -1].reshape(len(Xq), -1)
        cls = ref.argmax(axis=1)   # what predict returns (the first largest output), regressors included
        # TFLite's int8 arithmetic is the framework here: its class is the reference's.
        vec = out / f"{name}_vectors.hpp"
        files[vec] = emit_nn.vectors_header(name, Xq, cls, ref, cls, None, vector_parts, proba)
    model_io.write_atomic(files)
    return _result(out / f"{name}.hpp", vec, qnet, arena, target)


def _check_name_target(name: str, target: str) -> None:
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ConversionError(f"model name {name!r} must be a lower-case C++ identifier")
    if target not in TARGETS:
        raise ConversionError(f"unknown target {target!r}; choose one of {', '.join(TARGETS)}")


def _check_ram(name: str, target: str, ram_budget, net, shapes) -> int:
    """The arena; refuses a network over the target's RAM budget."""
    arena = arena_bytes(shapes, net.layers)
    budget = ram_budget if ram_budget is not None else TARGETS[target]["ram"]
    out_bytes = int(np.prod(shapes[-1])) * (2 if ir.ends_in_softmax(net) else 1)   # the copies logits()/probabilities() return
    if budget is not None and arena + out_bytes + TARGETS[target]["network_frame"] > budget:
        raise ConversionError(f"network {name} needs {arena} B of activations + {out_bytes} B of output + "
                              f"{TARGETS[target]['network_frame']} B of call frame "
                              f"on {target}, over the {budget} B RAM budget; use fewer channels or stride/pool earlier")
    return arena


def _result(header: Path, vec, qnet, arena: int, target: str) -> NetworkResult:
    from ..emit import footprint
    from ..nn import plan as nn_plan
    # Off AVR each conv/dense layer may keep its requantize parameters (nn::detail::conv_quant: four
    # pointers and four int32) as a constant too.
    quant = 0 if target == "avr" else (48 if target == "host" else 32)
    data = sum(ql.weight.size * (2 if isinstance(ql.layer, ir.Softmax) else 1) +
                (4 * ql.bias.size + 5 * ql.multiplier.size + quant if ql.bias is not None else 0)
                for ql in qnet.layers if ql.weight is not None)
    flash = footprint.network(len(qnet.layers), False, data, target)   # + the kernels' code per layer
    bounds = nn_plan.arena_bounds(qnet.net)
    return NetworkResult(header, vec, qnet, arena, flash, nn_plan.macs(qnet.net), bounds["two_largest_live"],
                         bounds["all_live"])


@numpy_defaults
def convert_network(model, name: str, out_dir="models", *, X_sample=None, input_shape=None, target: str = "host",
                    ram_budget: Optional[int] = None, X_test=None, y_test=None, framework_predict=None,
                    float_path: bool = False, vector_parts: int = 1, drop_last: bool = False,
                    softmax: Optional[bool] = None) -> NetworkResult:
    """Quantizes a trained network with calibration inputs X_sample and writes models/<name>.hpp
    (and <name>_vectors.hpp with X_test: int8 inputs, the int8 reference's answers, and the
    framework's float predictions from framework_predict(X_test), default model.predict).
    float_path adds <name>_float.hpp, the network in float, and <name>_float_vectors.hpp (float
    inputs and the framework's classes). vector_parts > 1 also splits the test vectors into that
    many <name>_vectors_part<i> structs (to run the whole held-out set on an ATmega328P).
    drop_last converts the frozen part only (tinyOL's body): the network without its final Dense
    classifier layer, whose output is the penultimate activation; the header adds <name>_embedding
    (code type, zero point, shift) for ctml::learn::tinyol (see nn_frozen.py).
    softmax: None keeps the model's own final softmax (scikit-learn's MLPClassifier always has one: its
    predict_proba); True appends one to a classifier that ends in logits; False leaves it out. With a
    softmax the network has probabilities()/predict_proba() (ctml/nn/softmax.hpp: a Q15 exp table of at
    most 512 bytes in flash); predict is the argmax of the logits either way.
    A .tflite path goes to convert_tflite (its quantization is the file's: no X_sample)."""
    if is_tflite(model):
        if X_sample is not None or input_shape is not None or float_path or drop_last or y_test is not None \
                or framework_predict is not None or softmax is not None:
            raise ConversionError("a .tflite model carries its own quantization: pass only name, out_dir, target, "
                                  "ram_budget, X_test and vector_parts (or use convert_tflite for its options)")
        return convert_tflite(model, name, out_dir, target=target, ram_budget=ram_budget, X_test=X_test,
                              vector_parts=vector_parts)
    _check_name_target(name, target)
    if X_sample is None:
        raise ConversionError("a network needs X_sample: typical inputs to calibrate its int8 activations")
    net = ir.normalize(to_network(model, input_shape))
    if drop_last:
        if float_path or softmax:
            raise ConversionError("drop_last converts the int8 frozen part for tinyOL; it has no float path and no "
                                  "softmax: pass float_path=False and no softmax=True")
        net = nn_frozen.drop_classifier(ir.with_softmax(net, False))
    else:
        net = ir.with_softmax(net, softmax)
    qnet = quantize(net, to_hwc(net, X_sample))
    shapes = ir.shapes(net)
    arena = _check_ram(name, target, ram_budget, net, shapes)
    out = Path(out_dir)
    text = emit_nn.header(qnet, name, shapes, float_path)
    if drop_last:
        text += "\n" + nn_frozen.embedding_block(qnet, name)
    files = {out / f"{name}.hpp": text}
    if float_path:
        files[out / f"{name}_float.hpp"] = emit_nn.float_header(net, name)
    vec = None
    if X_test is not None:
        Xh = to_hwc(net, X_test)
        Xq = qnet.quantize_input(Xh)
        ts = nn_reference.run(qnet, Xq)
        proba = ts[-1].reshape(len(Xq), -1) if qnet.has_softmax else None
        ref = ts[-2 if qnet.has_softmax else -1].reshape(len(Xq), -1)   # what logits() returns
        cls = fw = truth = None
        if net.kind == "classifier":
            cls = ref.argmax(axis=1)
            if framework_predict is not None:
                pred = framework_predict(X_test)
            elif hasattr(model, "predict"):
                pred = model.predict(X_test)
            else:  # ONNX: no runtime here; the float64 forward pass of the graph stands in
                pred = ir.forward(net, Xh)[-1].reshape(len(Xh), -1).argmax(axis=1)
            classes = list(net.classes)
            fw = np.array([classes.index(p) for p in np.asarray(pred).tolist()])
            if y_test is not None:
                truth = np.array([classes.index(v) for v in np.asarray(y_test).tolist()])
        value = None
        if net.kind == "regressor":   # the framework's values (expected_value), as predict returns them
            pred = framework_predict(X_test) if framework_predict is not None else (
                model.predict(X_test) if hasattr(model, "predict") else ir.forward(net, Xh)[-1])
            value = np.asarray(pred, dtype=np.float64).reshape(len(Xh), -1)
        vec = out / f"{name}_vectors.hpp"
        files[vec] = emit_nn.vectors_header(name, Xq, cls, ref, fw, truth, vector_parts, proba, value)
        if float_path:
            files[out / f"{name}_float_vectors.hpp"] = emit_nn.float_vectors_header(name, Xh, fw, truth, value)
    model_io.write_atomic(files)
    return _result(out / f"{name}.hpp", vec, qnet, arena, target)
