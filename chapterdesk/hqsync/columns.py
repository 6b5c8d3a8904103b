"""Checking a block of rows a column at a time, for the common case of a clean export.

HQ's exports are overwhelmingly clean: every ID a whole number, every name
plain text, every date a date cell. Checking such a block column by column
lets the work run in C (`map`, `set`, `max` over whole columns) instead of one
Python call per cell, which is most of what reading half a million rows costs.

Each column converter returns the column's values exactly as the per-cell
converters in `validate` would, or None when any cell is not the plain case
(a problem, a blank, a stray type); the caller then checks that block row by
row, so every problem is still reported with its row number and column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from operator import methodcaller

from chapterdesk.hqsync.dates import CellProblem

ColumnConverter = Callable[[Sequence[object]], list[object] | None]
Converter = Callable[[object], object]

_STR, _FLOAT, _INT, _DATE = (
    frozenset({str}),
    frozenset({float}),
    frozenset({int}),
    frozenset({dt.date}),
)
_LEADING_ZERO = methodcaller("startswith", "0")
_SHARE_LIMIT = 50_000  #: distinct values shared per column; beyond it they are kept as they come


def _each(convert: Converter, column: Sequence[object]) -> list[object] | None:
    """The per-cell converter over a whole column; None at the first problem."""
    try:
        return list(map(convert, column))
    except CellProblem:
        return None


def id_column(convert: Converter) -> ColumnConverter:
    """Member IDs: whole numbers stored as numbers, or digits stored as text."""

    def ids(column: Sequence[object]) -> list[object] | None:
        kinds = set(map(type, column))
        if kinds == _FLOAT:
            numbers: Sequence[float] = column  # type: ignore[assignment]
            if all(map(float.is_integer, numbers)) and min(numbers) > 0 and max(numbers) < 1e18:
                return list(map(str, map(int, numbers)))
            return None
        if kinds == _STR:
            texts: list[str] = list(map(str.strip, column))  # type: ignore[arg-type]
            joined = "".join(texts)
            lengths = list(map(len, texts))
            if (
                joined.isdigit()
                and joined.isascii()
                and min(lengths) > 0
                and max(lengths) <= 18
                and not any(map(_LEADING_ZERO, texts))
            ):
                return texts  # type: ignore[return-value]
            return None
        if kinds == _INT:
            whole: Sequence[int] = column  # type: ignore[assignment]
            if min(whole) > 0 and max(whole) < 10**18:
                return list(map(str, whole))
            return None
        return _each(convert, column)

    return ids


def text_column(
    convert: Converter, limit: int, required: bool, table: dict[str, str] | None
) -> ColumnConverter:
    """Stripped text of at most `limit` characters; equal texts shared through `table`."""

    def texts(column: Sequence[object]) -> list[object] | None:
        try:
            stripped: list[str] = list(map(str.strip, column))  # type: ignore[arg-type]
        except TypeError:  # not all text: a number, a date, an empty cell's None
            return _each(convert, column)
        if max(map(len, stripped)) > limit or (required and not all(stripped)):
            return None
        if "\x00" in "".join(stripped):  # refused, cell by cell
            return None
        if table is not None and len(table) < _SHARE_LIMIT:
            return list(map(table.setdefault, stripped, stripped))
        return stripped  # type: ignore[return-value]

    return texts


def date_column(convert: Converter) -> ColumnConverter:
    """Date cells as they are (equal dates shared); anything else through the cell converter."""
    shared: dict[dt.date, dt.date] = {}
    parsed: dict[object, object] = {}  #: date texts already read, in this block or before

    def dates(column: Sequence[object]) -> list[object] | None:
        kinds = set(map(type, column))
        if kinds == _STR:  # dates written as text (CSV): each distinct text parsed once
            known = parsed if len(parsed) < _SHARE_LIMIT else {}
            try:
                for text in set(column).difference(known):
                    known[text] = convert(text)
            except CellProblem:
                return None
            return list(map(known.__getitem__, column))
        if kinds != _DATE:
            return _each(convert, column)
        days: Sequence[dt.date] = column  # type: ignore[assignment]
        if len(shared) < _SHARE_LIMIT:
            return list(map(shared.setdefault, days, days))
        return list(days)

    return dates


def chapters_column(convert: Converter) -> ColumnConverter:
    """Chapter lists, converted once per distinct text (a roster names a few dozen)."""

    def chapters(column: Sequence[object]) -> list[object] | None:
        if bool in set(map(type, column)):  # True == 1.0 would share one dictionary key
            return _each(convert, column)
        try:
            known = {value: convert(value) for value in set(column)}
        except (CellProblem, TypeError):  # a problem, or an unhashable stray value
            return _each(convert, column)
        return list(map(known.__getitem__, column))

    return chapters
