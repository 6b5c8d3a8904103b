"""HQ import benchmark: the whole import against python-calamine reading the same file.

For each size it writes two months of HQ exports (the second with ~5 % of
records changed, a few hundred new and missing), fills a database with the
first month, then measures, each in a fresh process so peak memory is its own:

- floor: python-calamine alone opening the second file and walking every row;
- import: read, map, validate, diff, apply and commit the second month;
- re-import: the same file again (nothing changes).

Run: `.venv/bin/python benchmarks/bench_import.py --rows 100000 500000`
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

import xlsxwriter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADERS = [
    "Member ID", "Prefix", "First Name", "Middle Name", "Last Name", "Suffix", "Company",
    "Title", "Email", "Phone", "Address 1", "Address 2", "City", "State/Province",
    "Postal Code", "Country", "Member Type", "Join Date", "Paid Through", "Status", "Chapter",
]  # fmt: skip
FIRST = ["Ana", "Łukasz", "Zoë", "Søren", "Mary", "James", "Nguyễn", "José", "Renée", "Aoife"]
LAST = ["O'Brien", "Żółć", "Müller", "García", "Smith", "Lee", "Ødegård", "Kowalski", "Brown"]
TYPES = ["Regular", "Regular", "Regular", "Associate", "Academic", "Emeritus"]
CHAPTERS = ["Great Lakes Chapter", "Capital Area", "Pacific Northwest", "Ontario", "London"]


def make_records(count: int, seed: int) -> list[list[object]]:
    """`count` HQ rows in the reference layout (dates as dates)."""
    rng = random.Random(seed)
    today = dt.date.today()
    rows = []
    for i in range(count):
        paid = today + dt.timedelta(days=rng.randint(-400, 400))
        rows.append([
            100000 + i, "", rng.choice(FIRST), "", rng.choice(LAST), "",
            f"Firm {rng.randint(1, 5000)} LLP", "Legal Administrator",
            f"member{i}@example.org", "(312) 555-0100", f"{rng.randint(1, 9999)} Main St", "",
            "Chicago", "IL", "60601", "United States", rng.choice(TYPES),
            today - dt.timedelta(days=rng.randint(100, 9000)), paid,
            "Active" if paid >= today else "Lapsed", rng.choice(CHAPTERS),
        ])  # fmt: skip
    return rows


def next_month(rows: list[list[object]], seed: int) -> list[list[object]]:
    """The following month: ~5 % changed, 0.2 % new, 0.2 % missing."""
    rng = random.Random(seed)
    out = [list(r) for r in rows]
    for row in rng.sample(out, len(out) // 20):
        row[18] = row[18] + dt.timedelta(days=365)  # type: ignore[operator]
        row[19] = "Active"
        if rng.random() < 0.3:
            row[8] = f"changed{row[0]}@example.org"
    missing = set(rng.sample(range(len(out)), len(out) // 500))
    out = [r for i, r in enumerate(out) if i not in missing]
    start = 100000 + len(rows)
    for i in range(len(rows) // 500):
        out.append([start + i, *out[i][1:8], f"new{i}@example.org", *out[i][9:]])
    return out


def write_xlsx(path: Path, rows: list[list[object]]) -> None:
    """An HQ export with a title row, in xlsxwriter's constant-memory mode."""
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Roster")
    dates = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_string(0, 0, "Member Roster Report")
    for col, text in enumerate(HEADERS):
        sheet.write_string(2, col, text)
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), dates)
            elif isinstance(value, int):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value))
    workbook.close()


def floor(path: str) -> None:
    """python-calamine alone: open the workbook and walk every row."""
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(path)
    sheet = workbook.get_sheet_by_index(0)
    for _row in sheet.iter_rows():
        pass


def run_import(db_path: str, path: str) -> None:
    """The whole import through the services."""
    from chapterdesk.data.migrate import open_database
    from chapterdesk.services.hq_apply import apply_import
    from chapterdesk.services.hq_plan import plan_import

    db = open_database(db_path)
    apply_import(db, plan_import(db, Path(path)))
    db.dispose()


def prepare(db_path: Path, first: Path) -> None:
    """A chapter database holding the first month's records (imported through the service)."""
    from chapterdesk.data.migrate import open_database
    from chapterdesk.services.chapter import init_chapter

    db = open_database(db_path, create=True)
    init_chapter(db, "Great Lakes Chapter")
    db.dispose()
    run_import(str(db_path), str(first))


def measure(kind: str, *args: str) -> tuple[float, float]:
    """Run one measurement in a fresh process: (seconds, peak RSS in MB)."""
    code = (
        f"import sys, time, resource, json; sys.path.insert(0, {str(ROOT)!r})\n"
        "from benchmarks.bench_import import floor, run_import\n"
        f"t = time.perf_counter(); {kind}(*{list(args)!r}); s = time.perf_counter() - t\n"
        "print(json.dumps([s, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    seconds, peak = json.loads(done.stdout.strip().splitlines()[-1])
    return float(seconds), float(peak)


def bench(rows: int, folder: Path) -> dict[str, float]:
    """Every figure for one size."""
    first, second = folder / f"hq-{rows}-m1.xlsx", folder / f"hq-{rows}-m2.xlsx"
    month1 = make_records(rows, 1)
    write_xlsx(first, month1)
    write_xlsx(second, next_month(month1, 2))
    del month1
    db_path = folder / f"chapter-{rows}.sqlite3"
    prepare(db_path, first)
    floor_s, floor_mb = measure("floor", str(second))
    import_s, import_mb = measure("run_import", str(db_path), str(second))
    again_s, again_mb = measure("run_import", str(db_path), str(second))
    return {
        "rows": rows,
        "floor_s": floor_s,
        "floor_mb": floor_mb,
        "import_s": import_s,
        "import_mb": import_mb,
        "import_ratio": import_s / floor_s,
        "reimport_s": again_s,
        "reimport_mb": again_mb,
        "reimport_ratio": again_s / floor_s,
    }


def main() -> None:
    """Print a Markdown table of the figures for each size asked for."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000])
    args = parser.parse_args()
    os.environ.setdefault("XDG_DATA_HOME", tempfile.mkdtemp(prefix="bench-data-"))
    print(
        "| rows | calamine floor | whole import | ratio | peak MB | re-import | ratio | peak MB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for rows in args.rows:
            r = bench(rows, Path(tmp))
            print(
                f"| {rows:,} | {r['floor_s']:.2f} s | {r['import_s']:.2f} s | "
                f"{r['import_ratio']:.2f}× | {r['import_mb']:.0f} | {r['reimport_s']:.2f} s | "
                f"{r['reimport_ratio']:.2f}× | {r['reimport_mb']:.0f} |",
                flush=True,
            )
    driver_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nmax RSS of this driver: {driver_mb:.0f} MB")


if __name__ == "__main__":
    main()
