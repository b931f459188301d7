"""PyTorch -> network IR: nn.Sequential module by module, other modules through torch.fx
(a straight chain plus residual adds). NCHW becomes ctml's HWC: conv weights are transposed, and
a Linear after a Flatten of an image has its columns permuted from CHW to HWC order. BatchNorm
is folded into the convolution or Linear before it."""
from __future__ import annotations

import operator

import numpy as np

from ..ir import nn as ir
from ..errors import ConversionError
from ..ir.common import Source

SUPPORTED = ("Linear", "Conv2d (groups 1 or depthwise)", "BatchNorm1d/2d (after Linear/Conv2d)", "ReLU", "ReLU6",
             "Hardtanh(0, 6)", "Sigmoid", "Tanh", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d(1)", "Flatten", "Dropout", "Identity",
             "Softmax (last, over channels)", "add (torch.fx: x + y, torch.add)",
             "relu/sigmoid/tanh/flatten/softmax functions (torch.fx)")


def _np(t) -> np.ndarray:
    return t.detach().cpu().double().numpy().copy()


def _pair(v) -> tuple[int, int]:
    return (int(v), int(v)) if isinstance(v, int) else (int(v[0]), int(v[1]))


def _unsupported(name: str) -> ConversionError:
    return ConversionError(f"PyTorch operator {name} is not supported; supported: {', '.join(SUPPORTED)}")


