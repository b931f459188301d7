"""Quantization: input codes and exact tree thresholds (features.py), and post-training int8 quantization of networks in TFLite's scheme (nn.py)."""
