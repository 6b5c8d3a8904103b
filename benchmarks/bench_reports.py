"""How the real reports compare with the least work reportlab and xlsxwriter can do.

Targets (issue 5), for a 50,000-member demo chapter with its dues ledger:
- the dues report and the member statements take at most 1.5 times the
  canvas floor for the same cells (`bench_pdf_floor.floor_for_cells`: the
  strings each report prints, drawn with `drawString` page by page);
- peak memory under 1 GB;
- the roster export to .xlsx takes at most 1.5 times a bare xlsxwriter
  `constant_memory` loop writing the same cells.

Each measurement runs in a fresh child process, so each peak RSS is its own.
"ours" is timed twice: the whole command (reading the ledger or roster from
the database included) and the writing alone (the data read beforehand, as the
floor's is), since the floor does no database work at all.

Run:
    .venv/bin/chapterdesk demo --db /tmp/demo50k.sqlite3 --members 50000
    PYTHONPATH=. .venv/bin/python benchmarks/bench_reports.py --db /tmp/demo50k.sqlite3
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import xlsxwriter
from reportlab.pdfgen.canvas import Canvas

from benchmarks.bench_pdf_floor import TARGET_RATIO, draw_cell, floor_for_cells, split_cells
from chapterdesk.data.engine import Database
from chapterdesk.data.migrate import open_database
from chapterdesk.exports.roster import ROSTER_COLUMNS, roster_row, write_roster_export
from chapterdesk.exports.sheets import write_table
from chapterdesk.money import format_money as money
from chapterdesk.reports.dues import MEMBER_HEADER, MEMBER_WIDTHS, member_cells, write_dues_report
from chapterdesk.reports.pdfdoc import PAGE_SIZES
from chapterdesk.reports.statements import (
    _HEADINGS,
    address_lines,
    statement_lines,
    write_statements,
)
from chapterdesk.reports.styles import BODY_FONT, long_date, register_fonts
from chapterdesk.services.chapter import chapter_info
from chapterdesk.services.dues.reports import dues_year_report, owing_statements
from chapterdesk.services.roster.export import members_for_export

Measure = Callable[[Path, Path, int], dict[str, Any]]


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _measured(work: Callable[[], object], **extra: Any) -> dict[str, Any]:
    """Wall and CPU seconds of one call (CPU time is the steadier on a shared machine)."""
    cpu = time.process_time()
    seconds = _timed(work)
    return {"seconds": seconds, "cpu": time.process_time() - cpu, **extra}


def dues_floor(db_path: Path, out: Path, year: int) -> dict[str, Any]:
    """drawString for the dues report's member rows (the cells it prints, read beforehand)."""
    db = open_database(db_path)
    report = dues_year_report(db, year)
    rows = split_cells(member_cells(line, report.currency) for line in report.lines)
    frame = PAGE_SIZES["letter"][0] - 2 * 0.6 * 72
    widths = [w * frame for w in MEMBER_WIDTHS]
    return _measured(lambda: floor_for_cells(out, MEMBER_HEADER, widths, rows), rows=len(rows))


def dues_ours(db_path: Path, out: Path, year: int) -> dict[str, Any]:
    """The real dues report, end to end (reading the ledger included)."""
    db = open_database(db_path)
    read = _timed(lambda: dues_year_report(db, year))
    pages: list[int] = []
    run = _measured(lambda: pages.append(write_dues_report(db, year, out)))
    return {**run, "writing": run["seconds"] - read, "read": read, "pages": pages[0]}


def _statement_strings(statements: list[Any], currency: str, year: int) -> Iterator[list[str]]:
    """Every string one statement page prints, page by page."""
    today = dt.date.today()
    for s in statements:
        page = address_lines(s.hq)
        page += ["Statement date", long_date(today), "Member ID", s.hq.hq_id,
                 f"{year} dues open", money(s.year_open, currency), "Amount due",
                 money(s.outstanding, currency), *_HEADINGS]  # fmt: skip
        for row in statement_lines(s, currency, 30, 210):
            page += [cell for cell in row if cell]
        page += [f"Amount due: {money(s.outstanding, currency)}", "How to pay"]
        page += ["Visa, MasterCard or American Express: call or write to the chapter treasurer."]
        page += ["Check or money order: make checks payable to the chapter, and write your"]
        page += ["Purchase orders are not accepted. Chapter dues are not refundable."]
        page += ["Please return this part with your payment", s.hq.display_name,
                 f"Amount due: {money(s.outstanding, currency)}",
                 f"Member ID {s.hq.hq_id} · {year} chapter dues", "Amount enclosed:",
                 "Payable to the chapter"]  # fmt: skip
        yield page


def statements_floor(db_path: Path, out: Path, year: int) -> dict[str, Any]:
    """drawString for every string of every statement, a page each (read beforehand)."""
    db = open_database(db_path)
    currency = chapter_info(db).currency
    pages = split_cells(_statement_strings(owing_statements(db, year), currency, year), size=9.5)

    def draw() -> None:
        register_fonts()
        width, height = PAGE_SIZES["letter"]
        canvas = Canvas(str(out), pagesize=(width, height), initialFontName=BODY_FONT)
        for page in pages:
            canvas.setFont(BODY_FONT, 9.5)
            y = height - 80
            for text in page:
                draw_cell(canvas, 43.2, y, text, 9.5)
                y -= 13
            canvas.showPage()
        canvas.save()

    return _measured(draw, pages=len(pages))


