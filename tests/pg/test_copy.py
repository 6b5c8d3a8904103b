"""`db copy`: a chapter moves from its SQLite file to PostgreSQL and back with every row equal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from chapterdesk.data.engine import Database
from chapterdesk.data.migrate import open_database
from chapterdesk.data.models import all_models
from chapterdesk.errors import BadInputError, RuleRefusedError
from chapterdesk.services.chapter import hq_data_status
from chapterdesk.services.roster.members import list_members, standing_counts
from chapterdesk.services.safety.copy import copy_database
from tests.conftest import DEMO_DAY
from tests.helpers import add_batch


def every_row(location: str | Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, in primary-key order, as plain tuples."""
    db = open_database(str(location))
    try:
        with db.reading() as session:
            return {
                table.name: [
                    tuple(row)
                    for row in session.execute(select(table).order_by(*table.primary_key.columns))
                ]
                for table in all_models().sorted_tables
            }
    finally:
        db.dispose()


@pytest.mark.postgres
def test_demo_chapter_round_trips_sqlite_postgresql_sqlite_with_every_row_equal(
    demo_path: Path, pg_database: Any, tmp_path: Path
) -> None:
    server = pg_database("empty")
    there = copy_database(str(demo_path), server)
    back_path = tmp_path / "back.sqlite3"
    back = copy_database(server, str(back_path))

    original = every_row(demo_path)
    assert every_row(server) == original
    assert every_row(back_path) == original
    counts = {t.table: t.rows for t in there.tables}
    assert counts == {name: len(rows) for name, rows in original.items()}
    assert counts == {t.table: t.rows for t in back.tables}
    assert [t.checksum for t in there.tables] == [t.checksum for t in back.tables]

    # What an officer sees on the server is what they saw on the laptop.
    on_laptop, on_server = open_database(str(demo_path)), open_database(server)
    try:
        assert [e.hq_id for e in list_members(on_server, as_of=DEMO_DAY)] == [
            e.hq_id for e in list_members(on_laptop, as_of=DEMO_DAY)
        ]
        assert standing_counts(on_server, DEMO_DAY) == standing_counts(on_laptop, DEMO_DAY)
        # New rows get fresh ids after the copied ones (the sequences were moved on).
        add_batch(on_server, DEMO_DAY)
        assert hq_data_status(on_server, DEMO_DAY).as_of == DEMO_DAY
    finally:
        on_laptop.dispose()
        on_server.dispose()


@pytest.mark.postgres
def test_copy_refuses_a_target_that_already_holds_a_chapter(
    demo_path: Path, pg_database: Any
) -> None:
    server = pg_database("chapter")
    before = every_row(server)
    with pytest.raises(RuleRefusedError, match="already holds data"):
        copy_database(str(demo_path), server)
    assert every_row(server) == before


@pytest.mark.postgres
def test_copy_refuses_the_same_database_and_an_empty_source(
    demo_path: Path, pg_database: Any, tmp_path: Path
) -> None:
    with pytest.raises(BadInputError, match="same database"):
        copy_database(str(demo_path), f"sqlite:///{demo_path}")
    with pytest.raises(BadInputError, match="holds no chapter"):
        copy_database(pg_database("empty"), str(tmp_path / "nothing.sqlite3"))


@pytest.mark.postgres
def test_db_copy_command_prints_json_and_exits_3_on_an_occupied_target(
    cli: Any, demo_path: Path, pg_database: Any
) -> None:
    server = pg_database("empty")
    done = cli("db", "copy", "--from", str(demo_path), "--to", server, "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["verified"] is True
    rows = {t["table"]: t["rows"] for t in report["tables"]}
    assert rows["chapter_membership"] >= 120 and rows["chapter_settings"] == 1
    assert report["total_rows"] == sum(rows.values())
    listing = cli("members", "list", "--db", server, "--json")
    assert listing.returncode == 0, listing.stderr
    assert len(json.loads(listing.stdout)) == 120

    again = cli("db", "copy", "--from", str(demo_path), "--to", server)
    assert again.returncode == 3
    assert "already holds data" in again.stderr
    assert "Traceback" not in again.stderr


def test_db_copy_text_summary_names_every_table(
    cli: Any, demo_db: Database, tmp_path: Path
) -> None:
    """Copying from either engine to a new SQLite file prints a per-table summary."""
    target = tmp_path / "copy.sqlite3"
    done = cli("db", "copy", "--from", demo_db.location.url, "--to", str(target))
    assert done.returncode == 0, done.stderr
    for table in all_models().sorted_tables:
        assert table.name in done.stdout
    assert "row counts, checksums and totals match" in done.stdout
