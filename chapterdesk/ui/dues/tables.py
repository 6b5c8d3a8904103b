"""The columns of each dues table and the table view they are shown in.

Amounts are formatted in the chapter's currency (`$1,150.00`) and sort by
their exact `Decimal` value; the same column lists drive the exports, so a
spreadsheet has the columns the officer saw, with real numbers and dates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from chapterdesk.exports.sheets import Column
from chapterdesk.money import format_money
from chapterdesk.services import dues
from chapterdesk.services.dues.ledger import KIND_LABELS, METHOD_LABELS
from chapterdesk.ui.dues.models import Col

Money = Callable[[Decimal], str]
STATUS_LABELS = {"paid": "Paid", "part-paid": "Part-paid", "unpaid": "Unpaid", "waived": "Waived"}


def money_in(currency: str) -> Money:
    """A formatter of amounts in the chapter's currency."""
    return lambda amount: format_money(amount, currency)


def _amount(title: str, get: Callable[[Any], Decimal], money: Money) -> Col:
    return Col(title, lambda r: money(get(r)), get, money=True)


@dataclass(frozen=True)
class LedgerLine:
    """A ledger entry with the member's balance once it was posted (the running balance)."""

    entry: dues.EntryView
    balance: Decimal


def ledger_lines(entries: Sequence[dues.EntryView]) -> list[LedgerLine]:
    """The entries with their running balance, in the order posted (date, then entry number).

    The balance is what the member owed (negative: held in credit) after the
    entry, so the last line's balance is the balance the summary states.
    """
    running = Decimal("0.00")
    lines = []
    for entry in sorted(entries, key=lambda e: (e.posted_on, e.id)):
        running += entry.signed
        lines.append(LedgerLine(entry, running))
    return lines


def entry_what(entry: dues.EntryView) -> str:
    """What a ledger entry is, in a few words: "Dues 2026", "Payment", "Reversal of entry 7"."""
    what = KIND_LABELS[entry.kind]
    if entry.dues_year is not None and entry.kind in ("charge", "waiver"):
        what += f" {entry.dues_year}"
    if entry.reverses_id is not None:
        what += f" of entry {entry.reverses_id}"
    return what


def entry_how(entry: dues.EntryView) -> str:
    """How a payment came in: "Check 1042", "Visa 4417" ("" for charges and waivers)."""
    if not entry.method:
        return ""
    return METHOD_LABELS[entry.method] + (f" {entry.reference}" if entry.reference else "")


def entry_state(entry: dues.EntryView) -> str:
    """"Reversed by entry N" for a reversed entry, the reason or detail otherwise."""
    if entry.reversed_by is not None:
        return f"Reversed by entry {entry.reversed_by}"
    return entry.reason or entry.detail


def entry_tooltip(entry: dues.EntryView) -> str:
    """The whole entry in one line, with what reversed it."""
    state = f" (reversed by entry {entry.reversed_by})" if entry.reversed_by is not None else ""
    return f"Entry {entry.id}: {entry.describe()}{state}"


def _balance_text(balance: Decimal, money: Money) -> str:
    return f"{money(-balance)} credit" if balance < 0 else money(balance)


#: the ledger's columns, by name (the member panel hides some)
LEDGER_COLUMNS = ("Entry", "Date", "What", "Method and reference", "Amount", "Balance",
                  "Receipt", "Note")


def ledger_columns(money: Money) -> list[Col]:
    """A member's ledger as a treasurer reads it: date, what, how paid, amount, running balance.

    Rows are `LedgerLine`s. The amount is signed as it moves the balance (a
    payment is negative); the note comes last, elided, whole in its tooltip.
    """
    return [
        Col("Entry", lambda r: str(r.entry.id), lambda r: r.entry.id),
        Col("Date", lambda r: r.entry.posted_on.isoformat(),
            lambda r: (r.entry.posted_on, r.entry.id)),
        Col("What", lambda r: entry_what(r.entry), tooltip=lambda r: entry_tooltip(r.entry)),
        Col("Method and reference", lambda r: entry_how(r.entry)),
        Col("Amount", lambda r: money(r.entry.signed), lambda r: r.entry.signed, money=True),
        Col("Balance", lambda r: _balance_text(r.balance, money),
            lambda r: (r.entry.posted_on, r.entry.id), money=True,
            tooltip=lambda r: "What the member owed after this entry (credit: paid ahead)."),
        Col("Receipt", lambda r: str(r.entry.receipt_no or ""), lambda r: r.entry.receipt_no or 0),
        Col("Note", lambda r: entry_state(r.entry), tooltip=lambda r: entry_state(r.entry)),
    ]


