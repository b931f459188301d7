"""Figures of a normalized network that do not depend on quantization: multiply-accumulates per
inference, and lower bounds on the activation arena to compare ctml's liveness plan with
(nn_api.arena_bytes is the plan, the same first fit as include/ctml/nn/network.hpp).

Tensor t (1..n) lives from layer t - 1 (which writes it) to its last reader; tensor 0, the input,
is the caller's and not in the arena. At each layer the live set is the tensors written before or
by it and read by it or later."""
from __future__ import annotations

import numpy as np

from ..ir import nn as ir


def layer_macs(layer, out_shape) -> int:
    layer = ir.unwrap(layer)
    oh, ow, oc = out_shape
    if isinstance(layer, ir.Dense):
        return int(layer.weight.size)
    if isinstance(layer, ir.Conv2D):
        _, kh, kw, ic = layer.weight.shape
        return oh * ow * oc * kh * kw * ic
    if isinstance(layer, ir.DepthwiseConv2D):
        kh, kw, _ = layer.weight.shape
        return oh * ow * oc * kh * kw
    return 0


def macs(net: ir.Network) -> int:
    """Multiply-accumulates of one inference (every kernel tap, padded ones included, as usual)."""
    shapes = ir.shapes(net)
    return sum(layer_macs(layer, shapes[i + 1]) for i, layer in enumerate(net.layers))


def live_sets(net: ir.Network) -> list[list[int]]:
    """For each layer i, the arena tensors alive while it runs."""
    n = len(net.layers)
    last = list(range(n)) + [n]
    for i, layer in enumerate(net.layers):
        other = ir.extra_input(layer)
        if other is not None:
            last[other] = max(last[other], i)
    return [[t for t in range(1, n + 1) if t <= i + 1 and last[t] >= i] for i in range(n)]


def arena_bounds(net: ir.Network) -> dict:
    """two_largest_live: the largest sum of two tensors alive at the same time; all_live: the largest
    sum of all tensors alive at the same time (what any plan that never overlaps live tensors needs).
    A final softmax is left out, as the C++ arena leaves it out."""
    net = ir.with_softmax(net, False)
    size = [int(np.prod(s)) for s in ir.shapes(net)]
    pair = total = 0
    for live in live_sets(net):
        sizes = sorted((size[t] for t in live), reverse=True)
        pair = max(pair, sum(sizes[:2]))
        total = max(total, sum(sizes))
    return {"two_largest_live": pair, "all_live": total}
