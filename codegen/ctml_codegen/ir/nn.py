"""The network IR: a sequence of layers on HWC float tensors, as frontends produce it.

Tensors are numbered: 0 is the network input, t the output of layer t - 1. A layer reads the
previous tensor; Add also reads an earlier one (`other`). Weights are float64 numpy arrays in
ctml's own layouts (HWC activations, as TFLite): Dense (units, inputs), Conv2D (out_c, kh, kw,
in_c), DepthwiseConv2D (kh, kw, in_c * multiplier). Padding is explicit (top, bottom, left, right).
`normalize` fuses activations into the layer before them and drops shape-only layers, which is
the form nn_quant quantizes. A final Softmax stays: it gives a classifier's probabilities, while
predict takes the argmax of the tensor before it (the logits), as the framework does.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Union

import numpy as np

from ..errors import ConversionError
from .common import Source

ACTIVATIONS = ("linear", "relu", "relu6")
TABLES = ("sigmoid", "tanh")     # activations that become lookup tables


@dataclass(frozen=True, eq=False)
class Dense:
    weight: np.ndarray
    bias: np.ndarray
    activation: str = "linear"


@dataclass(frozen=True, eq=False)
class Conv2D:
    weight: np.ndarray
    bias: np.ndarray
    stride: tuple[int, int] = (1, 1)
    padding: tuple[int, int, int, int] = (0, 0, 0, 0)
    activation: str = "linear"


@dataclass(frozen=True, eq=False)
class DepthwiseConv2D:
    weight: np.ndarray
    bias: np.ndarray
    multiplier: int = 1
    stride: tuple[int, int] = (1, 1)
    padding: tuple[int, int, int, int] = (0, 0, 0, 0)
    activation: str = "linear"


@dataclass(frozen=True)
class Pool2D:
    kind: str                       # "max" or "avg"
    kernel: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int, int, int] = (0, 0, 0, 0)


@dataclass(frozen=True)
class GlobalAvgPool:
    pass


@dataclass(frozen=True)
class Add:
    other: int                      # the earlier tensor added to the previous one
    activation: str = "linear"


@dataclass(frozen=True)
class Activation:
    kind: str                       # relu/relu6: fused into the previous layer by normalize;
                                    # sigmoid/tanh: a layer of its own (an int8 lookup table)


@dataclass(frozen=True)
class Flatten:
    pass                            # shape only: activations are contiguous HWC


@dataclass(frozen=True)
class Softmax:
    pass                            # over the channels; a classifier's last layer only (its probabilities)


@dataclass(frozen=True, eq=False)
class Branch:
    """A layer that reads an earlier tensor instead of the previous one: a ResNet's projection
    shortcut (a strided 1x1 convolution of the block's input), added to the main path after it."""
    source: int
    layer: object                   # Dense, Conv2D, DepthwiseConv2D or Pool2D

    @property
    def activation(self) -> str:
        return getattr(self.layer, "activation", "linear")


def extra_input(layer):
    """The earlier tensor a layer reads besides (Add) or instead of (Branch) the previous one."""
    return layer.other if isinstance(layer, Add) else (layer.source if isinstance(layer, Branch) else None)


def unwrap(layer):
    return layer.layer if isinstance(layer, Branch) else layer


Layer = Union[Dense, Conv2D, DepthwiseConv2D, Pool2D, GlobalAvgPool, Add, Activation, Flatten, Softmax, Branch]
WEIGHTED = (Dense, Conv2D, DepthwiseConv2D)
FUSES = (Dense, Conv2D, DepthwiseConv2D, Add)


@dataclass(frozen=True)
class Network:
    input_shape: tuple[int, int, int]   # (h, w, c)
    layers: tuple
    source: Source
    kind: str = "classifier"            # or "regressor"
    classes: tuple = ()


def out_shape(layer, shp: tuple[int, int, int], shapes: list) -> tuple[int, int, int]:
    if isinstance(layer, Branch):
        if not isinstance(layer.layer, (Dense, Conv2D, DepthwiseConv2D, Pool2D)) or not 0 <= layer.source < len(shapes):
            raise ConversionError("only a Linear/Conv2d/pool may read an earlier tensor (a shortcut)")
        return out_shape(layer.layer, shapes[layer.source], shapes)
    h, w, c = shp
    if isinstance(layer, Dense):
        if layer.weight.shape[1] != h * w * c:
            raise ConversionError(f"a Dense layer expects {layer.weight.shape[1]} inputs but gets {h}x{w}x{c} = {h * w * c}")
        return (1, 1, layer.weight.shape[0])
    if isinstance(layer, (Conv2D, DepthwiseConv2D, Pool2D)):
        if isinstance(layer, Conv2D):
            oc, kh, kw, ic = layer.weight.shape
        elif isinstance(layer, DepthwiseConv2D):
            kh, kw, oc = layer.weight.shape
            ic = oc // layer.multiplier
        else:
            (kh, kw), oc, ic = layer.kernel, c, c
        if ic != c:
            raise ConversionError(f"a {type(layer).__name__} layer expects {ic} input channels but gets {c}")
        t, b, l, r = layer.padding
        sh, sw = layer.stride
        oh, ow = (h + t + b - kh) // sh + 1, (w + l + r - kw) // sw + 1
        if h + t + b < kh or w + l + r < kw:
            raise ConversionError(f"a {kh}x{kw} {type(layer).__name__} window does not fit a {h}x{w} input")
        return (oh, ow, oc)
    if isinstance(layer, GlobalAvgPool):
        return (1, 1, c)
    if isinstance(layer, Add):
        if shapes[layer.other] != shp:
            raise ConversionError(f"Add of tensors with shapes {shapes[layer.other]} and {shp}; both must match")
        return shp
    if isinstance(layer, Flatten):
        return (1, 1, h * w * c)
    return shp


def shapes(net: Network) -> list[tuple[int, int, int]]:
    s = [tuple(net.input_shape)]
    for layer in net.layers:
        s.append(out_shape(layer, s[-1], s))
    return s


def check_finite(net: Network) -> None:
    for i, layer in enumerate(net.layers):
        layer = unwrap(layer)
        if isinstance(layer, WEIGHTED):
            for what in ("weight", "bias"):
                if not np.all(np.isfinite(getattr(layer, what))):
                    raise ConversionError(f"layer {i} ({type(layer).__name__}) has a NaN or infinite {what}; "
                                          "retrain or repair the model")


def normalize(net: Network) -> Network:
    """Fuses ReLU/ReLU6 into the layer before and drops Flatten; a Softmax must be a classifier's last layer."""
    shapes(net)  # raises on any shape error
    out, remap = [], {0: 0}  # old tensor -> new tensor
    for i, layer in enumerate(net.layers):
        t_old = i + 1
        if isinstance(layer, Flatten):
            remap[t_old] = len(out)
            continue
        if isinstance(layer, Softmax):
            if i != len(net.layers) - 1 or net.kind != "classifier":
                raise ConversionError("Softmax is supported only as a classifier's last layer")
            if not out:
                raise ConversionError("a network of a Softmax alone has nothing to compute; add a layer before it")
            out.append(layer)
            remap[t_old] = len(out)
            continue
        if isinstance(layer, Activation) and layer.kind in TABLES:
            out.append(layer)
            remap[t_old] = len(out)
            continue
        if isinstance(layer, Activation):
            if layer.kind not in ("relu", "relu6"):
                raise ConversionError(f"activation {layer.kind} is not supported; supported: relu, relu6, sigmoid, tanh")
            prev = out[-1] if out else None
            if isinstance(prev, Branch) and isinstance(prev.layer, FUSES) and prev.activation == "linear" \
                    and not _read_elsewhere(net, i):
                out[-1] = replace(prev, layer=replace(prev.layer, activation=layer.kind))
                remap[t_old] = len(out)
                continue
            if not isinstance(prev, FUSES) or prev.activation != "linear" or _read_elsewhere(net, i):
                raise ConversionError(f"a {layer.kind} must follow a Linear/Conv2d/depthwise Conv2d/add whose "
                                      "output nothing else reads (ctml fuses it, as TFLite does)")
            out[-1] = replace(prev, activation=layer.kind)
            remap[t_old] = len(out)
            continue
        if isinstance(layer, Add):
            layer = replace(layer, other=remap[layer.other])
        if isinstance(layer, Branch):
            layer = replace(layer, source=remap[layer.source])
        out.append(layer)
        remap[t_old] = len(out)
    return replace(net, layers=tuple(out))


def _read_elsewhere(net: Network, i: int) -> bool:
    """Whether tensor i (the pre-activation output of layer i - 1) feeds an Add."""
    return any(extra_input(l) == i for l in net.layers)


def forward(net: Network, X: np.ndarray) -> list[np.ndarray]:
    """The float64 forward pass of a normalized network on X (n, h, w, c); every tensor."""
    ts = [np.asarray(X, dtype=np.float64)]
    for layer in net.layers:
        ts.append(_float_layer(layer, ts[-1], ts))
    return ts


def _act(v: np.ndarray, kind: str) -> np.ndarray:
    if kind == "relu":
        return np.maximum(v, 0.0)
    if kind == "relu6":
        return np.clip(v, 0.0, 6.0)
    return v


def squash(kind: str, x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x)) if kind == "sigmoid" else np.tanh(x)


