"""Frontends: one module per framework, each turning a fitted model into the IR."""
