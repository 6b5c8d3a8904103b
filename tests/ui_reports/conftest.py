"""Reports page fixtures: the main window on the demo chapter (SQLite only), dialogs recorded.

The window, the recorded `ask` seam and the fresh settings come from the UI
tests' fixtures; `printer_file` makes the print dialog "choose" a PDF file
printer, so printing runs to its end without a human or a real printer.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinter

from chapterdesk.ui import ask
from tests.ui.conftest import asked, engine_name, fresh_settings, window  # noqa: F401


@pytest.fixture
def printer_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the print dialog sends the next print job (a PDF file printer); its path."""
    target = tmp_path / "printed.pdf"

    def print_dialog(_parent: object, printer: QPrinter) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        return True

    monkeypatch.setattr(ask, "print_dialog", print_dialog)
    return target