def list_name(row: Any) -> str:
    """A row's name as the roster lists it, "Adams, Andrew J." (its sentence form if none)."""
    return str(getattr(row, "list_name", "") or row.name)


def balance_columns(money: Money) -> list[Col]:
    """Every member's balance: assessed, paid, outstanding, credit and the oldest bucket."""
    return [
        Col("HQ ID", lambda m: m.hq_id, lambda m: (len(m.hq_id), m.hq_id)),
        Col("Name", list_name, lambda r: list_name(r).casefold()),
        _amount("Assessed", lambda m: m.assessed, money),
        _amount("Paid", lambda m: m.paid, money),
        _amount("Waived", lambda m: m.waived, money),
        _amount("Outstanding", lambda m: m.outstanding, money),
        _amount("Credit", lambda m: m.credit, money),
        _amount("90+ days", lambda m: m.aging.days_90_plus, money),
    ]


def line_columns(money: Money) -> list[Col]:
    """One year's dues per member: charged, waived, paid, open, status, days outstanding."""
    return [
        Col("HQ ID", lambda d: d.hq_id, lambda d: (len(d.hq_id), d.hq_id)),
        Col("Name", list_name, lambda r: list_name(r).casefold()),
        Col("Year", lambda d: str(d.dues_year), lambda d: d.dues_year),
        Col("Charged on", lambda d: d.charged_on.isoformat(), lambda d: d.charged_on),
        _amount("Charged", lambda d: d.charged, money),
        _amount("Waived", lambda d: d.waived, money),
        _amount("Paid", lambda d: d.paid, money),
        _amount("Open", lambda d: d.open, money),
        Col("Status", lambda d: STATUS_LABELS[d.status], lambda d: d.status),
        Col("Days open", lambda d: str(d.days_outstanding) if d.open else "",
            lambda d: d.days_outstanding, money=True),
    ]


def line_export(lines: list[dues.DuesLine]) -> tuple[list[Column], list[list[object]]]:
    """The dues lines as an export: the same columns, real dates and amounts."""
    columns = [
        Column("HQ ID"), Column("Name", width=30), Column("Year", "int"),
        Column("Charged on", "date"), Column("Charged", "money"), Column("Waived", "money"),
        Column("Paid", "money"), Column("Open", "money"), Column("Status"),
        Column("Days open", "int"),
    ]
    rows: list[list[object]] = [
        [d.hq_id, list_name(d), d.dues_year, d.charged_on, d.charged, d.waived, d.paid, d.open,
         STATUS_LABELS[d.status], d.days_outstanding if d.open else None]
        for d in lines
    ]
    return columns, rows


def balance_export(
    members: list[dues.MemberBalance],
) -> tuple[list[Column], list[list[object]]]:
    """Members' balances as an export."""
    columns = [
        Column("HQ ID"), Column("Name", width=30), Column("Assessed", "money"),
        Column("Paid", "money"), Column("Waived", "money"), Column("Outstanding", "money"),
        Column("Credit", "money"), Column("90+ days", "money"),
    ]
    rows: list[list[object]] = [
        [m.hq_id, list_name(m), m.assessed, m.paid, m.waived, m.outstanding, m.credit,
         m.aging.days_90_plus]
        for m in members
    ]
    return columns, rows


def assessment_columns(money: Money) -> list[Col]:
    """Who an assessment charges, how much and why."""
    return [
        Col("HQ ID", lambda a: a.hq_id, lambda a: (len(a.hq_id), a.hq_id)),
        Col("Name", list_name, lambda r: list_name(r).casefold()),
        Col("Category", lambda a: a.category),
        _amount("Amount", lambda a: a.amount, money),
        Col("Why", lambda a: "; ".join(a.reasons), tooltip=lambda a: "\n".join(a.reasons)),
    ]


def skipped_columns() -> list[Col]:
    """Who an assessment does not charge, and why."""
    return [
        Col("HQ ID", lambda s: s.hq_id, lambda s: (len(s.hq_id), s.hq_id)),
        Col("Name", list_name, lambda r: list_name(r).casefold()),
        Col("Standing", lambda s: s.standing.label),
        Col("Why not charged", lambda s: s.reason, tooltip=lambda s: s.reason),
    ]


def table_view(model: Any, name: str, *, stretch: int | None = None) -> QTableView:
    """A read-mostly table of whole-row selection, sortable, with the given accessible name."""
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setSortingEnabled(True)
    view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    view.setTabKeyNavigation(False)  # Tab moves on to the next control, not the next cell
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(stretch is None)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view
