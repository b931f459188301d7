"""TFLite int8 model (.tflite flatbuffer) -> the network IR, already quantized as the file says.

The file carries its own quantization, so nothing is calibrated: scales, zero points, int8
weights and int32 biases are taken as they are, and the requantization multipliers and shifts
are derived from the float32 scales exactly as TensorFlow Lite (Micro) derives them at Prepare:
- CONV_2D, DEPTHWISE_CONV_2D, per-channel FULLY_CONNECTED: double(s_in) * double(s_w[c]) /
  double(s_out) (PopulateConvolutionQuantizationParams); per-tensor FULLY_CONNECTED: the product
  s_in * s_w in float32, then / double(s_out) (GetQuantizedConvolutionMultipler); then
  QuantizeMultiplier (frexp, round half away from zero to Q31).
- fused RELU / RELU6: the clamp [max(-128, zp + round(0 / s)), min(127, zp + round(6 / s))] with
  the division in float32 (CalculateActivationRangeQuantized).
- SAME padding: total = max((out - 1) * stride + k - in, 0), total / 2 before and the rest after
  (ComputePaddingHeightWidth), so an odd total puts the extra row/column at the bottom/right.
- ADD: left shift 20 and one multiplier per input (PrepareGeneralSubOp), SOFTMAX: beta and the
  input scale as a Q5.26 multiplier and left shift, diff_min from CalculateInputRadius.
nn/reference.py then follows TFLite's int8 reference kernels step by step. The operators, types
and options below are all that is accepted; anything else is refused by name.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..ir import nn as ir
from ..errors import ConversionError
from ..ir.common import Source
from ..quantize.nn import QLayer, QNetwork
from ..nn.reference import I32_MAX, quantize_multiplier
from . import flatbuffer as fb

OPS = {0: "ADD", 1: "AVERAGE_POOL_2D", 3: "CONV_2D", 4: "DEPTHWISE_CONV_2D", 9: "FULLY_CONNECTED",
       17: "MAX_POOL_2D", 22: "RESHAPE", 25: "SOFTMAX"}
KNOWN_OPS = {2: "CONCATENATION", 6: "DEQUANTIZE", 14: "LOGISTIC", 18: "MUL", 19: "RELU", 21: "RELU6", 28: "TANH",
             34: "PAD", 39: "TRANSPOSE", 40: "MEAN", 41: "SUB", 49: "SPLIT", 50: "LOG_SOFTMAX", 114: "QUANTIZE"}
TYPES = {0: "FLOAT32", 1: "FLOAT16", 2: "INT32", 3: "UINT8", 4: "INT64", 7: "INT16", 9: "INT8", 17: "INT4"}
ACTIVATIONS = {0: "linear", 1: "relu", 3: "relu6"}
ACTIVATION_NAMES = {0: "NONE", 1: "RELU", 2: "RELU_N1_TO_1", 3: "RELU6", 4: "TANH", 5: "SIGN_BIT"}
INT8, INT32 = 9, 2
SUPPORTED = ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "AVERAGE_POOL_2D", "MAX_POOL_2D", "ADD",
             "RESHAPE", "SOFTMAX (last)")
SUPPORTED_TEXT = (f"supported: {', '.join(SUPPORTED)}, on int8 tensors with int8 weights and int32 biases; "
                  "fused activations NONE, RELU, RELU6; padding SAME/VALID; dilation 1")


@dataclass(frozen=True)
class Tensor:
    index: int
    name: str
    shape: tuple
    type: int
    scale: np.ndarray           # float32, one per tensor or per channel (empty if unquantized)
    zero: np.ndarray            # int64
    axis: int                   # quantized_dimension
    data: "np.ndarray | None"   # the constant's raw bytes, if it has a buffer with data


@dataclass(frozen=True)
class Op:
    index: int
    code: int
    inputs: tuple
    outputs: tuple
    options: "fb.Table | None"


def _refuse(op: Op, why: str) -> ConversionError:
    return ConversionError(f"TFLite operator {op.index} ({OPS.get(op.code, op.code)}): {why}; {SUPPORTED_TEXT}")


def read(path):
    """(tensors, operators, graph inputs, graph outputs, description) of a .tflite file."""
    path = Path(path)
    if not path.exists():
        raise ConversionError(f"model file {path} does not exist")
    buf = path.read_bytes()
    try:
        return _read(buf, str(path))
    except fb.Malformed as e:
        raise ConversionError(f"{path} is malformed or truncated: {e}") from None


def _read(buf: bytes, what: str):
    model = fb.root(buf, b"TFL3", what)
    version = model.scalar(0, "I")
    if version != 3:
        raise ConversionError(f"{what}: TFLite schema version {version}; only version 3 is read")
    codes = [(max(c.scalar(0, "b"), c.scalar(3, "i")), c.string(1, "custom_code"))
             for c in model.tables(1, "operator_codes")]
    buffers = model.tables(4, "buffers")
    graphs = model.tables(2, "subgraphs")
    if len(graphs) != 1:
        raise ConversionError(f"{what} has {len(graphs)} subgraphs; ctml converts a model of one subgraph")
    g = graphs[0]
    tensors = []
    for i, t in enumerate(g.tables(0, "tensors")):
        q = t.table(4, "quantization")
        scale = q.array(2, "f", "scale") if q is not None else None
        zero = q.array(3, "q", "zero_point") if q is not None else None
        data, b = None, t.scalar(2, "I")
        if b >= len(buffers):
            raise fb.Malformed(f"tensor {i} names buffer {b} of {len(buffers)}")
        if b and buffers[b].has(1) and buffers[b].scalar(1, "Q"):
            raise ConversionError(f"{what}: tensor {i}'s data is outside the flatbuffer (a model over 2 GB); not supported")
        if b:
            data = buffers[b].array(0, "B", "data")
        shape = t.array(0, "i", "shape")
        tensors.append(Tensor(i, t.string(3, "name"), tuple(int(v) for v in (shape if shape is not None else ())),
                              t.scalar(1, "b"), np.zeros(0, np.float32) if scale is None else scale,
                              np.zeros(0, np.int64) if zero is None else zero.astype(np.int64),
                              q.scalar(6, "i") if q is not None else 0, data))
    ops = []
    for k, o in enumerate(g.tables(3, "operators")):
        ci = o.scalar(0, "I")
        if ci >= len(codes):
            raise fb.Malformed(f"operator {k} names operator code {ci} of {len(codes)}")
        code, custom = codes[ci]
        if code == 32:   # CUSTOM
            raise ConversionError(f"TFLite operator {k} is the custom operator {custom!r}; {SUPPORTED_TEXT}")
        ins = tuple(int(v) for v in (o.array(1, "i", "inputs") if o.has(1) else ()))
        outs = tuple(int(v) for v in (o.array(2, "i", "outputs") if o.has(2) else ()))
        for v in ins + outs:
            if v >= len(tensors) or v < -1:
                raise fb.Malformed(f"operator {k} names tensor {v} of {len(tensors)}")
        ops.append(Op(k, code, ins, outs, o.table(4, "builtin_options")))
    gi = tuple(int(v) for v in (g.array(1, "i", "inputs") if g.has(1) else ()))
    go = tuple(int(v) for v in (g.array(2, "i", "outputs") if g.has(2) else ()))
    return tensors, ops, gi, go, model.string(3, "description")


def _values(t: Tensor, dtype) -> np.ndarray:
    n = int(np.prod(t.shape)) if t.shape else 1
    if t.data is None or t.data.size != n * np.dtype(dtype).itemsize:
        raise ConversionError(f"tensor {t.index} ({t.name}) should hold {n} constant values of {np.dtype(dtype).name} "
                              f"but its buffer has {0 if t.data is None else t.data.size} bytes")
    return np.frombuffer(t.data.tobytes(), dtype=dtype).astype(np.int64).reshape(t.shape)


def _round_away(v) -> int:
    v = float(v)
    return int(math.copysign(math.floor(abs(v) + 0.5), v))


def act_range(act: int, scale: float, zero: int) -> tuple[int, int]:
    """CalculateActivationRangeQuantized for int8: zp + round(f / s), the division in float32."""
    q = lambda f: zero + _round_away(np.float32(f) / np.float32(scale))
    if act == 1:
        return max(-128, q(0.0)), 127
    if act == 3:
        return max(-128, q(0.0)), min(127, q(6.0))
    return -128, 127


def same_padding(size: int, k: int, stride: int) -> tuple[int, int, int]:
    """(out, before, after) of TFLite's SAME padding: the odd pixel goes after."""
    out = (size + stride - 1) // stride
    total = max((out - 1) * stride + k - size, 0)
    return out, total // 2, total - total // 2


