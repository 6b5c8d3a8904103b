"""The Dues page: rates and rules, assessment, payments and the ledger, balances.

Four tabs over the dues services (`chapterdesk.services.dues`); the page
holds no rules of its own. Long reads and the assessment run on the worker
thread. Ledger postings (charges, payments, waivers, reversals) are never on
the undo stack: a posted entry is never deleted, so the way back is
"Reverse…"; rate, rule and non-profit changes are undoable with Ctrl+Z.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTabWidget, QVBoxLayout, QWidget

from chapterdesk.data.engine import Database
from chapterdesk.services import dues
from chapterdesk.ui import ask, unsaved
from chapterdesk.ui.dues.assess_tab import AssessTab
from chapterdesk.ui.dues.balances_tab import BalancesTab
from chapterdesk.ui.dues.payments_tab import PaymentsTab
from chapterdesk.ui.dues.rates_tab import RatesTab
from chapterdesk.ui.dues.target import DuesTarget
from chapterdesk.ui.pages.base import AppContext, Page, heading

TABS = ("rates", "assess", "payments", "balances")
# What each tab shows, by the kinds of change that make it stale (organisations, whose
# non-profit flag the Rates tab shows, count as ledger data). The Payments tab's ledger
# re-reads itself when a change concerns its member; the Assess tab's preview is asked for.
TAB_KINDS = {
    "rates": ("rates", "settings", "ledger"),
    "balances": ("ledger", "roster", "imports", "settings"),
}


def read_opening(db: Database) -> tuple[int, str, tuple[Any, ...]]:
    """What the page shows when first opened (on the worker): the dues year, the currency
    and the Rates tab's figures for that year, in one read."""
    year = dues.dues_year(db).year
    figures = RatesTab.figures(db, year)
    return year, figures[0], figures


class DuesPage(Page):
    """The treasurer's page."""

    key = "dues"
    title = "Dues"
    icon_name = "dues"
    order = 40

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.rates = RatesTab(ctx)
        self.assess = AssessTab(ctx)
        self.payments = PaymentsTab(ctx)
        self.balances = BalancesTab(ctx)
        self.balances.open_member.connect(
            lambda hq_id: self.activate(DuesTarget("payments", hq_id=hq_id))
        )
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Dues")
        for tab, label in ((self.rates, "&Rates"), (self.assess, "&Assess"),
                           (self.payments, "&Payments"), (self.balances, "&Balances")):
            self.tabs.addTab(tab, label)
        self.tabs.currentChanged.connect(lambda _i: self._tab_shown())
        layout = QVBoxLayout(self)
        layout.addWidget(heading(
            "Dues",
            "Chapter dues: rates per year, assessment, payments and balances. The ledger is "
            "append-only: a mistake is corrected by reversing the entry, with a reason.",
        ))
        mail_row = QHBoxLayout()
        mail_row.addStretch(1)
        self.mail_button = QPushButton("E-mail statements / remi&nders…")
        self.mail_button.clicked.connect(self.open_mail)
        self.outbox_button = QPushButton("Ou&tbox…")
        self.outbox_button.clicked.connect(self.open_outbox)
        mail_row.addWidget(self.mail_button)
        mail_row.addWidget(self.outbox_button)
        layout.addLayout(mail_row)
        layout.addWidget(self.tabs, 1)
        self._stale = set(TABS)
        self._year_set = False
        ctx.on_changes(self, (), self._changes_made)

    def open_mail(self) -> None:
        """The e-mail dialog: preview who gets what, then send on the worker."""
        from chapterdesk.ui.mail.dialogs import MailDialog

        ask.run_dialog(MailDialog(self.ctx, dt.date.today().year, self))

    def open_outbox(self) -> None:
        """The outbox: what is queued, sent, failed or uncertain; Retry."""
        from chapterdesk.ui.mail.dialogs import OutboxDialog

        ask.run_dialog(OutboxDialog(self.ctx, self))

    def forms(self) -> list[unsaved.UnsavedForm]:
        """The Rates tab's rules (a rate or a non-profit tick is saved as it is made)."""
        return [self.rates]

    def tab_key(self) -> str:
        """The key of the tab shown."""
        return TABS[max(self.tabs.currentIndex(), 0)]

    def _changes_made(self, changes: Any) -> None:
        self._stale.update(tab for tab, kinds in TAB_KINDS.items() if changes.touches(*kinds))
        if self.isVisible():
            self._tab_shown()

    def _tab_shown(self) -> None:
        key = self.tab_key()
        if key not in self._stale:
            return
        self._stale.discard(key)
        if key == "rates":
            self.rates.refresh()
        elif key == "payments":
            self.payments.refresh()
        elif key == "balances":
            self.balances.refresh()

    def activate(self, target: Any = None) -> None:
        """Open the page, on a tab and year when another page asks (a `DuesTarget`).

        The first time, the current dues year is read on the worker first (the
        tabs start on it) with the Rates tab's figures, in one read, unless the
        window read them ahead (`read_opening`); nothing is read on the UI thread.
        """
        if self._year_set:
            self._open(target)
            return
        self._year_set = True
        ready = self.ctx.prefetched.pop("dues", None)
        if ready is not None:  # read ahead while the window was idle, nothing changed since
            self._opened(ready, target)
            return
        db = self.db
        self.ctx.tasks.run(lambda _p, _c: read_opening(db), title="Reading the dues year",
                           parent=self, on_done=lambda found: self._opened(found, target),
                           show_progress=False)

    def _opened(self, found: tuple[int, str, tuple[Any, ...]], target: Any) -> None:
        """The year and currency set, the Rates tab filled when it is the tab opened, then open."""
        year, currency, figures = found
        self.payments.set_currency(currency)
        for spin in (self.rates.year, self.assess.year, self.balances.year):
            spin.blockSignals(True)
            spin.setValue(year)
            spin.blockSignals(False)
        if not isinstance(target, DuesTarget) and self.tab_key() == "rates":
            self._stale.discard("rates")
            self.rates.show_figures(figures)
        self._open(target)

    def _open(self, target: Any) -> None:
        if not isinstance(target, DuesTarget):
            self._tab_shown()
            return
        self.tabs.blockSignals(True)
        self.tabs.setCurrentIndex(TABS.index(target.tab))
        self.tabs.blockSignals(False)
        self._stale.discard(target.tab)
        if target.tab == "balances":
            self.balances.show_year(target.year, target.status)
        elif target.tab == "payments":
            if target.hq_id:
                self.payments.show_member(target.hq_id)
            else:
                self.payments.refresh()
        elif target.tab == "rates":
            self.rates.set_year(target.year or self.rates.year.value())
        elif target.tab == "assess" and target.year is not None:
            self.assess.set_year(target.year)

    def refresh(self) -> None:
        """Re-read the tab shown."""
        self._stale.add(self.tab_key())
        self._tab_shown()
