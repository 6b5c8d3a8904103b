"""The schema-revision fast path: a current database opens without Alembic, any other with it."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from chapterdesk.data.engine import Database, resolve_location
from chapterdesk.data.migrate import head_revision, upgrade
from chapterdesk.data.revision import SCHEMA_HEAD, sqlite_revision
from tests.conftest import PROJECT

OPEN_AND_REPORT = """
import sys
from chapterdesk.data.migrate import open_database
db = open_database(sys.argv[1])
print("alembic loaded" if "alembic" in sys.modules else "alembic not loaded")
db.dispose()
"""


def _open_in_a_fresh_process(where: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", OPEN_AND_REPORT, where],
        capture_output=True, text=True, cwd=PROJECT, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_head_constant_is_alembics_head() -> None:
    # A new migration must move SCHEMA_HEAD too, or a database at the old head would skip it.
    assert head_revision() == SCHEMA_HEAD


@pytest.mark.parametrize("engine_name", ["sqlite", pytest.param("postgresql",
                                                             marks=pytest.mark.postgres)])
def test_a_current_database_opens_without_loading_alembic(
    request: pytest.FixtureRequest, engine_name: str, db_path: Path
) -> None:
    where = str(db_path) if engine_name == "sqlite" else request.getfixturevalue(
        "pg_database")("chapter")
    assert _open_in_a_fresh_process(where) == "alembic not loaded"


def test_an_older_database_still_takes_the_upgrade_path(tmp_path: Path) -> None:
    path = tmp_path / "older.sqlite3"
    raw = Database(resolve_location(path))
    upgrade(raw, "0004")
    raw.dispose()
    assert sqlite_revision(path) == "0004"
    assert _open_in_a_fresh_process(str(path)) == "alembic loaded"
    assert sqlite_revision(path) == SCHEMA_HEAD
    assert _open_in_a_fresh_process(str(path)) == "alembic not loaded"  # now it is current


def test_reading_the_revision_changes_nothing(db_path: Path, tmp_path: Path) -> None:
    before = db_path.read_bytes()
    assert sqlite_revision(db_path) == SCHEMA_HEAD
    assert db_path.read_bytes() == before
    other = tmp_path / "other.sqlite3"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE recipes (id INTEGER)")
    con.close()
    assert sqlite_revision(other) is None

