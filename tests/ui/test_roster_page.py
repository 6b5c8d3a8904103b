"""The Roster page as an officer uses it: search, filter, add, edit, leave, undo, copy, export."""

from __future__ import annotations

import csv
import datetime as dt
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from chapterdesk.data.engine import Database
from chapterdesk.services.hq.reconcile import reconcile
from chapterdesk.services.roster import members as roster
from chapterdesk.services.roster import query as roster_query
from chapterdesk.services.roster.query import RosterFilter
from chapterdesk.standing import Standing
from chapterdesk.ui.dialogs import AddMemberDialog, LeaveDialog
from chapterdesk.ui.main_window import MainWindow
from chapterdesk.ui.roster_model import RosterModel
from tests.ui.conftest import Asked, page, saved, settle


def select_rows(view_page, rows: list[int]) -> None:  # type: ignore[no-untyped-def]
    model, selection = view_page.model, view_page.table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag
    selection.setCurrentIndex(model.index(rows[0], 0), flags.ClearAndSelect | flags.Rows)
    for row in rows[1:]:
        selection.select(model.index(row, 0), flags.Select | flags.Rows)


def test_search_as_you_type_filters_the_table(qtbot: QtBot, window: MainWindow,
                                              demo_db: Database) -> None:
    roster_page = page(window, "roster")
    assert roster_page.model.rowCount() == 120
    assert roster_page.shown.text() == "120 members shown"
    target = roster.list_members(demo_db)[5]
    qtbot.keyClicks(roster_page.search, target.hq_id)
    qtbot.waitUntil(lambda: roster_page.model.rowCount() == 1)
    assert roster_page.model.index(0, 0).data() == target.hq_id
    roster_page.search.clear()
    qtbot.keyClicks(roster_page.search, target.hq.last_name.lower())
    qtbot.waitUntil(lambda: roster_page.model.rowCount() < 120)
    names = {roster_page.model.index(r, 1).data() for r in range(roster_page.model.rowCount())}
    assert target.hq.sort_name in names


def test_filters_by_standing_category_and_office(qtbot: QtBot, window: MainWindow,
                                                 demo_db: Database) -> None:
    roster_page = page(window, "roster")
    lapsed = len(roster.list_members(demo_db, standing=Standing.LAPSED))
    roster_page.standing.setCurrentIndex(roster_page.standing.findText("Lapsed"))
    roster_page.standing.activated.emit(roster_page.standing.currentIndex())
    settle(qtbot, window)
    assert roster_page.model.rowCount() == lapsed > 0
    assert {roster_page.model.index(r, 3).data() for r in range(lapsed)} == {"lapsed"}
    roster_page.standing.setCurrentIndex(0)
    roster_page.category.setCurrentIndex(roster_page.category.findText("Associate"))
    roster_page.category.activated.emit(roster_page.category.currentIndex())
    settle(qtbot, window)
    associates = len(roster.list_members(demo_db, category="Associate"))
    assert roster_page.model.rowCount() == associates > 0
    roster_page.category.setCurrentIndex(0)
    roster_page.officer.setCurrentIndex(1)
    roster_page.officer.activated.emit(1)
    settle(qtbot, window)
    assert roster_page.model.rowCount() == 7
    assert all(roster_page.model.index(r, 9).data() for r in range(7))


def test_clicking_a_header_sorts_in_sql(qtbot: QtBot, window: MainWindow) -> None:
    roster_page = page(window, "roster")
    header = roster_page.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=header.viewport().rect().topLeft()
                     + type(header.viewport().rect().topLeft())(header.sectionPosition(0) + 5, 5))
    settle(qtbot, window)
    ids = [roster_page.model.index(r, 0).data() for r in range(120)]
    assert ids == sorted(ids, key=lambda i: (len(i), i))


