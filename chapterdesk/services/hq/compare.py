"""The stored HQ records an export is compared with, in the forms the reader produces.

A monthly export repeats most of what the database already holds, so the
comparison must find the few changed rows among half a million quickly.
`load_records` reads every stored record as one tuple (dates as dates,
chapters as a tuple of names, equal texts shared), which `plan_import` does
on its database thread while the spreadsheet is parsed; `changed_positions`
then finds the rows that differ by comparing tuples in C, and only those are
compared field by field in `hq_plan`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from itertools import compress, repeat
from operator import itemgetter, ne
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from chapterdesk.hq_fields import DATE_FIELDS, HQ_FIELDS

if TYPE_CHECKING:
    from chapterdesk.hqsync import ParsedExport

PRESENT = len(HQ_FIELDS)  #: where a record tuple holds `in_latest_export`
_FETCH_ROWS = 20_000  #: rows fetched between checks that the import still wants them
_SHARE_LIMIT = 50_000  #: distinct values shared per column; beyond it each is kept as read
_ABSENT = (object(),) * (PRESENT + 1)  #: stands for a record the database does not have

Record = tuple[object, ...]


class _Pool(dict[object, object]):
    """One column's values as the comparison wants them, each distinct value made once.

    Looked up through `dict.__getitem__` (in C); only a value not seen before
    reaches `__missing__`. Kept only up to `_SHARE_LIMIT` values, so a column of
    unique values (e-mail addresses) does not hold a second copy of itself.
    """

    def __init__(self, make: Callable[[object], object]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: object) -> object:
        value = self.make(key)
        if len(self) < _SHARE_LIMIT:
            self[key] = value
        return value


def _as_text(value: object) -> object:
    return "" if value is None else value


def _as_date(value: object) -> object:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _as_chapters(value: object) -> object:
    return tuple(str(value).split("; ")) if value else ()


def _pools() -> list[_Pool]:
    makers = {name: _as_date for name in DATE_FIELDS} | {"chapters": _as_chapters}
    return [_Pool(makers.get(name, _as_text)) for name in HQ_FIELDS]


def load_records(session: Session, stop: Callable[[], bool] | None = None) -> dict[str, Record]:
    """Every stored HQ record as a tuple in `HQ_FIELDS` order plus `in_latest_export`.

    Read with the driver's own cursor (no per-value type processing); an empty
    text reads as "", dates as dates and chapters as a tuple of names: the forms
    the reader produces, so an unchanged row compares equal as a tuple. Equal
    texts share one object. `stop()` returning True (the import was cancelled
    or refused) ends the read early with what was read so far.
    """
    columns = ", ".join(("hq_id", *HQ_FIELDS, "in_latest_export"))
    getitem = _Pool.__getitem__
    pools = _pools()
    found: dict[str, Record] = {}
    cursor = session.connection().connection.cursor()  # the driver's own: no row wrapping
    try:
        cursor.execute(f"SELECT {columns} FROM hq_member")
        while rows := cursor.fetchmany(_FETCH_ROWS):
            if stop is not None and stop():
                break
            for row in rows:
                found[row[0]] = (*map(getitem, pools, row[1:-1]), bool(row[-1]))
    finally:
        cursor.close()
    return found


def changed_positions(
    parsed: ParsedExport, names: list[str], existing: dict[str, Record]
) -> list[int]:
    """The positions of the export's rows that differ from their stored record on `names`.

    A row is unchanged when the stored record holds the same values and the
    latest export listed it. Compared tuple against tuple in C: this runs for
    every row of an export that can hold half a million.
    """
    ids: list[str] = parsed.columns["hq_id"]  # type: ignore[assignment]
    new = zip(*(parsed.columns[name] for name in names), repeat(True))
    if len(names) == len(HQ_FIELDS):
        old: Iterable[object] = map(existing.get, ids)
    else:
        wanted = itemgetter(*(HQ_FIELDS.index(name) for name in names), PRESENT)
        old = map(wanted, map(existing.get, ids, repeat(_ABSENT)))
    return list(compress(range(len(ids)), map(ne, old, new)))
