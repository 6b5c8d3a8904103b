"""The keyboard all the way (issue 19, "Keyboard").

Tab leaves a table; no Alt+letter names two controls on a page or in a
dialog (the test walks every page, tab and dialog it can open); Enter
presses the import wizard's default button; Edit → Undo offers "Undo import
N" after an import; Help → Keyboard shortcuts lists every shortcut.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QDialog,
    QGroupBox,
    QLabel,
    QTabBar,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from chapterdesk.data.engine import Database
from chapterdesk.services.hq.apply import list_batches
from chapterdesk.services.roster import members as roster
from chapterdesk.ui.dialogs import AddMemberDialog
from chapterdesk.ui.dues.dialogs import PaymentDialog, ReasonDialog
from chapterdesk.ui.hqsync.page import DONE, REVIEW
from chapterdesk.ui.main_window import MainWindow
from tests.hqimport.exports import hq_records, write_export
from tests.ui.conftest import Asked, page, settle, wait_until_idle

_MNEMONIC = re.compile(r"&([^&\s])")


def mnemonic(text: str) -> str | None:
    """The Alt+letter a control's text gives it ("Re&verse…" → "v"), or None."""
    found = _MNEMONIC.search(text.replace("&&", ""))
    return found.group(1).lower() if found else None


def _mnemonics(top: QWidget, window: MainWindow | None) -> dict[str, list[str]]:
    """Every Alt+letter live in `top` (and the window's menu bar): letter -> the controls."""
    found: dict[str, list[str]] = defaultdict(list)
    if window is not None:
        for action in window.menuBar().actions():
            letter = mnemonic(action.text())
            if letter:
                found[letter].append(f"menu {action.text()}")

    def add(widget: QWidget, text: str) -> None:
        letter = mnemonic(text)
        if letter and widget.isVisible():
            found[letter].append(f"{type(widget).__name__} {text!r}")

    for button in top.findChildren(QAbstractButton):
        if not isinstance(button.parent(), QTabBar):
            add(button, button.text())
    for label in top.findChildren(QLabel):
        if label.buddy() is not None:
            add(label, label.text())
    for box in top.findChildren(QGroupBox):
        add(box, box.title())
    for bar in top.findChildren(QTabBar):
        if bar.isVisible():
            for index in range(bar.count()):
                add(bar, bar.tabText(index))
    return {k: v for k, v in found.items() if len(v) > 1}


def _each_tab(top: QWidget, seen: set[int] | None = None) -> Any:
    """Show every tab of every tab widget in `top` in turn (nested ones too), yielding each."""
    seen = set() if seen is None else seen
    tabs = [t for t in top.findChildren(QTabWidget) if t.isVisible() and id(t) not in seen]
    if not tabs:
        yield
        return
    tab = tabs[0]
    seen.add(id(tab))
    for index in range(tab.count()):
        tab.setCurrentIndex(index)
        QApplication.processEvents()
        yield from _each_tab(top, seen)


def test_no_page_or_tab_has_two_controls_on_one_alt_letter(
    qtbot: QtBot, window: MainWindow, demo_db: Database
) -> None:
    clashes: dict[str, dict[str, list[str]]] = {}
    for key in list(window.pages):
        shown = page(window, key)
        if key == "roster":  # the member panel shows its sections for a member
            flags = QItemSelectionModel.SelectionFlag
            shown.table.selectionModel().setCurrentIndex(
                shown.model.index(0, 0), flags.ClearAndSelect | flags.Rows)
            wait_until_idle(window)
            qtbot.waitUntil(lambda s=shown: s.panel.detail is not None)
        if key == "dues":  # the Payments tab shows a member's ledger and its buttons
            member = roster.list_members(demo_db)[0]
            shown.payments.show_member(member.hq_id)
            wait_until_idle(window)
        for _ in _each_tab(shown):
            wait_until_idle(window)
            for letter, controls in _mnemonics(window, window).items():
                where = f"{key} / " + ", ".join(
                    t.tabText(t.currentIndex()) for t in shown.findChildren(QTabWidget)
                    if t.isVisible())
                clashes.setdefault(where, {})[letter] = controls
    assert not clashes, "\n".join(f"{w}: {c}" for w, c in clashes.items())


