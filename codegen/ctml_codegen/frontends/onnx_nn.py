"""ONNX -> network IR (Debian's python3-onnx). A graph is read node by node in its (topological)
order onto the same builder the PyTorch frontend uses: NCHW becomes ctml's HWC, a Gemm/MatMul
after a Flatten of an image has its columns permuted from CHW to HWC order, BatchNormalization is
folded into the Conv/Gemm before it, Relu and Clip(0, 6) are fused later by ir_nn.normalize.
Shapes come from the graph (onnx.shape_inference) and are checked against ctml's own folding.
Shape arithmetic that exporters emit for a reshape (Shape, Gather, Unsqueeze, Concat, ...) is
evaluated on constants here, so `x.view(x.size(0), -1)` converts like a Flatten."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..ir import nn as ir
from ..errors import ConversionError
from ..ir.common import Source
from .torch_nn import _Builder

SUPPORTED = ("Gemm", "MatMul (+ Add of a bias)", "Conv (group 1 or depthwise)", "BatchNormalization (after Conv/Gemm)",
             "Relu", "Clip(0, 6)", "Sigmoid", "Tanh", "MaxPool", "AveragePool", "GlobalAveragePool", "Add (residual, or a bias)",
             "Flatten", "Reshape (to (batch, -1))", "Pad (all zero)", "Softmax (last, over channels)", "Dropout", "Identity",
             "constant shape arithmetic (Constant, Shape, Gather, Unsqueeze, Squeeze, Concat, Cast, Slice)")
SHAPE_OPS = ("Constant", "Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Cast", "Slice")


def _unsupported(what: str) -> ConversionError:
    return ConversionError(f"ONNX operator {what} is not supported; supported: {', '.join(SUPPORTED)}")


def load(path) -> "object":
    """An onnx.ModelProto from a .onnx file, checked."""
    import onnx
    path = Path(path)
    if not path.exists():
        raise ConversionError(f"model file {path} does not exist")
    try:
        model = onnx.load(str(path))
        onnx.checker.check_model(model)
    except Exception as e:  # onnx raises DecodeError, ValidationError, ...
        raise ConversionError(f"{path} is not a valid ONNX model: {str(e).splitlines()[0]}") from None
    return model


def is_onnx(model) -> bool:
    return type(model).__name__ == "ModelProto" and type(model).__module__.startswith("onnx")


def _attrs(node) -> dict:
    from onnx import helper
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _dims(value_info) -> list:
    t = value_info.type.tensor_type
    return [d.dim_value if d.HasField("dim_value") else None for d in t.shape.dim]


class _Graph:
    def __init__(self, model):
        import onnx
        from onnx import numpy_helper, shape_inference
        try:
            model = shape_inference.infer_shapes(model)
        except Exception as e:
            raise ConversionError(f"ONNX shape inference failed: {str(e).splitlines()[0]}") from None
        g = model.graph
        self.const = {i.name: numpy_helper.to_array(i).astype(np.float64) if numpy_helper.to_array(i).dtype.kind == "f"
                      else numpy_helper.to_array(i) for i in g.initializer}
        inputs = [i for i in g.input if i.name not in self.const]
        if len(inputs) != 1:
            raise ConversionError(f"the ONNX graph has {len(inputs)} inputs; ctml networks take one")
        shape = _dims(inputs[0])[1:]
        if any(d is None for d in shape) or len(shape) not in (1, 3):
            raise ConversionError(f"the ONNX input {inputs[0].name} has shape {_dims(inputs[0])}; ctml needs a fixed "
                                  "(batch, features) or (batch, channels, height, width)")
        self.b = _Builder(tuple(shape))
        self.tensor = {inputs[0].name: 0}
        self.inferred = {v.name: _dims(v) for v in list(g.value_info) + list(g.output)}
        self.outputs = [o.name for o in g.output]
        self.graph = g
        self.onnx = onnx

    def value(self, name: str):
        return self.const.get(name)

    def src(self, node, k: int = 0) -> int:
        name = node.input[k]
        if name not in self.tensor:
            raise _unsupported(f"{node.op_type} reading {name!r}, which is neither an activation nor a constant")
        return self.tensor[name]

    def set(self, node, t: int) -> None:
        self.tensor[node.output[0]] = t
        want = self.inferred.get(node.output[0])
        have = self.b.shapes[t]
        if want and all(d is not None for d in want[1:]) and int(np.prod(want[1:])) != have[0] * have[1] * have[2]:
            raise ConversionError(f"{node.op_type} {node.name!r}: ONNX infers shape {want}, ctml folds {have} (HWC)")


def _pads(a: dict, kh: int, kw: int, in_hw, stride) -> tuple[int, int, int, int]:
    auto = a.get("auto_pad", b"NOTSET")
    auto = auto.decode() if isinstance(auto, bytes) else auto
    if auto in ("SAME_UPPER", "SAME_LOWER"):
        out = []
        for size, k, s in zip(in_hw, (kh, kw), stride):
            total = max((-(-size // s) - 1) * s + k - size, 0)
            small = total // 2
            out += [small, total - small] if auto == "SAME_UPPER" else [total - small, small]
        return out[0], out[1], out[2], out[3]
    if auto == "VALID":
        return (0, 0, 0, 0)
    p = list(a.get("pads", [0, 0, 0, 0]))
    if len(p) != 4:
        raise _unsupported(f"pads {p} (2-D only)")
    return p[0], p[2], p[1], p[3]   # ONNX: (top, left, bottom, right)


def _conv(g: _Graph, node):
    a = _attrs(node)
    w = g.value(node.input[1])
    if w is None or w.ndim != 4:
        raise _unsupported("Conv with a non-constant or non-2-D weight")
    if any(d != 1 for d in a.get("dilations", [1, 1])):
        raise _unsupported("Conv with dilation")
    b = g.value(node.input[2]) if len(node.input) > 2 and node.input[2] else np.zeros(w.shape[0])
    src = g.src(node)
    h, wd, c = g.b.shapes[src]
    stride = tuple(int(s) for s in a.get("strides", [1, 1]))
    pad = _pads(a, w.shape[2], w.shape[3], (h, wd), stride)
    group = int(a.get("group", 1))
    if group == 1:
        layer = ir.Conv2D(w.transpose(0, 2, 3, 1).copy(), b.astype(np.float64), stride, pad)
    elif group == c and w.shape[1] == 1:
        layer = ir.DepthwiseConv2D(w[:, 0].transpose(1, 2, 0).copy(), b.astype(np.float64), w.shape[0] // c, stride, pad)
    else:
        raise _unsupported(f"Conv(group={group}) (only 1 or depthwise)")
    return g.b.push(layer, src)


def _dense(g: _Graph, w: np.ndarray, b: np.ndarray, src: int) -> int:
    """w (units, inputs) in the framework's flatten order."""
    h, wd, c = g.b.chw_flat.get(src, (0, 0, 0))
    if h * wd * c == w.shape[1]:
        perm = np.arange(h * wd * c).reshape(c, h, wd).transpose(1, 2, 0).reshape(-1)
        w = w[:, perm]
    return g.b.push(ir.Dense(np.ascontiguousarray(w), np.asarray(b, dtype=np.float64)), src)


