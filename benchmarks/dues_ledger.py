"""Benchmark: the demo chapter's dues at full size, and the treasurer's reads on it.

Run: `.venv/bin/python benchmarks/dues_ledger.py [MEMBERS]` (default 50,000). It
builds a demo chapter (with its two assessed years and payments) in a temporary
file and times a dry-run assessment of next year, the chapter's balances and
"who hasn't paid". Targets: the whole demo under 60 s; each read under 10 s.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from chapterdesk.data.migrate import open_database
from chapterdesk.demo import build_demo
from chapterdesk.services import dues


def main(members: int = 50_000) -> None:
    """Build the demo and print the timings."""
    today = dt.date.today()
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "bench.sqlite3", create=True)
        try:
            started = time.perf_counter()
            build_demo(db, members=members, today=today)
            print(f"build_demo({members:,}) with dues: {time.perf_counter() - started:.1f} s")
            year = dues.dues_year(db, today=today).year
            for label, run in (
                (
                    "assess next year (dry run)",
                    lambda: dues.assess_dues(db, year + 1, dry_run=True),
                ),
                ("balances", lambda: dues.balances(db, today)),
                ("who_has_not_paid", lambda: dues.who_has_not_paid(db, year, today)),
            ):
                started = time.perf_counter()
                run()
                print(f"{label}: {time.perf_counter() - started:.1f} s")
        finally:
            db.dispose()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
