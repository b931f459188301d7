"""What the families share when they emit: the integer input map chosen from sample inputs, the
model info block (class labels, quantizer), test-vector headers, and writing files all-or-nothing."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Optional

import numpy as np

from .cpp import f32, wrap
from ..errors import ConversionError
from ..quantize.features import INT_TYPES, FeatureMap
from .vectors import HEAD, vectors_file

MARGIN = 0.1  # codes kept beyond the sample range on each side, as a fraction of the range


def lossless(X: Optional[np.ndarray], bits: Optional[int]) -> Optional[FeatureMap]:
    """Integer-valued samples that fit int8/int16: the codes are the values (scale 1)."""
    if X is None or bits == 0:
        return None
    if np.all(np.isfinite(X)) and np.all(X == np.round(X)):
        for b in (8, 16):
            if bits in (None, b) and X.min() >= INT_TYPES[b][2] and X.max() <= INT_TYPES[b][3]:
                return FeatureMap(b, (0.0,) * X.shape[1], (1.0,) * X.shape[1])
    return None


def ranged(X: Optional[np.ndarray], bits: int, n: int, what: str) -> FeatureMap:
    """Per-feature codes spread over the sample range (plus MARGIN each side); inputs beyond clamp."""
    if X is None:
        raise ConversionError(f"integer inputs for a {what} need sample inputs (X_sample) to choose each "
                              "feature's range; pass X_sample=X_train (CLI: --sample), or feature_bits=0 for float inputs")
    if bits not in INT_TYPES:
        raise ConversionError(f"feature bits must be 0 (float), 8 or 16, not {bits}")
    check_samples(X, n)
    qmin, qmax = INT_TYPES[bits][2], INT_TYPES[bits][3]
    offsets, scales = [], []
    for j in range(n):
        lo, hi = float(X[:, j].min()), float(X[:, j].max())
        span = (hi - lo) * (1 + 2 * MARGIN)
        scale = span / (qmax - qmin) if span > 0 else max(abs(lo), 1.0) / 2 ** (bits - 2)
        offsets.append(float(np.float32((lo + hi) / 2)))
        scales.append(float(np.float32(scale)))
    return FeatureMap(bits, tuple(offsets), tuple(scales))


def check_width(X, n: int, what: str = "test") -> None:
    """Inputs X (None: nothing to check) must have the model's n features."""
    if X is not None and np.asarray(X).shape[-1] != n:
        raise ConversionError(f"the {what} inputs have {np.asarray(X).shape[-1]} features but the model expects {n}")


def check_samples(X: np.ndarray, n: int) -> None:
    if X.ndim != 2 or X.shape[1] != n:
        raise ConversionError(f"the sample inputs have {X.shape[-1] if X.ndim else 0} features, the model {n}")
    if not np.all(np.isfinite(X)):
        raise ConversionError("the sample inputs contain NaN or infinite values; pass finite training inputs")


def info_block(name: str, fmap: FeatureMap, n_features: int, classes: tuple) -> list[str]:
    """<name>_info: the integer class labels and quantize(), float features to the model's input.
    A float model gets the identity, so firmware calls quantize() whatever the model's input type."""
    out = [f"namespace {name}_info {{"]
    if classes and all(isinstance(c, (int, np.integer)) for c in classes):
        out.append(f"inline constexpr std::array<long, {len(classes)}> class_labels = {{"
                   + ", ".join(str(int(c)) for c in classes) + "};")
    if fmap.is_float:
        out += ["// The model reads float features as they are: quantize() is the identity, kept so that firmware",
                "// written for a quantized model compiles unchanged.",
                f"inline constexpr const std::array<float, {n_features}>& quantize(const std::array<float, {n_features}>& x) noexcept {{",
                "  return x;", "}"]
    else:
        maps = [f"{{{f32(o)}, {f32(i)}}}" for o, i in zip(fmap.offset, fmap.inv_scale())]
        out += [f"CTML_FLASH inline constexpr ctml::quantize::affine<{fmap.ctype}> quantizer[] = {{", wrap(maps), "};",
                "// Float features to the model's input codes (float32 arithmetic, the same as codegen's).",
                f"inline std::array<{fmap.ctype}, {n_features}> quantize(const std::array<float, {n_features}>& x) noexcept {{",
                f"  std::array<{fmap.ctype}, {n_features}> q{{}};",
                "  for (std::size_t i = 0; i < q.size(); ++i) q[i] = ctml::platform::flash_read(&quantizer[i])(x[i]);",
                "  return q;", "}"]
    out += [f"}}  // namespace {name}_info", ""]
    return out


