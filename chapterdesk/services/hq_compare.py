"""Finding the few HQ records an export changes without loading every stored record.

A monthly export repeats most of what the database already holds. Rather
than read every stored record field by field (half a million rows of twenty
fields each), each side is reduced to one comparison key per member: the
mapped fields joined with a separator, built by the database on one side
(`record_keys`) and from the export's columns on the other (`export_keys`).
Equal keys mean equal records, so only the members whose keys differ are read
in full (`load_records`) and compared field by field in `hq_plan`.

The key is exact, not a hash: an export whose text holds the separator
itself cannot be keyed (`export_keys` returns None) and is compared in full.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from chapterdesk.hqsync import ParsedExport

#: HQ-owned fields compared and stored, in the order of `HqMember`'s columns.
HQ_FIELDS: tuple[str, ...] = (
    "prefix",
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "company",
    "title",
    "email",
    "phone",
    "address1",
    "address2",
    "city",
    "state",
    "postal_code",
    "country",
    "member_type",
    "join_date",
    "paid_through",
    "hq_status",
    "chapters",
)
DATE_FIELDS = frozenset({"join_date", "paid_through"})
SEPARATOR = "\x1f"  #: ASCII unit separator: never in a roster's text (checked, not assumed)
_FETCH_ROWS = 20_000  #: keys fetched between checks that the import still wants them
_CHUNK = 2000  #: IDs per `IN (…)` query: well under every database's parameter limit


def export_keys(parsed: ParsedExport, names: list[str]) -> list[str] | None:
    """Each valid row's key over `names` (in `HQ_FIELDS` order), or None if one cannot be made.

    Text is as read, a date as YYYY-MM-DD, an empty date as "", chapters joined
    with "; " as they are stored.
    """
    columns: list[Iterable[str]] = []
    for name in names:
        column = parsed.columns[name]
        if name in DATE_FIELDS:
            texts = {day: day.isoformat() for day in set(column) if day is not None}  # type: ignore[attr-defined]
            columns.append(map({**texts, None: ""}.__getitem__, column))
        elif name == "chapters":
            joined = {names: "; ".join(names) for names in set(column)}  # type: ignore[arg-type]
            columns.append(map(joined.__getitem__, column))
        else:
            columns.append(column)  # type: ignore[arg-type]
    keys = list(map(SEPARATOR.join, zip(*columns, strict=True)))
    if "".join(keys).count(SEPARATOR) != (len(names) - 1) * len(keys):
        return None  # some text holds the separator: two records could share a key
    return keys


def record_keys(
    session: Session, names: Sequence[str], stop: Callable[[], bool] | None = None
) -> dict[str, str]:
    """The key over `names` of every stored HQ record the latest export listed.

    The database builds the keys, so only two values per member cross into
    Python; `plan_import` runs this on its database thread while the file is
    read, and `stop()` returning True (the import was cancelled or refused)
    ends it early with what was read so far.
    """
    postgres = session.get_bind().dialect.name == "postgresql"
    separator = "chr(31)" if postgres else "char(31)"
    parts = [
        f"coalesce(CAST({name} AS TEXT), '')" if name in DATE_FIELDS else f"coalesce({name}, '')"
        for name in names
    ]
    cursor = session.connection().connection.cursor()  # the driver's own: no row wrapping
    try:
        if postgres:  # dates as text must read YYYY-MM-DD whatever the server's default style
            cursor.execute("SET LOCAL datestyle = 'ISO, MDY'")
        cursor.execute(
            f"SELECT hq_id, {f' || {separator} || '.join(parts)} FROM hq_member "
            "WHERE in_latest_export"
        )
        keys: dict[str, str] = {}
        while (rows := cursor.fetchmany(_FETCH_ROWS)) and not (stop is not None and stop()):
            keys.update(rows)
        return keys
    finally:
        cursor.close()


def load_records(
    session: Session, ids: Collection[str] | None = None
) -> dict[str, tuple[object, ...]]:
    """HQ records (all, or those with `ids`) as tuples in `HQ_FIELDS` order plus `in_latest_export`.

    Read with plain SQL (no per-value type processing: this is the hot path when a
    whole export must be compared); dates come back as dates and chapters as a tuple
    of names, the forms the reader produces, so unchanged rows compare as tuples.
    """
    columns = ", ".join(("hq_id", *HQ_FIELDS, "in_latest_export"))
    connection = session.connection()
    if ids is None:
        batches: Iterable[list[str] | None] = [None]
    else:
        wanted = list(ids)
        batches = (wanted[i : i + _CHUNK] for i in range(0, len(wanted), _CHUNK))
    paid_i, join_i = HQ_FIELDS.index("paid_through") + 1, HQ_FIELDS.index("join_date") + 1
    chapters_i = HQ_FIELDS.index("chapters") + 1
    fromiso = dt.date.fromisoformat
    found: dict[str, tuple[object, ...]] = {}
    placeholder = "%s" if session.get_bind().dialect.paramstyle in ("format", "pyformat") else "?"
    for batch in batches:
        if batch is None:
            result = connection.exec_driver_sql(f"SELECT {columns} FROM hq_member")
        elif not batch:
            continue
        else:
            marks = ", ".join([placeholder] * len(batch))
            result = connection.exec_driver_sql(
                f"SELECT {columns} FROM hq_member WHERE hq_id IN ({marks})", tuple(batch)
            )
        for row in result:
            values = list(row)
            for i in (join_i, paid_i):
                if isinstance(values[i], str):
                    values[i] = fromiso(values[i])
            text = values[chapters_i]
            values[chapters_i] = tuple(str(text).split("; ")) if text else ()
            values[-1] = bool(values[-1])
            found[values[0]] = tuple(values[1:])
    return found
