"""Network passes that do not depend on a framework: residual fusion (fuse.py), arena figures (plan.py), the int8 numpy reference (reference.py), the frozen body for tinyOL (frozen.py)."""
