"""The one exception type codegen raises: its message says what went wrong and what to do."""


class ConversionError(Exception):
    """A model cannot be converted; nothing has been written."""