def _gemm(g: _Graph, node) -> int:
    a = _attrs(node)
    w = g.value(node.input[1])
    if w is None or a.get("transA", 0):
        raise _unsupported("Gemm with a non-constant weight or transA")
    w = (w if a.get("transB", 0) else w.T) * float(a.get("alpha", 1.0))
    b = g.value(node.input[2]) if len(node.input) > 2 and node.input[2] else np.zeros(w.shape[0])
    b = np.broadcast_to(np.asarray(b, dtype=np.float64).reshape(-1), (w.shape[0],)) * float(a.get("beta", 1.0))
    return _dense(g, w, b, g.src(node))


def _batchnorm(g: _Graph, node, src: int) -> int:
    b = g.b
    outer = b.layers[-1] if b.layers and src == len(b.layers) else None
    prev = ir.unwrap(outer)
    if not isinstance(prev, (ir.Dense, ir.Conv2D, ir.DepthwiseConv2D)) or prev.activation != "linear":
        raise ConversionError("BatchNormalization must directly follow a Gemm/MatMul or Conv (ctml folds it into "
                              "its weights)")
    gamma, beta, mean, var = (g.value(n) for n in node.input[1:5])
    if any(v is None for v in (gamma, beta, mean, var)):
        raise _unsupported("BatchNormalization with non-constant parameters")
    eps = float(_attrs(node).get("epsilon", 1e-5))
    scale = gamma / np.sqrt(var + eps)
    shift = beta - mean * scale
    axis = -1 if isinstance(prev, ir.DepthwiseConv2D) else 0
    shape = [1] * prev.weight.ndim
    shape[axis] = -1
    folded = type(prev)(**{**prev.__dict__, "weight": prev.weight * scale.reshape(shape),
                           "bias": prev.bias * scale + shift})
    b.layers[-1] = folded if outer is prev else ir.Branch(outer.source, folded)
    return src


def _pool(g: _Graph, node) -> int:
    a = _attrs(node)
    if a.get("ceil_mode", 0) or any(d != 1 for d in a.get("dilations", [1, 1])):
        raise _unsupported(f"{node.op_type} with ceil_mode or dilation")
    kh, kw = (int(k) for k in a["kernel_shape"])
    src = g.src(node)
    h, wd, _ = g.b.shapes[src]
    stride = tuple(int(s) for s in a.get("strides", [1, 1]))
    pad = _pads(a, kh, kw, (h, wd), stride)
    if node.op_type == "AveragePool" and any(pad) and a.get("count_include_pad", 0):
        raise _unsupported("AveragePool with padding and count_include_pad=1")
    return g.b.push(ir.Pool2D("max" if node.op_type == "MaxPool" else "avg", (kh, kw), stride, pad), src)