class _Builder:
    def __init__(self, input_shape):
        if len(input_shape) == 1:
            self.shapes = [(1, 1, int(input_shape[0]))]
        elif len(input_shape) == 3:
            c, h, w = map(int, input_shape)
            self.shapes = [(h, w, c)]
        else:
            raise ConversionError("input_shape must be (channels, height, width) or (features,)")
        self.layers = []
        self.chw_flat = {}   # tensor -> (h, w, c) when it is a CHW flattening of an image

    def push(self, layer, src: int) -> int:
        if src != len(self.layers) and isinstance(layer, (ir.Dense, ir.Conv2D, ir.DepthwiseConv2D, ir.Pool2D)):
            layer = ir.Branch(src, layer)   # a shortcut: reads an earlier tensor
            src = len(self.layers)
        if src != len(self.layers):
            raise ConversionError("ctml networks are chains: each layer must read the previous layer's output "
                                  "(residual adds may read one earlier tensor)")
        self.shapes.append(ir.out_shape(layer, self.shapes[-1], self.shapes))
        self.layers.append(layer)
        return len(self.layers)

    def module(self, m, src: int) -> int:
        import torch.nn as nn
        name = type(m).__name__
        if isinstance(m, (nn.Dropout, nn.Identity)):
            return src
        if isinstance(m, nn.Linear):
            w = _np(m.weight)
            h, wd, c = self.chw_flat.get(src, (0, 0, 0))
            if h * wd * c == w.shape[1]:  # otherwise push() reports the shape error
                perm = np.arange(h * wd * c).reshape(c, h, wd).transpose(1, 2, 0).reshape(-1)
                w = w[:, perm]
            b = _np(m.bias) if m.bias is not None else np.zeros(w.shape[0])
            return self.push(ir.Dense(w, b), src)
        if isinstance(m, nn.Conv2d):
            return self.push(self._conv(m), src)
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            return self._batchnorm(m, src)
        if isinstance(m, nn.ReLU):
            return self.push(ir.Activation("relu"), src)
        if isinstance(m, nn.ReLU6) or (isinstance(m, nn.Hardtanh) and m.min_val == 0.0 and m.max_val == 6.0):
            return self.push(ir.Activation("relu6"), src)
        if isinstance(m, (nn.Sigmoid, nn.Tanh)):
            return self.push(ir.Activation("sigmoid" if isinstance(m, nn.Sigmoid) else "tanh"), src)
        if isinstance(m, (nn.MaxPool2d, nn.AvgPool2d)):
            return self.push(self._pool(m), src)
        if isinstance(m, nn.AdaptiveAvgPool2d):
            if _pair(m.output_size) != (1, 1):
                raise _unsupported(f"AdaptiveAvgPool2d({m.output_size})")
            return self.push(ir.GlobalAvgPool(), src)
        if isinstance(m, nn.Flatten):
            return self.flatten(src)
        if isinstance(m, nn.Softmax):
            return self.softmax(m.dim, src)
        raise _unsupported(name)

    def softmax(self, dim, src: int) -> int:
        """A softmax over the channels: dim 1 (N, C or N, C, H, W), or -1 of a vector."""
        h, w, _ = self.shapes[src]
        if not (dim in (1, -3) and h * w > 1 or dim in (1, -1, None) and h * w == 1):
            raise _unsupported(f"Softmax(dim={dim}) of a {'vector' if h * w == 1 else 'CHW tensor'} (only over channels)")
        return self.push(ir.Softmax(), src)

    def flatten(self, src: int) -> int:
        shp = self.shapes[src]
        t = self.push(ir.Flatten(), src)
        if shp[0] * shp[1] > 1 and shp[2] > 1:
            self.chw_flat[t] = shp
        return t

    def _conv(self, m):
        if m.padding_mode != "zeros" or isinstance(m.padding, str) and m.padding not in ("valid", "same"):
            raise _unsupported(f"Conv2d(padding_mode={m.padding_mode!r})")
        if _pair(m.dilation) != (1, 1):
            raise _unsupported("Conv2d with dilation")
        kh, kw = _pair(m.kernel_size)
        sh, sw = _pair(m.stride)
        if m.padding == "valid":
            pad = (0, 0, 0, 0)
        elif m.padding == "same":
            pad = ((kh - 1) // 2, kh - 1 - (kh - 1) // 2, (kw - 1) // 2, kw - 1 - (kw - 1) // 2)
        else:
            ph, pw = _pair(m.padding)
            pad = (ph, ph, pw, pw)
        w = _np(m.weight)                      # (out, in/groups, kh, kw)
        b = _np(m.bias) if m.bias is not None else np.zeros(w.shape[0])
        if m.groups == 1:
            return ir.Conv2D(w.transpose(0, 2, 3, 1).copy(), b, (sh, sw), pad)
        if m.groups == m.in_channels and w.shape[1] == 1:
            return ir.DepthwiseConv2D(w[:, 0].transpose(1, 2, 0).copy(), b, m.out_channels // m.in_channels, (sh, sw), pad)
        raise _unsupported(f"Conv2d(groups={m.groups}) (only 1 or depthwise)")

    def _pool(self, m):
        import torch.nn as nn
        if getattr(m, "ceil_mode", False) or (isinstance(m, nn.MaxPool2d) and _pair(m.dilation) != (1, 1)):
            raise _unsupported(f"{type(m).__name__} with ceil_mode or dilation")
        if isinstance(m, nn.AvgPool2d) and _pair(m.padding) != (0, 0) and m.count_include_pad:
            raise _unsupported("AvgPool2d with padding and count_include_pad=True (use count_include_pad=False)")
        k = _pair(m.kernel_size)
        s = _pair(m.stride if m.stride is not None else m.kernel_size)
        ph, pw = _pair(m.padding)
        return ir.Pool2D("max" if isinstance(m, nn.MaxPool2d) else "avg", k, s, (ph, ph, pw, pw))

    def _batchnorm(self, m, src: int) -> int:
        outer = self.layers[-1] if self.layers and src == len(self.layers) else None
        prev = ir.unwrap(outer)
        if not isinstance(prev, (ir.Dense, ir.Conv2D, ir.DepthwiseConv2D)) or prev.activation != "linear":
            raise ConversionError("BatchNorm must directly follow a Linear or Conv2d (ctml folds it into its weights)")
        g = _np(m.weight) if m.weight is not None else np.ones(m.num_features)
        beta = _np(m.bias) if m.bias is not None else np.zeros(m.num_features)
        scale = g / np.sqrt(_np(m.running_var) + m.eps)
        shift = beta - _np(m.running_mean) * scale
        axis = -1 if isinstance(prev, ir.DepthwiseConv2D) else 0
        shape = [1] * prev.weight.ndim
        shape[axis] = -1
        folded = type(prev)(**{**prev.__dict__, "weight": prev.weight * scale.reshape(shape),
                               "bias": prev.bias * scale + shift})
        self.layers[-1] = folded if outer is prev else ir.Branch(outer.source, folded)
        return src


def from_torch(model, input_shape) -> ir.Network:
    import torch
    import torch.nn as nn
    model = model.eval()
    b = _Builder(input_shape)
    if isinstance(model, nn.Sequential):
        t = 0
        for m in model:
            t = b.module(m, t)
    else:
        _from_fx(model, b)
    n_out = b.shapes[-1][0] * b.shapes[-1][1] * b.shapes[-1][2]
    kind = "classifier" if n_out > 1 else "regressor"
    return ir.Network(b.shapes[0], tuple(b.layers), Source(f"PyTorch {torch.__version__}", _describe(model)), kind,
                      tuple(range(n_out)) if kind == "classifier" else ())


def _describe(model) -> str:
    import torch.nn as nn
    mods = [type(m).__name__ for m in model.modules() if not list(m.children())]
    return f"{type(model).__name__}({', '.join(mods)})" if not isinstance(model, nn.Sequential) else f"Sequential({', '.join(mods)})"


def _from_fx(model, b: _Builder) -> None:
    import torch
    import torch.fx as fx
    import torch.nn.functional as F
    try:
        gm = fx.symbolic_trace(model)
    except Exception as e:  # tracing errors come in many types
        raise ConversionError(f"torch.fx could not trace {type(model).__name__} ({e}); use nn.Sequential or a "
                              "traceable forward") from None
    mods = dict(gm.named_modules())
    tensor = {}
    for node in gm.graph.nodes:
        if node.op == "placeholder":
            tensor[node] = 0
        elif node.op == "output":
            out = node.args[0]
            if tensor.get(out) != len(b.layers):
                raise ConversionError("the network's output must be its last layer")
        elif node.op == "call_module":
            tensor[node] = b.module(mods[node.target], tensor[node.args[0]])
        elif node.op == "call_function" and node.target in (operator.add, torch.add):
            x, y = (tensor.get(a) for a in node.args[:2])
            if x is None or y is None:
                raise _unsupported("add with a constant")
            first, other = (x, y) if x > y else (y, x)
            if first != len(b.layers):
                raise ConversionError("an add must read the previous layer's output and one earlier tensor")
            tensor[node] = b.push(ir.Add(other), first)
        elif node.op == "call_function" and node.target in (F.relu, torch.relu):
            tensor[node] = b.push(ir.Activation("relu"), tensor[node.args[0]])
        elif node.op == "call_function" and node.target in (torch.sigmoid, torch.tanh):
            tensor[node] = b.push(ir.Activation(node.target.__name__), tensor[node.args[0]])
        elif node.op == "call_function" and node.target in (torch.softmax, F.softmax):
            tensor[node] = b.softmax(node.kwargs.get("dim", node.args[1] if len(node.args) > 1 else None),
                                     tensor[node.args[0]])
        elif node.op == "call_function" and node.target is torch.flatten:
            tensor[node] = b.flatten(tensor[node.args[0]])
        elif node.op == "call_method" and node.target == "flatten":
            tensor[node] = b.flatten(tensor[node.args[0]])
        else:
            raise _unsupported(f"{node.op} {getattr(node.target, '__name__', node.target)}")
