"""The Reports page: every PDF previewed, cancel, save as, exports, print, errors, the model."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from PySide6.QtCore import QTimer
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from chapterdesk.data.ledger_models import LedgerEntry
from chapterdesk.services.roster.voters import voting_list
from chapterdesk.ui import ask, settings
from chapterdesk.ui.main_window import MainWindow
from chapterdesk.ui.reports.models import EXPORT_ROLE, KEY_ROLE, ReportListModel
from tests.reports_content.pdftext import pages_text
from tests.ui.conftest import Asked
from tests.ui_reports.flow import generate, pdf_pages, reports_page


def first_receipt(window: MainWindow) -> int:
    """A receipt number the demo chapter's ledger holds."""
    with window.ctx.db.reading() as session:  # type: ignore[union-attr]
        return int(session.execute(select(func.min(LedgerEntry.receipt_no))).scalar_one())


def test_each_pdf_report_is_shown_in_the_preview(qtbot: QtBot, window: MainWindow) -> None:
    reports = reports_page(window)
    assert reports.result_title.text() == "No report generated yet"
    assert not reports.save_button.isEnabled() and not reports.print_button.isEnabled()
    runs = [
        ("dues", {"year": reports.options.year.value()}),
        ("statements", {}),
        ("receipt", {"receipt": str(first_receipt(window))}),
        ("directory", {}),
        ("compliance", {}),
        ("voters", {}),
        ("labels", {"sheet": "5160", "everyone": False}),
        ("labels", {"sheet": "L7160", "everyone": True}),
    ]
    for key, options in runs:
        generate(qtbot, reports, key, **options)
        shown = reports.shown
        assert shown is not None and shown.is_pdf, (key, reports.message.text())
        pages = pdf_pages(shown.path)
        assert reports.preview.page_count() == pages > 0
        assert reports.preview.position.text() == f"Page 1 of {pages}"
        assert reports.results.currentWidget() is reports.preview
        noun = "page" if pages == 1 else "pages"
        assert f"{pages} {noun}" in reports.result_title.text()
        assert reports.print_button.isEnabled() and reports.save_button.isEnabled()
        # only the report shown is kept in the private folder
        assert list(reports.folder.iterdir()) == [shown.path]
    assert "Avery L7160" in reports.options.sheet.currentText()


def test_voting_list_is_offered_and_generated_off_the_ui_thread(
    qtbot: QtBot, window: MainWindow
) -> None:
    reports = reports_page(window)
    row = reports.model.row_of("voters")
    assert reports.model.index(row, 0).data() == "Voting list"
    reports.list.setCurrentIndex(reports.model.index(row, 0))  # the officer picks it
    assert reports.options_box.title() == "Voting list"
    assert "quorum" in reports.description.text() and not reports.options.isVisible()
    reports.generate_button.click()
    assert reports.busy(), "the list is written by the task runner, not on the UI thread"
    qtbot.waitUntil(lambda: not reports.busy(), timeout=20_000)
    shown = reports.shown
    assert shown is not None and shown.is_pdf, reports.message.text()
    expected = voting_list(window.ctx.db)
    assert shown.count == expected.count > 0
    assert f"{expected.count:,} eligible voters" in reports.result_title.text()
    assert reports.preview.page_count() == pdf_pages(shown.path)
    text = " ".join(" ".join(pages_text(shown.path)).split())
    assert f"Quorum: {expected.quorum:,} ({expected.quorum_rule})." in text
    first, last = expected.voters[0], expected.voters[-1]
    assert f"1 {first.sort_name} {first.hq_id}" in text
    assert f"{expected.count:,} {last.sort_name} {last.hq_id}" in text
    assert reports.shown_kind.file_name(reports.shown_choices).startswith("Voting list 20")


