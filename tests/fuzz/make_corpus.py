"""Writes the fuzz targets' seed corpora (generated, never committed): a few inputs per model,
learner and record kind, so that every selector byte is tried from the first second.

    make_corpus.py OUT_DIR   ->  OUT_DIR/{fuzz_models,fuzz_learn,fuzz_restore}/seed-*
"""
import pathlib
import struct
import sys

FLT_MAX = 3.4028234663852886e38


def floats(values):
    return b"".join(struct.pack("<f", v) for v in values)


def int16s(values):
    return b"".join(struct.pack("<h", v) for v in values)


# Bodies that reach the interesting arithmetic: ordinary values, float extremes, denormals, NaN
# and infinities, integer limits.
BODIES = [
    bytes(256),
    floats([1.0, -2.5, 0.5, 3.0] * 16),
    floats([FLT_MAX, -FLT_MAX, 1e30, -1e30, 1e-45, -1e-45, 1.2e-38, 0.0] * 8),
    floats([float("nan"), float("inf"), -float("inf"), 1.0] * 16),
    int16s([32767, -32768, 0, -1, 1, 12345, -12345, 255] * 16),
    bytes(range(256)),
]


def write(directory, selectors):
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("seed-*"):
        old.unlink()
    for s in selectors:
        for k, body in enumerate(BODIES):
            (directory / f"seed-{s:03d}-{k}").write_bytes(bytes([s]) + body)


def main():
    out = pathlib.Path(sys.argv[1])
    write(out / "fuzz_models", range(256))   # byte 0: model (>> 1) and raw/quantized (& 1)
    write(out / "fuzz_learn", range(64))     # byte 0: learner
    write(out / "fuzz_restore", range(256))  # byte 0: learner (& 0x7f), whole record (& 0x80)


if __name__ == "__main__":
    main()