def test_dashboard_figure_opens_the_filtered_roster(qtbot: QtBot, window: MainWindow,
                                                    demo_db: Database) -> None:
    dashboard = page(window, "dashboard")
    qtbot.waitUntil(lambda: dashboard.figures is not None)
    lapsed = roster.standing_counts(demo_db)[Standing.LAPSED]
    button = next(b for b in dashboard.findChildren(type(window.welcome.demo_button))
                  if b.text().endswith(" lapsed"))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    roster_page = window.pages["roster"]
    assert window.current_page() is roster_page
    assert roster_page.standing.currentText() == "Lapsed"
    assert roster_page.model.rowCount() == lapsed


def test_add_member_shows_hq_record_then_adds_and_undo_takes_it_back(
    qtbot: QtBot, window: MainWindow, demo_db: Database, asked: Asked
) -> None:
    unlisted = reconcile(demo_db).unlisted
    good = next(u.hq for u in unlisted if u.standing is Standing.GOOD)
    lapsed = next(u.hq for u in unlisted if u.standing is Standing.LAPSED)
    roster_page = page(window, "roster")

    def refused(dialog: QDialog) -> bool:
        assert isinstance(dialog, AddMemberDialog)
        qtbot.keyClicks(dialog.hq_id, lapsed.hq_id)
        qtbot.mouseClick(dialog.lookup_button, Qt.MouseButton.LeftButton)
        assert lapsed.last_name in dialog.record.text()
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
        assert not dialog.add_button.isEnabled()  # locked while the worker adds
        saved(qtbot, dialog)
        assert f"Cannot add {lapsed.hq_id} to the chapter" in dialog.message.text()
        assert dialog.add_button.isEnabled() and dialog.hq_id.text() == lapsed.hq_id
        assert not dialog.message.isHidden() and dialog.result() != QDialog.DialogCode.Accepted
        return False

    asked.dialog_handler = refused
    qtbot.mouseClick(roster_page.add_button, Qt.MouseButton.LeftButton)
    assert roster_page.model.rowCount() == 120

    def accepted(dialog: QDialog) -> bool:
        assert isinstance(dialog, AddMemberDialog)
        qtbot.keyClicks(dialog.hq_id, good.hq_id)
        qtbot.keyClick(dialog.hq_id, Qt.Key.Key_Return)
        assert "good standing" in dialog.record.text()
        assert dialog.joined.maximumDate() == QDate.currentDate()
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
        saved(qtbot, dialog)
        return dialog.result() == QDialog.DialogCode.Accepted

    asked.dialog_handler = accepted
    qtbot.mouseClick(roster_page.add_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert roster_page.model.rowCount() == 121
    assert roster_page.panel.detail is not None and roster_page.panel.detail.hq.hq_id == good.hq_id
    window.undo_action.trigger()
    settle(qtbot, window)
    assert roster_page.model.rowCount() == 120
    assert roster.member_detail(demo_db, good.hq_id).current is None
    window.redo_action.trigger()
    settle(qtbot, window)
    assert roster.member_detail(demo_db, good.hq_id).current is not None
    assert roster_page.model.rowCount() == 121


def test_chapter_facts_refused_then_saved_then_undone(
    qtbot: QtBot, window: MainWindow, demo_db: Database
) -> None:
    roster_page = page(window, "roster")
    select_rows(roster_page, [3])
    settle(qtbot, window)  # the member panel reads on the worker
    panel = roster_page.panel
    hq_id = panel.detail.hq.hq_id
    before = roster.member_detail(demo_db, hq_id).current.membership
    # The editor stops at today; a future day that gets through is refused by the service.
    assert panel.joined.maximumDate() == QDate.currentDate()
    panel.joined.setDate(QDate(2999, 1, 1))
    assert panel.joined.date() == QDate.currentDate()
    panel.joined.setMaximumDate(QDate(3000, 1, 1))
    panel.joined.setDate(QDate(2999, 1, 1))
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert "is in the future; record the member on or after the day they join" in (
        panel.facts_message.text())
    assert roster.member_detail(demo_db, hq_id).current.membership == before
    panel.joined.setDate(QDate(2020, 2, 2))
    panel.notes.setPlainText("Chairs the programme committee.")
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert panel.facts_message.text().startswith("Saved")
    after = roster.member_detail(demo_db, hq_id).current.membership
    assert (after.chapter_joined_on, after.notes) == (
        dt.date(2020, 2, 2), "Chairs the programme committee.")
    assert window.undo_action.isEnabled()
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window)
    assert roster.member_detail(demo_db, hq_id).current.membership == before
    assert panel.joined.date().toPython() == before.chapter_joined_on
    settle(qtbot, window)


