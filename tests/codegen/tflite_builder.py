"""A small writer of TFLite flatbuffers (schema.fbs, version 3) for the tests, on Debian's
python3-flatbuffers Builder: int8 models with the quantization chosen by the test, so every
operator and option the frontend reads can be produced without TensorFlow.

Field slots follow the schema's table order (a union's hidden _type field counted), as the
reader in ctml_codegen/frontends/flatbuffer.py addresses them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import flatbuffers
import numpy as np

FLOAT32, INT32, INT8, INT16, INT64, UINT8 = 0, 2, 9, 7, 4, 3
ADD, AVERAGE_POOL_2D, CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED = 0, 1, 3, 4, 9
LOGISTIC, MAX_POOL_2D, MUL, RESHAPE, SOFTMAX, QUANTIZE = 14, 17, 18, 22, 25, 114
SAME, VALID = 0, 1
NONE, RELU, RELU_N1_TO_1, RELU6 = 0, 1, 2, 3

# builtin options: union type, then (slot, kind, default) per field
OPTIONS = {
    "conv": (1, {"padding": (0, "b"), "stride_w": (1, "i"), "stride_h": (2, "i"), "act": (3, "b"),
                 "dilation_w": (4, "i"), "dilation_h": (5, "i")}, 6),
    "depthwise": (2, {"padding": (0, "b"), "stride_w": (1, "i"), "stride_h": (2, "i"), "depth_multiplier": (3, "i"),
                      "act": (4, "b"), "dilation_w": (5, "i"), "dilation_h": (6, "i")}, 7),
    "pool": (5, {"padding": (0, "b"), "stride_w": (1, "i"), "stride_h": (2, "i"), "filter_width": (3, "i"),
                 "filter_height": (4, "i"), "act": (5, "b")}, 6),
    "fc": (8, {"act": (0, "b"), "weights_format": (1, "b"), "keep_num_dims": (2, "?"),
               "asymmetric_quantize_inputs": (3, "?")}, 5),
    "softmax": (9, {"beta": (0, "f")}, 1),
    "add": (11, {"act": (0, "b")}, 2),
    "reshape": (17, {}, 1),
}
_PREPEND = {"b": "PrependInt8Slot", "i": "PrependInt32Slot", "f": "PrependFloat32Slot", "?": "PrependBoolSlot"}


@dataclass
class _Tensor:
    shape: tuple
    type: int
    scale: "np.ndarray | None"
    zero: "np.ndarray | None"
    axis: int
    buffer: int
    name: str


@dataclass
class Model:
    tensors: list = field(default_factory=list)
    buffers: list = field(default_factory=lambda: [b""])   # buffer 0: the empty sentinel
    ops: list = field(default_factory=list)
    codes: list = field(default_factory=list)

    def tensor(self, shape, type=INT8, scale=None, zero=None, data=None, axis=0, name="") -> int:
        b = 0
        if data is not None:
            self.buffers.append(np.ascontiguousarray(data).tobytes())
            b = len(self.buffers) - 1
        s = None if scale is None else np.atleast_1d(np.asarray(scale, dtype=np.float32))
        z = None if zero is None else np.atleast_1d(np.asarray(zero, dtype=np.int64))
        if s is not None and z is None:
            z = np.zeros(s.size, dtype=np.int64)
        self.tensors.append(_Tensor(tuple(shape), type, s, z, axis, b, name or f"t{len(self.tensors)}"))
        return len(self.tensors) - 1

    def op(self, code: int, inputs, outputs, options=None, **fields) -> None:
        if code not in self.codes:
            self.codes.append(code)
        self.ops.append((self.codes.index(code), list(inputs), list(outputs), options, fields))

    def finish(self, inputs, outputs) -> bytes:
        b = flatbuffers.Builder(1024)
        b.ForceDefaults(True)
        bufs = []
        for data in self.buffers:
            vec = b.CreateNumpyVector(np.frombuffer(data, dtype=np.uint8)) if data else None
            b.StartObject(3)
            if vec is not None:
                b.PrependUOffsetTRelativeSlot(0, vec, 0)
            bufs.append(b.EndObject())
        tens = []
        for t in self.tensors:
            name = b.CreateString(t.name)
            shape = b.CreateNumpyVector(np.asarray(t.shape, dtype=np.int32))
            q = None
            if t.scale is not None:
                sc = b.CreateNumpyVector(t.scale)
                zp = b.CreateNumpyVector(t.zero)
                b.StartObject(7)
                b.PrependUOffsetTRelativeSlot(2, sc, 0)
                b.PrependUOffsetTRelativeSlot(3, zp, 0)
                b.PrependInt32Slot(6, t.axis, 0)
                q = b.EndObject()
            b.StartObject(8)
            b.PrependUOffsetTRelativeSlot(0, shape, 0)
            b.PrependInt8Slot(1, t.type, 0)
            b.PrependUint32Slot(2, t.buffer, 0)
            b.PrependUOffsetTRelativeSlot(3, name, 0)
            if q is not None:
                b.PrependUOffsetTRelativeSlot(4, q, 0)
            tens.append(b.EndObject())
        ops = []
        for ci, ins, outs, options, fields in self.ops:
            opt = None
            if options is not None:
                kind, slots, n = OPTIONS[options]
                b.StartObject(n)
                for key, value in fields.items():
                    slot, fmt = slots[key]
                    getattr(b, _PREPEND[fmt])(slot, value, 0 if fmt != "f" else 0.0)
                opt = b.EndObject()
            vi = b.CreateNumpyVector(np.asarray(ins, dtype=np.int32))
            vo = b.CreateNumpyVector(np.asarray(outs, dtype=np.int32))
            b.StartObject(5)
            b.PrependUint32Slot(0, ci, 0)
            b.PrependUOffsetTRelativeSlot(1, vi, 0)
            b.PrependUOffsetTRelativeSlot(2, vo, 0)
            if opt is not None:
                b.PrependUint8Slot(3, OPTIONS[options][0], 0)
                b.PrependUOffsetTRelativeSlot(4, opt, 0)
            ops.append(b.EndObject())
        codes = []
        for c in self.codes:
            b.StartObject(4)
            b.PrependInt8Slot(0, min(c, 127), 0)
            b.PrependInt32Slot(2, 1, 1)
            b.PrependInt32Slot(3, c, 0)
            codes.append(b.EndObject())

        def tables(items):
            b.StartVector(4, len(items), 4)
            for it in reversed(items):
                b.PrependUOffsetTRelative(it)
            return b.EndVector()

        vt, vops = tables(tens), tables(ops)
        gi = b.CreateNumpyVector(np.asarray(inputs, dtype=np.int32))
        go = b.CreateNumpyVector(np.asarray(outputs, dtype=np.int32))
        b.StartObject(5)
        b.PrependUOffsetTRelativeSlot(0, vt, 0)
        b.PrependUOffsetTRelativeSlot(1, gi, 0)
        b.PrependUOffsetTRelativeSlot(2, go, 0)
        b.PrependUOffsetTRelativeSlot(3, vops, 0)
        g = b.EndObject()
        vg, vc, vb = tables([g]), tables(codes), tables(bufs)
        b.StartObject(5)
        b.PrependUint32Slot(0, 3, 0)
        b.PrependUOffsetTRelativeSlot(1, vc, 0)
        b.PrependUOffsetTRelativeSlot(2, vg, 0)
        b.PrependUOffsetTRelativeSlot(4, vb, 0)
        b.Finish(b.EndObject(), file_identifier=b"TFL3")
        return bytes(b.Output())


# ---- layers with random int8 weights: each returns the output tensor -------------------------------

def act_tensor(m: Model, shape, scale, zero) -> int:
    return m.tensor((1,) + tuple(shape), INT8, scale, zero)


def conv(m: Model, rng, x: int, in_shape, out_shape, oc, k, stride=(1, 1), padding=SAME, act=NONE, per_channel=True,
         out_q=(0.05, -3), depthwise_multiplier=None, in_scale=0.02) -> int:
    """CONV_2D (or DEPTHWISE_CONV_2D with depthwise_multiplier) from x to a new tensor of out_shape (h, w, c)."""
    kh, kw = k
    ic = in_shape[2]
    if depthwise_multiplier is None:
        wshape, axis = (oc, kh, kw, ic), 0
    else:
        wshape, axis = (1, kh, kw, oc), 3
    w = rng.integers(-127, 128, size=wshape).astype(np.int8)
    ws = rng.uniform(0.002, 0.02, size=oc if per_channel else 1).astype(np.float32)
    wt = m.tensor(wshape, INT8, ws, np.zeros(ws.size, np.int64), w, axis=axis)
    bias = rng.integers(-3000, 3000, size=oc).astype(np.int32)
    bt = m.tensor((oc,), INT32, (np.float32(in_scale) * ws).astype(np.float32), None, bias)
    y = act_tensor(m, out_shape, *out_q)
    if depthwise_multiplier is None:
        m.op(CONV_2D, [x, wt, bt], [y], "conv", padding=padding, stride_w=stride[1], stride_h=stride[0], act=act,
             dilation_w=1, dilation_h=1)
    else:
        m.op(DEPTHWISE_CONV_2D, [x, wt, bt], [y], "depthwise", padding=padding, stride_w=stride[1], stride_h=stride[0],
             depth_multiplier=depthwise_multiplier, act=act, dilation_w=1, dilation_h=1)
    return y


def fully_connected(m: Model, rng, x: int, n_in: int, units: int, act=NONE, out_q=(0.1, 5), per_channel=False) -> int:
    w = rng.integers(-127, 128, size=(units, n_in)).astype(np.int8)
    ws = rng.uniform(0.002, 0.02, size=units if per_channel else 1).astype(np.float32)
    wt = m.tensor((units, n_in), INT8, ws, None, w)
    bt = m.tensor((units,), INT32, ws * np.float32(0.02), None, rng.integers(-2000, 2000, size=units).astype(np.int32))
    y = m.tensor((1, units), INT8, *out_q)
    m.op(FULLY_CONNECTED, [x, wt, bt], [y], "fc", act=act, weights_format=0, keep_num_dims=False,
         asymmetric_quantize_inputs=False)
    return y


def tiny_cnn(seed: int = 0) -> bytes:
    """Every operator and option at once, in the shape of a small image classifier (the C++ tests'
    model): 10x12x3 input; a per-tensor CONV_2D 3x3, SAME, stride 2 to 5x6x4 (asymmetric padding: one
    row/column at the bottom/right only); RELU6; DEPTHWISE_CONV_2D multiplier 2 with RELU; a
    per-channel 1x1 CONV_2D branch on the depthwise input; ADD of the two with different scales and a
    RELU; MAX_POOL_2D 2x2 VALID; AVERAGE_POOL_2D SAME over 2x3; RESHAPE; FULLY_CONNECTED; SOFTMAX."""
    rng = np.random.default_rng(seed)
    m = Model()
    x = act_tensor(m, (10, 12, 3), 0.02, 7)
    a = conv(m, rng, x, (10, 12, 3), (5, 6, 4), 4, (3, 3), (2, 2), SAME, RELU6, per_channel=False, out_q=(0.03, -128))
    d = conv(m, rng, a, (5, 6, 4), (5, 6, 8), 8, (3, 3), (1, 1), SAME, RELU, out_q=(0.04, -128), depthwise_multiplier=2,
             in_scale=0.03)
    s = conv(m, rng, a, (5, 6, 4), (5, 6, 8), 8, (1, 1), (1, 1), VALID, NONE, out_q=(0.06, 10), in_scale=0.03)
    y = act_tensor(m, (5, 6, 8), 0.05, -128)
    m.op(ADD, [s, d], [y], "add", act=RELU)
    p = act_tensor(m, (2, 3, 8), 0.05, -128)
    m.op(MAX_POOL_2D, [y], [p], "pool", padding=VALID, stride_w=2, stride_h=2, filter_width=2, filter_height=2, act=NONE)
    g = act_tensor(m, (1, 1, 8), 0.05, -128)
    m.op(AVERAGE_POOL_2D, [p], [g], "pool", padding=VALID, stride_w=1, stride_h=1, filter_width=3, filter_height=2,
         act=NONE)
    shape = m.tensor((2,), INT32, None, None, np.array([1, 8], dtype=np.int32))
    r = m.tensor((1, 8), INT8, 0.05, -128)
    m.op(RESHAPE, [g, shape], [r], "reshape")
    f = fully_connected(m, rng, r, 8, 6, out_q=(0.08, 3))
    o = m.tensor((1, 6), INT8, 1 / 256, -128)
    m.op(SOFTMAX, [f], [o], "softmax", beta=1.0)
    return m.finish([x], [o])


def tiny_mlp(seed: int = 1) -> bytes:
    """An autoencoder-like chain of FULLY_CONNECTED layers (per-tensor and per-channel weights, RELU),
    16 -> 12 -> 16, ending without a softmax (a regressor): small enough for the ATmega328P."""
    rng = np.random.default_rng(seed)
    m = Model()
    x = m.tensor((1, 16), INT8, 0.02, 3)
    h = fully_connected(m, rng, x, 16, 12, RELU, out_q=(0.05, -128))
    y = fully_connected(m, rng, h, 12, 16, NONE, out_q=(0.1, 4), per_channel=True)
    return m.finish([x], [y])
