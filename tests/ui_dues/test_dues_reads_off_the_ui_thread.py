"""The Dues page reads the database only on the worker: opening it never freezes the window.

At 50,000 members the chapter's balances take seconds to work out; a read on
the UI thread would freeze the window for as long. A listener on both engines
records every statement executed on the UI (main) thread while an officer
opens the Dues page and goes through its tabs, a member's ledger and the
year's dues; there must be none, and the page must be shown at once, its
figures arriving from the worker. How long the opening takes at 50,000
members is measured by `benchmarks/bench_ui.py`, not timed here.
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from chapterdesk.data.engine import Database
from chapterdesk.names import in_sentence
from chapterdesk.services import dues
from chapterdesk.services.chapter import chapter_info, update_settings
from chapterdesk.ui.dues.target import DuesTarget
from chapterdesk.ui.main_window import MainWindow
from tests.ui.conftest import settle


def test_the_dues_page_reads_nothing_on_the_ui_thread(
    qtbot: QtBot, window: MainWindow, demo_db: Database, ui_thread_statements: list[str]
) -> None:
    owing = dues.who_has_not_paid(demo_db, dues.dues_year(demo_db).year)[0]
    ui_thread_statements.clear()
    window.go_to("dues")
    settle(qtbot, window)
    dues_page = window.pages["dues"]
    assert dues_page.rates.rates.rowCount() > 0, "the rates arrived from the worker"
    for tab in ("assess", "balances"):
        dues_page.tabs.setCurrentIndex(("rates", "assess", "payments", "balances").index(tab))
        settle(qtbot, window)
    assert dues_page.balances.model.rowCount() > 0
    window.go_to("dues", DuesTarget("balances", year=owing.dues_year, status="unpaid"))
    settle(qtbot, window)
    assert owing.hq_id in {row.hq_id for row in dues_page.balances.shown}
    window.go_to("dues", DuesTarget("payments", hq_id=owing.hq_id))
    settle(qtbot, window)
    ledger = dues_page.payments.ledger
    assert ledger.balance is not None and ledger.balance.hq_id == owing.hq_id
    assert "owes" in ledger.summary.text()
    assert ui_thread_statements == []


def test_finding_a_member_by_id_or_name_reads_nothing_on_the_ui_thread(
    qtbot: QtBot, window: MainWindow, demo_db: Database, ui_thread_statements: list[str]
) -> None:
    owing = dues.who_has_not_paid(demo_db, dues.dues_year(demo_db).year)[0]
    window.go_to("dues", DuesTarget("payments"))
    settle(qtbot, window)
    finder = window.pages["dues"].payments.finder
    ui_thread_statements.clear()
    finder.member.setText(owing.hq_id)
    finder.look_up()
    qtbot.waitUntil(lambda: not finder.reading)
    assert finder.who.text() == f"{in_sentence(owing.name)} ({owing.hq_id})"  # the ledger: balance
    last_name = owing.name.split()[-1].rstrip(",")
    finder.member.setText(last_name)
    finder.look_up()
    qtbot.waitUntil(lambda: not finder.reading)
    assert finder.matches.count() >= 1 and finder.who.text() == "Choose the member:"
    assert ui_thread_statements == []


def test_the_first_opening_shows_the_figures_read_ahead_at_once(
    qtbot: QtBot, window: MainWindow, ui_thread_statements: list[str]
) -> None:
    """Once the window is idle after start-up, the worker reads the Dues page's first figures
    (issue 14: the page's first opening painted its figures after two worker reads); opening
    the page then shows them without waiting for the worker, and they are what a read gives."""
    qtbot.waitUntil(lambda: "dues" in window.ctx.prefetched, timeout=15_000)
    settle(qtbot, window)
    ui_thread_statements.clear()
    window.go_to("dues")
    page = window.pages["dues"]
    assert page.rates.rates.rowCount() > 0, "the rates are shown as the page opens"
    assert not window.tasks.busy(), "nothing is left to read for the first opening"
    assert "dues" not in window.ctx.prefetched, "read ahead once, used once"
    rates = page.rates

    def shown() -> tuple[str, int, int]:
        return rates.window_label.text(), rates.rates.rowCount(), rates.orgs.rowCount()

    before = shown()
    rates.refresh()
    settle(qtbot, window)
    assert shown() == before
    assert ui_thread_statements == []


def test_a_change_drops_the_figures_read_ahead(
    qtbot: QtBot, window: MainWindow, demo_db: Database
) -> None:
    qtbot.waitUntil(lambda: "dues" in window.ctx.prefetched, timeout=15_000)
    settle(qtbot, window)
    info = chapter_info(demo_db)
    update_settings(
        demo_db,
        name=info.name,
        currency="CAD",
        year_start=f"{info.year_start_month:02d}-{info.year_start_day:02d}",
        grace_days=info.grace_days,
        stale_after_days=info.stale_after_days,
        page_size=info.page_size,
    )
    qtbot.waitUntil(lambda: "dues" not in window.ctx.prefetched, timeout=15_000)
    window.go_to("dues")
    settle(qtbot, window)
    assert "CAD" in window.pages["dues"].rates.window_label.text()