def test_leave_chapter_and_undo(qtbot: QtBot, window: MainWindow, demo_db: Database,
                                asked: Asked) -> None:
    roster_page = page(window, "roster")
    officers_ids = {t for t in roster_query.ordered_ids(demo_db, RosterFilter(officer=True))}
    row = next(r for r in range(120) if roster_page.model.row_at(r).membership_id
               not in officers_ids)
    select_rows(roster_page, [row])
    settle(qtbot, window)  # the member panel reads on the worker
    hq_id = roster_page.panel.detail.hq.hq_id

    def leave(dialog: QDialog) -> bool:
        assert isinstance(dialog, LeaveDialog)
        dialog.reason.setCurrentText("Moved away")
        dialog.record()
        saved(qtbot, dialog)
        return dialog.result() == QDialog.DialogCode.Accepted

    asked.dialog_handler = leave
    qtbot.mouseClick(roster_page.panel.leave_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert roster_page.model.rowCount() == 119
    history = roster.member_detail(demo_db, hq_id).history
    assert history[-1].leave_reason == "Moved away"
    window.undo_action.trigger()
    settle(qtbot, window)
    assert roster_page.model.rowCount() == 120
    assert roster.member_detail(demo_db, hq_id).current is not None
    settle(qtbot, window)


def test_copy_emails_of_the_selection(qtbot: QtBot, window: MainWindow) -> None:
    roster_page = page(window, "roster")
    select_rows(roster_page, [0, 1, 4])
    qtbot.mouseClick(roster_page.copy_button, Qt.MouseButton.LeftButton)
    expected = "; ".join(roster_page.model.index(r, 6).data() for r in (0, 1, 4))
    assert QGuiApplication.clipboard().text() == expected
    assert "Copied 3 e-mail addresses" in window.statusBar().currentMessage()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_writes_the_filtered_list(qtbot: QtBot, window: MainWindow, asked: Asked,
                                         tmp_path: Path, suffix: str) -> None:
    roster_page = page(window, "roster")
    roster_page.standing.setCurrentIndex(roster_page.standing.findText("Not in good standing"))
    roster_page.apply_filter()
    settle(qtbot, window)
    shown = roster_page.model.rowCount()
    asked.save_path = tmp_path / f"problems{suffix}"
    qtbot.mouseClick(roster_page.export_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    if suffix == ".csv":
        with asked.save_path.open(encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
    else:
        from openpyxl import load_workbook

        rows = [list(r) for r in load_workbook(asked.save_path).active.iter_rows(values_only=True)]
    assert rows[0][:2] == ["HQ ID", "Name"] and "Standing" in rows[0]
    assert len(rows) == shown + 1
    assert "good standing" not in {row[rows[0].index("Standing")] for row in rows[1:]}


def test_export_writes_dates_as_date_cells(qtbot: QtBot, window: MainWindow, asked: Asked,
                                           tmp_path: Path) -> None:
    from openpyxl import load_workbook

    roster_page = page(window, "roster")
    asked.save_path = tmp_path / "roster.xlsx"
    qtbot.mouseClick(roster_page.export_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    rows = [list(r) for r in load_workbook(asked.save_path).active.iter_rows(values_only=True)]
    assert "Chapter joined" not in rows[0]  # hidden by default, so not exported
    paid = rows[0].index("Paid through")
    assert len(rows) == 121
    dates = [row[paid] for row in rows[1:] if row[paid] is not None]
    assert dates and all(isinstance(day, dt.datetime) for day in dates)
    assert f"Exported 120 members to {asked.save_path}" in window.statusBar().currentMessage()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_cancelled_export_leaves_the_previous_file(
    qtbot: QtBot, window: MainWindow, asked: Asked, tmp_path: Path, suffix: str
) -> None:
    roster_page = page(window, "roster")
    (tmp_path / "out").mkdir()
    asked.save_path = tmp_path / "out" / f"roster{suffix}"
    asked.save_path.write_bytes(b"last month's export")
    gate = threading.Event()
    window.tasks.run(lambda _p, _c: gate.wait(15), title="Ahead in the queue",
                     on_done=lambda _r: None, show_progress=False)
    qtbot.mouseClick(roster_page.export_button, Qt.MouseButton.LeftButton)
    (export,) = [t for t in window.tasks.active if t.title == "Exporting the roster"]
    export.cancel()  # the officer cancels before the worker reaches the export
    gate.set()
    settle(qtbot, window)
    assert asked.save_path.read_bytes() == b"last month's export"
    leftovers = [p.name for p in asked.save_path.parent.iterdir() if p != asked.save_path]
    assert leftovers == []  # the temporary file was removed
    assert "Exported" not in window.statusBar().currentMessage()
    assert asked.messages == []


def test_hidden_columns_are_remembered(qtbot: QtBot, window: MainWindow,
                                       demo_db: Database) -> None:
    roster_page = page(window, "roster")
    roster_page.set_column_visible("email", False)
    window.close()
    again = MainWindow(demo_db)
    qtbot.addWidget(again)
    settle(qtbot, again)
    assert "email" in again.pages["roster"].hidden_columns()


@pytest.mark.parametrize(
    "wanted",
    [
        RosterFilter(),
        RosterFilter(search="an"),
        RosterFilter(standings=frozenset({Standing.GRACE})),
    ],
)
def test_roster_model_passes_the_model_tester(qtmodeltester, demo_db: Database,  # type: ignore[no-untyped-def]
                                              wanted: RosterFilter) -> None:
    model = RosterModel(demo_db)
    model.set_filter(wanted)
    qtmodeltester.check(model, force_py=True)


def test_showing_every_column_is_remembered_too(qtbot: QtBot, window: MainWindow,
                                                demo_db: Database) -> None:
    roster_page = page(window, "roster")
    for key in list(roster_page.hidden_columns()):
        roster_page.set_column_visible(key, True)
    assert roster_page.hidden_columns() == []
    window.close()
    again = MainWindow(demo_db)
    qtbot.addWidget(again)
    settle(qtbot, again)
    assert again.pages["roster"].hidden_columns() == []


def test_an_initial_typed_on_into_a_word_finds_everyone_the_word_finds(
    qtbot: QtBot, window: MainWindow, demo_db: Database
) -> None:
    """A one-letter search finds name words starting with it; one more letter looks anywhere.

    So the page must not look for "jo" only among what "j" found (a "Major" would be missed).
    """

    def keys(text: str) -> set[int]:
        return roster_query.matching_ids(demo_db, RosterFilter(search=text))

    letters = "abcdefghijklmnopqrstuvwxyz"
    first, second = next(
        (a, b) for a in letters for b in letters if keys(a + b) - keys(a) and keys(a)
    )
    roster_page = page(window, "roster")
    qtbot.keyClicks(roster_page.search, first)
    qtbot.waitUntil(lambda: roster_page.model.rowCount() == len(keys(first)))
    qtbot.keyClicks(roster_page.search, second)
    wanted = keys(first + second)
    qtbot.waitUntil(lambda: roster_page.model.rowCount() == len(wanted))
    shown = {roster_page.model.index(r, 0).data() for r in range(roster_page.model.rowCount())}
    assert shown == {r.hq_id for r in roster_query.rows_for(demo_db, sorted(wanted))}
