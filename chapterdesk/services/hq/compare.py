"""The stored HQ records an export is compared with, in the forms the reader produces.

A monthly export repeats most of what the database already holds, so the
comparison must find the few changed rows among half a million quickly.
The database writes each stored record as one line of text, its fields as
they are stored joined by a separator no cell can hold (`load_fingerprints`,
on `plan_import`'s database thread while the spreadsheet is parsed); the
export's rows are written the same way (`file_fingerprints`), and
`changed_positions` compares the two in C. Only the records of the rows that
differ are read as tuples (`load_records`: dates as dates, chapters as a
tuple of names) and compared field by field in `hq_plan`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from itertools import compress, repeat
from operator import itemgetter, methodcaller, ne
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from chapterdesk.hq_fields import DATE_FIELDS, HQ_FIELDS
from chapterdesk.hqsync.lines import SEPARATOR, LineWriter

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


def load_records(
    session: Session, stop: Callable[[], bool] | None = None, ids: Iterable[str] | None = None
) -> dict[str, Record]:
    """Stored HQ records as tuples in `HQ_FIELDS` order plus `in_latest_export`.

    Read with the driver's own cursor (no per-value type processing); an empty
    text reads as "", dates as dates and chapters as a tuple of names: the forms
    the reader produces, so an unchanged row compares equal as a tuple. Equal
    texts share one object. `ids` limits the read to those members (every
    record without it). `stop()` returning True (the import was cancelled or
    refused) ends the read early with what was read so far.
    """
    columns = ", ".join(("hq_id", *HQ_FIELDS, "in_latest_export"))
    getitem = _Pool.__getitem__
    pools = _pools()
    found: dict[str, Record] = {}
    cursor = session.connection().connection.cursor()  # the driver's own: no row wrapping
    wanted = None if ids is None else sorted(set(ids))
    statements: list[tuple[str, tuple[str, ...]]] = [(f"SELECT {columns} FROM hq_member", ())]
    if wanted is not None:
        mark = "%s" if session.get_bind().dialect.paramstyle in ("format", "pyformat") else "?"
        statements = [
            (f"SELECT {columns} FROM hq_member WHERE hq_id IN "
             f"({', '.join([mark] * len(batch))})", tuple(batch))
            for batch in (wanted[i : i + _ID_BATCH] for i in range(0, len(wanted), _ID_BATCH))
        ]  # fmt: skip
    try:
        for statement, parameters in statements:
            cursor.execute(statement, parameters)
            while rows := cursor.fetchmany(_FETCH_ROWS):
                if stop is not None and stop():
                    return found
                for row in rows:
                    found[row[0]] = (*map(getitem, pools, row[1:-1]), bool(row[-1]))
    finally:
        cursor.close()
    return found


_ID_BATCH = 2_000  #: member IDs asked for in one statement


def load_fingerprints(
    session: Session, names: Iterable[str], stop: Callable[[], bool] | None = None
) -> dict[str, str]:
    """Every stored HQ record's fields `names` as stored, joined by `SEPARATOR`, by member ID.

    The text is made by the database (dates as YYYY-MM-DD, an empty field as
    ""), ending with "1" when the latest export listed the member and "0" when
    not: what `file_fingerprints` makes of a row the export lists. Two
    fingerprints are equal exactly when the record and the row are, as long as
    the row's own values do not hold the separator (`file_fingerprints` checks).
    """
    names = list(names)
    for name in names:
        if name not in HQ_FIELDS:
            raise ValueError(f"{name} is not an HQ field")
    cursor = session.connection().connection.cursor()  # the driver's own: no row wrapping
    try:
        if session.get_bind().dialect.name == "postgresql":
            return _postgres_fingerprints(cursor, names, stop)
        return _sqlite_fingerprints(cursor, names, stop)
    finally:
        cursor.close()


def _postgres_fingerprints(
    cursor: Any, names: list[str], stop: Callable[[], bool] | None
) -> dict[str, str]:
    fields = [
        f"coalesce(to_char({name}, 'YYYY-MM-DD'), '')" if name in DATE_FIELDS
        else f"coalesce({name}, '')"
        for name in names
    ]  # fmt: skip
    fields.append("CASE WHEN in_latest_export THEN '1' ELSE '0' END")
    found: dict[str, str] = {}
    cursor.execute(f"SELECT hq_id, {' || chr(31) || '.join(fields)} FROM hq_member")
    while rows := cursor.fetchmany(_FETCH_ROWS):
        if stop is not None and stop():
            break
        found.update(rows)
    return found


_ID_END = "\x1e"  #: between a member ID and its fingerprint in `_sqlite_fingerprints`' text
_RECORD_END = "\x1d"  #: between two records there


def _sqlite_fingerprints(
    cursor: Any, names: list[str], stop: Callable[[], bool] | None
) -> dict[str, str]:
    """SQLite's fingerprints, `_FETCH_ROWS` records joined into one text per statement.

    One printf per record (not two calls per field: half the time; NULL prints
    ""). Row by row, the reading thread would take the interpreter's lock back
    after every record, 100,000 times while the rows are checked on the other;
    so SQLite joins a stretch of records (in rowid order) into one text, made
    without the lock, and Python splits it in C. A stretch whose texts hold the
    record separator (a CSV can carry one) splits into too many parts: it is
    read row by row instead.
    """
    pattern = SEPARATOR.join(["%s"] * len(names) + ["%d"])
    line = f"printf('{pattern}', {''.join(n + ', ' for n in names)}in_latest_export != 0)"
    stretch = (
        "rowid > :last AND rowid <= coalesce((SELECT rowid FROM hq_member WHERE rowid > :last "
        f"ORDER BY rowid LIMIT 1 OFFSET {_FETCH_ROWS - 1}), (SELECT max(rowid) FROM hq_member))"
    )
    joined = (
        f"SELECT group_concat(hq_id || '{_ID_END}' || {line}, '{_RECORD_END}'), count(*), "
        f"max(rowid) FROM hq_member WHERE {stretch}"
    )
    found: dict[str, str] = {}
    last = -(2**63)
    while not (stop is not None and stop()):
        cursor.execute(joined, {"last": last})
        text, count, end = cursor.fetchone()
        if not count:
            break
        parts = text.split(_RECORD_END)
        if len(parts) == count:
            found.update(map(methodcaller("split", _ID_END, 1), parts))
        else:
            cursor.execute(f"SELECT hq_id, {line} FROM hq_member WHERE {stretch}", {"last": last})
            found.update(cursor.fetchall())
        last = end
    return found


def file_fingerprints(parsed: ParsedExport, names: list[str]) -> list[str] | None:
    """Each valid row's `names` as `load_fingerprints` writes a stored record the export lists.

    The reader writes them as it checks the rows (`ParsedExport.lines`); this writes
    them for an export read without. None when a value holds `SEPARATOR` or a NUL
    (the rows are then compared as tuples).
    """
    return LineWriter(names).lines(parsed.columns, 0, len(parsed.columns["hq_id"]))


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


def changed_by_fingerprint(
    parsed: ParsedExport, stored: dict[str, str], prints: list[str]
) -> list[int]:
    """The positions of the rows whose fingerprint differs from their stored record's."""
    ids: list[str] = parsed.columns["hq_id"]  # type: ignore[assignment]
    return list(compress(range(len(ids)), map(ne, map(stored.get, ids), prints)))
