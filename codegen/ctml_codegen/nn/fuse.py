"""A Conv2D or Dense followed by the residual Add, fused in place (include/ctml/nn/add_in_place.hpp):
the fused layer writes its output over the Add's other operand (the shortcut), so the conv's own
output tensor never exists and a residual block keeps two maps alive, not three.

Fusion is a view of the normalized network for the C++ side only (emit and the arena plan): the IR,
quantization and the numpy reference keep the two layers, and the fused kernel computes exactly
conv -> int8 -> add. A pair fuses when the shortcut is an arena tensor (not the input), is not the
conv's input nor its output, is read by no later layer, and the conv's output is read by the Add only."""
from __future__ import annotations

from dataclasses import dataclass, replace

from ..ir import nn as ir
from ..quantize.nn import QLayer


@dataclass(frozen=True, eq=False)
class AddInPlace:
    """layer (Dense or Conv2D, or its QLayer) then add (ir.Add, or its QLayer), indices remapped;
    the output is written over tensor `other`."""
    layer: object
    add: object

    @property
    def other(self) -> int:
        return _ir(self.add).other


def _ir(layer):
    return layer.layer if isinstance(layer, QLayer) else layer


def extra_input(layer):
    return layer.other if isinstance(layer, AddInPlace) else ir.extra_input(_ir(layer))


def fused_pairs(layers) -> list[int]:
    """Indices i of the layers fused with the Add at i + 1 (layers: IR layers or QLayers)."""
    ls = [_ir(l) for l in layers]
    n = len(ls)
    last = list(range(n)) + [n]
    readers = [0] * (n + 1)
    for i, l in enumerate(ls):
        e = ir.extra_input(l)
        if e is not None:
            last[e] = max(last[e], i)
            readers[e] += 1
    out, i = [], 0
    while i + 1 < n:
        a, b = ls[i], ls[i + 1]
        if isinstance(a, (ir.Dense, ir.Conv2D)) and isinstance(b, ir.Add) and \
                0 < b.other < i and last[b.other] == i + 1 and readers[i + 1] == 0:
            out.append(i)
            i += 2
        else:
            i += 1
    return out


def fuse(layers) -> tuple[list, list[int]]:
    """The layer list the C++ network gets (pairs as AddInPlace, tensor indices renumbered) and, for
    each new tensor index, the old one (0..n)."""
    pairs = set(fused_pairs(layers))
    kept = [t for t in range(len(layers) + 1) if t - 1 not in pairs]   # the conv's output (i + 1) goes
    new = {t: k for k, t in enumerate(kept)}

    def renumber(layer):
        l = _ir(layer)
        if isinstance(l, ir.Add):
            l = replace(l, other=new[l.other])
        elif isinstance(l, ir.Branch):
            l = replace(l, source=new[l.source])
        else:
            return layer
        return replace(layer, layer=l) if isinstance(layer, QLayer) else l

    out, i = [], 0
    while i < len(layers):
        if i in pairs:
            out.append(AddInPlace(layers[i], renumber(layers[i + 1])))
            i += 2
        else:
            out.append(renumber(layers[i]))
            i += 1
    return out, kept
