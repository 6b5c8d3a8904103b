"""Fixtures for the fault tests: two months of HQ exports and a database holding the first.

The files are large (up to 100,000 rows) and slow to write, so each size is
built once per test session in a session temporary folder: month one is
imported through the CLI into a base database, month two is written as the
.xlsx the kill tests import again and again, and one complete import of it
gives the "after" reference database and the time a whole import takes.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks.bench_import import HEADERS, make_records, next_month
from tests.conftest import PROJECT

# What an import may change, column by column (ids and timestamps of the batch aside).
HQ_TABLES: dict[str, str] = {
    "hq_member": "*",
    "hq_affiliation": "*",
    "hq_member_change": "batch_id, hq_id, kind, before_json, after_json",
    "import_batch": "id, file_name, sha256, data_as_of, row_count, mapping_json, counts_json, "
    "undone_at",
    "hq_mapping": "signature, mapping_json",
    "hq_local_edit": "hq_id, field, local_value, hq_value",
}


def cli_env(data_home: Path) -> dict[str, str]:
    """The environment of a `python -m chapterdesk` subprocess with its own data folder."""
    return {**os.environ, "PYTHONPATH": str(PROJECT), "XDG_DATA_HOME": str(data_home)}


def chapterdesk(*args: str) -> list[str]:
    """The command line of `chapterdesk ARGS` run by this Python."""
    return [sys.executable, "-m", "chapterdesk", *args]


def same_hq_content(path: Path, reference: Path) -> bool:
    """Whether a database file holds exactly the HQ data, batches and history of `reference`."""
    con = sqlite3.connect(path.resolve().as_uri(), uri=True)
    try:
        con.execute("ATTACH DATABASE ? AS ref", (f"{reference.resolve().as_uri()}?mode=ro",))
        for table, columns in HQ_TABLES.items():
            mine = con.execute(f"SELECT count(*) FROM main.{table}").fetchone()[0]
            theirs = con.execute(f"SELECT count(*) FROM ref.{table}").fetchone()[0]
            if mine != theirs:
                return False
            differ = con.execute(
                f"SELECT count(*) FROM (SELECT {columns} FROM main.{table} "
                f"EXCEPT SELECT {columns} FROM ref.{table})"
            ).fetchone()[0]
            if differ:
                return False
        return True
    finally:
        con.close()


def sqlite_rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    """Rows from a database file through a plain connection (which also recovers its WAL)."""
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def fold_wal(path: Path) -> None:
    """Checkpoint a database's WAL into the main file so a plain copy is the whole database."""
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


@dataclass(frozen=True)
class HqMonths:
    """A database holding HQ month one, month two's export, and what importing it gives."""

    rows: int
    base: Path  # month one imported (batch 1); copy it before use
    export: Path  # month two, .xlsx
    after: Path  # base with month two imported completely (batch 2)
    seconds: float  # wall time of the complete `chapterdesk import` of month two
    applying_from: float  # seconds into that run when its automatic backup was done


def _write_csv(path: Path, rows: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for row in rows:
            writer.writerow([v.isoformat() if isinstance(v, dt.date) else v for v in row])


def timed_import(db: Path, export: Path, data_home: Path) -> tuple[float, float]:
    """Run a complete CLI import; returns its wall time and when its backup was finished."""
    backups = db.parent / f"{db.name}.backups"  # automatic backups are kept beside the database
    start = time.monotonic()
    proc = subprocess.Popen(
        chapterdesk("import", str(export), "--db", str(db)),
        env=cli_env(data_home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    backed_up = 0.0
    while proc.poll() is None:
        if not backed_up and backups.is_dir() and any(backups.glob(f"{db.stem}-*.sqlite3")):
            backed_up = time.monotonic() - start
        time.sleep(0.005)
    seconds = time.monotonic() - start
    _out, err = proc.communicate()
    assert proc.returncode == 0, err
    return seconds, backed_up or seconds


@pytest.fixture(scope="session")
def hq_months(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int], HqMonths]:
    """Build (once per session and size) the two months and their databases."""
    made: dict[int, HqMonths] = {}

    def build(rows: int) -> HqMonths:
        if rows in made:
            return made[rows]
        folder = tmp_path_factory.mktemp(f"hq-{rows}")
        month1 = make_records(rows, 1)
        # CSV for both months: quick to write, and the import's crash safety lies in its
        # transaction, not in the file format (the readers have their own tests).
        first, export = folder / "october.csv", folder / "november.csv"
        _write_csv(first, month1)
        _write_csv(export, next_month(month1, 2))
        del month1
        base, env = folder / "base.sqlite3", cli_env(folder / "data")
        for args in (
            ("init", "--chapter", "Great Lakes Chapter", "--db", str(base)),
            ("import", str(first), "--db", str(base)),
        ):
            done = subprocess.run(chapterdesk(*args), env=env, capture_output=True, text=True)
            assert done.returncode == 0, done.stderr
        fold_wal(base)
        after = folder / "after.sqlite3"
        shutil.copyfile(base, after)
        seconds, applying_from = timed_import(after, export, folder / "data")
        fold_wal(after)
        shutil.rmtree(after.parent / f"{after.name}.backups")  # the automatic backups
        made[rows] = HqMonths(rows, base, export, after, seconds, applying_from)
        return made[rows]

    return build
