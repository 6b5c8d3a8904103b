"""How close the report table path comes to the fastest reportlab can go.

Target: building a ChapterDesk report of N rows by 6 short columns
(`ReportDocument.add_table`: header, footer "Page k of N", repeated headings,
zebra stripes, right-aligned amounts, a totals row) takes at most 1.5 times the
"floor": the same cells drawn with `canvas.drawString`, page by page, in the
same font, page size and row pitch, with nothing else.

Run:  PYTHONPATH=. .venv/bin/python benchmarks/bench_pdf_floor.py --rows 50000
Each measurement runs in a fresh child process, so the peak RSS printed is that
of the build alone; wall and CPU seconds are both shown (on a busy machine the
CPU ratio is the steadier one). A stricter "tight" floor, one text object per
page, is measured too, to show what is left to gain.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from chapterdesk.money import format_money as money
from chapterdesk.reports.pdfdoc import PAGE_SIZES, ReportDocument
from chapterdesk.reports.styles import BODY_FONT, BOLD_FONT, register_fonts

HEADER = ["HQ ID", "Name", "Category", "Joined", "Paid through", "Balance"]
WIDTHS = [60.0, 170.0, 80.0, 70.0, 70.0, 75.0]
NAMES = ["Łukasz Żółć", "Nguyễn Thị Ánh", "Søren Ødegård", "Zoë O'Brien-Müller", "Ana Pérez"]
CATEGORIES = ["Regular", "Associate", "Academic", "Emeritus"]
TARGET_RATIO = 1.5


def sample_rows(count: int) -> Iterator[list[str]]:
    """`count` rows of short member-like cells (generated, like a database cursor)."""
    start = dt.date(2001, 1, 1)
    for i in range(count):
        joined = start + dt.timedelta(days=i % 7000)
        yield [
            str(100000 + i),
            f"{NAMES[i % len(NAMES)]} {i}",
            CATEGORIES[i % len(CATEGORIES)],
            joined.isoformat(),
            dt.date(2026, 12, 31).isoformat(),
            money(Decimal(i % 500) - Decimal("25.00")),
        ]


def build_floor(rows: int, path: Path) -> None:
    """The same cells with canvas.drawString at the same pitch, and nothing else."""
    floor_for_cells(path, HEADER, WIDTHS, sample_rows(rows))


Piece = tuple[tuple[float, str, str], ...]  # (x offset, font, text) of each run of a cell


def split_cells(rows: Iterable[Sequence[str]], size: float = 9.0) -> list[list[str | Piece]]:
    """The cells with text in other scripts split into font runs, done before the clock starts.

    A floor that prints names in their own scripts must switch font run by run
    (issue 16), and draw Devanagari and Thai as HarfBuzz shapes them; it is
    given the runs, shaped, so that only the drawing is timed.
    """
    from chapterdesk.reports.fontchain import laid_out

    register_fonts()
    out: list[list[str | Piece]] = []
    for row in rows:
        cells: list[str | Piece] = []
        for text in row:
            if text.isascii():
                cells.append(text)
                continue
            pieces = []
            x = 0.0
            for font, glyphs, width in laid_out(text, BODY_FONT).parts:
                pieces.append((x, font, glyphs))
                x += width * size
            cells.append(tuple(pieces))
        out.append(cells)
    return out


def draw_cell(canvas: Canvas, x: float, y: float, cell: str | Piece, size: float) -> None:
    """One cell: a string in the body font, or its runs each in its own font."""
    if isinstance(cell, str):
        canvas.drawString(x, y, cell)
        return
    for dx, font, text in cell:
        canvas.setFont(font, size)
        canvas.drawString(x + dx, y, text)
    canvas.setFont(BODY_FONT, size)


def floor_for_cells(
    path: Path,
    header: Sequence[str],
    widths: Sequence[float],
    rows: Iterable[Sequence[str | Piece]],
    page_size: str = "letter",
) -> int:
    """Draw `rows` under `header` with canvas.drawString, page by page; returns the pages.

    The floor for any report table: the least reportlab can do for these cells
    (used by `bench_reports.py` with each real report's own cells).
    """
    register_fonts()
    width, height = PAGE_SIZES[page_size]
    canvas = Canvas(str(path), pagesize=(width, height), initialFontName=BODY_FONT)
    top, bottom, pitch = height - 68.4, 54.0, 14.0
    per_page = int((top - bottom) // pitch) - 1
    xs = [43.2 + sum(widths[:i]) + 4 for i in range(len(widths))]
    iterator = iter(rows)
    pages = 0
    row = next(iterator, None)
    while row is not None or pages == 0:
        canvas.setFont(BOLD_FONT, 9)
        y = top - 10
        for x, text in zip(xs, header, strict=True):
            canvas.drawString(x, y, text)
        canvas.setFont(BODY_FONT, 9)
        for _ in range(per_page):
            if row is None:
                break
            y -= pitch
            for x, text in zip(xs, row, strict=True):
                draw_cell(canvas, x, y, text, 9)
            row = next(iterator, None)
        canvas.showPage()
        pages += 1
    canvas.save()
    return pages


def build_tight_floor(rows: int, path: Path) -> None:
    """A stricter floor: the same cells as `build_floor`, one PDF text object per page.

    `canvas.drawString` opens a text object per cell; this does not, which is
    the trick the report path itself uses, so it shows what is left to gain.
    """
    register_fonts()
    width, height = PAGE_SIZES["letter"]
    canvas = Canvas(str(path), pagesize=(width, height), initialFontName=BODY_FONT)
    top, bottom, pitch = height - 68.4, 54.0, 14.0
    per_page = int((top - bottom) // pitch) - 1
    xs = [43.2 + sum(WIDTHS[:i]) + 4 for i in range(len(WIDTHS))]
    iterator = sample_rows(rows)
    remaining = rows
    while remaining > 0:
        text = canvas.beginText()
        text.setFont(BOLD_FONT, 9)
        y = top - 10
        for x, cell in zip(xs, HEADER, strict=True):
            text.setTextOrigin(x, y)
            text.textLine(cell)
        text.setFont(BODY_FONT, 9)
        for _ in range(min(per_page, remaining)):
            y -= pitch
            for x, cell in zip(xs, next(iterator), strict=True):
                text.setTextOrigin(x, y)
                text.textLine(cell)
        canvas.drawText(text)
        remaining -= per_page
        canvas.showPage()
    canvas.save()


def build_ours(rows: int, path: Path) -> None:
    """The real report path: ReportDocument with one streamed table and a totals row."""
    document = ReportDocument(
        path,
        chapter_name="Great Lakes Chapter",
        title="Chapter roster",
        as_of=dt.date(2026, 7, 1),
        printed_on=dt.date(2026, 7, 2),
    )
    document.add_table(
        HEADER,
        sample_rows(rows),
        WIDTHS,
        numeric_cols=(0, 5),
        totals_row=["", f"{rows} members", "", "", "", money(Decimal("0"))],
    )
    document.build()


def measure(which: str, rows: int, profile: bool) -> dict[str, float]:
    """Build one PDF in this process and report seconds, peak RSS and size."""
    builder = {"floor": build_floor, "tight": build_tight_floor, "ours": build_ours}[which]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{which}.pdf"
        profiler = cProfile.Profile() if profile else None
        started = time.perf_counter()
        cpu_started = time.process_time()
        if profiler:
            profiler.enable()
        builder(rows, path)
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        size = path.stat().st_size
    if profiler:
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(25)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": seconds, "cpu": cpu, "peak_rss_mib": peak_kib / 1024, "bytes": size}


def run_child(which: str, rows: int, profile: bool) -> dict[str, float]:
    """`measure` in a fresh interpreter, so that the two RSS peaks are separate."""
    command = [sys.executable, __file__, "--rows", str(rows), "--only", which]
    if profile:
        command.append("--profile")
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    if profile:
        sys.stderr.write(done.stderr)
    result: dict[str, float] = json.loads(done.stdout)
    return result


def main() -> None:
    """Measure the floor and ours and print both, the ratio and the verdict."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=1, help="best of this many runs each")
    parser.add_argument("--profile", action="store_true", help="cProfile our build (stderr)")
    parser.add_argument("--only", choices=["floor", "tight", "ours"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:
        print(json.dumps(measure(args.only, args.rows, args.profile)))
        return
    floors: list[dict[str, float]] = []
    tights: list[dict[str, float]] = []
    ours_runs: list[dict[str, float]] = []
    for _ in range(args.repeat):  # interleaved, so that a busy moment hits all alike
        floors.append(run_child("floor", args.rows, False))
        tights.append(run_child("tight", args.rows, False))
        ours_runs.append(run_child("ours", args.rows, args.profile))
    floor = min(floors, key=lambda r: r["seconds"])
    tight = min(tights, key=lambda r: r["seconds"])
    ours = min(ours_runs, key=lambda r: r["seconds"])
    ratio = ours["seconds"] / floor["seconds"]
    cpu_ratio = min(r["cpu"] for r in ours_runs) / min(r["cpu"] for r in floors)
    print(f"rows:   {args.rows} (best of {args.repeat})")
    for label, run in (("floor", floor), ("tight", tight), ("ours", ours)):
        print(
            f"{label + ':':7} {run['seconds']:.2f} s wall, {run['cpu']:.2f} s CPU, "
            f"peak RSS {run['peak_rss_mib']:.0f} MiB, {run['bytes'] / 1e6:.1f} MB"
        )
    verdict = "met" if ratio <= TARGET_RATIO else "MISSED"
    print(f"ratio:  {ratio:.2f} wall, {cpu_ratio:.2f} CPU (target <= {TARGET_RATIO}: {verdict})")
    tight_ratio = min(r["cpu"] for r in ours_runs) / min(r["cpu"] for r in tights)
    print(f"        {tight_ratio:.2f} CPU against the tight floor (one text object a page)")


if __name__ == "__main__":
    main()
