"""The exporter's one kind of error: a problem with the user's input, reported as one line."""


class ExportError(Exception):
    """A problem with the user's input, reported as one line."""