def class_index(classes: tuple, labels) -> np.ndarray:
    lookup = {c: i for i, c in enumerate(classes)}
    return np.array([lookup[v] for v in np.asarray(labels).tolist()], dtype=np.int64)


def vectors_header(name: str, fmap: FeatureMap, X: np.ndarray, reference, classes: tuple, y, n_vectors) -> str:
    """Held-out inputs in the model's input domain and reference(dequantized inputs) -> dict of
    class / score / proba / value arrays: the framework's own answers on exactly those inputs."""
    X = np.asarray(X, dtype=np.float64)
    return vectors_file(name, X, y, n_vectors,
                        lambda ns, rows, truth: _struct(ns, fmap, rows, reference, classes, truth))


def _struct(ns: str, fmap: FeatureMap, X: np.ndarray, reference, classes: tuple, y) -> list[str]:
    q = fmap.quantize(X)
    ref = reference(fmap.dequantize(q).astype(np.float64))
    n, nf = q.shape
    lines = [f"struct {ns} {{", f"  static constexpr std::size_t n_samples = {n};",
             f"  static constexpr std::size_t n_features = {nf};"]
    cell = (lambda v: f32(v)) if fmap.is_float else (lambda v: str(int(v)))
    lines += [f"  CTML_FLASH static constexpr {fmap.ctype} inputs[{n}][{nf}] = {{",
              wrap(["{" + ", ".join(cell(v) for v in row) + "}" for row in q]), "};"]
    if "class" in ref:
        lines += [f"  CTML_FLASH static constexpr std::uint8_t expected_class[{n}] = {{",
                  wrap([str(int(v)) for v in ref["class"]]), "};"]
    for key, count in (("score", "n_scores"), ("proba", "n_proba")):
        if key in ref:
            a = np.asarray(ref[key], dtype=np.float64).reshape(n, -1)
            lines += [f"  static constexpr std::size_t {count} = {a.shape[1]};",
                      f"  CTML_FLASH static constexpr float expected_{key}[{n}][{a.shape[1]}] = {{",
                      wrap(["{" + ", ".join(f32(v) for v in r) + "}" for r in a]), "};"]
    if "value" in ref:
        lines += [f"  CTML_FLASH static constexpr float expected_value[{n}] = {{",
                  wrap([f32(v) for v in ref["value"]]), "};"]
    if y is not None and classes:
        lines += [f"  CTML_FLASH static constexpr std::uint8_t truth[{n}] = {{",
                  wrap([str(int(v)) for v in class_index(classes, y)]), "};"]
    lines.append("};")
    return lines


def write(out_dir, name: str, header: str, vectors: Optional[str]) -> tuple[Path, Optional[Path]]:
    out = Path(out_dir)
    files = {out / f"{name}.hpp": header}
    vec = None
    if vectors is not None:
        vec = out / f"{name}_vectors.hpp"
        files[vec] = vectors
    write_atomic(files)
    return out / f"{name}.hpp", vec


def write_atomic(files: dict[Path, str]) -> None:
    """Writes every file or none: all go to temporaries first, then are renamed into place."""
    temps = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
            with os.fdopen(fd, "w", newline="\n") as fh:
                fh.write(text)
            os.chmod(tmp, 0o644)
            temps.append((tmp, path))
    except BaseException:
        for tmp, _ in temps:
            os.unlink(tmp)
        raise
    for tmp, path in temps:
        os.replace(tmp, path)