class _Importer:
    def __init__(self, tensors, ops, gi, go, path: str, softmax: str):
        self.T, self.ops, self.path, self.softmax = tensors, ops, path, softmax
        if len(gi) != 1 or len(go) != 1:
            raise ConversionError(f"{path}: {len(gi)} inputs and {len(go)} outputs; ctml converts one input and one output")
        self.out_tensor = go[0]
        x = self._activation_tensor(tensors[gi[0]], "the model's input")
        shape = x.shape
        if len(shape) == 4 and shape[0] == 1:
            self.input_shape = tuple(shape[1:])
        elif len(shape) in (2, 3) and shape[0] == 1:
            self.input_shape = (1, 1, int(np.prod(shape[1:]))) if len(shape) == 2 else (1,) + tuple(shape[1:])
        else:
            raise ConversionError(f"{path}: input shape {list(shape)}; ctml converts a batch of 1 (1xHxWxC or 1xN)")
        self.where = {gi[0]: 0}               # TFLite tensor -> IR tensor
        self.shapes = [self.input_shape]
        self.params = [(float(x.scale[0]), int(x.zero[0]))]
        self.layers, self.qlayers = [], []

    def _activation_tensor(self, t: Tensor, what: str) -> Tensor:
        if t.type != INT8:
            kind = "hybrid/dynamic-range or float" if t.type == 0 else TYPES.get(t.type, str(t.type))
            raise ConversionError(f"{self.path}: {what} (tensor {t.index}, {t.name}) is {TYPES.get(t.type, t.type)}: "
                                  f"a {kind} model; ctml converts fully int8-quantized models (int8 activations)")
        if t.scale.size != 1 or t.zero.size != 1:
            raise ConversionError(f"{self.path}: {what} (tensor {t.index}) needs one scale and zero point, "
                                  f"has {t.scale.size} and {t.zero.size}")
        if not (np.isfinite(t.scale[0]) and t.scale[0] > 0) or not -128 <= t.zero[0] <= 127:
            raise ConversionError(f"{self.path}: {what} (tensor {t.index}) has scale {t.scale[0]} and zero point "
                                  f"{t.zero[0]}; a positive finite scale and an int8 zero point are needed")
        return t

    def _ir_input(self, op: Op, k: int) -> int:
        v = op.inputs[k]
        if v not in self.where:
            raise _refuse(op, f"input {k} (tensor {v}) is neither the model's input nor an earlier operator's output")
        self._activation_tensor(self.T[v], f"operator {op.index}'s input")
        return self.where[v]

    def run(self) -> QNetwork:
        for n, op in enumerate(self.ops):
            if op.code not in OPS:
                name = KNOWN_OPS.get(op.code, f"builtin code {op.code}")
                raise ConversionError(f"TFLite operator {op.index} ({name}) is not supported; {SUPPORTED_TEXT}")
            if len(op.outputs) != 1:
                raise _refuse(op, f"{len(op.outputs)} outputs")
            if op.code == 25 and n != len(self.ops) - 1:
                raise _refuse(op, "a SOFTMAX must be the model's last operator")
            self._op(op)
        if self.where.get(self.out_tensor) != len(self.layers) or not self.layers:
            raise ConversionError(f"{self.path}: the model's output (tensor {self.out_tensor}) is not its last operator's")
        s, z = self.params[0]
        # As the other network frontends decide: one output is a value (ctml/nn/regressor.hpp's predict),
        # several are scores whose predict is the index of the largest (logits() gives them all).
        kind = "classifier" if isinstance(self.layers[-1], ir.Softmax) or self.shapes[-1][2] > 1 else "regressor"
        classes = tuple(range(self.shapes[-1][2])) if kind == "classifier" else ()
        net = ir.Network(self.input_shape, tuple(self.layers), Source("TensorFlow Lite flatbuffer (schema 3)",
                                                                      f"{Path(self.path).name} (int8)"), kind, classes)
        if ir.shapes(net) != self.shapes:
            raise ConversionError(f"{self.path}: the tensor shapes in the file disagree with ctml's folding of them")
        return QNetwork(net, s, z, tuple(self.qlayers))

    def _push(self, op: Op, layer, ql_args: dict, source: int) -> None:
        out = self._activation_tensor(self.T[op.outputs[0]], f"operator {op.index}'s output")
        shp = out.shape
        hwc = tuple(shp[1:]) if len(shp) == 4 else (1, 1, int(np.prod(shp[1:])))
        if not shp or shp[0] != 1:
            raise _refuse(op, f"output shape {list(shp)}: a batch of 1 is needed")
        prev = len(self.layers)
        if source != prev:
            layer = ir.Branch(source, layer)
        expect = ir.out_shape(layer, self.shapes[prev], self.shapes)
        if tuple(expect) != hwc:
            raise _refuse(op, f"output shape {list(shp)} but its inputs and options give {list(expect)}")
        s, z = float(out.scale[0]), int(out.zero[0])
        self.layers.append(layer)
        self.qlayers.append(QLayer(layer, out_scale=s, out_zero=z, **ql_args))
        self.where[op.outputs[0]] = len(self.layers)
        self.shapes.append(hwc)
        self.params.append((s, z))

    def _options(self, op: Op):
        if op.options is None:
            raise _refuse(op, "its builtin options are missing")
        return op.options

    def _activation(self, op: Op, code: int) -> int:
        if code not in ACTIVATIONS:
            raise _refuse(op, f"fused activation {ACTIVATION_NAMES.get(code, code)}")
        return code

    def _op(self, op: Op) -> None:
        getattr(self, "_" + OPS[op.code].lower())(op)

    def _window(self, op: Op, src: int, kh: int, kw: int, o, slots) -> tuple:
        """(stride, padding) from Conv2D/Depthwise/Pool2D options: slots of padding, stride_w, stride_h, dilations."""
        pad, sw, sh = o.scalar(slots[0], "b"), o.scalar(slots[1], "i"), o.scalar(slots[2], "i")
        if sw < 1 or sh < 1:
            raise _refuse(op, f"stride {sh}x{sw}")
        if len(slots) > 3:
            dw, dh = o.scalar(slots[3], "i", 1), o.scalar(slots[4], "i", 1)
            if (dw, dh) != (1, 1):
                raise _refuse(op, f"dilation {dh}x{dw} (only 1 is implemented)")
        h, w, _ = self.shapes[src]
        if pad == 1:     # VALID
            return (sh, sw), (0, 0, 0, 0)
        if pad != 0:
            raise _refuse(op, f"padding {pad}")
        _, t, b = same_padding(h, kh, sh)
        _, l, r = same_padding(w, kw, sw)
        return (sh, sw), (t, b, l, r)

    def _weights(self, op: Op, k_weight: int, axis: int, n_out: int):
        """int8 weights, int32 bias, per-channel scales of a weighted operator."""
        w = self.T[op.inputs[k_weight]]
        if w.type != INT8:
            raise _refuse(op, f"weights of type {TYPES.get(w.type, w.type)} (tensor {w.index})")
        if w.scale.size not in (1, n_out) or w.zero.size not in (0, 1, n_out):
            raise _refuse(op, f"{w.scale.size} weight scales for {n_out} output channels")
        if w.scale.size > 1 and w.axis != axis:
            raise _refuse(op, f"weights quantized along dimension {w.axis} (expected {axis})")
        if np.any(w.zero != 0):
            raise _refuse(op, "asymmetric weights (a nonzero weight zero point)")
        if not np.all(np.isfinite(w.scale)) or np.any(w.scale <= 0):
            raise _refuse(op, "a weight scale that is not positive and finite")
        weight = _values(w, np.int8)
        if len(op.inputs) > 2 and op.inputs[2] >= 0:
            b = self.T[op.inputs[2]]
            if b.type != INT32:
                raise _refuse(op, f"a bias of type {TYPES.get(b.type, b.type)} (int16 activations use int64 biases)")
            bias = _values(b, np.int32).reshape(-1)
            if bias.size != n_out:
                raise _refuse(op, f"{bias.size} biases for {n_out} output channels")
        else:
            bias = np.zeros(n_out, dtype=np.int64)
        return weight, bias, np.broadcast_to(w.scale, (n_out,)).astype(np.float32)

    def _requant(self, op: Op, src: int, s_w: np.ndarray, float_product: bool) -> dict:
        s_in = np.float32(self.params[src][0])
        s_out = np.float32(self.T[op.outputs[0]].scale[0])
        if float_product:   # GetQuantizedConvolutionMultipler: the product in float32
            real = [float(np.float32(s_in * s)) / float(s_out) for s in s_w]
        else:               # PopulateConvolutionQuantizationParams: all in double
            real = [float(s_in) * float(s) / float(s_out) for s in s_w]
        mult, shift = zip(*(quantize_multiplier(m) for m in real))
        if max(shift) > 30:
            raise _refuse(op, f"a requantization multiplier of 2^{max(shift)}")
        return {"multiplier": np.array(mult, dtype=np.int64), "shift": np.array(shift, dtype=np.int64)}

    def _clamp(self, op: Op, act: int) -> dict:
        out = self.T[op.outputs[0]]
        lo, hi = act_range(act, float(out.scale[0]), int(out.zero[0]))
        return {"act_min": lo, "act_max": hi}

    def _accumulator(self, op: Op, w: np.ndarray, bias: np.ndarray, axis: int, zero: int) -> None:
        """Refuses a layer whose int32 accumulator (or the bias with the zero point folded in) could overflow."""
        per = np.abs(np.moveaxis(w, axis, 0)).reshape(w.shape[axis], -1).sum(axis=1)
        if np.max(np.abs(bias) + per * (255 + abs(zero))) > I32_MAX:
            raise _refuse(op, "its int32 accumulator could overflow on some input")

    def _weighted(self, op: Op, layer_of, axis: int, n_out: int, act: int, float_product: bool, shape=None) -> None:
        src = self._ir_input(op, 0)
        weight, bias, s_w = self._weights(op, 1, axis, n_out)
        if shape is not None:   # depthwise: 1 x kh x kw x channels -> kh x kw x channels
            weight, axis = weight.reshape(shape), len(shape) - 1
        s_in, z_in = self.params[src]
        self._accumulator(op, weight, bias, axis, z_in)
        scale_shape = [1] * weight.ndim
        scale_shape[axis] = -1
        layer = layer_of(weight * s_w.astype(np.float64).reshape(scale_shape), bias * s_in * s_w.astype(np.float64))
        args = {"in_zero": z_in, "weight": weight, "bias": bias, **self._requant(op, src, s_w, float_product),
                **self._clamp(op, act)}
        self._push(op, layer, args, src)

    def _conv_2d(self, op: Op) -> None:
        o = self._options(op)
        act = self._activation(op, o.scalar(3, "b"))
        w = self.T[op.inputs[1]]
        if len(w.shape) != 4:
            raise _refuse(op, f"weights of shape {list(w.shape)}")
        oc, kh, kw, _ = w.shape
        stride, padding = self._window(op, self.where.get(op.inputs[0], 0), kh, kw, o, (0, 1, 2, 4, 5))
        self._weighted(op, lambda wt, b: ir.Conv2D(wt, b, stride, padding, ACTIVATIONS[act]), 0, oc, act, False)

    def _depthwise_conv_2d(self, op: Op) -> None:
        o = self._options(op)
        act = self._activation(op, o.scalar(4, "b"))
        w = self.T[op.inputs[1]]
        if len(w.shape) != 4 or w.shape[0] != 1:
            raise _refuse(op, f"weights of shape {list(w.shape)} (1 x kh x kw x channels expected)")
        _, kh, kw, oc = w.shape
        src = self.where.get(op.inputs[0], 0)
        ic = self.shapes[src][2]
        if oc % ic:
            raise _refuse(op, f"{oc} output channels for {ic} input channels")
        mult = oc // ic
        stated = o.scalar(3, "i")
        if stated not in (0, mult):   # TFLM derives the multiplier from the shapes; a file that disagrees is suspect
            raise _refuse(op, f"depth_multiplier {stated} but the shapes give {mult}")
        stride, padding = self._window(op, src, kh, kw, o, (0, 1, 2, 5, 6))
        self._weighted(op, lambda wt, b: ir.DepthwiseConv2D(wt, b, mult, stride, padding, ACTIVATIONS[act]),
                       3, oc, act, False, shape=(kh, kw, oc))

    def _fully_connected(self, op: Op) -> None:
        o = self._options(op)
        act = self._activation(op, o.scalar(0, "b"))
        if o.scalar(1, "b") != 0:
            raise _refuse(op, "a shuffled weights format")
        if o.scalar(3, "?"):
            raise _refuse(op, "asymmetric_quantize_inputs (a hybrid model)")
        w = self.T[op.inputs[1]]
        if len(w.shape) != 2:
            raise _refuse(op, f"weights of shape {list(w.shape)}")
        units = w.shape[0]
        self._weighted(op, lambda wt, b: ir.Dense(wt, b, ACTIVATIONS[act]), 0, units, act, w.scale.size == 1)

    def _pool(self, op: Op, kind: str) -> None:
        o = self._options(op)
        act = self._activation(op, o.scalar(5, "b"))
        src = self._ir_input(op, 0)
        fw, fh = o.scalar(3, "i"), o.scalar(4, "i")
        if fw < 1 or fh < 1:
            raise _refuse(op, f"a {fh}x{fw} window")
        x, y = self.T[op.inputs[0]], self.T[op.outputs[0]]
        if x.scale[0] != y.scale[0] or x.zero[0] != y.zero[0]:
            raise _refuse(op, "input and output quantized differently (TFLite's int8 pooling keeps them equal)")
        stride, padding = self._window(op, src, fh, fw, o, (0, 1, 2))
        self._push(op, ir.Pool2D(kind, (fh, fw), stride, padding), {"in_zero": self.params[src][1], **self._clamp(op, act)},
                   src)

    def _average_pool_2d(self, op: Op) -> None:
        self._pool(op, "avg")

    def _max_pool_2d(self, op: Op) -> None:
        self._pool(op, "max")

    def _reshape(self, op: Op) -> None:
        src = self._ir_input(op, 0)
        x, y = self.T[op.inputs[0]], self.T[op.outputs[0]]
        if x.scale[0] != y.scale[0] or x.zero[0] != y.zero[0]:
            raise _refuse(op, "input and output quantized differently")
        if src != len(self.layers):
            raise _refuse(op, "it reshapes an earlier tensor, not the previous operator's output")
        if len(y.shape) == 4 and tuple(y.shape[1:]) == self.shapes[src]:
            self.where[op.outputs[0]] = src        # the same HWC tensor: nothing to do
            return
        if len(y.shape) != 2 or y.shape[0] != 1 or y.shape[1] != int(np.prod(self.shapes[src])):
            raise _refuse(op, f"a reshape of {list(x.shape)} to {list(y.shape)} (only flattening to 1xN is supported)")
        # A flatten: activations are contiguous HWC, so only the shape changes; Dense reads any HWC tensor.
        self.where[op.outputs[0]] = src

    def _add(self, op: Op) -> None:
        o = self._options(op)
        act = self._activation(op, o.scalar(0, "b"))
        if len(op.inputs) != 2:
            raise _refuse(op, f"{len(op.inputs)} inputs")
        a, b = self._ir_input(op, 0), self._ir_input(op, 1)
        prev = len(self.layers)
        if prev not in (a, b) or a == b:
            raise _refuse(op, "one input must be the previous operator's output and the other an earlier tensor")
        other = b if a == prev else a
        if self.shapes[a] != self.shapes[b] or tuple(self.T[op.inputs[0]].shape) != tuple(self.T[op.inputs[1]].shape):
            raise _refuse(op, f"inputs of shapes {self.shapes[a]} and {self.shapes[b]} (broadcasting is not supported)")
        s1, z1 = self.params[prev]
        s2, z2 = self.params[other]
        so = float(self.T[op.outputs[0]].scale[0])
        twice = 2 * float(max(np.float32(s1), np.float32(s2)))
        m1, sh1 = quantize_multiplier(float(np.float32(s1)) / twice)
        m2, sh2 = quantize_multiplier(float(np.float32(s2)) / twice)
        mo, sho = quantize_multiplier(twice / ((1 << 20) * float(np.float32(so))))
        if max(sh1, sh2, sho) > 0:
            raise _refuse(op, "an ADD multiplier of 1 or more (TFLite requires them below 1)")
        add = {"in1_multiplier": m1, "in1_shift": sh1, "in2_multiplier": m2, "in2_shift": sh2}
        self._push(op, ir.Add(other, ACTIVATIONS[act]), {"in_zero": z1, "other_zero": z2, "add": add,
                                                         "multiplier": np.int64(mo), "shift": np.int64(sho),
                                                         **self._clamp(op, act)}, prev)

    def _softmax(self, op: Op) -> None:
        o = self._options(op)
        beta = float(o.scalar(0, "f"))
        src = self._ir_input(op, 0)
        if src != len(self.layers):
            raise _refuse(op, "a SOFTMAX of an earlier tensor")
        y = self.T[op.outputs[0]]
        if y.type != INT8 or y.zero[0] != -128 or abs(float(y.scale[0]) - 1 / 256) > 0.001 * (1 / 256):
            raise _refuse(op, f"output scale {y.scale[0]} and zero point {y.zero[0]} (int8 softmax needs 1/256 and -128)")
        s_in, z_in = self.params[src]
        if self.softmax == "fast":
            from ..quantize.nn import softmax_table
            if beta != 1.0:
                raise _refuse(op, f"beta {beta} with softmax='fast' (its table assumes beta 1); use softmax='exact'")
            args = {"weight": softmax_table(s_in), "in_scale": s_in}
        else:
            args = {"add": softmax_params(beta, s_in), "in_scale": s_in}
            if args["add"]["input_left_shift"] < 0:
                raise _refuse(op, f"beta * input scale = {beta * s_in:.3g} is too small for TFLite's int8 softmax")
        self.layers.append(ir.Softmax())
        self.qlayers.append(QLayer(ir.Softmax(), in_zero=z_in, out_scale=float(y.scale[0]), out_zero=-128, **args))
        self.where[op.outputs[0]] = len(self.layers)
        self.shapes.append(self.shapes[src])
        self.params.append((float(y.scale[0]), -128))


