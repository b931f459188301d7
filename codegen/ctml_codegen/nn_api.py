"""convert_network where earlier releases put it (`from ctml_codegen.nn_api import convert_network`);
it lives in families/network.py, and `from ctml_codegen import convert_network` is the same."""
from .families.network import NetworkResult, arena_bytes, convert_network, to_hwc, to_network

__all__ = ["NetworkResult", "arena_bytes", "convert_network", "to_hwc", "to_network"]
