"""ctml codegen: trained models to C++20 headers (see `python3 -m ctml_codegen --help`).

The flow (docs/codegen.md): frontends/ (one module per framework) -> ir/ (the IR of each family)
-> quantize/ (input codes, network PTQ) -> emit/ (C++ text), driven per family by families/."""
from .api import Result, convert
from .errors import ConversionError
__version__ = "0.1.0"  # the CMake project version
from .families.network import convert_network, convert_tflite
from .families.trees import to_ir

__all__ = ["ConversionError", "Result", "convert", "convert_network", "convert_tflite", "to_ir"]