SCALED_DIFF_INTEGER_BITS = 5


def softmax_params(beta: float, input_scale: float) -> dict:
    """TFLite's PreprocessSoftmaxScaling and CalculateInputRadius for int8 (5 integer bits)."""
    real = min(float(beta) * float(np.float32(input_scale)) * (1 << (31 - SCALED_DIFF_INTEGER_BITS)), (1 << 31) - 1.0)
    mult, shift = quantize_multiplier(real)
    radius = math.floor(1.0 * ((1 << SCALED_DIFF_INTEGER_BITS) - 1) * (1 << (31 - SCALED_DIFF_INTEGER_BITS))
                        / (1 << shift)) if shift >= 0 else 0
    return {"input_multiplier": int(mult), "input_left_shift": int(shift), "diff_min": -int(radius)}


def to_qnetwork(path, softmax: str = "exact") -> QNetwork:
    """The quantized network of a .tflite file. softmax: "exact" (TFLite's int8 softmax, bit for bit)
    or "fast" (ctml's Q15 exp table: up to 1 code from TFLite's in a few of every 10,000 outputs)."""
    if softmax not in ("exact", "fast"):
        raise ConversionError(f"softmax={softmax!r}; choose 'exact' (TFLite's arithmetic) or 'fast' (ctml's table)")
    tensors, ops, gi, go, _ = read(path)
    return _Importer(tensors, ops, gi, go, str(path), softmax).run()


def input_shape(path) -> tuple:
    """The (h, w, c) input of a .tflite model (refusing what to_qnetwork refuses about its input)."""
    tensors, ops, gi, go, _ = read(path)
    return _Importer(tensors, ops, gi, go, str(path), "exact").input_shape
