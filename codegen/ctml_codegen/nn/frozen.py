"""A network's frozen part as a feature extractor (tinyOL's frozen body): the network without its
final classifier layer, whose output is the embedding a trainable head learns from on the device.

convert_network(..., drop_last=True) uses this: drop_classifier cuts the normalized network before
its last Dense layer, so the output tensor is the penultimate layer's activation (int8, quantized
with that tensor's own calibration range). embedding_codes says how the head reads it: the codes
q - zero_point, uint8 after a ReLU (never negative) or int16 otherwise, standing for the real value
code * scale ~= code / 2^shift, with shift = round(-log2(scale)) (the head's InputShift; the
feature scale it assumes is off by at most a factor sqrt(2), a constant per-feature factor that a
linear head absorbs).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from ..ir import nn as ir
from ..emit.cpp import f32
from ..errors import ConversionError


@dataclass(frozen=True)
class EmbeddingCodes:
    size: int          # embedding width
    zero: int          # the output tensor's zero point
    scale: float       # real value of one code step
    shift: int         # InputShift of the head: code / 2^shift ~= real value
    unsigned: bool     # codes are q - zero >= 0 (a ReLU or ReLU6 clamps the output at the zero point)

    @property
    def ctype(self) -> str:
        return "std::uint8_t" if self.unsigned else "std::int16_t"

    def codes(self, q: np.ndarray) -> np.ndarray:
        """int8 embedding outputs (n, ...) to the head's integer codes (n, size), as the C++ forms them."""
        c = np.asarray(q, dtype=np.int64).reshape(len(q), -1) - self.zero
        return np.maximum(c, 0) if self.unsigned else c

    def real(self, q: np.ndarray) -> np.ndarray:
        """The values the head assumes: code / 2^shift."""
        return self.codes(q) / float(2 ** self.shift)


def drop_classifier(net: ir.Network) -> ir.Network:
    """The normalized network without its final Dense layer (the classifier)."""
    if len(net.layers) < 2:
        raise ConversionError("drop_last needs a network with at least two layers (a body and a final classifier "
                              "layer); this one has only one, so nothing would be left to freeze")
    last = net.layers[-1]
    if not isinstance(last, ir.Dense):
        raise ConversionError(f"drop_last removes the final Dense/Linear classifier layer, but this network ends in "
                              f"{type(last).__name__}; end the network with a Linear layer or convert it whole")
    return replace(net, layers=net.layers[:-1], kind="embedding", classes=())


def embedding_codes(qnet) -> EmbeddingCodes:
    ql = qnet.layers[-1]
    scale = float(ql.out_scale)
    shift = int(min(14, max(1, round(-math.log2(scale)))))
    unsigned = ql.act_min >= ql.out_zero
    size = int(np.prod(ir.shapes(qnet.net)[-1]))
    return EmbeddingCodes(size, int(ql.out_zero), scale, shift, unsigned)


def embedding_block(qnet, name: str) -> str:
    """C++ appended to <name>.hpp: the spec ctml::learn::tinyol reads (code type, zero point, shift)."""
    e = embedding_codes(qnet)
    sign = "q - zero_point >= 0 (the last activation clamps at the zero point)" if e.unsigned else "q - zero_point"
    return "\n".join([
        "namespace ctml_models {", "",
        f"// `{name}` is a frozen feature extractor (the source network without its final classifier layer):",
        f"// its output is a {e.size}-wide int8 embedding at scale {e.scale!r}, zero point {e.zero}. A trainable head",
        f"// reads the codes {sign} as {e.ctype}, standing for code / 2^{e.shift}",
        f"// (ctml::learn::tinyol<{name}, {name}_embedding, K>).",
        f"struct {name}_embedding {{",
        f"  using code_type = {e.ctype};",
        f"  static constexpr std::size_t size = {e.size};",
        f"  static constexpr std::int32_t zero_point = {e.zero};",
        f"  static constexpr float scale = {f32(e.scale)};",
        f"  static constexpr unsigned shift = {e.shift};",
        "};", "", "}  // namespace ctml_models", ""])
