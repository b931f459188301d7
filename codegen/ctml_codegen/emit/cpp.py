"""Small helpers for writing readable, byte-for-byte reproducible C++."""
from __future__ import annotations

import numpy as np


def f32(x: float) -> str:
    """A float literal that parses to exactly float32(x)."""
    v = np.float32(x)
    if np.isnan(v):
        return "std::numeric_limits<float>::quiet_NaN()"   # only test inputs; models reject NaN
    if np.isinf(v):
        return "std::numeric_limits<float>::infinity()" if v > 0 else "-std::numeric_limits<float>::infinity()"
    text = np.format_float_scientific(v, unique=True, trim="-")
    return text + "f"


def int_type(lo: int, hi: int, unsigned: bool) -> str:
    if unsigned:
        return "std::uint8_t" if hi <= 0xFF else ("std::uint16_t" if hi <= 0xFFFF else "std::uint32_t")
    for bits in (8, 16, 32):
        if -(1 << (bits - 1)) <= lo and hi < (1 << (bits - 1)):
            return f"std::int{bits}_t"
    raise ValueError("value does not fit 32 bits")


def wrap(items: list[str], indent: str = "    ", width: int = 100) -> str:
    """Comma-separated items, wrapped to lines of at most `width` characters."""
    lines, line = [], indent
    for i, item in enumerate(items):
        piece = item + ("," if i + 1 < len(items) else "")
        if len(line) + len(piece) + 1 > width and line.strip():
            lines.append(line.rstrip())
            line = indent
        line += piece + " "
    if line.strip():
        lines.append(line.rstrip())
    return "\n".join(lines)


def comment_block(lines: list[str]) -> str:
    return "\n".join("// " + ln if ln else "//" for ln in lines)
