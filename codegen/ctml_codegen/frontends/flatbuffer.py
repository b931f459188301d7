"""A bounds-checked reader of FlatBuffers tables, enough for a TFLite model (schema.fbs).

Every offset is checked against the buffer before it is followed, so a truncated or corrupted
file raises one ConversionError naming what could not be read, never an IndexError or a silent
garbage value. Fields are addressed by their slot (their position in the schema's table, counting
a union's hidden _type field), as FlatBuffers' vtables address them.
"""
from __future__ import annotations

import struct

import numpy as np

from ..errors import ConversionError

_SIZES = {"b": 1, "B": 1, "h": 2, "H": 2, "i": 4, "I": 4, "q": 8, "Q": 8, "f": 4, "d": 8, "?": 1}
_NUMPY = {"b": "<i1", "B": "<u1", "h": "<i2", "H": "<u2", "i": "<i4", "I": "<u4", "q": "<i8", "Q": "<u8",
          "f": "<f4", "d": "<f8", "?": "<u1"}


class Malformed(ConversionError):
    pass


class Table:
    """One table at byte `pos` of `buf`; `what` names it in error messages."""

    def __init__(self, buf: bytes, pos: int, what: str):
        self.buf, self.pos, self.what = buf, pos, what
        vt = pos - self._read("i", pos, "its vtable offset")
        self._check(vt, 4, "its vtable")
        self.vt = vt
        self.vt_len = self._read("H", vt, "its vtable")
        if self.vt_len < 4 or self.vt_len % 2:
            raise Malformed(f"{what}: a vtable of {self.vt_len} bytes")
        self._check(vt, self.vt_len, "its vtable")

    def _check(self, at: int, n: int, what: str) -> None:
        if at < 0 or n < 0 or at + n > len(self.buf):
            raise Malformed(f"{self.what}: {what} lies outside the file (byte {at} of {len(self.buf)})")

    def _read(self, fmt: str, at: int, what: str):
        self._check(at, _SIZES[fmt], what)
        return struct.unpack_from("<" + fmt, self.buf, at)[0]

    def _offset(self, slot: int) -> int:
        at = 4 + 2 * slot
        return self._read("H", self.vt + at, f"field {slot}") if at < self.vt_len else 0

    def scalar(self, slot: int, fmt: str, default=0):
        o = self._offset(slot)
        return self._read(fmt, self.pos + o, f"field {slot}") if o else default

    def has(self, slot: int) -> bool:
        return self._offset(slot) != 0

    def _target(self, slot: int):
        o = self._offset(slot)
        if not o:
            return None
        at = self.pos + o
        return at + self._read("I", at, f"field {slot}")

    def table(self, slot: int, what: str):
        at = self._target(slot)
        return None if at is None else Table(self.buf, at, f"{self.what}.{what}")

    def _vector(self, slot: int, size: int, what: str):
        at = self._target(slot)
        if at is None:
            return None
        n = self._read("I", at, f"the length of {what}")
        self._check(at + 4, n * size, f"{what} ({n} elements)")
        return at + 4, n

    def array(self, slot: int, fmt: str, what: str):
        """A vector of scalars as a numpy array (None if the field is absent)."""
        v = self._vector(slot, _SIZES[fmt], what)
        if v is None:
            return None
        at, n = v
        return np.frombuffer(self.buf, dtype=_NUMPY[fmt], count=n, offset=at).copy()

    def tables(self, slot: int, what: str) -> list:
        v = self._vector(slot, 4, what)
        if v is None:
            return []
        at, n = v
        return [Table(self.buf, at + 4 * i + self._read("I", at + 4 * i, what), f"{self.what}.{what}[{i}]")
                for i in range(n)]

    def string(self, slot: int, what: str) -> str:
        v = self._vector(slot, 1, what)
        if v is None:
            return ""
        at, n = v
        return self.buf[at:at + n].decode("utf-8", errors="replace")


def root(buf: bytes, identifier: bytes, what: str) -> Table:
    """The root table of a finished buffer whose file identifier must be `identifier`."""
    if len(buf) < 8:
        raise Malformed(f"{what}: {len(buf)} bytes is too short for a FlatBuffer")
    if buf[4:8] != identifier:
        raise Malformed(f"{what}: no {identifier.decode()} file identifier (bytes 4-7 are {bytes(buf[4:8])!r}); "
                        "not a TFLite model")
    return Table(buf, struct.unpack_from("<I", buf, 0)[0], what)