def test_preview_pages_and_zoom(qtbot: QtBot, window: MainWindow) -> None:
    reports = reports_page(window)
    generate(qtbot, reports, "statements")
    preview = reports.preview
    count = preview.page_count()
    assert count > 2 and not preview.previous.isEnabled()
    preview.next.click()
    qtbot.waitUntil(lambda: preview.position.text() == f"Page 2 of {count}")
    preview.go_to_page(count + 5)
    qtbot.waitUntil(lambda: preview.position.text() == f"Page {count} of {count}")
    assert not preview.next.isEnabled() and preview.previous.isEnabled()
    assert preview.fit_width.isChecked() and not preview.zoom_label.isVisible()
    preview.zoom_in.click()
    assert preview.zoom_label.text().endswith("%") and preview.zoom_label.isVisible()
    assert not preview.fit_width.isChecked()
    before = preview.view.zoomFactor()
    preview.zoom_in.click()
    assert preview.view.zoomFactor() > before
    preview.fit_page.click()
    assert preview.fit_page.isChecked() and not preview.zoom_label.isVisible()


def test_cancelled_report_leaves_no_file(qtbot: QtBot, window: MainWindow) -> None:
    reports = reports_page(window)
    reports.choose("statements")
    reports.generate_button.click()
    assert reports.busy() and not reports.generate_button.isEnabled()
    reports.task.cancel()  # what the progress dialog's Cancel button does
    qtbot.waitUntil(lambda: not reports.busy(), timeout=20_000)
    assert "cancelled" in reports.message.text()
    assert list(reports.folder.iterdir()) == []
    assert reports.shown is None and reports.results.currentWidget() is reports.placeholder
    assert reports.generate_button.isEnabled() and not reports.save_button.isEnabled()


def test_save_as_copies_the_previewed_file(
    qtbot: QtBot, window: MainWindow, asked: Asked, tmp_path: Path
) -> None:
    reports = reports_page(window)
    generate(qtbot, reports, "dues")
    board = tmp_path / "board"
    board.mkdir()
    asked.save_path = board / "November board meeting"  # the suffix is added
    reports.save_button.click()
    qtbot.waitUntil(lambda: not reports.busy(), timeout=10_000)
    saved = board / "November board meeting.pdf"
    assert saved.read_bytes() == reports.shown.path.read_bytes()
    assert settings.LAST_REPORT_FOLDER.get() == str(board)
    assert f"Saved {saved.name} in {board}" in reports.message.text()
    assert [p.name for p in board.iterdir()] == [saved.name]  # no temporary file left

    asked.save_path = tmp_path / "no such folder" / "dues.pdf"
    reports.save_button.click()
    qtbot.waitUntil(lambda: not reports.busy(), timeout=10_000)
    assert "the folder" in reports.message.text() and "does not exist" in reports.message.text()
    assert "#a4262c" in reports.message.styleSheet()  # shown as a refusal
    asked.save_path = None  # the officer cancels the dialog: nothing happens
    reports.save_button.click()
    assert not reports.busy()


