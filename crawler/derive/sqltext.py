"""Two pieces of SQL text every view and canned query writes: quoted names and counts as integers."""

from __future__ import annotations


def quoted(name: str) -> str:
    """A quoted SQL identifier (cell keys contain dots; view columns are Chinese)."""
    return '"' + name.replace('"', '""') + '"'


def as_integer(expr: str) -> str:
    """A REAL that holds a count shown as an integer (30, not 30.0); decimals stay as they are."""
    return f"(case when {expr} = cast({expr} as integer) then cast({expr} as integer) else {expr} end)"
