"""ctml codegen: trained models to C++20 headers (see `python3 -m ctml_codegen --help`)."""
from .api import Result, convert, to_ir
from .errors import ConversionError

__all__ = ["convert", "to_ir", "ConversionError", "Result"]
