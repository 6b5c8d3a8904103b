"""Nothing typed is lost on the form pages (issue 19, "Losing work", beyond the member panel).

Settings (the chapter form, the e-mail settings and templates), Officers (an
appointment typed, a term's end typed) and the Dues page's rates rules ask to
save, discard or stay when the officer leaves the page by the sidebar, the View
menu or Ctrl+digit, opens another database or closes the window. Cancel
keeps them where they were, edits and all; nothing changed, or a change typed
and then taken back, asks nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from chapterdesk.data.engine import Database
from chapterdesk.services import chapter, dues
from chapterdesk.services.mail.templates import template_for
from chapterdesk.services.roster import members as roster
from chapterdesk.services.roster import officers
from chapterdesk.ui.main_window import MainWindow
from tests.ui.conftest import Asked, page, settle


def _leave_by(window: MainWindow, how: str, to: str = "roster") -> None:
    """Leave the page shown the way an officer would."""
    if how == "sidebar":
        window.sidebar.setCurrentRow(list(window.pages).index(to))
    elif how == "menu":  # View → "1 Dashboard" …
        number = list(window.pages).index(to)
        window.view_menu.actions()[number].trigger()
    elif how == "ctrl+digit":
        number = list(window.pages).index(to) + 1
        key = Qt.Key(Qt.Key.Key_0.value + number)
        QTest.keyClick(window, key, Qt.KeyboardModifier.ControlModifier)
    else:
        raise AssertionError(how)


def _still_on(window: MainWindow, key: str) -> bool:
    shown = window.current_page()
    return (shown is window.pages[key]
            and window.sidebar.currentRow() == list(window.pages).index(key))


@pytest.mark.parametrize("how", ["sidebar", "menu", "ctrl+digit"])
def test_settings_typed_and_not_saved_ask_and_cancel_stays(
    qtbot: QtBot, window: MainWindow, asked: Asked, demo_db: Database, how: str
) -> None:
    settings_page = page(window, "settings")
    settings_page.name.setFocus()
    settings_page.name.selectAll()
    qtbot.keyClicks(settings_page.name, "Lakeshore Chapter")
    settings_page.grace.setValue(settings_page.grace.value() + 10)
    asked.save_answer = "cancel"
    _leave_by(window, how)
    assert _still_on(window, "settings")
    [question] = asked.texts("save_changes")
    assert "the chapter name and the grace days on the Settings page" in question
    assert settings_page.name.text() == "Lakeshore Chapter"  # kept, unsaved
    assert chapter.chapter_info(demo_db).name == "Great Lakes Chapter"

    asked.save_answer = "discard"
    _leave_by(window, how)
    settle(qtbot, window)
    assert window.current_page() is window.pages["roster"]
    assert chapter.chapter_info(demo_db).name == "Great Lakes Chapter"
    settings_page = page(window, "settings")
    assert settings_page.name.text() == "Great Lakes Chapter"  # the stored value is back
    assert settings_page.unsaved_edits() == []


def test_save_on_leaving_settings_writes_them(qtbot: QtBot, window: MainWindow, asked: Asked,
                                             demo_db: Database) -> None:
    settings_page = page(window, "settings")
    settings_page.stale.setValue(12)
    asked.save_answer = "save"
    window.go_to("dashboard")
    settle(qtbot, window)
    assert window.current_page() is window.pages["dashboard"]
    assert chapter.chapter_info(demo_db).stale_after_days == 12
    assert asked.texts("save_changes") and not asked.texts("warn")
    window.go_to("settings")
    settle(qtbot, window)
    window.go_to("roster")
    assert len(asked.texts("save_changes")) == 1  # saved: nothing left to ask about


def test_a_refused_save_on_leaving_says_so_and_keeps_the_edits(
    qtbot: QtBot, window: MainWindow, asked: Asked, demo_db: Database
) -> None:
    settings_page = page(window, "settings")
    settings_page.name.clear()  # a chapter needs a name: refused
    asked.save_answer = "save"
    window.go_to("roster")
    settle(qtbot, window)
    [warning] = asked.texts("warn")
    assert warning.startswith("The settings were not saved: ")
    assert "still on the Settings page" in warning
    assert chapter.chapter_info(demo_db).name == "Great Lakes Chapter"
    page(window, "settings")  # coming back re-reads, and keeps what was typed
    assert settings_page.name.text() == ""
    assert settings_page.unsaved_edits() == ["the chapter name"]


def test_typing_then_taking_it_back_asks_nothing(qtbot: QtBot, window: MainWindow,
                                                 asked: Asked) -> None:
    settings_page = page(window, "settings")
    settings_page.name.setFocus()
    settings_page.name.end(False)
    qtbot.keyClicks(settings_page.name, "xy")
    qtbot.keyClick(settings_page.name, Qt.Key.Key_Backspace)
    qtbot.keyClick(settings_page.name, Qt.Key.Key_Backspace)
    settings_page.quorum.setValue(settings_page.quorum.value() + 5)
    settings_page.quorum.setValue(settings_page.quorum.value() - 5)
    window.go_to("officers")
    settle(qtbot, window)
    assert window.current_page() is window.pages["officers"]
    window.go_to("roster")
    settle(qtbot, window)
    assert asked.messages == []


def test_closing_the_window_or_opening_another_database_asks(
    qtbot: QtBot, window: MainWindow, asked: Asked
) -> None:
    settings_page = page(window, "settings")
    settings_page.officer_name.setText("Pat Lee")
    asked.save_answer = "cancel"
    window.close()
    assert window.isVisible()
    asked.open_path = Path("another-chapter.sqlite3")
    opened: list[Path] = []
    window.open_path = lambda p: opened.append(p) or True  # type: ignore[method-assign]
    window.open_existing()
    assert opened == []
    assert len(asked.texts("save_changes")) == 2
    assert all("your name for the audit trail" in t for t in asked.texts("save_changes"))
    assert _still_on(window, "settings") and settings_page.officer_name.text() == "Pat Lee"
    asked.save_answer = "discard"
    window.open_existing()
    assert opened == [Path("another-chapter.sqlite3")]


def test_the_e_mail_settings_and_templates_ask_too(qtbot: QtBot, window: MainWindow,
                                                   asked: Asked, demo_db: Database) -> None:
    settings_page = page(window, "settings")
    settle(qtbot, window)
    settings_page.mail.host.setText("smtp.lakeshore.example")
    templates = settings_page.mail_templates
    qtbot.waitUntil(lambda: templates.subject.text() != "")
    shown = templates.kind.currentData()
    templates.subject.setText("Your dues, $name")
    asked.save_answer = "cancel"
    window.go_to("roster")
    assert _still_on(window, "settings")
    [question] = asked.texts("save_changes")
    assert f"the e-mail settings and the {shown} e-mail template" in question
    # Another template chosen: the one being edited is asked about first.
    templates.kind.setCurrentIndex(1)
    assert templates.kind.currentData() == shown
    assert templates.subject.text() == "Your dues, $name"
    # Saved on choosing another, and refused (no such placeholder): back to it, text kept.
    templates.subject.setText("Your dues, $nickname")
    asked.save_answer = "save"
    templates.kind.setCurrentIndex(1)
    settle(qtbot, window)
    assert templates.kind.currentData() == shown
    assert templates.subject.text() == "Your dues, $nickname"
    assert "nickname" in templates.message.text()
    templates.subject.setText("Your dues, $name")
    templates.kind.setCurrentIndex(1)
    settle(qtbot, window)
    assert template_for(demo_db, shown).subject == "Your dues, $name"
    assert templates.kind.currentIndex() == 1 and templates.unsaved_edits() == []


def test_an_appointment_typed_asks_and_save_appoints(
    qtbot: QtBot, window: MainWindow, asked: Asked, demo_db: Database
) -> None:
    officers_page = page(window, "officers")
    in_office = {t.hq_id for t in officers.list_officers(demo_db)}
    able = next(m for m in roster.list_members(demo_db)
                if m.privileges.may_hold_office and m.hq_id not in in_office)
    officers_page.position.setCurrentIndex(officers_page.position.findData("Director"))
    qtbot.keyClicks(officers_page.hq_id, able.hq_id)
    asked.save_answer = "cancel"
    _leave_by(window, "menu")
    assert _still_on(window, "officers")
    [question] = asked.texts("save_changes")
    assert f"the appointment of “{able.hq_id}” as Director on the Officers page" in question
    asked.save_answer = "save"
    _leave_by(window, "sidebar")
    settle(qtbot, window)
    assert window.current_page() is window.pages["roster"]
    assert any(t.hq_id == able.hq_id and t.position == "Director"
               for t in officers.list_officers(demo_db))
    window.go_to("officers")
    settle(qtbot, window)
    window.go_to("roster")
    assert len(asked.texts("save_changes")) == 2  # appointed: nothing left unsaved


def test_an_end_date_typed_for_a_term_asks_and_discard_writes_nothing(
    qtbot: QtBot, window: MainWindow, asked: Asked, demo_db: Database
) -> None:
    officers_page = page(window, "officers")
    row = next(r for r, (_p, term) in enumerate(officers_page.rows) if term is not None)
    term = officers_page.rows[row][1]
    officers_page.table.selectRow(row)
    officers_page.end_on.setText((dt.date.today() + dt.timedelta(days=30)).isoformat())
    asked.save_answer = "discard"
    window.go_to("dues")
    settle(qtbot, window)
    [question] = asked.texts("save_changes")
    assert f"the end of {term.name}'s term as {term.position}" in question
    assert window.current_page() is window.pages["dues"]
    assert next(t for t in officers.list_officers(demo_db) if t.id == term.id).ends_on \
        == term.ends_on
    assert officers_page.end_on.text() == dt.date.today().isoformat()


def _rates(qtbot: QtBot, window: MainWindow) -> Any:
    from chapterdesk.ui.dues.target import DuesTarget

    window.go_to("dues", DuesTarget("rates"))
    settle(qtbot, window)
    tab = window.pages["dues"].rates
    qtbot.waitUntil(lambda: tab.rates.rowCount() > 0)  # the year's rates and rules are shown
    return tab


def test_dues_rules_typed_ask_on_leaving_and_on_another_year(
    qtbot: QtBot, window: MainWindow, asked: Asked, demo_db: Database
) -> None:
    tab = _rates(qtbot, window)
    year = tab.year.value()
    before = dues.year_rules(demo_db, year)
    tab.promotion.setValue(before.promotion_percent + 15)
    asked.save_answer = "cancel"
    window.go_to("roster")
    assert _still_on(window, "dues")
    assert f"the {year} dues rules on the Dues page" in asked.texts("save_changes")[0]
    tab.year.setValue(year + 1)  # another year would show other rules: asked first
    assert tab.year.value() == year
    assert tab.promotion.value() == before.promotion_percent + 15
    assert len(asked.texts("save_changes")) == 2
    asked.save_answer = "save"
    window.go_to("roster")
    settle(qtbot, window)
    assert window.current_page() is window.pages["roster"]
    assert dues.year_rules(demo_db, year).promotion_percent == before.promotion_percent + 15


def test_saving_the_rules_reads_nothing_on_the_ui_thread(
    qtbot: QtBot, window: MainWindow, demo_db: Database, ui_thread_statements: list[str]
) -> None:
    tab = _rates(qtbot, window)
    year = tab.year.value()
    before = dues.year_rules(demo_db, year)
    tab.gap.setValue(before.promotion_gap_years + 2)
    ui_thread_statements.clear()
    assert tab.save_rules()
    settle(qtbot, window)
    assert [s for s in ui_thread_statements if s != "BEGIN"] == []
    assert "Saved the" in tab.message.text()
    window.undo()  # the rules replaced were read on the worker, for Ctrl+Z
    settle(qtbot, window)
    assert [s for s in ui_thread_statements if s != "BEGIN"] == []
    assert dues.year_rules(demo_db, year) == before  # (the test's own read, on this thread)


def test_rules_refused_when_saved_on_another_year_stay_on_screen(
    qtbot: QtBot, window: MainWindow, asked: Asked, demo_db: Database
) -> None:
    tab = _rates(qtbot, window)
    year = tab.year.value()
    before = dues.year_rules(demo_db, year)
    steps = tab.proration.table.rowCount()
    tab.proration.add_button.click()  # a step on 1 July, as the first one: refused
    tab.proration.add_button.click()
    assert tab.proration.table.rowCount() == steps + 2
    asked.save_answer = "save"
    tab.year.setValue(year + 1)
    settle(qtbot, window)
    assert tab.year.value() == year  # back to the year whose rules were refused
    assert tab.proration.table.rowCount() == steps + 2  # what was typed is still there
    assert tab.message.text() == "Two proration steps fall on the same day; give each day once."
    assert dues.year_rules(demo_db, year) == before
    assert tab.unsaved_edits() == [f"the {year} dues rules"]
