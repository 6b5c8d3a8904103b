"""Where a print job goes on each system, and the Windows path that sends the PDF itself.

Printing sends the PDF's own vector pages wherever the system has a print
path for PDF files: CUPS's `lp` on Linux and macOS, the shell's "print" verb
(the program Windows prints PDF files with) on Windows; only a Linux without
`lp` paints page images. The choice is a pure function, checked here for every
platform name; the Windows hand-over is run with a stand-in for
`os.startfile`, which exists only on Windows, and the file it is given is a
real PDF read back.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication
from reportlab.pdfgen.canvas import Canvas

from chapterdesk.errors import BadInputError
from chapterdesk.ui.reports.printing import print_path, send_to_shell, shell_print_call


@pytest.mark.parametrize(
    ("platform", "to_file", "printer", "lp_found", "where"),
    [
        ("win32", False, "Office Laser", False, "shell"),
        ("win32", False, "", False, "shell"),
        ("win32", True, "", False, "file"),  # Print to PDF: the text PDF itself, everywhere
        ("darwin", False, "Office_Laser", True, "lp"),
        ("darwin", False, "", True, "lp"),  # CUPS's default printer
        ("darwin", True, "", True, "file"),
        ("linux", False, "Office_Laser", True, "lp"),
        ("linux", True, "Office_Laser", True, "file"),
        ("linux", False, "Office_Laser", False, "paint"),  # no CUPS: page images, last resort
        ("linux", False, "", True, "paint"),
    ],
)
def test_each_system_prints_through_its_own_print_path(
    platform: str, to_file: bool, printer: str, lp_found: bool, where: str
) -> None:
    assert print_path(platform, to_file=to_file, printer=printer, lp_found=lp_found) == where


def test_windows_names_the_printer_only_when_it_is_not_the_default() -> None:
    assert shell_print_call("", "Front Desk") == ("print", "")
    assert shell_print_call("Front Desk", "Front Desk") == ("print", "")
    assert shell_print_call("Office Laser", "Front Desk") == ("printto", '"Office Laser"')


def _report(path: Path, pages: int) -> Path:
    canvas = Canvas(str(path))
    for number in range(1, pages + 1):
        canvas.drawString(72, 720, f"Membership directory, page {number} of {pages}")
        canvas.showPage()
    canvas.save()
    return path


def _printer(first: int, last: int, copies: int) -> QPrinter:
    printer = QPrinter()
    printer.setDocName("Membership directory")
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(first, last)
    printer.setCopyCount(copies)
    return printer


def test_windows_hands_the_pages_asked_for_to_the_pdf_program(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = _report(tmp_path / "directory.pdf", 4)
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the system's temporary folder
    monkeypatch.setattr(os, "startfile", lambda *args: calls.append(args), raising=False)
    printer = _printer(2, 3, 2)
    steps: list[tuple[str, int, int]] = []
    printed = send_to_shell(report, printer, lambda *s: steps.append(s),
                            default_printer=printer.printerName())
    [(sent, verb)] = calls
    assert verb == "print"
    assert printed.pages == 2 and printed.sentence().startswith("Sent 2 pages to the printer")
    texts = [page.extract_text().strip() for page in PdfReader(sent).pages]
    assert texts == [f"Membership directory, page {n} of 4" for n in (2, 3, 2, 3)]  # 2 copies
    assert Path(sent) == tmp_path / "ChapterDesk printing" / "Membership directory.pdf"
    assert steps[-1] == ("pages", 1, 1)


@pytest.mark.parametrize("startfile", ["refuses", "absent"])
def test_windows_without_a_pdf_program_says_what_to_do(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, startfile: str
) -> None:
    report = _report(tmp_path / "directory.pdf", 2)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def refuses(*_args: Any) -> None:
        raise OSError(1155, "No application is associated with the specified file")

    if startfile == "refuses":
        monkeypatch.setattr(os, "startfile", refuses, raising=False)
    else:
        monkeypatch.delattr(os, "startfile", raising=False)
    printer = _printer(1, 2, 1)
    with pytest.raises(BadInputError) as refused:
        send_to_shell(report, printer, lambda *_s: None, default_printer=printer.printerName())
    assert refused.value.message.startswith(
        "Windows has no program set up to print PDF files on the default printer; install a "
        "PDF reader")
    assert "use Save as and print the PDF from there" in refused.value.message
