"""The one exception type codegen raises: its message says what went wrong and what to do."""


class ConversionError(Exception):
    """A model cannot be converted; nothing has been written."""


def numpy_defaults(fn):
    """Runs a converter under numpy's default floating-point error settings (divide, overflow and
    invalid warn, underflow ignored), whatever the caller set: under numpy.seterr(all='raise') a
    harmless underflow (a sigmoid of -100, a tiny weight squared) must not abort a conversion."""
    import functools

    @functools.wraps(fn)
    def run(*args, **kwargs):
        import numpy as np
        with np.errstate(divide="warn", over="warn", invalid="warn", under="ignore"):
            return fn(*args, **kwargs)
    return run
