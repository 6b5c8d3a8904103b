"""Moving a whole chapter between databases: a laptop's SQLite file to a shared server and back.

`copy_database` brings the target to the current schema, refuses a target that
already holds data, then copies every table ChapterDesk knows (any
`*_models` module included) in foreign-key order, in batches, inside ONE
transaction on the target. Before committing it reads the target back and
compares, table by table, the row count, an order-independent checksum of
every row's values, and the sums of the money columns (`*_cents`, the ledger
totals). Any difference rolls the whole copy back: the target ends with the
chapter complete and verified, or with nothing.

The source is read in one snapshot (SQLite's read transaction, PostgreSQL's
REPEATABLE READ), so officers still working on it cannot tear the copy. On a
PostgreSQL target the id sequences are moved past the copied ids.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Integer, Table, func, select, text

from chapterdesk.data.engine import Database, Location, resolve_location
from chapterdesk.data.migrate import open_database
from chapterdesk.data.models import ChapterSettings, all_models
from chapterdesk.errors import BadInputError, DatabaseError, RuleRefusedError

BATCH_ROWS = 5000
Progress = Callable[[str, int, int | None], None]


@dataclass(frozen=True)
class TableCopy:
    """What was copied into one table, as verified on the target."""

    table: str
    rows: int
    checksum: str
    totals: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class CopyReport:
    """The verified outcome of a copy."""

    source: str
    target: str
    tables: tuple[TableCopy, ...]
    seconds: float

    @property
    def total_rows(self) -> int:
        """Rows copied over every table."""
        return sum(t.rows for t in self.tables)


class _Digest:
    """Row count, an order-independent checksum of rows, and sums of money columns."""

    def __init__(self, table: Table) -> None:
        self.columns = [c.name for c in table.columns]
        self.money = [
            c.name
            for c in table.columns
            if isinstance(c.type, Integer) and c.name.endswith("_cents")
        ]
        self.rows = 0
        self.total = 0
        self.sums = dict.fromkeys(self.money, 0)

    def add(self, rows: Iterable[Mapping[Any, Any]]) -> None:
        for row in rows:
            self.rows += 1
            line = "\x1f".join(_canonical(row[name]) for name in self.columns)
            digest = hashlib.blake2b(line.encode("utf-8"), digest_size=8).digest()
            self.total = (self.total + int.from_bytes(digest, "big")) % (1 << 64)
            for name in self.money:
                self.sums[name] += row[name] or 0

    def result(self, name: str) -> TableCopy:
        return TableCopy(name, self.rows, f"{self.total:016x}", tuple(self.sums.items()))


def _canonical(value: Any) -> str:
    """One text form per value, the same whichever engine returned it."""
    if value is None:
        return "\x00"
    if isinstance(value, bool):
        return "T" if value else "F"
    if isinstance(value, dt.datetime):
        moment: dt.datetime = value
        if moment.tzinfo is not None:
            moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
        return moment.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | str):
        return str(value)
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict | list):
        return str(json.dumps(value, sort_keys=True, default=str))
    return repr(value)


def _ordered(table: Table) -> Any:
    return select(table).order_by(*table.primary_key.columns)


def _occupied(connection: Connection, tables: list[Table]) -> tuple[str, int] | None:
    for table in tables:
        count = connection.execute(select(func.count()).select_from(table)).scalar_one()
        if count:
            return table.name, count
    return None


def _reset_sequences(connection: Connection, tables: list[Table]) -> None:
    """Move each serial id sequence past the ids copied in (PostgreSQL only)."""
    for table in tables:
        for column in table.primary_key.columns:
            if not isinstance(column.type, Integer):
                continue
            sequence = connection.execute(
                text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": table.name, "column": column.name},
            ).scalar()
            if sequence is None:
                continue
            connection.execute(
                text(
                    f'SELECT setval(:sequence, COALESCE(MAX("{column.name}"), 1), '
                    f'MAX("{column.name}") IS NOT NULL) FROM "{table.name}"'
                ),
                {"sequence": sequence},
            )


def _copy_table(
    source: Connection, target: Connection, table: Table, progress: Progress | None
) -> TableCopy:
    total = source.execute(select(func.count()).select_from(table)).scalar_one()
    digest = _Digest(table)
    result = source.execution_options(yield_per=BATCH_ROWS).execute(_ordered(table))
    for batch in result.partitions():
        rows = [dict(row._mapping) for row in batch]
        target.execute(table.insert(), rows)
        digest.add(rows)
        if progress is not None:
            progress(table.name, digest.rows, total)
    return digest.result(table.name)


def _verify(target: Connection, table: Table, expected: TableCopy) -> None:
    digest = _Digest(table)
    result = target.execution_options(yield_per=BATCH_ROWS).execute(_ordered(table))
    for batch in result.partitions():
        digest.add(row._mapping for row in batch)
    found = digest.result(table.name)
    if found != expected:
        raise DatabaseError(
            f"The copy of table {table.name} does not match the source ({found.rows} rows "
            f"against {expected.rows}, checksum {found.checksum} against {expected.checksum}); "
            "nothing was written to the target. Please report this."
        )


def copy_database(
    source: str | Location | None,
    target: str | Location,
    *,
    progress: Progress | None = None,
) -> CopyReport:
    """Copy the chapter at `source` into the empty database at `target`, verified.

    Args:
        source: a path or URL (None: CHAPTERDESK_DB, else the default data file).
        target: a path or URL; a missing SQLite file is created, a server database
            must exist (empty) and is brought to the current schema.
        progress: called with (table, rows copied, rows in the table).
    Raises:
        BadInputError: the source and target are the same database.
        RuleRefusedError: the target already holds data.
        DatabaseError: either database cannot be opened, or verification failed
            (then nothing was written).
    """
    started = time.monotonic()
    src_location = source if isinstance(source, Location) else resolve_location(source)
    dst_location = target if isinstance(target, Location) else resolve_location(target)
    if src_location.url == dst_location.url:
        raise BadInputError(
            f"The source and the target are the same database ({src_location.display()}); "
            "give another --to."
        )
    tables = list(all_models().sorted_tables)
    # The source is only read: open it without the writer lock, so a chapter can be
    # copied while ChapterDesk has it open.
    src_db = open_database(src_location, read_only=True)
    try:
        dst_db = open_database(dst_location, create=True)
        try:
            copied = _copy_all(src_db, dst_db, tables, progress)
        finally:
            dst_db.dispose()
    finally:
        src_db.dispose()
    return CopyReport(
        src_location.display(),
        dst_location.display(),
        copied,
        round(time.monotonic() - started, 3),
    )


def _copy_all(
    src_db: Database, dst_db: Database, tables: list[Table], progress: Progress | None
) -> tuple[TableCopy, ...]:
    with src_db.read_engine.connect() as source, dst_db.engine.begin() as target:
        settings = ChapterSettings.__table__
        if not source.execute(select(func.count()).select_from(settings)).scalar_one():
            raise BadInputError(
                f"{src_db.location.display()} holds no chapter, so there is nothing to copy; "
                "check --from."
            )
        occupied = _occupied(target, tables)
        if occupied is not None:
            name, count = occupied
            raise RuleRefusedError(
                f"{dst_db.location.display()} already holds data ({count} rows in {name}); "
                "copy into a new, empty database so nothing there is overwritten."
            )
        copied = [_copy_table(source, target, table, progress) for table in tables]
        if dst_db.dialect == "postgresql":
            _reset_sequences(target, tables)
        for table, expected in zip(tables, copied, strict=True):
            if progress is not None:
                progress(f"verify {table.name}", expected.rows, expected.rows)
            _verify(target, table, expected)
        source.rollback()
    return tuple(copied)
