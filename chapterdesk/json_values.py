"""How ChapterDesk writes values as JSON: one encoder for every `--json` output and export.

A script reading `dues balance --json` and one reading `dues rate list --json`
must find money written the same way, so every JSON ChapterDesk prints goes
through `to_jsonable`: money (a `Decimal`, the only kind of `Decimal` the
domain holds) as a string with exactly two places ("150.00", never "150" or a
float), dates and times as ISO text, enums as their value, paths as text,
dataclasses as objects. The audit trail's own fast encoder converts single
values with `json_scalar`, so it writes money the same way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import json
from decimal import Decimal
from pathlib import PurePath
from typing import Any, TextIO

from chapterdesk.money import money_text

__all__ = ["json_scalar", "to_jsonable", "write_json"]


def json_scalar(value: Any) -> Any:
    """One non-container value as JSON holds it (money "150.00", dates ISO); others unchanged."""
    if isinstance(value, Decimal):
        return money_text(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    return value


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    """A dataclass's field names (looked up once per class, not once per value)."""
    return tuple(f.name for f in dataclasses.fields(cls))


def to_jsonable(value: Any) -> Any:
    """A value, with everything inside it, in the plain types `json` writes.

    Dataclasses become objects, tuples and sets lists, dictionary keys text, and
    every other value goes through `json_scalar`.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: to_jsonable(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    return json_scalar(value)


def write_json(value: Any, stream: TextIO, *, plain: bool = False) -> None:
    """Write a value as indented JSON (UTF-8 text, not ASCII escapes) and a newline.

    `plain`: the value holds only what `json` writes as it is (money already
    text), so the walk through `to_jsonable` is skipped.
    """
    # dumps, not dump: with an indent, dump writes every token separately (millions of
    # writes for a 50,000-member listing); one string and one write is the same text
    body = value if plain else to_jsonable(value)
    stream.write(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
