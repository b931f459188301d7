"""Emitters: IR to C++ headers."""
