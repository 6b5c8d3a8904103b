"""Finding an export's changed rows by fingerprint finds exactly the rows the tuples differ on.

`plan_import` tells the rows that changed from those that did not by one line
of text per record, which the database writes (`load_fingerprints`), against
the same line written from the file (`file_fingerprints`). The property holds
it to comparing every record as a tuple (`load_records` + `changed_positions`,
the comparison it replaced) on random stored records and random exports, on
SQLite and PostgreSQL, including texts that hold the separator.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert

from chapterdesk.data.engine import Database
from chapterdesk.data.models import HqMember
from chapterdesk.hq_fields import DATE_FIELDS, HQ_FIELDS
from chapterdesk.services.hq import compare
from chapterdesk.services.hq.compare import (
    SEPARATOR,
    changed_by_fingerprint,
    changed_positions,
    file_fingerprints,
    load_fingerprints,
    load_records,
)

TEXTS = st.sampled_from(["", "Ann", "ann", "Ann ", "Lee; Ann", "Ødegård", "2026-01-01"])
DATES = st.one_of(st.none(), st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)))
CHAPTERS = st.sampled_from(["", "Austin", "Austin; Dallas", "Dallas; Austin", "Austin;Dallas"])


def _stored(draw: st.DrawFn, hq_id: str) -> dict[str, Any]:
    record: dict[str, Any] = {"hq_id": hq_id, "in_latest_export": draw(st.booleans())}
    for name in HQ_FIELDS:
        if name in DATE_FIELDS:
            record[name] = draw(DATES)
        elif name == "chapters":
            record[name] = draw(CHAPTERS)
        else:
            record[name] = draw(TEXTS)
    return record


def _as_read(name: str, value: Any) -> Any:
    """A stored value as the reader gives the same cell."""
    if name == "chapters":
        return tuple(part.strip() for part in value.split(";") if part.strip())
    return value


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[dict[str, Any]], dict[str, list[Any]], list[str]]:
    """Stored records, an export's columns (some rows as stored, some changed, some new),
    and the fields the export has."""
    count = draw(st.integers(0, 30))
    stored = [_stored(draw, str(100_000 + n)) for n in range(count)]
    names = draw(
        st.sampled_from([list(HQ_FIELDS), [n for n in HQ_FIELDS if n not in ("title", "phone")]])
    )
    columns: dict[str, list[Any]] = {name: [] for name in ("hq_id", *names)}
    for record in stored:
        if not draw(st.integers(0, 4)):
            continue  # not in this export
        row = {name: _as_read(name, record[name]) for name in names}
        if draw(st.booleans()):  # one field changed
            name = draw(st.sampled_from(names))
            other = _stored(draw, record["hq_id"])
            row[name] = _as_read(name, other[name])
        columns["hq_id"].append(record["hq_id"])
        for name in names:
            columns[name].append(row[name])
    for n in range(draw(st.integers(0, 3))):  # new members
        new = _stored(draw, str(200_000 + n))
        columns["hq_id"].append(new["hq_id"])
        for name in names:
            columns[name].append(_as_read(name, new[name]))
    if columns["hq_id"] and not draw(st.integers(0, 5)):  # a cell holding the separator
        name = draw(st.sampled_from([n for n in names if n not in DATE_FIELDS | {"chapters"}]))
        at = draw(st.integers(0, len(columns["hq_id"]) - 1))
        columns[name][at] = draw(st.sampled_from(["a\x1fb", "Ann\x1f", "\x1f", "Ann\x00"]))
    if stored and not draw(st.integers(0, 5)):  # a stored text holding it
        stored[0]["company"] = "x\x1f"
    if stored and not draw(st.integers(0, 5)):  # or SQLite's record or ID separator (a CSV's)
        stored[-1]["title"] = draw(st.sampled_from(["a\x1db", "\x1e", "Lee\x1d\x1e1"]))
    return stored, columns, names


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cases())
def test_fingerprints_find_the_rows_the_tuples_differ_on(
    db: Database, case: tuple[list[dict[str, Any]], dict[str, list[Any]], list[str]]
) -> None:
    stored, columns, names = case
    with db.engine.begin() as connection:
        connection.execute(delete(HqMember))
        if stored:
            connection.execute(insert(HqMember), stored)
    parsed: Any = SimpleNamespace(columns=columns)
    with db.reading() as session:
        by_tuple = changed_positions(parsed, names, load_records(session))
        prints = file_fingerprints(parsed, names)
        held = any(
            SEPARATOR in value or "\x00" in value
            for name in names if name not in DATE_FIELDS and name != "chapters"
            for value in columns[name]
        )  # fmt: skip
        if held:
            assert prints is None  # compared tuple by tuple instead (SQLite's printf ends at NUL)
            return
        assert prints is not None
        assert changed_by_fingerprint(parsed, load_fingerprints(session, names), prints) == by_tuple


def test_fingerprints_are_read_in_stretches_whatever_the_gaps(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite joins a stretch of records into one text; a stretch holding its separators is
    read row by row; rows deleted leave gaps in the rowids the stretches follow."""
    monkeypatch.setattr(compare, "_FETCH_ROWS", 7)
    rows = [
        {"hq_id": str(n), "last_name": f"Lee{n}", "title": "a\x1db" if n % 11 == 0 else "",
         "paid_through": dt.date(2026, 1, n % 28 + 1) if n % 3 else None,
         "in_latest_export": n % 2 == 0}
        for n in range(1, 61)
    ]  # fmt: skip
    with db.engine.begin() as connection:
        connection.execute(insert(HqMember), rows)
        connection.execute(delete(HqMember).where(HqMember.hq_id.in_(["3", "4", "5", "20"])))
    expected = {}
    for row in rows:
        if row["hq_id"] in ("3", "4", "5", "20"):
            continue
        values = [row.get(name, "") for name in HQ_FIELDS]
        values = ["" if v is None else v.isoformat() if isinstance(v, dt.date) else v
                  for v in values]  # fmt: skip
        expected[row["hq_id"]] = SEPARATOR.join([*values, "1" if row["in_latest_export"] else "0"])
    with db.reading() as session:
        assert load_fingerprints(session, HQ_FIELDS) == expected
        assert load_fingerprints(session, HQ_FIELDS, stop=lambda: True) == {}


def test_only_the_asked_records_are_read(db: Database) -> None:
    rows = [
        {"hq_id": str(n), "last_name": f"Lee{n}", "in_latest_export": True} for n in range(1, 6)
    ]
    with db.engine.begin() as connection:
        connection.execute(insert(HqMember), rows)
    with db.reading() as session:
        assert set(load_records(session, ids=["2", "4", "9"])) == {"2", "4"}
        assert set(load_records(session, ids=[])) == set()
        assert len(load_records(session)) == 5
