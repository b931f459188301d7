"""Conv2D/Dense + residual Add fused in place (nn_fuse, include/ctml/nn/add_in_place.hpp): codegen
fuses a pair only when writing over the shortcut is safe, renumbers the later tensors, and the
arena mirror gives the fused output its shortcut's buffer."""
from __future__ import annotations

import numpy as np

from ctml_codegen.ir import nn as ir
from ctml_codegen.nn import fuse as nn_fuse
from ctml_codegen.families.network import arena_bytes


def dense(n: int = 4) -> ir.Dense:
    return ir.Dense(np.zeros((n, n)), np.zeros(n))


def vec_shapes(layers, n: int = 4) -> list:
    return [(1, 1, n)] * (len(layers) + 1)


def test_a_dense_then_an_add_whose_shortcut_dies_there_fuses():
    layers = [dense(), dense(), dense(), ir.Add(other=1), dense()]
    assert nn_fuse.fused_pairs(layers) == [2]
    fused, kept = nn_fuse.fuse(layers)
    assert kept == [0, 1, 2, 4, 5]           # tensor 3, the dense's own output, is never written
    assert isinstance(fused[2], nn_fuse.AddInPlace) and fused[2].other == 1
    assert fused[2].layer is layers[2] and fused[3] is layers[4]
    # Unfused, three 4-byte tensors are alive at the add; fused, the output takes tensor 1's buffer.
    assert arena_bytes(vec_shapes(layers), layers) == 2 * 4


def test_later_tensor_indices_are_renumbered():
    layers = [dense(), dense(), dense(), ir.Add(other=1), dense(), ir.Add(other=4)]
    fused, kept = nn_fuse.fuse(layers)
    assert kept == [0, 1, 2, 4, 5, 6]
    assert isinstance(fused[4], ir.Add) and fused[4].other == 3   # old tensor 4 is new tensor 3


def test_unsafe_pairs_stay_two_layers():
    # The shortcut is the network input (the caller's buffer, not the arena's).
    assert nn_fuse.fused_pairs([dense(), dense(), ir.Add(other=0)]) == []
    # The shortcut is the dense layer's own input: writing over it while reading it is wrong.
    assert nn_fuse.fused_pairs([dense(), dense(), ir.Add(other=1)]) == []
    # The shortcut is read again after the add.
    assert nn_fuse.fused_pairs([dense(), dense(), dense(), ir.Add(other=1), ir.Add(other=1)]) == []
    # The dense layer's output is read by another layer too.
    assert nn_fuse.fused_pairs([dense(), dense(), dense(), ir.Add(other=1), ir.Add(other=3)]) == []
    # Only Conv2D and Dense fuse (a depthwise convolution, a pool or a branch do not).
    pool = ir.Pool2D("max", (1, 1), (1, 1))
    assert nn_fuse.fused_pairs([dense(), dense(), pool, ir.Add(other=1)]) == []
    branch = ir.Branch(1, dense())
    assert nn_fuse.fused_pairs([dense(), dense(), branch, ir.Add(other=2)]) == []
