"""The Rates tab: a dues year's rates per category, its rules, and the non-profit employers.

Rates are edited in the table (typed amounts are parsed exactly by the
services; a refusal is shown under the table and nothing is written). Every
edit is saved on the database worker and shows once it has landed. A rate,
a rule or a non-profit flag only changes what the next assessment charges, so
these edits go on the undo stack (Ctrl+Z); posted charges never change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from chapterdesk.data.engine import Database
from chapterdesk.errors import ChapterDeskError
from chapterdesk.services import dues
from chapterdesk.services.chapter import Category, chapter_info, list_categories
from chapterdesk.ui import ask, unsaved
from chapterdesk.ui.choosers import ProrationTable
from chapterdesk.ui.context import AppContext
from chapterdesk.ui.dues.models import CheckableModel, Col, EditableModel
from chapterdesk.ui.dues.tables import Money, money_in, table_view
from chapterdesk.ui.undo import ServiceCommand
from chapterdesk.ui.widgets import message_label, show_message
from chapterdesk.values import long_date

FIELDS = {1: "amount", 2: "nonprofit_amount", 3: "enterprise_amount"}


@dataclass(frozen=True)
class RateRow:
    """A category and its rate for the year shown (None: not set)."""

    category: Category
    rate: dues.Rate | None

    def value(self, column: int) -> Any:
        """The amount in a rate column, or None."""
        return getattr(self.rate, FIELDS[column]) if self.rate is not None else None


class SettingChange(ServiceCommand):
    """A change of a dues setting (rate, rules, non-profit flag), undone through the services."""

    def __init__(self, ctx: AppContext, text: str, apply: Any, revert: Any) -> None:
        super().__init__(ctx, text)
        self._apply, self._revert = apply, revert

    def apply(self) -> Any:
        return self._apply()

    def revert(self) -> Any:
        return self._revert()


def rate_columns(money: Money) -> list[Col]:
    """Category, full rate, non-profit rate, enterprise rate."""

    def amount(column: int, title: str) -> Col:
        def text(row: RateRow) -> str:
            value = row.value(column)
            return money(value) if value is not None else "not set"

        return Col(title, text, lambda r: r.value(column) or 0, money=True,
                   tooltip=lambda _r: "Double-click to change; leave empty for none.")

    return [
        Col("Category", lambda r: r.category.name, lambda r: r.category.name),
        amount(1, "Full rate"), amount(2, "Non-profit rate"), amount(3, "Enterprise rate"),
    ]


def _write_rate(db: Any, year: int, code: str, rate: dues.Rate | None) -> None:
    if rate is None:
        dues.clear_rate(db, year, code)
    else:
        dues.set_rate(db, year, code, rate.amount, nonprofit=rate.nonprofit_amount,
                      enterprise=rate.enterprise_amount)


class RatesTab(QWidget):
    """Rates, rules and non-profit organisations of one dues year."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.currency = "USD"
        self.year = QSpinBox()
        self.year.setRange(1900, 2999)
        self.year.setAccessibleName("Dues year")
        self.year.setValue(dt.date.today().year)
        self.year.valueChanged.connect(lambda _v: self._year_changed())
        self._rules: dues.YearRules | None = None  # the rules form as last read or saved
        self.window_label = QLabel()
        self.window_label.setWordWrap(True)
        self.rates = EditableModel(rate_columns(money_in(self.currency)), {1, 2, 3},
                                   lambda r, c: f"{r.value(c)}" if r.value(c) is not None else "",
                                   self)
        self.rates.on_edit = self.edit_rate
        self.rates_view = table_view(self.rates, "Rates per category", stretch=0)
        self.rates_view.setSortingEnabled(False)
        self.rates_view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.message = message_label()

        rules = QGroupBox("The year's rules")
        form = QFormLayout(rules)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.enterprise = QSpinBox()
        self.enterprise.setRange(0, 9999)
        self.enterprise.setSpecialValueText("no enterprise schedule")
        self.enterprise.setSuffix(" members")
        self.enterprise.setAccessibleName("Members at the full rate per organisation")
        self.promotion = QSpinBox()
        self.promotion.setRange(0, 100)
        self.promotion.setSuffix(" % off")
        self.promotion.setSpecialValueText("no promotion")
        self.promotion.setAccessibleName("Promotion percent")
        self.gap = QSpinBox()
        self.gap.setRange(1, 50)
        self.gap.setSuffix(" years")
        self.gap.setAccessibleName("Years away that count as new")
        self.proration = ProrationTable()
        self.proration.setToolTip("From each day of the dues year on, a member who joins pays "
                                  "this share of the dues. No steps: everyone pays in full.")
        self.save_rules_button = QPushButton("Save r&ules")
        self.save_rules_button.clicked.connect(self.save_rules)
        form.addRow("Full rate for the fir&st:", self.enterprise)
        form.addRow("Pro&motion:", self.promotion)
        form.addRow("New after a&way:", self.gap)
        proration_label = QLabel("Pr&oration:")
        proration_label.setBuddy(self.proration.table)
        form.addRow(proration_label, self.proration)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_rules_button)
        form.addRow(save_row)

        orgs = QGroupBox("Non-profit organisations")
        orgs.setToolTip("Members of an organisation ticked here pay the non-profit rate.")
        self.org_filter = QLineEdit()
        self.org_filter.setPlaceholderText("Filter employers")
        self.org_filter.setAccessibleName("Filter employers")
        self.org_filter.textChanged.connect(lambda _t: self._show_orgs())
        self.organisations: list[dues.OrganisationView] = []
        self.orgs = CheckableModel(
            [Col("Organisation", lambda o: o.name, lambda o: o.name.casefold()),
             Col("Members", lambda o: f"{o.members:,}", lambda o: o.members, money=True)],
            lambda o: o.nonprofit, self,
        )
        self.orgs.on_toggle = self.toggle_nonprofit
        self.orgs_view = table_view(self.orgs, "Organisations", stretch=0)
        org_layout = QVBoxLayout(orgs)
        org_layout.addWidget(self.org_filter)
        org_layout.addWidget(self.orgs_view)

        top = QHBoxLayout()
        year_label = QLabel("Dues &year:")
        year_label.setBuddy(self.year)
        top.addWidget(year_label)
        top.addWidget(self.year)
        top.addWidget(self.window_label, 1)
        rates_and_rules = QWidget()
        left = QVBoxLayout(rates_and_rules)
        left.setContentsMargins(0, 0, 0, 0)
        hint = QLabel("Double-click an amount to change it. Ctrl+Z undoes a change.")
        hint.setWordWrap(True)
        left.addWidget(hint)
        left.addWidget(self.rates_view)
        left.addWidget(self.message)
        left.addWidget(rules)
        left.addStretch(1)
        # At 1024×640 the rules' proration steps were cut off below: the rates and the
        # rules scroll instead when the window is too short for them.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(rates_and_rules)
        scroll.viewport().setAutoFillBackground(False)
        rates_and_rules.setAutoFillBackground(False)
        scroll.setMinimumWidth(rates_and_rules.minimumSizeHint().width()
                               + scroll.verticalScrollBar().sizeHint().width())
        columns = QHBoxLayout()
        columns.addWidget(scroll, 3)
        columns.addWidget(orgs, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(columns, 1)

    def set_year(self, year: int) -> None:
        """Show a dues year."""
        if self.year.value() != year:
            self.year.setValue(year)  # refreshes
        else:
            self.refresh()

    @staticmethod
    def figures(db: Database, year: int) -> tuple[Any, ...]:
        """What the tab shows for `year`, read on the worker: currency, rates, rules, employers."""
        return (chapter_info(db).currency, dues.dues_year(db, year), list_categories(db),
                dues.list_rates(db, year), dues.year_rules(db, year),
                dues.list_organisations(db))

    def refresh(self) -> None:
        """Re-read the year's rates, rules and the organisations off the UI thread."""
        db, year = self.ctx.db, self.year.value()

        def job(_p: Any, _c: Any) -> tuple[Any, ...]:
            return self.figures(db, year)

        self.ctx.tasks.run(job, title="Reading the dues rates", parent=self,
                           on_done=self.show_figures, show_progress=False)

    def show_figures(self, result: tuple[Any, ...]) -> None:
        """Show what `figures` read (a year no longer chosen is ignored)."""
        currency, window, categories, rates, rules, organisations = result
        year = window.year
        if year != self.year.value():
            return  # the officer chose another year meanwhile
        self.currency = currency
        self.window_label.setText(
            f"runs {long_date(window.starts_on)} to {long_date(window.ends_on)}; "
            f"amounts in {currency}"
        )
        self.rates.columns = tuple(rate_columns(money_in(currency)))
        by_code = {r.category_code: r for r in rates}
        self.rates.set_rows([RateRow(c, by_code.get(c.code)) for c in categories if c.eligible])
        view = self.rates_view
        rows = max(self.rates.rowCount(), 3)
        view.setFixedHeight(view.horizontalHeader().height() + 4
                            + rows * view.verticalHeader().defaultSectionSize())
        if self._rules is None or self._rules.year != year or not self.unsaved_edits():
            self._fill_rules(rules)  # never over rules being typed (a re-read after a change)
        self.organisations = organisations
        self._show_orgs()

    def _show_orgs(self) -> None:
        text = self.org_filter.text().strip().casefold()
        self.orgs.set_rows([o for o in self.organisations if text in o.name.casefold()])

    def _refused(self, exc: ChapterDeskError) -> None:
        show_message(self.message, exc.message, error=True)

    def edit_rate(self, row: RateRow, column: int, text: str) -> bool:
        """Set one amount of a category's rate on the worker; False when refused at once.

        The table shows the new amount once it is saved; a refusal by the
        services is shown under the table.
        """
        year, db, name = self.year.value(), self.ctx.db, row.category.name
        code, before = row.category.code, row.rate
        clearing = column == 1 and not text
        if not clearing and before is None and column != 1:
            show_message(self.message, f"Set the full {name} rate for {year} first.", error=True)
            return False
        values = {c: row.value(c) for c in FIELDS}
        values[column] = text or None

        def work() -> dues.Rate | None:
            if clearing:
                dues.clear_rate(db, year, code)
                return None
            return dues.set_rate(db, year, code, values[1] or "",
                                 nonprofit=values[2], enterprise=values[3])

        def saved(after: dues.Rate | None) -> None:
            self.ctx.undo.push(SettingChange(
                self.ctx, f"change of the {year} {name} rate",
                lambda: _write_rate(db, year, code, after),
                lambda: _write_rate(db, year, code, before),
            ))
            self._show_rate(year, code, after)
            shown = money_in(self.currency)(after.amount) if after else "not set"
            show_message(self.message, f"{name} {year}: full rate {shown}. Ctrl+Z undoes it.",
                         error=False)
            self.ctx.changed(f"Changed the {year} {name} rate.")

        self.ctx.change(self, f"Saving the {year} {name} rate", work, saved, self._refused)
        return True

    def _show_rate(self, year: int, code: str, rate: dues.Rate | None) -> None:
        """Show a saved rate at once (the tab's re-read follows)."""
        if year != self.year.value():
            return
        for number, row in enumerate(self.rates.rows):
            if row.category.code == code:
                self.rates.replace_row(number, RateRow(row.category, rate))

    def _form_rules(self, year: int) -> dues.YearRules:
        """The rules as the form shows them, for `year`."""
        return dues.YearRules(year, self.enterprise.value() or None, self.promotion.value(),
                              self.gap.value(), self.proration.steps())

    def unsaved_edits(self) -> list[str]:
        """"the 2027 dues rules" when the rules form differs from the rules last read or saved."""
        stored = self._rules
        if stored is None or self._form_rules(stored.year) == stored:
            return []
        return [f"the {stored.year} dues rules"]

    def save_edits(self) -> bool:
        """Save the rules form (`save_rules`)."""
        return self.save_rules()

    def discard_edits(self) -> None:
        """Put the stored rules back in the form."""
        if self._rules is not None:
            self._fill_rules(self._rules)
        show_message(self.message, "", error=False)

    def _fill_rules(self, rules: dues.YearRules) -> None:
        self.enterprise.setValue(rules.enterprise_full_count or 0)
        self.promotion.setValue(rules.promotion_percent)
        self.gap.setValue(rules.promotion_gap_years)
        self.proration.set_steps(rules.proration)
        self._rules = self._form_rules(rules.year)  # as the form holds them (steps in order)

    def _year_changed(self) -> None:
        """Another year chosen: unsaved rules of the year shown are asked about first."""
        shown = self._rules
        if (shown is not None and shown.year != self.year.value()
                and not unsaved.settle(self, [self], "", "Unsaved dues rules")):
            self.year.blockSignals(True)  # Cancel: back to the year being edited
            self.year.setValue(shown.year)
            self.year.blockSignals(False)
            return
        self.refresh()

    def save_rules(self) -> bool:
        """Save the year's enterprise schedule, promotion and proration (on the worker).

        The rules they replace are read on the worker too, just before (for Ctrl+Z);
        a refusal by the services is shown when it comes. Returns whether the rules
        were handed to the worker.
        """
        year = self._rules.year if self._rules is not None else self.year.value()
        db, after = self.ctx.db, self._form_rules(year)

        def work() -> tuple[dues.YearRules, dues.YearRules]:
            before = dues.year_rules(db, year)
            return before, dues.set_year_rules(db, after)

        def saved(result: tuple[dues.YearRules, dues.YearRules]) -> None:
            before, rules = result
            if self._rules is not None and self._rules.year == year:
                self._rules = after  # stored now: nothing left unsaved
            self.ctx.undo.push(SettingChange(
                self.ctx, f"change of the {year} dues rules",
                lambda: dues.set_year_rules(db, rules), lambda: dues.set_year_rules(db, before),
            ))
            show_message(self.message, f"Saved the {year} rules. Ctrl+Z undoes it.", error=False)
            self.ctx.changed(f"Saved the {year} dues rules.")

        def refused(exc: ChapterDeskError) -> None:
            if self.year.value() != year:  # saved on choosing another year: back to this one
                self.year.blockSignals(True)  # (the other year's read is dropped when it comes)
                self.year.setValue(year)
                self.year.blockSignals(False)
                self.refresh()  # keeps the rules typed (`_show`)
            self._refused(exc)
            if not self.isVisible():  # saved on leaving the page
                ask.warn(self, f"The {year} dues rules were not saved: {exc.message} Your "
                         "changes are still on the Dues page's Rates tab.")

        self.ctx.change(self, f"Saving the {year} dues rules", work, saved, refused)
        return True

    def toggle_nonprofit(self, org: dues.OrganisationView, on: bool) -> bool:
        """Mark an employer non-profit or not, on the worker (undoable)."""
        db = self.ctx.db
        what = "non-profit" if on else "not non-profit"

        def saved(changed: dues.OrganisationView) -> None:
            self.organisations = [changed if o.key == org.key else o for o in self.organisations]
            self._show_orgs()
            self.ctx.undo.push(SettingChange(
                self.ctx, f"marking {org.name} {what}",
                lambda: dues.set_nonprofit(db, org.name, on),
                lambda: dues.set_nonprofit(db, org.name, not on),
            ))
            self.ctx.status_message.emit(f"{org.name} is marked {what}.")

        self.ctx.change(self, f"Marking {org.name} {what}",
                        lambda: dues.set_nonprofit(db, org.name, on), saved, self._refused)
        return True
