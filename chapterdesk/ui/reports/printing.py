"""Print a generated PDF as the PDF's own vector pages, never as page images when avoidable.

Three paths, chosen by where the print dialog sends the job:

- **Print to PDF** (the dialog's PDF file "printer"): the generated PDF itself
  is written there (only the pages asked for, cut with pypdf), so the file is
  the same searchable text PDF "Save as" writes, not 300-dpi page images.
- **A printer, on a system with CUPS** (Linux, macOS): the PDF goes to the
  system's print path, `lp -d PRINTER`, which prints its vector pages.
- **Otherwise** (Windows): each page is rendered by QtPdf at the printer's
  resolution (capped at `MAX_DPI`) and drawn into the printer's painter,
  centred, keeping its shape. QtPdf renders only to images; a physical printer
  then gets the page at its own resolution.

The job runs on the task runner's worker thread (Qt allows a QPainter on a
QPrinter outside the GUI thread), so a long statements run prints with a
progress dialog and Cancel while the window stays responsive.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

from chapterdesk.atomic import atomic_write
from chapterdesk.errors import BadInputError
from chapterdesk.reports.progress import ReportCancelled

MAX_DPI = 300
Progress = Callable[[str, int, int], None]


def pages_to_print(printer: QPrinter, page_count: int) -> list[int]:
    """The 0-based pages the print dialog asked for (all of them unless a range was chosen)."""
    first, last = 1, page_count
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = printer.fromPage()
        last = min(printer.toPage() or page_count, page_count)
    return list(range(first - 1, last))


@dataclass(frozen=True)
class Printed:
    """What a print job sent: how many pages, and where (a file's name, or a printer's)."""

    pages: int
    to_file: Path | None = None
    printer: str = ""

    def sentence(self) -> str:
        """What the officer is told: `Sent 14 pages to Roster.pdf in … (a text PDF, …).`"""
        noun = "page" if self.pages == 1 else "pages"
        if self.to_file is not None:
            return (f"Sent {self.pages:,} {noun} to {self.to_file.name} in {self.to_file.parent} "
                    "(a text PDF, as Save as writes it).")
        where = f"the printer {self.printer}" if self.printer else "the printer"
        return f"Sent {self.pages:,} {noun} to {where}."


def lp_command(printer: str, copies: int, pages: list[int], title: str, path: Path) -> list[str]:
    """The CUPS command that prints `pages` (0-based, consecutive) of the PDF at `path`."""
    command = ["lp", "-d", printer, "-n", str(max(copies, 1)), "-t", title]
    if pages:
        command += ["-P", f"{pages[0] + 1}-{pages[-1] + 1}"]
    return [*command, "--", str(path)]


def print_pdf(
    path: Path, printer: QPrinter, progress: Progress, cancelled: Callable[[], bool]
) -> Printed:
    """Print the PDF at `path` where `printer` points; returns what was sent (copies once).

    Raises:
        BadInputError: the file cannot be read or the printer cannot be started.
        ReportCancelled: the officer cancelled; the print job is aborted.
    """
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.outputFileName():
        return _write_pdf(path, printer, progress)
    if shutil.which("lp") and printer.printerName():
        return _send_to_cups(path, printer, progress)
    return Printed(_paint_pages(path, printer, progress, cancelled), printer=printer.printerName())


def _write_pdf(path: Path, printer: QPrinter, progress: Progress) -> Printed:
    """Print to PDF: the generated file itself (the pages asked for), not page images."""
    target = Path(printer.outputFileName())
    try:
        reader = PdfReader(path)
        pages = pages_to_print(printer, len(reader.pages))
        progress("pages", 0, len(pages))
        with atomic_write(target) as out:
            if len(pages) == len(reader.pages):
                with path.open("rb") as generated:
                    shutil.copyfileobj(generated, out)
            else:
                writer = PdfWriter()
                for page in pages:
                    writer.add_page(reader.pages[page])
                writer.write(out)
    except OSError as exc:
        raise BadInputError(
            f"Could not write {target.name} ({exc.strerror or exc}); choose another folder."
        ) from None
    progress("pages", len(pages), len(pages))
    return Printed(len(pages), to_file=target)


def _send_to_cups(path: Path, printer: QPrinter, progress: Progress) -> Printed:
    """Hand the PDF to the system's print path (CUPS), which prints its vector pages."""
    count = len(PdfReader(path).pages)
    pages = pages_to_print(printer, count)
    progress("pages", 0, len(pages))
    command = lp_command(printer.printerName(), printer.copyCount(), pages,
                         printer.docName() or path.stem, path)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired):
        done = None
    if done is None or done.returncode != 0:
        said = (done.stderr.strip().splitlines() or [""])[-1] if done is not None else ""
        raise BadInputError(
            f"The printer {printer.printerName()} did not take the job{': ' + said if said else ''}"
            "; check that it is connected and try again."
        )
    progress("pages", len(pages), len(pages))
    return Printed(len(pages), printer=printer.printerName())


def _paint_pages(
    path: Path, printer: QPrinter, progress: Progress, cancelled: Callable[[], bool]
) -> int:
    """Draw each page, rendered by QtPdf, into the printer's painter (no system print path)."""
    document = QPdfDocument()
    if document.load(str(path)) != QPdfDocument.Error.None_:
        raise BadInputError(f"Could not read {path.name} to print it; generate the report again.")
    try:
        pages = pages_to_print(printer, document.pageCount())
        copies = 1 if printer.supportsMultipleCopies() else max(printer.copyCount(), 1)
        printer.setFullPage(True)  # the painter's origin is the paper's corner
        painter = QPainter()
        if not painter.begin(printer):
            raise BadInputError(
                "The printer could not be started; check that it is connected and try again."
            )
        try:
            dpi = min(printer.resolution(), MAX_DPI)
            area = printer.pageLayout().fullRectPixels(printer.resolution())
            sheet = 0
            total = len(pages) * copies
            for _copy in range(copies):
                for page in pages:
                    if cancelled():
                        printer.abort()
                        raise ReportCancelled("Printing")
                    progress("pages", sheet, total)
                    if sheet:
                        printer.newPage()
                    _draw_page(painter, document, page, dpi, area)
                    sheet += 1
            progress("pages", sheet, total)
        finally:
            if painter.isActive():
                painter.end()
        return len(pages)
    finally:
        document.close()


def _draw_page(
    painter: QPainter, document: QPdfDocument, page: int, dpi: int, area: QRect
) -> None:
    """Render one page at `dpi` and draw it scaled to fit the paper, centred."""
    points = document.pagePointSize(page)
    image = document.render(page, QSize(round(points.width() * dpi / 72),
                                        round(points.height() * dpi / 72)))
    scale = min(area.width() / max(points.width(), 1), area.height() / max(points.height(), 1))
    width, height = round(points.width() * scale), round(points.height() * scale)
    target = QRect((area.width() - width) // 2, (area.height() - height) // 2, width, height)
    painter.drawImage(target, image)
