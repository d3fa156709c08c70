"""Errors the ETL reports in one line (no traceback)."""


class BuildError(Exception):
    """An expected failure (bad input, a stop rule): reported in one line, no traceback."""