def statements_ours(db_path: Path, out: Path, year: int) -> dict[str, Any]:
    """The real statements, end to end."""
    db = open_database(db_path)
    read = _timed(lambda: owing_statements(db, year))  # what write_statements reads
    result: list[tuple[int, int]] = []
    run = _measured(lambda: result.append(write_statements(db, year, out)))
    return {**run, "writing": run["seconds"] - read, "read": read, "pages": result[0][1]}


def _roster_cells(db: Database) -> list[list[object]]:
    return [roster_row(member) for member in members_for_export(db)]


def xlsx_bare(db_path: Path, out: Path, year: int) -> dict[str, Any]:
    """A bare xlsxwriter constant_memory loop writing the roster export's cells."""
    rows = _roster_cells(open_database(db_path))
    kinds = [c.kind for c in ROSTER_COLUMNS]

    def write() -> None:
        book = xlsxwriter.Workbook(str(out), {"constant_memory": True})
        sheet = book.add_worksheet()
        date = book.add_format({"num_format": "yyyy-mm-dd"})
        for col, column in enumerate(ROSTER_COLUMNS):
            sheet.write_string(0, col, column.header)
        for r, row in enumerate(rows, start=1):
            for col, (kind, value) in enumerate(zip(kinds, row, strict=True)):
                if value is None:
                    continue
                if kind == "date":
                    sheet.write_datetime(r, col, value, date)
                else:
                    sheet.write_string(r, col, str(value))
        book.close()

    return _measured(write, rows=len(rows))


def xlsx_ours(db_path: Path, out: Path, year: int) -> dict[str, Any]:
    """`write_table` over the same cells, and the whole `export roster` end to end."""
    db = open_database(db_path)  # once: a second writable open would wait for the writer lock
    rows = _roster_cells(db)
    writing = _timed(lambda: write_table(out, ROSTER_COLUMNS, rows, sheet_name="Chapter roster"))
    run = _measured(lambda: write_roster_export(db, out.with_name("e2e.xlsx")))
    return {**run, "writing": writing, "rows": len(rows)}


MEASURES: dict[str, Measure] = {
    "dues_floor": dues_floor,
    "dues_ours": dues_ours,
    "statements_floor": statements_floor,
    "statements_ours": statements_ours,
    "xlsx_bare": xlsx_bare,
    "xlsx_ours": xlsx_ours,
}


def child(which: str, db_path: Path, year: int) -> dict[str, Any]:
    """One measurement in a fresh interpreter, with its peak RSS."""
    command = [sys.executable, __file__, "--db", str(db_path), "--year", str(year), "--only", which]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def main() -> None:
    """Run every measurement and print the figures, ratios and verdicts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a demo chapter database")
    parser.add_argument("--year", type=int, default=dt.date.today().year)
    parser.add_argument("--repeat", type=int, default=1, help="best of this many runs each")
    parser.add_argument("--only", choices=sorted(MEASURES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / ("out.xlsx" if args.only.startswith("xlsx") else "out.pdf")
            result = MEASURES[args.only](args.db, out, args.year)
        result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    tries: dict[str, list[dict[str, Any]]] = {name: [] for name in MEASURES}
    for _ in range(args.repeat):  # interleaved, so that a busy moment hits all alike
        for name in MEASURES:
            tries[name].append(child(name, args.db, args.year))
    runs = {name: min(results, key=lambda r: r["seconds"]) for name, results in tries.items()}
    print(f"best of {args.repeat}; machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    for name, run in runs.items():
        shown = {k: v for k, v in run.items() if k not in ("seconds", "cpu", "peak_rss_mib")}
        extra = ", ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}"
                          for k, v in shown.items())  # fmt: skip
        print(
            f"{name:17} {run['seconds']:7.2f} s (CPU {run['cpu']:6.2f} s)  "
            f"peak RSS {run['peak_rss_mib']:6.0f} MiB  ({extra})"
        )
    for report, floor in (("dues", "dues_floor"), ("statements", "statements_floor"),
                          ("xlsx", "xlsx_bare")):  # fmt: skip
        ours = runs[f"{report}_ours"]
        base = runs[floor]["seconds"]
        whole, writing = ours["seconds"] / base, ours["writing"] / base
        verdict = (
            "met"
            if whole <= TARGET_RATIO
            else ("met for the writing" if writing <= TARGET_RATIO else "MISSED")
        )
        cpu = ours["cpu"] / runs[floor]["cpu"]
        print(f"{report:11} ratio {whole:.2f} end to end (CPU {cpu:.2f}), {writing:.2f} writing "
              f"alone (target <= {TARGET_RATIO}: {verdict})")  # fmt: skip


if __name__ == "__main__":
    main()