def softmax(x: np.ndarray) -> np.ndarray:
    """The softmax over the last axis (channels), shifted by the largest value."""
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def ends_in_softmax(net: Network) -> bool:
    return bool(net.layers) and isinstance(net.layers[-1], Softmax)


def with_softmax(net: Network, softmax_: "bool | None") -> Network:
    """The network as converted: None keeps the model's own final Softmax (if any); True appends one to a
    classifier without it (for predict_proba); False removes it (predict needs only the logits)."""
    if softmax_ is None or softmax_ == ends_in_softmax(net):
        return net
    if softmax_:
        if net.kind != "classifier":
            raise ConversionError("softmax=True needs a classifier; this network is a " + net.kind)
        return replace(net, layers=net.layers + (Softmax(),))
    return replace(net, layers=net.layers[:-1])


def patches(x: np.ndarray, kernel, stride, padding, fill) -> np.ndarray:
    """(n, oh, ow, kh, kw, c) windows of x (n, h, w, c), padded with `fill`."""
    t, b, l, r = padding
    xp = np.pad(x, ((0, 0), (t, b), (l, r), (0, 0)), constant_values=fill)
    kh, kw = kernel
    sh, sw = stride
    n, hp, wp, c = xp.shape
    oh, ow = (hp - kh) // sh + 1, (wp - kw) // sw + 1
    out = np.empty((n, oh, ow, kh, kw, c), dtype=x.dtype)
    for ky in range(kh):
        for kx in range(kw):
            out[:, :, :, ky, kx, :] = xp[:, ky:ky + sh * (oh - 1) + 1:sh, kx:kx + sw * (ow - 1) + 1:sw, :]
    return out


