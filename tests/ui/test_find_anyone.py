"""Finding a member as a treasurer types it (issue 19, "Finding a member").

The roster shows "Baker, Mary": that, "Mary Baker", initials, any case or
accents, an HQ ID or an e-mail finds her; nobody found says so with a way
back; Down and Enter reach the results; every place a member is chosen uses
the one picker, names listed in the roster's form.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from chapterdesk.data.engine import Database
from chapterdesk.names import folded, in_sentence
from chapterdesk.services.roster import members as roster
from chapterdesk.ui.dues.dialogs import PaymentDialog
from chapterdesk.ui.main_window import MainWindow
from chapterdesk.ui.member_picker import MemberPicker
from tests.ui.conftest import page, settle


def _names(view_page: Any) -> list[str]:
    model = view_page.model
    return [model.index(r, 1).data() for r in range(model.rowCount())]


def _search(qtbot: QtBot, window: MainWindow, roster_page: Any, text: str) -> list[str]:
    roster_page.search.clear()
    settle(qtbot, window)
    roster_page.search.setText(text)  # as typed (keyClicks takes ASCII only)
    roster_page.apply_filter()
    settle(qtbot, window)
    qtbot.waitUntil(lambda: roster_page.model.filter.search != "" or not text)
    return _names(roster_page)


def _member_with_middle_name(db: Database) -> Any:
    return next(m for m in roster.list_members(db) if m.hq.middle_name and m.hq.first_name)


def test_a_name_is_found_in_every_form_it_is_written(qtbot: QtBot, window: MainWindow,
                                                     demo_db: Database) -> None:
    roster_page = page(window, "roster")
    member = _member_with_middle_name(demo_db)
    hq = member.hq
    listed = hq.sort_name  # the roster's own form, "Baker, Mary A."
    initials = f"{hq.first_name[0]}. {hq.middle_name[0]}. {hq.last_name}"
    for typed in (
        f"{hq.last_name}, {hq.first_name}",  # "Last, First" as the roster shows it
        f"{hq.first_name} {hq.middle_name} {hq.last_name}",  # "First Middle Last"
        initials,  # "J. A. Baker"
        f"{hq.first_name} {hq.last_name}".upper(),
        hq.hq_id,
        hq.email,
    ):
        assert listed in _search(qtbot, window, roster_page, typed), typed


def test_accents_are_optional_in_either_direction(qtbot: QtBot, window: MainWindow,
                                                  demo_db: Database) -> None:
    roster_page = page(window, "roster")
    accented = next(m for m in roster.list_members(demo_db)
                    if folded(m.hq.last_name) != m.hq.last_name.casefold())
    plain = folded(accented.hq.last_name)
    for typed in (plain, plain.upper(), accented.hq.last_name.upper()):
        assert accented.hq.sort_name in _search(qtbot, window, roster_page, typed), typed


def test_no_match_says_so_and_clear_search_brings_everyone_back(
    qtbot: QtBot, window: MainWindow
) -> None:
    roster_page = page(window, "roster")
    assert _search(qtbot, window, roster_page, "Zzyzx Nobody") == []
    assert roster_page.no_match.isVisible()
    assert roster_page.no_match_text.text() == "No member matches “Zzyzx Nobody”."
    qtbot.mouseClick(roster_page.clear_search_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert roster_page.model.rowCount() == 120
    assert roster_page.search.text() == ""
    assert not roster_page.no_match.isVisible()
    assert roster_page.search.hasFocus()


def test_down_and_enter_from_the_search_box_reach_the_results(
    qtbot: QtBot, window: MainWindow, demo_db: Database
) -> None:
    roster_page = page(window, "roster")
    member = _member_with_middle_name(demo_db)
    _search(qtbot, window, roster_page, member.hq.last_name)
    roster_page.search.setFocus()
    qtbot.waitUntil(roster_page.search.hasFocus)
    qtbot.keyClick(roster_page.search, Qt.Key.Key_Down)
    assert roster_page.table.hasFocus()
    assert roster_page.table.currentIndex().row() == 0
    roster_page.search.setFocus()
    qtbot.keyClick(roster_page.search, Qt.Key.Key_Return)
    assert roster_page.table.hasFocus()
    settle(qtbot, window)
    qtbot.waitUntil(lambda: roster_page.panel.detail is not None)
    shown = roster_page.model.row_at(0)
    assert roster_page.panel.detail.hq.hq_id == shown.hq_id


def _picker_found(qtbot: QtBot, picker: MemberPicker, text: str) -> list[str]:
    picker.member.clear()
    picker.member.setText(text)  # as typed (keyClicks takes ASCII only)
    with qtbot.waitSignal(picker.looked_up, timeout=10_000):
        picker.look_up()
    return [picker.matches.item(i).text() for i in range(picker.matches.count())]


def test_the_payment_dialog_picker_finds_by_name_and_enter_never_submits(
    qtbot: QtBot, window: MainWindow, demo_db: Database
) -> None:
    member = _member_with_middle_name(demo_db)
    hq = member.hq
    dialog = PaymentDialog(window.ctx, "USD", window)
    qtbot.addWidget(dialog)
    dialog.show()
    picker = dialog.finder
    assert isinstance(picker, MemberPicker)
    found = _picker_found(qtbot, picker, f"{hq.first_name[0]}. {hq.last_name}")
    assert f"{in_sentence(hq.sort_name)} ({hq.hq_id})" in found  # the roster's form of the name
    recorded: list[bool] = []
    dialog.record_button.clicked.connect(lambda: recorded.append(True))
    picker.member.setFocus()
    picker.matches.setCurrentRow(found.index(f"{in_sentence(hq.sort_name)} ({hq.hq_id})"))
    qtbot.keyClick(picker.member, Qt.Key.Key_Return)  # picks the match, does not record
    assert picker.text() == hq.hq_id
    assert recorded == []
    assert dialog.message.text() == ""
    # nobody: the picker says so and offers to clear
    assert _picker_found(qtbot, picker, "Zzyzx Nobody") == []
    assert picker.who.text() == "No member matches “Zzyzx Nobody”."
    assert picker.clear_button.isVisibleTo(dialog)
    qtbot.keyClick(picker.member, Qt.Key.Key_Return)
    assert recorded == []
    picker.clear_button.click()
    assert picker.text() == ""


def test_down_moves_into_the_picker_matches(qtbot: QtBot, window: MainWindow,
                                            demo_db: Database) -> None:
    member = _member_with_middle_name(demo_db)
    dialog = PaymentDialog(window.ctx, "USD", window)
    qtbot.addWidget(dialog)
    dialog.show()
    picker = dialog.finder
    found = _picker_found(qtbot, picker, member.hq.last_name)
    assert found
    picker.member.setFocus()
    qtbot.waitUntil(picker.member.hasFocus)
    qtbot.keyClick(picker.member, Qt.Key.Key_Down)
    assert picker.matches.hasFocus()
    with qtbot.waitSignal(picker.picked, timeout=5_000) as chosen:
        qtbot.keyClick(picker.matches, Qt.Key.Key_Return)
    assert chosen.args == [picker.text()]


@pytest.mark.parametrize("where", ["payments", "officers"])
def test_the_same_picker_chooses_the_member_everywhere(
    qtbot: QtBot, window: MainWindow, demo_db: Database, where: str
) -> None:
    member = _member_with_middle_name(demo_db)
    if where == "payments":
        dues_page = page(window, "dues")
        dues_page.show_tab("payments") if hasattr(dues_page, "show_tab") else None
        picker = dues_page.payments.finder
    else:
        picker = page(window, "officers").picker
    assert isinstance(picker, MemberPicker)
    found = _picker_found(qtbot, picker, f"{member.hq.last_name}, {member.hq.first_name}")
    assert f"{in_sentence(member.hq.sort_name)} ({member.hq.hq_id})" in found


def test_officers_are_appointed_by_name(qtbot: QtBot, window: MainWindow,
                                        demo_db: Database) -> None:
    officers_page = page(window, "officers")
    member = _member_with_middle_name(demo_db)
    picker = officers_page.picker
    _picker_found(qtbot, picker, f"{member.hq.first_name} {member.hq.last_name}")
    row = next(i for i in range(picker.matches.count())
               if picker.matches.item(i).text().endswith(f"({member.hq.hq_id})"))
    picker.matches.setCurrentRow(row)
    qtbot.keyClick(picker.member, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert picker.text() == member.hq.hq_id
    qtbot.waitUntil(lambda: member.hq.display_name in officers_page.eligibility.text())
    assert not [b for b in officers_page.findChildren(QPushButton) if b.text() == "&Appoint"
                and not b.isEnabled()]


def test_dues_lists_write_a_name_as_the_roster_does(qtbot: QtBot, window: MainWindow,
                                                    demo_db: Database) -> None:
    from chapterdesk.ui.dues.target import DuesTarget

    listed = {m.hq_id: m.hq.sort_name for m in roster.list_members(demo_db)}
    window.go_to("dues", DuesTarget("balances"))
    settle(qtbot, window)
    tab = window.pages["dues"].balances
    model = tab.model
    assert model.rowCount() > 0
    names = {model.index(r, 0).data(): model.index(r, 1).data() for r in range(model.rowCount())}
    shown = {hq_id: name for hq_id, name in names.items() if hq_id in listed}
    assert shown and all(name == listed[hq_id] for hq_id, name in shown.items())
    assert not any(name.startswith(("Mr. ", "Ms. ", "Dr. ", "Mrs. ")) for name in names.values())
