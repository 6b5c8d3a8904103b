"""Payments matching benchmark: a 10,000-line Stripe export against a 50,000-member chapter.

Target (issue 17): reviewing the file (reading it, reading the members and
what each owes, looking up the lines already posted, and matching every line
by memo ID, e-mail, name and amount) takes at most 2x the floor: the standard
library's `csv` reading every record of the same file plus `sqlite3` reading
the same member columns (current members' ID, names and e-mail) and the same
ledger rows the dues positions are worked out from (the open charges).

The export is written from the chapter's own members: 35 % found by e-mail,
30 % by "Last, First" name (accents as stored), 20 % by an HQ ID in the memo,
5 % by initial and surname, 10 % strangers. Both sides run in this process,
interleaved round by round; each figure is the best of N rounds.

Run (the 50,000-member chapter is built once, ~40 s, and cached under /tmp):

    PYTHONPATH=. .venv/bin/python benchmarks/bench_payments.py --lines 10000 --repeat 3
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path("/tmp/chapterdesk-bench/demo50k-0008.sqlite3")
MEMBER_SQL = (
    "SELECT h.hq_id, h.first_name, h.middle_name, h.last_name, h.suffix, h.email"
    " FROM chapter_membership AS cm JOIN hq_member AS h ON h.hq_id = cm.hq_id"
    " WHERE cm.left_on IS NULL"
)
LEDGER_SQL = (
    "SELECT hq_id, id, kind, dues_year, posted_on, amount_cents, charge_id, reverses_id, detail"
    " FROM ledger_entry ORDER BY id"
)


def ensure_chapter(path: Path, members: int) -> Path:
    """The cached demo chapter, built with `chapterdesk demo` when missing."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        print(f"Building a {members:,}-member demo chapter in {path} …", flush=True)
        subprocess.run(
            [str(ROOT / ".venv/bin/chapterdesk"), "demo", "--db", str(path),
             "--members", str(members)],
            check=True,
        )  # fmt: skip
    return path


def write_export(db_path: Path, out: Path, lines: int, seed: int = 17) -> None:
    """A Stripe payments export whose payers are the chapter's members (see the module text)."""
    sys.path.insert(0, str(ROOT))
    from tests.payments.samples import Paid, write_stripe

    rng = random.Random(seed)
    with sqlite3.connect(db_path) as con:
        members = con.execute(MEMBER_SQL).fetchall()
    paid = []
    day = dt.date(2026, 11, 1)
    for i in range(lines):
        hq_id, first, _middle, last, _suffix, email = rng.choice(members)
        roll = rng.random()
        name, mail, memo = "", "", "Chapter dues"
        if roll < 0.35:
            mail = email
        elif roll < 0.65:
            name = f"{last}, {first}"
        elif roll < 0.85:
            memo = f"Dues for member {hq_id}"
        elif roll < 0.90:
            name = f"{first[:1]}. {last}"
        else:
            name = f"Visitor {i}"
        gross = Decimal(rng.choice(("150.00", "90.00", "120.00", "75.00")))
        paid.append(
            Paid(f"ch_bench{i:08d}", day + dt.timedelta(days=i % 28), gross,
                 (gross * Decimal("0.029") + Decimal("0.30")).quantize(Decimal("0.01")),
                 name, mail, memo, rng.choice(("Visa", "MasterCard", "American Express")))
        )  # fmt: skip
    write_stripe(out, paid)


def floor(db_path: Path, export: Path) -> None:
    """The least the review must do: read every record and the same rows with bare sqlite3."""
    with export.open(newline="", encoding="utf-8") as stream:
        for _row in csv.reader(stream):
            pass
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        con.execute(MEMBER_SQL).fetchall()
        con.execute(LEDGER_SQL).fetchall()
    finally:
        con.close()


def timed(run: Callable[[], object]) -> tuple[float, float]:
    """The wall time and the CPU time (this process, every thread) of one run."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    """Measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=CACHE)
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    db_path = ensure_chapter(args.db, args.members)
    export = db_path.with_name(f"stripe-{args.lines}.csv")
    write_export(db_path, export, args.lines)

    from chapterdesk.data.migrate import open_database
    from chapterdesk.services.payments import review_payments

    db = open_database(db_path)
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    floors, reviews = [], []
    try:
        for _ in range(args.repeat):
            floors.append(timed(lambda: floor(db_path, export)))
            reviews.append(timed(lambda: review_payments(db, export)))
        review = review_payments(db, export)
    finally:
        db.dispose()
    counts = review.counts
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print(f"{args.lines:,} lines against {db_path.name}: {counts}")
    # best of the rounds; CPU seconds too, which a shared machine's load inflates far less
    floor_wall, floor_cpu = min(w for w, _c in floors), min(c for _w, c in floors)
    review_wall, review_cpu = min(w for w, _c in reviews), min(c for _w, c in reviews)
    print(f"floor (csv + sqlite3):  {floor_wall:.3f} s wall, {floor_cpu:.3f} s CPU")
    print(f"review (read + match):  {review_wall:.3f} s wall, {review_cpu:.3f} s CPU")
    # the first review of the process folds every name afresh (later ones find them cached)
    print(f"first review (cold):    {reviews[0][0]:.3f} s wall, {reviews[0][1]:.3f} s CPU")
    ratio = review_wall / floor_wall
    print(f"ratio: {ratio:.2f}x wall, {review_cpu / floor_cpu:.2f}x CPU (target <= 2.00x)")
    return 0 if ratio <= 2.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