def valid_mask(shape_hw, kernel, stride, padding) -> np.ndarray:
    """(oh, ow, kh, kw) true where a window tap lies inside the unpadded input."""
    ones = np.ones((1, shape_hw[0], shape_hw[1], 1), dtype=np.int64)
    return patches(ones, kernel, stride, padding, 0)[0, :, :, :, :, 0].astype(bool)


def _float_layer(layer, x: np.ndarray, ts: list) -> np.ndarray:
    if isinstance(layer, Branch):
        return _float_layer(layer.layer, ts[layer.source], ts)
    n = x.shape[0]
    if isinstance(layer, Dense):
        return _act(x.reshape(n, -1) @ layer.weight.T + layer.bias, layer.activation).reshape(n, 1, 1, -1)
    if isinstance(layer, Conv2D):
        oc, kh, kw, ic = layer.weight.shape
        p = patches(x, (kh, kw), layer.stride, layer.padding, 0.0)
        return _act(np.einsum("nyxijc,oijc->nyxo", p, layer.weight) + layer.bias, layer.activation)
    if isinstance(layer, DepthwiseConv2D):
        kh, kw, oc = layer.weight.shape
        p = np.repeat(patches(x, (kh, kw), layer.stride, layer.padding, 0.0), layer.multiplier, axis=-1)
        return _act(np.einsum("nyxijc,ijc->nyxc", p, layer.weight) + layer.bias, layer.activation)
    if isinstance(layer, Pool2D):
        if layer.kind == "max":
            p = patches(x, layer.kernel, layer.stride, layer.padding, -np.inf)
            return p.max(axis=(3, 4))
        p = patches(x, layer.kernel, layer.stride, layer.padding, 0.0)
        cnt = valid_mask(x.shape[1:3], layer.kernel, layer.stride, layer.padding).sum(axis=(2, 3))
        return p.sum(axis=(3, 4)) / cnt[None, :, :, None]
    if isinstance(layer, GlobalAvgPool):
        return x.mean(axis=(1, 2), keepdims=True)
    if isinstance(layer, Add):
        return _act(x + ts[layer.other], layer.activation)
    if isinstance(layer, Activation) and layer.kind in TABLES:
        return squash(layer.kind, x)
    if isinstance(layer, Softmax):
        return softmax(x)
    raise ConversionError(f"layer {type(layer).__name__} cannot be evaluated (normalize the network first)")