def _clip_range(g: _Graph, node) -> tuple[float, float]:
    a = _attrs(node)
    lo, hi = a.get("min", -np.inf), a.get("max", np.inf)
    if len(node.input) > 1 and node.input[1]:
        lo = g.value(node.input[1])
    if len(node.input) > 2 and node.input[2]:
        hi = g.value(node.input[2])
    if lo is None or hi is None:
        raise _unsupported("Clip with non-constant bounds")
    return float(np.asarray(lo)), float(np.asarray(hi))


def _add(g: _Graph, node) -> int:
    x, y = (g.tensor.get(n) for n in node.input[:2])
    if x is not None and y is not None:
        first, other = (x, y) if x > y else (y, x)
        if first != len(g.b.layers):
            raise ConversionError("an Add must read the previous layer's output and one earlier tensor")
        return g.b.push(ir.Add(other), first)
    t, c = (x, g.value(node.input[1])) if x is not None else (y, g.value(node.input[0]))
    outer = g.b.layers[-1] if g.b.layers and t == len(g.b.layers) else None
    prev = ir.unwrap(outer)
    if t is None or c is None or not isinstance(prev, (ir.Dense, ir.Conv2D, ir.DepthwiseConv2D)) \
            or prev.activation != "linear":
        raise _unsupported("Add of a constant other than a bias right after MatMul/Gemm/Conv")
    n = prev.bias.shape[0]
    c = np.asarray(c, dtype=np.float64)
    if c.size not in (1, n):
        raise _unsupported(f"Add of a constant of shape {c.shape} (a bias of {n} values expected)")
    biased = type(prev)(**{**prev.__dict__, "bias": prev.bias + c.reshape(-1)})
    g.b.layers[-1] = biased if outer is prev else ir.Branch(outer.source, biased)
    return t


def _shape_op(g: _Graph, node) -> None:
    """Evaluates constant shape arithmetic; Shape of an activation gives its NCHW shape (batch 1)."""
    op, a = node.op_type, _attrs(node)
    if op == "Constant":
        from onnx import numpy_helper
        v = numpy_helper.to_array(a["value"]) if "value" in a else np.asarray(a.get("value_ints", a.get("value_int")))
        g.const[node.output[0]] = v
        return
    if op == "Shape" and node.input[0] in g.tensor:
        h, w, c = g.b.shapes[g.tensor[node.input[0]]]
        g.const[node.output[0]] = np.array([1, c] if h == w == 1 else [1, c, h, w], dtype=np.int64)
        return
    ins = [g.value(n) for n in node.input if n]
    if any(v is None for v in ins):
        raise _unsupported(f"{op} on an activation")
    if op == "Gather":
        out = np.take(ins[0], ins[1], axis=int(a.get("axis", 0)))
    elif op == "Unsqueeze":
        axes = a.get("axes", ins[1].tolist() if len(ins) > 1 else [])
        out = ins[0]
        for ax in sorted(axes):
            out = np.expand_dims(out, ax)
    elif op == "Squeeze":
        axes = a.get("axes", ins[1].tolist() if len(ins) > 1 else None)
        out = np.squeeze(ins[0], axis=tuple(axes) if axes is not None else None)
    elif op == "Concat":
        out = np.concatenate([np.atleast_1d(v) for v in ins], axis=int(a.get("axis", 0)))
    elif op == "Cast":
        out = ins[0]
    else:  # Slice (opset >= 10: starts, ends, axes, steps as inputs)
        starts, ends = ins[1], ins[2]
        axes = ins[3] if len(ins) > 3 else np.arange(len(starts))
        steps = ins[4] if len(ins) > 4 else np.ones(len(starts), dtype=np.int64)
        sl = [slice(None)] * ins[0].ndim
        for s, e, ax, st in zip(starts, ends, axes, steps):
            sl[int(ax)] = slice(int(s), int(e), int(st))
        out = ins[0][tuple(sl)]
    g.const[node.output[0]] = np.asarray(out)


def _reshape(g: _Graph, node) -> int:
    src = g.src(node)
    target = g.value(node.input[1])
    h, w, c = g.b.shapes[src]
    if target is None:
        raise _unsupported("Reshape to a shape computed from activations")
    target = [int(v) for v in np.asarray(target).reshape(-1)]
    if len(target) == 2 and target[0] in (1, -1, 0) and target[1] in (-1, h * w * c):
        return g.b.flatten(src)
    raise _unsupported(f"Reshape to {target} (only (batch, -1), a flatten)")


