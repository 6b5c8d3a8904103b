"""Print a generated PDF: each page rendered by QtPdf and drawn into the printer's painter.

The job runs on the task runner's worker thread (Qt allows a QPainter on a
QPrinter outside the GUI thread), so a long statements run prints with a
progress dialog and Cancel while the window stays responsive. Pages are
rendered at the printer's resolution, capped at `MAX_DPI` so a 1200 dpi
printer does not need a half-gigabyte image per page, and are centred on the
paper keeping their shape: the reports carry their own margins, so a Letter
report on Letter paper prints at its true size.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

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


def print_pdf(
    path: Path, printer: QPrinter, progress: Progress, cancelled: Callable[[], bool]
) -> int:
    """Print the PDF at `path` on `printer`; returns the pages sent (copies counted once).

    Raises:
        BadInputError: the file cannot be read or the printer cannot be started.
        ReportCancelled: the officer cancelled; the print job is aborted.
    """
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
