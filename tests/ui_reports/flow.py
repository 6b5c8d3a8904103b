"""Driving the Reports page as an officer does: pick a report, set its options, generate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from chapterdesk.ui.main_window import MainWindow
from tests.ui.conftest import page


def reports_page(window: MainWindow) -> Any:
    """Open the Reports page."""
    return page(window, "reports")


def generate(qtbot: QtBot, reports: Any, key: str, **options: Any) -> None:
    """Choose report `key`, fill in its options, press Generate and wait for the run to end."""
    reports.choose(key)
    form = reports.options
    if "year" in options:
        form.year.setValue(options["year"])
    if "receipt" in options:
        form.receipt.setText(options["receipt"])
    if "sheet" in options:
        form.sheet.setCurrentIndex(form.sheet.findData(options["sheet"]))
    if "everyone" in options:
        form.who.setCurrentIndex(form.who.findData(options["everyone"]))
    if "suffix" in options:
        form.file_format.setCurrentIndex(form.file_format.findData(options["suffix"]))
    reports.generate_button.click()
    qtbot.waitUntil(lambda: not reports.busy(), timeout=20_000)


def pdf_pages(path: Path) -> int:
    """The page count pypdf reads from a PDF file."""
    return len(PdfReader(path).pages)
