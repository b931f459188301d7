"""Exports: a converted model packaged for toolchains that cannot compile ctml's C++20 headers."""