def test_no_dialog_has_two_controls_on_one_alt_letter(qtbot: QtBot, window: MainWindow,
                                                      demo_db: Database) -> None:
    member = roster.list_members(demo_db)[0]
    dialogs: list[QDialog] = [
        PaymentDialog(window.ctx, "USD", window, member.hq_id),
        ReasonDialog(window.ctx, "Waive dues", "Why?", lambda _r, _y: None, window, year=2026,
                     action="&Waive"),
        ReasonDialog(window.ctx, "Reverse an entry", "Why?", lambda _r, _y: None, window,
                     action="&Reverse"),
        AddMemberDialog(window.ctx, window),
    ]
    window.show_shortcuts  # noqa: B018 - the shortcuts dialog is checked below
    from chapterdesk.ui.shortcuts_dialog import ShortcutsDialog

    dialogs.append(ShortcutsDialog(window))
    clashes = {}
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        found = _mnemonics(dialog, None)
        if found:
            clashes[dialog.windowTitle()] = found
        dialog.close()
    settle(qtbot, window)
    assert not clashes, "\n".join(f"{w}: {c}" for w, c in clashes.items())


def test_tab_leaves_every_table(qtbot: QtBot, window: MainWindow) -> None:
    trapping = []
    for key in list(window.pages):
        shown = page(window, key)
        for _ in _each_tab(shown):
            trapping += [f"{key}: {v.accessibleName()}" for v in
                         shown.findChildren(QAbstractItemView) if v.tabKeyNavigation()]
    assert trapping == []
    roster_page = page(window, "roster")
    flags = QItemSelectionModel.SelectionFlag
    roster_page.table.selectionModel().setCurrentIndex(
        roster_page.model.index(0, 0), flags.ClearAndSelect | flags.Rows)
    roster_page.table.setFocus()
    qtbot.waitUntil(roster_page.table.hasFocus)
    qtbot.keyClick(roster_page.table, Qt.Key.Key_Tab)
    assert not roster_page.table.hasFocus()
    assert roster_page.table.currentIndex().row() == 0  # the member stayed selected


def _changed_export(db: Database, tmp_path: Path) -> Path:
    records = hq_records(db)
    records[0]["title"] = "Managing Partner (changed)"
    return write_export(tmp_path / "december.xlsx", records)


def test_enter_runs_the_wizard_and_ctrl_z_undoes_the_import(
    qtbot: QtBot, window: MainWindow, demo_db: Database, asked: Asked, tmp_path: Path
) -> None:
    sync = page(window, "hqsync")
    sync.start_import(_changed_export(demo_db, tmp_path))
    settle(qtbot, window)
    qtbot.waitUntil(lambda: sync.task is None, timeout=15_000)
    start = sync.stack.currentIndex()
    assert sync.next_button.isEnabled()
    focus = sync.stack.currentWidget()
    focus.setFocus()
    while sync.stack.currentIndex() < REVIEW:  # the mapping, then the check, with Enter
        before = sync.stack.currentIndex()
        qtbot.keyClick(QApplication.focusWidget() or focus, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda b=before: sync.stack.currentIndex() != b and sync.task is None,
                        timeout=15_000)
    assert sync.stack.currentIndex() > start
    qtbot.keyClick(QApplication.focusWidget() or sync.stack.currentWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: sync.stack.currentIndex() == DONE and sync.task is None,
                    timeout=15_000)
    settle(qtbot, window)
    batch = list_batches(demo_db)[0]
    assert batch.undone_at is None
    assert window.undo_action.text() == f"&Undo import {batch.batch_id}"
    assert window.undo_action.isEnabled()
    window.undo_action.trigger()
    settle(qtbot, window)
    qtbot.waitUntil(lambda: list_batches(demo_db)[0].undone_at is not None, timeout=15_000)
    assert not window.redo_action.isEnabled()  # an undone import is imported again, not redone


def test_help_lists_every_shortcut(qtbot: QtBot, window: MainWindow, asked: Asked) -> None:
    for key in list(window.pages):
        page(window, key)  # every page built: its shortcuts exist
    help_menu = next(a.menu() for a in window.menuBar().actions() if "Help" in a.text())
    entry = next(a for a in help_menu.actions() if "Keyboard shortcuts" in a.text())
    shown: list[Any] = []

    def look(dialog: QDialog) -> bool:
        shown.append([(dialog.table.item(r, 1).text(), dialog.table.item(r, 2).text())
                      for r in range(dialog.table.rowCount())])
        return False

    asked.dialog_handler = look
    entry.trigger()
    listed = {keys for _what, keys in shown[0]}
    wanted = {
        k.toString(QKeySequence.SequenceFormat.NativeText)
        for a in window.findChildren(QAction) if a.text()
        for k in a.shortcuts() if not k.isEmpty()
    }
    assert wanted and wanted <= listed
    for keys in ("Ctrl+Z", "Ctrl+F", "Ctrl+1", "Ctrl+I"):
        assert QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText) in listed
    assert ("Undo", QKeySequence("Ctrl+Z").toString(
        QKeySequence.SequenceFormat.NativeText)) in shown[0]