def from_onnx(model) -> ir.Network:
    """The network IR of an onnx.ModelProto (or a path to a .onnx file)."""
    if not is_onnx(model):
        model = load(model)
    g = _Graph(model)
    nodes = list(g.graph.node)
    for node in nodes:
        op = node.op_type
        if op in SHAPE_OPS and not (op == "Shape" and node.input[0] not in g.tensor) and \
                not (op not in ("Constant", "Shape") and any(n in g.tensor for n in node.input)):
            _shape_op(g, node)
            continue
        if op in ("Identity", "Dropout"):
            g.tensor[node.output[0]] = g.src(node)
        elif op == "Pad":   # exporters put an all-zero Pad before an AveragePool
            pads = g.value(node.input[1]) if len(node.input) > 1 else np.asarray(_attrs(node).get("pads", []))
            if pads is None or np.any(np.asarray(pads) != 0):
                raise _unsupported("Pad with non-zero pads (put the padding on the Conv or pool)")
            g.tensor[node.output[0]] = g.src(node)
        elif op == "Conv":
            g.set(node, _conv(g, node))
        elif op == "Gemm":
            g.set(node, _gemm(g, node))
        elif op == "MatMul":
            w = g.value(node.input[1])
            if w is None or w.ndim != 2:
                raise _unsupported("MatMul with a non-constant or non-2-D weight")
            g.set(node, _dense(g, w.T, np.zeros(w.shape[1]), g.src(node)))
        elif op == "BatchNormalization":
            g.set(node, _batchnorm(g, node, g.src(node)))
        elif op in ("Sigmoid", "Tanh"):   # int8 lookup tables (include/ctml/nn/lut.hpp)
            g.set(node, g.b.push(ir.Activation(op.lower()), g.src(node)))
        elif op == "Relu":
            g.set(node, g.b.push(ir.Activation("relu"), g.src(node)))
        elif op == "Clip":
            lo, hi = _clip_range(g, node)
            src = g.src(node)
            after_relu = src == len(g.b.layers) and src > 0 and g.b.layers[-1] == ir.Activation("relu")
            if after_relu and lo <= 0.0 and hi in (6.0, np.inf):   # PyTorch exports ReLU6 as Relu, Clip(0, 6)
                if hi == 6.0:
                    g.b.layers[-1] = ir.Activation("relu6")
                g.set(node, src)
            elif lo == 0.0 and hi == 6.0:
                g.set(node, g.b.push(ir.Activation("relu6"), g.src(node)))
            elif lo == 0.0 and hi == np.inf:
                g.set(node, g.b.push(ir.Activation("relu"), g.src(node)))
            else:
                raise _unsupported(f"Clip({lo}, {hi}) (only Clip(0, 6) and Clip(0))")
        elif op in ("MaxPool", "AveragePool"):
            g.set(node, _pool(g, node))
        elif op == "GlobalAveragePool":
            g.set(node, g.b.push(ir.GlobalAvgPool(), g.src(node)))
        elif op == "Add":
            g.set(node, _add(g, node))
        elif op == "Flatten":
            if int(_attrs(node).get("axis", 1)) != 1:
                raise _unsupported("Flatten with axis other than 1")
            g.set(node, g.b.flatten(g.src(node)))
        elif op == "Reshape":
            g.set(node, _reshape(g, node))
        elif op == "Softmax":   # opset 13 on: over `axis` (default -1); before: over the flattened axes from `axis` (1)
            opset = max((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), default=13)
            axis = int(_attrs(node).get("axis", -1 if opset >= 13 else 1))
            h, w, _ = g.b.shapes[g.src(node)]
            if opset < 13 and h * w > 1:
                raise _unsupported(f"Softmax (opset {opset}) of a CHW tensor: it spans the flattened axes")
            g.set(node, g.b.softmax(axis, g.src(node)))
        else:
            raise _unsupported(op)
    if len(g.outputs) != 1 or g.tensor.get(g.outputs[0]) != len(g.b.layers):
        raise ConversionError("the ONNX graph's one output must be its last layer's")
    s = g.b.shapes[-1]
    n_out = s[0] * s[1] * s[2]
    kind = "classifier" if n_out > 1 else "regressor"
    ops = ", ".join(dict.fromkeys(n.op_type for n in nodes if n.op_type not in SHAPE_OPS))
    prod = f"{model.producer_name} {model.producer_version}".strip()
    source = Source(f"ONNX {g.onnx.__version__} (opset {model.opset_import[0].version})",
                    f"ONNX graph {g.graph.name or 'graph'} ({ops})" + (f" from {prod}" if prod else ""))
    return ir.Network(g.b.shapes[0], tuple(g.b.layers), source, kind, tuple(range(n_out)) if kind == "classifier" else ())
