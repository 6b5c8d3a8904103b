"""Every change the window makes is written on the worker, and pages re-read only what it touched.

As start-up is held to not importing SQLAlchemy before the first paint, the
window is held here to never writing on the UI thread: a listener on the
writing engine records every INSERT, UPDATE or DELETE executed on the main
thread while an officer's session is driven through the window.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QDate, QItemSelectionModel, QObject, Qt
from PySide6.QtWidgets import QDialog, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import event, update

from chapterdesk.data.engine import Database
from chapterdesk.data.models import HqMember
from chapterdesk.names import in_sentence
from chapterdesk.services import chapter, dues
from chapterdesk.services.hq.reconcile import reconcile
from chapterdesk.services.roster import members as roster
from chapterdesk.services.roster import officers as officers
from chapterdesk.services.roster import query as roster_query
from chapterdesk.services.roster.query import RosterFilter
from chapterdesk.standing import Standing
from chapterdesk.ui.dialogs import AddMemberDialog, LeaveDialog
from chapterdesk.ui.dues.dialogs import PaymentDialog, ReasonDialog
from chapterdesk.ui.dues.target import DuesTarget
from chapterdesk.ui.main_window import MainWindow
from chapterdesk.ui.pages.settings_page import CategoryDialog
from tests.ui.conftest import Asked, page, saved, settle

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def ui_thread_writes(demo_db: Database) -> Iterator[list[str]]:
    """Every INSERT, UPDATE or DELETE the writing engine executes on the UI (main) thread."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if threading.current_thread() is threading.main_thread() and (
            statement.lstrip().upper().startswith(WRITES)
        ):
            seen.append(statement.split("\n")[0][:120])

    event.listen(demo_db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(demo_db.engine, "before_cursor_execute", record)


def select_member(qtbot: QtBot, window: MainWindow, hq_id: str) -> Any:
    """Find a member in the roster by HQ ID and select them; returns the roster page."""
    roster_page = page(window, "roster")
    roster_page.show_filter(RosterFilter(search=hq_id))
    settle(qtbot, window)
    roster_page.table.selectionModel().setCurrentIndex(
        roster_page.model.index(0, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    settle(qtbot, window)  # the member panel reads on the worker
    assert roster_page.panel.detail.hq.hq_id == hq_id
    return roster_page


def button(widget: Any, text: str) -> QPushButton:
    """The push button in a widget with this text."""
    return next(b for b in widget.findChildren(QPushButton) if b.text() == text)


def a_member_who_may_leave(db: Database) -> str:
    """A current member who holds no office (their leave can be taken back)."""
    in_office = {t.hq_id for t in officers.list_officers(db, all_terms=True)}
    return next(m.hq_id for m in roster.list_members(db) if m.hq_id not in in_office)


def test_the_listener_sees_a_write_made_on_the_ui_thread(
    ui_thread_writes: list[str], demo_db: Database
) -> None:
    # The recorder below is worth something only if it catches what it looks for.
    chapter.save_category(demo_db, None, code="HON", name="Honorary", may_vote=False,
                          may_hold_office=False, eligible=True)
    assert any(s.startswith("INSERT INTO membership_category") for s in ui_thread_writes)


def test_a_change_is_made_on_the_worker_and_heard_on_the_ui_thread(
    qtbot: QtBot, asked: Asked, demo_db: Database
) -> None:
    from chapterdesk.ui.context import AppContext
    from chapterdesk.ui.tasks import TaskRunner

    # Owned by one parent that is deleted on this thread at the end, as the window owns
    # them (left to Python, a cycle could be collected on some later test's worker thread).
    owner = QObject()
    runner = TaskRunner(owner)
    ctx = AppContext(demo_db, runner, owner)
    heard: list[tuple[set[str], bool]] = []
    ctx.on_changes(ctx, ("settings",), lambda c: heard.append(
        (set(c.kinds), threading.current_thread() is threading.main_thread())))
    ignored: list[Any] = []
    ctx.on_changes(ctx, ("ledger",), ignored.append)
    threads: list[bool] = []
    results: list[Any] = []

    def work() -> Any:
        threads.append(threading.current_thread() is threading.main_thread())
        return chapter.save_category(demo_db, None, code="HON", name="Honorary",
                                     may_vote=False, may_hold_office=False, eligible=True)

    ctx.change(None, "Saving a category", work, results.append)
    qtbot.waitUntil(lambda: bool(results))
    assert threads == [False] and results[0].code == "HON"
    # Heard on the UI thread, and before the change's own result (both queued, in order).
    assert heard == [({"settings"}, True)] and ignored == []
    refusals: list[str] = []
    ctx.change(None, "Saving a category", work, results.append,
               lambda exc: refusals.append(exc.message))
    qtbot.waitUntil(lambda: bool(refusals))
    assert "already uses that code" in refusals[0] and len(heard) == 1  # nothing committed
    ctx.detach()
    assert ctx._heard not in demo_db.change_listeners
    runner.shutdown()
    shiboken6.delete(owner)


def test_an_officers_session_writes_nothing_on_the_ui_thread(
    qtbot: QtBot, window: MainWindow, demo_db: Database, asked: Asked,
    ui_thread_writes: list[str],
) -> None:
    db = demo_db
    today = dt.date.today()
    newcomer = next(u.hq for u in reconcile(db).unlisted if u.standing is Standing.GOOD)

    # Add a member through the dialog.
    roster_page = page(window, "roster")

    def add(dialog: QDialog) -> bool:
        assert isinstance(dialog, AddMemberDialog)
        qtbot.keyClicks(dialog.hq_id, newcomer.hq_id)
        qtbot.keyClick(dialog.hq_id, Qt.Key.Key_Return)
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
        saved(qtbot, dialog)
        return dialog.result() == QDialog.DialogCode.Accepted

    asked.dialog_handler = add
    qtbot.mouseClick(roster_page.add_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert roster.member_detail(db, newcomer.hq_id).current is not None
    panel = roster_page.panel
    assert panel.detail.hq.hq_id == newcomer.hq_id  # the new member is selected

    # Edit their notes in the member panel and save.
    panel.notes.setPlainText("Met at the spring luncheon.")
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert roster.member_detail(db, newcomer.hq_id).current.membership.notes == (
        "Met at the spring luncheon.")

    # Leave, then Ctrl+Z takes the leave back.
    def leave(dialog: QDialog) -> bool:
        assert isinstance(dialog, LeaveDialog)
        dialog.reason.setCurrentText("Moved away")
        qtbot.mouseClick(dialog.leave_button, Qt.MouseButton.LeftButton)
        saved(qtbot, dialog)
        return dialog.result() == QDialog.DialogCode.Accepted

    asked.dialog_handler = leave
    qtbot.mouseClick(panel.leave_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert roster.member_detail(db, newcomer.hq_id).history[-1].left_on == today
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window)
    assert roster.member_detail(db, newcomer.hq_id).current is not None

    # Appoint an officer, then end the term.
    in_office = {t.hq_id for t in officers.list_officers(db)}
    able = next(m for m in roster.list_members(db)
                if m.privileges.may_hold_office and m.hq_id not in in_office)
    officers_page = page(window, "officers")
    qtbot.keyClicks(officers_page.hq_id, able.hq_id)
    officers_page.position.setCurrentIndex(officers_page.position.findData("Director"))
    qtbot.mouseClick(officers_page.appoint_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    term = next(t for t in officers.list_officers(db) if t.hq_id == able.hq_id)
    assert term.position == "Director" and term.ends_on is None
    officers_page.table.selectRow(next(n for n, (_p, t) in enumerate(officers_page.rows)
                                       if t is not None and t.id == term.id))
    qtbot.mouseClick(officers_page.end_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    ended = next(t for t in officers.list_officers(db, all_terms=True) if t.id == term.id)
    assert ended.ends_on == today

    # Record a payment, then reverse it.
    owing = roster_query.rows_for(db, roster_query.ordered_ids(db, RosterFilter(owing=True)))[0]
    window.go_to("dues", DuesTarget("payments", hq_id=owing.hq_id))
    settle(qtbot, window)
    ledger = window.pages["dues"].payments.ledger

    def pay(dialog: QDialog) -> bool:
        assert isinstance(dialog, PaymentDialog)
        dialog.amount.setText("20")
        dialog.method.setCurrentIndex(dialog.method.findText("Visa"))
        qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
        saved(qtbot, dialog)
        return bool(dialog.receipts)

    asked.dialog_handler = pay
    before = len(dues.member_balance(db, owing.hq_id).entries)
    qtbot.mouseClick(ledger.pay_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    entries = dues.member_balance(db, owing.hq_id).entries
    assert len(entries) == before + 1 and entries[-1].kind == "payment"
    assert len(ledger.model.rows) == before + 1  # the ledger shown re-read itself

    def reverse(dialog: QDialog) -> bool:
        assert isinstance(dialog, ReasonDialog)
        dialog.reason.setPlainText("entered twice")
        qtbot.mouseClick(dialog.post_button, Qt.MouseButton.LeftButton)
        saved(qtbot, dialog)
        return dialog.posted

    asked.dialog_handler = reverse
    ledger.table.selectRow(next(n for n, line in enumerate(ledger.model.rows)
                                if line.entry.id == entries[-1].id))
    qtbot.mouseClick(ledger.reverse_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    payment = next(e for e in dues.member_balance(db, owing.hq_id).entries
                   if e.id == entries[-1].id)
    assert payment.reversed_by is not None

    # Set next year's Regular rate in the Rates table.
    year = dues.dues_year(db).year + 1
    window.go_to("dues", DuesTarget("rates", year=year))
    settle(qtbot, window)
    rates = window.pages["dues"].rates.rates
    row = next(n for n, r in enumerate(rates.rows) if r.category.name == "Regular")
    assert rates.setData(rates.index(row, 1), "185")
    settle(qtbot, window)
    assert [(r.category_name, str(r.amount)) for r in dues.list_rates(db, year)] == [
        ("Regular", "185.00")]
    assert rates.index(row, 1).data() == "$185.00"

    # Add a category through its dialog.
    settings_page = page(window, "settings")

    def category(dialog: QDialog) -> bool:
        assert isinstance(dialog, CategoryDialog)
        qtbot.keyClicks(dialog.code, "LIFE")
        qtbot.keyClicks(dialog.name, "Life Member")
        dialog.save()
        saved(qtbot, dialog)
        return dialog.result() == QDialog.DialogCode.Accepted

    asked.dialog_handler = category
    qtbot.mouseClick(button(settings_page, "&Add category…"), Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert "LIFE" in {c.code for c in chapter.list_categories(db)}

    assert asked.messages == []
    assert ui_thread_writes == []


def test_a_ledger_change_does_not_reread_the_roster(
    qtbot: QtBot, window: MainWindow, demo_db: Database, asked: Asked,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = demo_db
    owing = roster_query.rows_for(db, roster_query.ordered_ids(db, RosterFilter(owing=True)))[0]
    roster_page = select_member(qtbot, window, owing.hq_id)
    settle(qtbot, window)
    reads: list[Any] = []
    real = roster_page.model.load_job
    monkeypatch.setattr(roster_page.model, "load_job",
                        lambda *a, **k: reads.append(a) or real(*a, **k))
    reloads: list[bool] = []
    roster_page.model.reloaded.connect(lambda: reloads.append(True))
    ledger = roster_page.panel.ledger
    shown = ledger.model.rowCount()

    def pay(dialog: QDialog) -> bool:
        assert isinstance(dialog, PaymentDialog)
        dialog.amount.setText("15")
        dialog.method.setCurrentIndex(dialog.method.findText("Money order"))
        dialog.record()
        saved(qtbot, dialog)
        return bool(dialog.receipts)

    asked.dialog_handler = pay
    qtbot.mouseClick(ledger.pay_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert ledger.model.rowCount() == shown + 1  # the member's ledger did re-read
    assert (reads, reloads) == ([], [])  # the roster did not
    # A change to what the roster lists does re-read it (so the counting above counts).
    roster_page.panel.notes.setPlainText("Pays by money order.")
    roster_page.panel.save_facts()
    settle(qtbot, window)
    assert len(reads) == 1 and reloads


def test_a_refused_undo_is_told_and_dropped_from_the_stack(
    qtbot: QtBot, window: MainWindow, demo_db: Database, asked: Asked
) -> None:
    db = demo_db
    hq_id = a_member_who_may_leave(db)
    roster_page = select_member(qtbot, window, hq_id)

    def leave(dialog: QDialog) -> bool:
        assert isinstance(dialog, LeaveDialog)
        dialog.record()
        saved(qtbot, dialog)
        return True

    asked.dialog_handler = leave
    qtbot.mouseClick(roster_page.panel.leave_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    stack = window.ctx.undo
    assert (stack.count(), stack.index()) == (1, 1)
    # Meanwhile HQ's data shows the member lapsed: taking the leave back would readmit them.
    with db.session() as session:
        session.execute(update(HqMember).where(HqMember.hq_id == hq_id)
                        .values(paid_through=dt.date(2001, 1, 31), hq_status="Lapsed"))
    window.undo()
    settle(qtbot, window)
    assert len(asked.texts("warn")) == 1, (asked.messages, stack.count(), stack.index(),
                                           roster.member_detail(db, hq_id).current)
    (warning,) = asked.texts("warn")
    name = in_sentence(roster.member_detail(db, hq_id).hq.display_name)
    assert warning.startswith(f"Undo of {name} leaving the chapter was refused: Cannot make")
    assert "lapsed" in warning
    assert roster.member_detail(db, hq_id).current is None  # still left
    assert (stack.count(), stack.index()) == (0, 0)  # the step is gone, nothing to redo
    assert not window.undo_action.isEnabled() and not window.redo_action.isEnabled()


def test_a_refused_redo_is_dropped_too(
    qtbot: QtBot, window: MainWindow, demo_db: Database, asked: Asked
) -> None:
    db = demo_db
    newcomer = next(u.hq for u in reconcile(db).unlisted if u.standing is Standing.GOOD)
    roster_page = page(window, "roster")

    def add(dialog: QDialog) -> bool:
        assert isinstance(dialog, AddMemberDialog)
        dialog.hq_id.setText(newcomer.hq_id)
        dialog.look_up()
        dialog.add()
        saved(qtbot, dialog)
        return True

    asked.dialog_handler = add
    roster_page.add_member()
    settle(qtbot, window)
    stack = window.ctx.undo
    window.undo()
    settle(qtbot, window)
    assert roster.member_detail(db, newcomer.hq_id).current is None
    assert (stack.count(), stack.index()) == (1, 0)
    with db.session() as session:
        session.execute(update(HqMember).where(HqMember.hq_id == newcomer.hq_id)
                        .values(paid_through=dt.date(2001, 1, 31), hq_status="Lapsed"))
    window.redo()
    settle(qtbot, window)
    assert f"Cannot add {newcomer.hq_id} to the chapter" in asked.texts("warn")[0]
    assert roster.member_detail(db, newcomer.hq_id).current is None
    assert (stack.count(), stack.index()) == (0, 0)


def test_the_leave_dialog_refuses_a_future_day_as_the_command_line_does(
    qtbot: QtBot, window: MainWindow, demo_db: Database, asked: Asked
) -> None:
    hq_id = a_member_who_may_leave(demo_db)
    roster_page = select_member(qtbot, window, hq_id)
    seen: dict[str, Any] = {}

    def leave(dialog: QDialog) -> bool:
        assert isinstance(dialog, LeaveDialog)
        today = QDate.currentDate()
        assert dialog.date.maximumDate() == today
        dialog.date.setDate(today.addDays(3))
        assert dialog.date.date() == today  # the editor stops at today
        # A future day that gets through anyway is refused by the service, in the dialog.
        dialog.date.setMaximumDate(today.addDays(30))
        dialog.date.setDate(today.addDays(3))
        qtbot.mouseClick(dialog.leave_button, Qt.MouseButton.LeftButton)
        saved(qtbot, dialog)
        seen["message"] = dialog.message.text()
        seen["accepted"] = dialog.result() == QDialog.DialogCode.Accepted
        return False

    asked.dialog_handler = leave
    qtbot.mouseClick(roster_page.panel.leave_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert "is in the future; record the leave on or after that day" in seen["message"]
    assert not seen["accepted"]
    assert roster.member_detail(demo_db, hq_id).current is not None
    assert window.ctx.undo.count() == 0


def test_ending_an_ended_term_again_is_refused_and_the_term_stays_ended(
    qtbot: QtBot, window: MainWindow, demo_db: Database
) -> None:
    officers_page = page(window, "officers")
    officers_page.all_terms.setChecked(True)
    term = officers_page.terms[0]
    officers_page.table.selectRow(
        next(n for n, (_p, t) in enumerate(officers_page.rows) if t is not None and t.id == term.id)
    )
    ends = (term.ends_on or dt.date.today()) - dt.timedelta(days=1)
    if ends < term.starts_on:
        ends = term.starts_on
    officers_page.end_on.setText(ends.isoformat())
    qtbot.mouseClick(officers_page.end_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert f"ends on {ends.isoformat()}" in officers_page.message.text()
    # Ending it later than it now ends would reopen it for a while: refused, as the CLI does.
    row = next(
        n for n, (_p, t) in enumerate(officers_page.rows) if t is not None and t.id == term.id
    )
    officers_page.table.selectRow(row)
    later = ends + dt.timedelta(days=30)
    officers_page.end_on.setText(later.isoformat())
    qtbot.mouseClick(officers_page.end_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert (f"on {ends.isoformat()}; a term's end is never moved later (an ended term is "
            "never reopened)") in officers_page.message.text()
    again = next(t for t in officers.list_officers(demo_db, all_terms=True) if t.id == term.id)
    assert again.ends_on == ends


def test_a_change_made_while_the_roster_is_hidden_shows_when_it_is_opened(
    qtbot: QtBot, window: MainWindow, demo_db: Database
) -> None:
    db = demo_db
    roster_page = page(window, "roster")
    reloads: list[bool] = []
    roster_page.model.reloaded.connect(lambda: reloads.append(True))
    in_office = {t.hq_id for t in officers.list_officers(db)}
    able = next(m for m in roster.list_members(db)
                if m.privileges.may_hold_office and m.hq_id not in in_office)
    officers_page = page(window, "officers")
    qtbot.keyClicks(officers_page.hq_id, able.hq_id)
    officers_page.position.setCurrentIndex(officers_page.position.findData("Director"))
    qtbot.mouseClick(officers_page.appoint_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert reloads == []  # hidden: nothing re-read yet
    page(window, "roster")
    settle(qtbot, window)
    row = next(r for r in range(roster_page.model.rowCount())
               if roster_page.model.index(r, 0).data() == able.hq_id)
    assert roster_page.model.index(row, 9).data() == "Director"
