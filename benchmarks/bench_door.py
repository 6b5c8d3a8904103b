"""Benchmark: what the one door costs a bulk change (an assessment of a whole chapter).

Run: `PYTHONPATH=. .venv/bin/python benchmarks/bench_door.py [--members 50000]`.

It builds a demo chapter once, copies the file twice, and on the copies:

- **ours**: `dues.assess_dues(db, next_year)`, through the door: the policy check,
  the charges, one audit entry per charge and the `change_batch` row, one transaction;
- **floor**: the same work with nothing but the bare library writing: the same
  assessment worked out (`dry_run=True`, reads only), then its charges inserted by
  `sqlite3.executemany` with no audit, one transaction.

Both are timed end to end, best of `--repeat`, each on a fresh copy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from chapterdesk.data.migrate import open_database
from chapterdesk.demo import build_demo
from chapterdesk.money import to_cents
from chapterdesk.services import dues


def _fold(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def ours(path: Path, year: int) -> tuple[float, int]:
    """Assess through the door; returns (seconds, audit rows written)."""
    db = open_database(path)
    try:
        started = time.perf_counter()
        result = dues.assess_dues(db, year)
        took = time.perf_counter() - started
    finally:
        db.dispose()
    con = sqlite3.connect(path)
    audited = con.execute(
        "SELECT count(*) FROM audit_log WHERE table_name = 'ledger_entry' AND new_values LIKE ?",
        ('%"dues_year": ' + str(year) + "%",),
    ).fetchone()[0]
    con.close()
    assert audited == len(result.charged), (audited, len(result.charged))
    return took, audited


def floor(path: Path, year: int) -> float:
    """Work the assessment out, then insert its charges with bare sqlite3 (no door, no audit)."""
    db = open_database(path)
    started = time.perf_counter()
    try:
        result = dues.assess_dues(db, year, dry_run=True)
    finally:
        db.dispose()
    rows = [
        ("charge", line.hq_id, None, year, 1, to_cents(line.amount),
         result.posted_on.isoformat(), "", "", "; ".join(line.reasons))
        for line in result.charged
    ]  # fmt: skip
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    con.executemany(
        "INSERT INTO ledger_entry (kind, hq_id, membership_id, dues_year, charge_seq, "
        "amount_cents, posted_on, reference, reason, detail, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)",
        rows,
    )
    con.execute("COMMIT")
    con.close()
    return time.perf_counter() - started


def main() -> None:
    """Build the demo, then time ours and the floor on fresh copies, interleaved."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "demo.sqlite3"
        db = open_database(source, create=True)
        started = time.perf_counter()
        build_demo(db, members=args.members, today=dt.date.today())
        year = dues.dues_year(db).year + 1
        for rate in dues.list_rates(db, year - 1):  # next year's rates: this year's again
            dues.set_rate(
                db, year, rate.category_code, rate.amount,
                nonprofit=rate.nonprofit_amount, enterprise=rate.enterprise_amount,
            )  # fmt: skip
        db.dispose()
        _fold(source)
        print(f"demo of {args.members:,} members built in {time.perf_counter() - started:.1f} s")
        best_ours, best_floor, audited = float("inf"), float("inf"), 0
        for attempt in range(args.repeat):
            for name in ("ours", "floor"):
                copy = Path(folder) / f"{name}{attempt}.sqlite3"
                shutil.copyfile(source, copy)
                if name == "ours":
                    took, audited = ours(copy, year)
                    best_ours = min(best_ours, took)
                else:
                    took = floor(copy, year)
                    best_floor = min(best_floor, took)
                print(f"  {name}: {took:.2f} s")
                copy.unlink()
        print(
            f"assess {year} ({audited:,} charges, each audited): ours {best_ours:.2f} s, "
            f"floor {best_floor:.2f} s, ratio {best_ours / best_floor:.2f}x"
        )


if __name__ == "__main__":
    main()
