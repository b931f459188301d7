"""Writes the tests' small .tflite models (tflite_builder.py) into a directory, for the C++ tests and
target runs (tests/tflite_models.cmake): python3 make_tflite_models.py OUT_DIR."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tflite_builder as tb  # noqa: E402

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
for name, data in (("tflite_tiny_cnn", tb.tiny_cnn()), ("tflite_tiny_mlp", tb.tiny_mlp())):
    path = out / f"{name}.tflite"
    if not path.exists() or path.read_bytes() != data:   # unchanged bytes keep their time stamp
        path.write_bytes(data)
