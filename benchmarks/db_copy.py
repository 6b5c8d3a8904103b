"""Benchmark: `chapterdesk db copy` of a 50,000-member chapter, SQLite → PostgreSQL → SQLite.

Target (issue 8): the round trip completes with every row equal. Run with
`.venv/bin/python -m benchmarks.db_copy [--members N]` from the project folder;
it starts its own throwaway PostgreSQL cluster (tests/postgres_server.py),
builds the demo chapter with the real command line, copies both ways with the
real command line, compares every row of every table, and prints the timings.
Not part of `make test` (it takes minutes).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from chapterdesk.data.migrate import open_database
from chapterdesk.data.models import all_models
from tests.postgres_server import PostgresServer


def rows_of(location: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in primary-key order."""
    db = open_database(location)
    try:
        with db.reading() as session:
            return {
                t.name: [tuple(r) for r in session.execute(select(t).order_by(*t.primary_key))]
                for t in all_models().sorted_tables
            }
    finally:
        db.dispose()


def timed(*args: str) -> float:
    """Run the command line; return its wall time in seconds."""
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "chapterdesk", *args], check=True)
    return time.monotonic() - started


def main() -> int:
    """Build, copy there and back, verify, report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=50_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="chapterdesk-bench-"))
    laptop, back = folder / "chapter.sqlite3", folder / "back.sqlite3"
    server = PostgresServer()
    server.start()
    try:
        url = server.create_database("chapter")
        build = timed("demo", "--db", str(laptop), "--members", str(args.members))
        there = timed("db", "copy", "--from", str(laptop), "--to", url)
        home = timed("db", "copy", "--from", url, "--to", str(back))
        started = time.monotonic()
        original = rows_of(str(laptop))
        equal = rows_of(url) == original and rows_of(str(back)) == original
        compare = time.monotonic() - started
    finally:
        server.stop()
    total = sum(len(r) for r in original.values())
    print(f"members: {args.members:,}; rows in all tables: {total:,}")
    print(
        f"demo build {build:.1f} s; SQLite→PostgreSQL {there:.1f} s; "
        f"PostgreSQL→SQLite {home:.1f} s; full comparison {compare:.1f} s"
    )
    print("every row equal on both copies" if equal else "MISMATCH: rows differ")
    return 0 if equal else 1


if __name__ == "__main__":
    raise SystemExit(main())
