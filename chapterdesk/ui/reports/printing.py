"""Print a generated PDF as the PDF's own vector pages, never as page images when avoidable.

Where the job goes is chosen by `print_path`, a small pure function of the
platform and of what the print dialog chose:

- **Print to PDF** (the dialog's PDF file "printer"), on every system: the
  generated PDF itself is written there (only the pages asked for, cut with
  pypdf), so the file is the same searchable text PDF "Save as" writes.
- **Linux and macOS** (CUPS): the PDF goes to the system's print path,
  `lp -d PRINTER`, which prints its vector pages.
- **Windows**: the PDF (the pages and copies asked for) goes to the program
  Windows prints PDF files with, through the shell's "print" verb
  (`os.startfile(path, "print")`; "printto" with the printer's name when the
  officer chose a printer other than the default). With no PDF program set up
  to print, the officer is told so in one sentence, and what to do.
- **Otherwise** (a Linux without `lp`): each page is rendered by QtPdf at the
  printer's resolution (capped at `MAX_DPI`) and drawn into the printer's
  painter. QtPdf renders only to images; this is the last resort.

The job runs on the task runner's worker thread (Qt allows a QPainter on a
QPrinter outside the GUI thread), so a long statements run prints with a
progress dialog and Cancel while the window stays responsive.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pypdf import PdfReader, PdfWriter
from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from chapterdesk.atomic import atomic_write
from chapterdesk.errors import BadInputError
from chapterdesk.reports.progress import ReportCancelled

MAX_DPI = 300
Progress = Callable[[str, int, int], None]
#: Where a print job goes: a PDF file, CUPS's `lp`, the Windows shell, or painted page images.
PrintPath = Literal["file", "lp", "shell", "paint"]


def print_path(platform: str, *, to_file: bool, printer: str, lp_found: bool) -> PrintPath:
    """Where a job goes on `platform` (`sys.platform`) for what the print dialog chose.

    `to_file`: the dialog's "Print to PDF" with a file name; `printer`: the
    printer's name; `lp_found`: whether CUPS's `lp` is on the PATH.
    """
    if to_file:
        return "file"
    if platform == "win32":
        return "shell"
    if platform == "darwin" or (lp_found and printer):
        return "lp"  # macOS always has CUPS; `lp` with no printer prints to the default
    return "paint"


def shell_print_call(printer: str, default_printer: str) -> tuple[str, str]:
    """The Windows shell verb and its argument that print a PDF on `printer`.

    The "print" verb prints on Windows' default printer; another printer is
    named to the "printto" verb (quoted, as the shell passes it to the program).
    """
    if not printer or printer == default_printer:
        return "print", ""
    return "printto", f'"{printer}"'


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
    """The CUPS command that prints `pages` (0-based, consecutive) of the PDF at `path`.

    No `printer`: CUPS's default printer.
    """
    command = ["lp", *(["-d", printer] if printer else []), "-n", str(max(copies, 1)),
               "-t", title]
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
    to_file = (printer.outputFormat() == QPrinter.OutputFormat.PdfFormat
               and bool(printer.outputFileName()))
    where = print_path(sys.platform, to_file=to_file, printer=printer.printerName(),
                       lp_found=shutil.which("lp") is not None)
    if where == "file":
        return _write_pdf(path, printer, progress)
    if where == "lp":
        return _send_to_cups(path, printer, progress)
    if where == "shell":
        return send_to_shell(path, printer, progress)
    return Printed(_paint_pages(path, printer, progress, cancelled), printer=printer.printerName())


def _pages_as_asked(path: Path, printer: QPrinter, target: Path) -> int:
    """Write the pages the dialog asked for, each copy in turn, to `target`; how many pages.

    Raises:
        OSError: `target` could not be written.
    """
    reader = PdfReader(path)
    pages = pages_to_print(printer, len(reader.pages))
    copies = max(printer.copyCount(), 1)  # the program prints the file once
    writer = PdfWriter()
    for _copy in range(copies):
        for page in pages:
            writer.add_page(reader.pages[page])
    with atomic_write(target) as out:
        writer.write(out)
    return len(pages)


def send_to_shell(path: Path, printer: QPrinter, progress: Progress,
                  default_printer: str | None = None) -> Printed:
    """Windows: the PDF goes to the program the shell prints PDF files with (its vector pages).

    The pages and copies asked for are written to a file in the temporary
    folder, which the shell hands to that program (it reads the file after this
    returns, so the file stays until the next print job replaces it).

    Raises:
        BadInputError: no program is set up to print PDF files, or the file
            could not be written.
    """
    name = printer.printerName()
    if default_printer is None:
        default_printer = QPrinterInfo.defaultPrinterName()
    verb, argument = shell_print_call(name, default_printer)
    folder = Path(tempfile.gettempdir()) / "ChapterDesk printing"
    target = folder / f"{printer.docName() or path.stem}.pdf"
    progress("pages", 0, 1)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        count = _pages_as_asked(path, printer, target)
    except OSError as exc:
        raise BadInputError(
            f"Could not prepare the pages to print ({exc.strerror or exc}); use Save as and "
            "print the PDF from there."
        ) from None
    startfile = getattr(os, "startfile", None)  # Windows only
    try:
        if startfile is None:
            raise OSError("os.startfile is Windows only")
        if argument:
            startfile(str(target), verb, argument)
        else:
            startfile(str(target), verb)
    except OSError:
        where = f"on {name}" if argument else "on the default printer"
        raise BadInputError(
            f"Windows has no program set up to print PDF files {where}; install a PDF reader "
            "(Adobe Acrobat Reader, SumatraPDF) and make it the program for PDF files, or "
            "use Save as and print the PDF from there."
        ) from None
    progress("pages", 1, 1)
    return Printed(count, printer=name)


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
        which = f"The printer {printer.printerName()}" if printer.printerName() else "The printer"
        raise BadInputError(
            f"{which} did not take the job{': ' + said if said else ''}"
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