def test_roster_export_to_xlsx_and_dues_to_csv(
    qtbot: QtBot, window: MainWindow, asked: Asked, tmp_path: Path
) -> None:
    reports = reports_page(window)
    generate(qtbot, reports, "export_roster", suffix=".xlsx")
    shown = reports.shown
    assert shown is not None and not shown.is_pdf and shown.rows
    assert reports.results.currentWidget() is reports.summary
    assert f"{shown.rows:,} rows written" in reports.summary.text()
    assert not reports.print_button.isEnabled()
    asked.save_path = tmp_path / "roster.xlsx"
    reports.save_button.click()
    qtbot.waitUntil(lambda: not reports.busy(), timeout=10_000)
    book = openpyxl.load_workbook(asked.save_path, read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    assert len(rows) == shown.rows + 1 and "Member ID" in rows[0]

    reports.options.all_years.setChecked(True)
    generate(qtbot, reports, "export_dues", suffix=".csv")
    assert reports.shown.path.suffix == ".csv"
    assert reports.shown.path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert reports.shown_kind.file_name(reports.shown_choices) == "Chapter dues.csv"


def test_print_sends_every_page_to_the_printer(
    qtbot: QtBot, window: MainWindow, printer_file: Path
) -> None:
    reports = reports_page(window)
    window.go_to("dashboard")
    window.print_action.trigger()  # Ctrl+P with nothing generated: the page says what to do
    assert window.current_page() is reports
    assert "Generate a PDF report first" in reports.message.text()
    assert not printer_file.exists()

    generate(qtbot, reports, "directory")
    window.print_action.trigger()
    qtbot.waitUntil(lambda: not reports.busy(), timeout=20_000)
    pages = reports.preview.page_count()
    assert pdf_pages(printer_file) == pages
    assert reports.message.text() == (
        f"Sent {pages} pages to printed.pdf in {printer_file.parent} (a text PDF, as Save as "
        "writes it)."
    )
    assert window.print_action.shortcut().toString() == "Ctrl+P"
    # The PDF's own vector pages, not page images: the same file Save as writes, with its text.
    assert printer_file.read_bytes() == reports.shown.path.read_bytes()
    assert printer_file.stat().st_size < 1_000_000
    text = subprocess.run(["pdftotext", str(printer_file), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Membership directory" in text and f"Page {pages} of {pages}" in text


def test_print_to_pdf_of_a_page_range_keeps_the_text_of_those_pages(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "two pages.pdf"

    def print_dialog(_parent: object, printer: QPrinter) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        printer.setPrintRange(QPrinter.PrintRange.PageRange)
        printer.setFromTo(2, 3)
        return True

    monkeypatch.setattr(ask, "print_dialog", print_dialog)
    reports = reports_page(window)
    generate(qtbot, reports, "directory")
    assert reports.preview.page_count() >= 3
    window.print_action.trigger()
    qtbot.waitUntil(lambda: not reports.busy(), timeout=20_000)
    assert pdf_pages(target) == 2
    assert reports.message.text().startswith("Sent 2 pages to two pages.pdf")
    whole = PdfReader(reports.shown.path)
    cut = PdfReader(target)
    assert [p.extract_text() for p in cut.pages] == [
        whole.pages[1].extract_text(), whole.pages[2].extract_text()
    ]
    assert cut.pages[0].extract_text().strip()  # real text, not an image


def test_the_system_print_command_asks_for_the_range_and_copies() -> None:
    from chapterdesk.ui.reports.printing import lp_command

    assert lp_command("Office", 2, [1, 2, 3], "Roster", Path("/tmp/r.pdf")) == [
        "lp", "-d", "Office", "-n", "2", "-t", "Roster", "-P", "2-4", "--", "/tmp/r.pdf"
    ]


@pytest.mark.parametrize(
    ("typed", "sentence"),
    [
        ("99999999", "There is no payment with receipt number 99999999"),
        ("twelve", "“twelve” is not a receipt number; type the number printed on the receipt"),
        ("", "No receipt number was given"),
    ],
)
def test_receipt_errors_are_shown_as_sentences(
    qtbot: QtBot, window: MainWindow, asked: Asked, typed: str, sentence: str
) -> None:
    reports = reports_page(window)
    generate(qtbot, reports, "receipt", receipt=typed)
    assert sentence in reports.message.text()
    assert "#a4262c" in reports.message.styleSheet()
    assert reports.shown is None and list(reports.folder.iterdir()) == []
    assert asked.messages == []  # inline, no dialog and no traceback


def test_event_loop_keeps_turning_while_a_report_is_generated(
    qtbot: QtBot, window: MainWindow
) -> None:
    reports = reports_page(window)
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    reports.choose("statements")
    started = time.monotonic()
    reports.generate_button.click()
    qtbot.waitUntil(lambda: not reports.busy(), timeout=20_000)
    took = time.monotonic() - started
    timer.stop()
    during = [t for t in ticks if t <= started + took]
    assert reports.shown is not None
    assert len(during) >= 3, f"the UI thread froze for {took:.2f}s"
    gaps = [b - a for a, b in zip([started, *during], during, strict=False)]
    assert max(gaps) < 0.5


def test_report_list_model(qtmodeltester: object, qtbot: QtBot) -> None:
    model = ReportListModel()
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    titles = [model.index(row, 0).data() for row in range(model.rowCount())]
    assert titles == [
        "Dues report", "Member statements", "Receipt", "Roster / directory",
        "Compliance report", "Voting list", "Mailing labels", "Export roster", "Export dues",
        "Chapter report to HQ",
    ]
    assert model.index(0, 0).data(KEY_ROLE) == "dues"
    assert model.index(5, 0).data(KEY_ROLE) == "voters"
    assert model.index(7, 0).data(EXPORT_ROLE) is True
    assert model.index(0, 0).data(EXPORT_ROLE) is False
