"""The audit trail in plain sentences: "Dues rate for Emeritus 2027 set to $35.00 by Pat Lee".

The trail keeps each change as the row's old and new column values
(`data/audit_trail.py`), which is exact but reads like a database
("amount_cents=3500, category_id=4"). `describe` turns one recorded change
into the sentence a treasurer would write in a minute book: money with
`money.format_money`, members by name (`names.display_name`), categories and
positions by name, dates as "1 July 2026". Plain Python: the window's audit
page, `audit list` and `audit export` all use it; `audit list --json` keeps
the raw values.

Every audited table has a describer in `DESCRIBERS` (a test holds the list
to the tables the trail records), so a sentence never falls back to column
names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from chapterdesk.data.audit_trail import OFFICER_NOT_NAMED
from chapterdesk.money import format_money, from_cents
from chapterdesk.values import MONTHS, long_date

METHODS = {
    "visa": "Visa",
    "mastercard": "MasterCard",
    "amex": "American Express",
    "check": "check",
    "money-order": "money order",
}


class Recorded(Protocol):
    """What the describer needs of a recorded change (`services.safety.audit.AuditRecord`)."""

    @property
    def officer(self) -> str: ...
    @property
    def table(self) -> str: ...
    @property
    def row_key(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def hq_id(self) -> str | None: ...
    @property
    def old(self) -> dict[str, Any] | None: ...
    @property
    def new(self) -> dict[str, Any] | None: ...


@dataclass(frozen=True)
class Names:
    """The names a sentence uses in place of ids, read once for a page of entries."""

    currency: str = "USD"
    categories: Mapping[int, str] = field(default_factory=dict)
    positions: Mapping[int, str] = field(default_factory=dict)
    members: Mapping[str, str] = field(default_factory=dict)
    #: Each changed row's values as they are now, by (table, row key): an update records
    #: only the fields it changed, so "which rate" (its year and category) comes from here.
    rows: Mapping[tuple[str, str], Mapping[str, Any]] = field(default_factory=dict)


def plain_date(value: Any) -> str:
    """A date as read in a sentence: "1 July 2026" (the text unchanged when not a date)."""
    if value in (None, ""):
        return "no date"
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return long_date(day)


def local_minute(at: dt.datetime) -> str:
    """A recorded UTC time as the officer's local date and time, to the minute."""
    aware = at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
    return aware.astimezone().strftime("%Y-%m-%d %H:%M")


def month_day(month: Any, day: Any) -> str:
    """A month and day of the year: "1 July"."""
    try:
        return f"{int(day)} {MONTHS[dt.date(2000, int(month), 1).month - 1]}"
    except (TypeError, ValueError):
        return "an unknown day"


def _money(cents: Any, names: Names) -> str:
    try:
        return format_money(from_cents(int(cents)), names.currency)
    except (TypeError, ValueError):
        return "an unknown amount"


def _count(n: Any, one: str, many: str | None = None) -> str:
    try:
        number = int(n)
    except (TypeError, ValueError):
        return f"some {many or one + 's'}"
    return f"{number:,} {one if number == 1 else (many or one + 's')}"


def _text(value: Any) -> str:
    return "(empty)" if value in (None, "") else f"“{value}”"


def _yes(value: Any) -> str:
    return "yes" if value else "no"


class _Entry:
    """One recorded change with its values merged (new over old) and the names at hand."""

    def __init__(self, record: Recorded, names: Names) -> None:
        self.record, self.names = record, names
        self.old = record.old or {}
        self.new = record.new or {}
        current = names.rows.get((record.table, record.row_key), {})
        self.values = {**current, **self.old, **self.new}
        self.action = record.action

    def get(self, key: str) -> Any:
        return self.values.get(key)

    def changed(self) -> list[str]:
        return sorted(k for k in self.new if self.old.get(k) != self.new.get(k))

    @property
    def member(self) -> str:
        hq_id = self.record.hq_id or self.values.get("hq_id")
        if not hq_id:
            return "a member"
        name = self.names.members.get(str(hq_id))
        return f"{name} ({hq_id})" if name else f"member {hq_id}"

    def category(self, key: str = "category_id") -> str:
        value = self.get(key)
        return self.names.categories.get(int(value), f"category {value}") if value else "a category"

    def position(self) -> str:
        value = self.get("position_id")
        return self.names.positions.get(int(value), f"position {value}") if value else "a position"

    def money(self, key: str, values: Mapping[str, Any] | None = None) -> str:
        return _money((values or self.values).get(key), self.names)


def _fields(entry: _Entry, labels: Mapping[str, tuple[str, Callable[[Any], str]]]) -> str:
    """The changed fields in words: "currency from USD to CAD; grace period from 90 to 60 days"."""
    parts = []
    for key in entry.changed():
        if key not in labels:
            continue
        label, shown = labels[key]
        parts.append(f"{label} from {shown(entry.old.get(key))} to {shown(entry.new.get(key))}")
    return "; ".join(parts) or "no visible field"


def _days(value: Any) -> str:
    return _count(value, "day")


SETTINGS_FIELDS: dict[str, tuple[str, Callable[[Any], str]]] = {
    "name": ("chapter name", _text),
    "currency": ("currency", lambda v: str(v or "(none)")),
    "year_start_month": ("dues year start month", lambda v: month_day(v, 1).split()[-1]),
    "year_start_day": ("dues year start day", lambda v: str(v)),
    "grace_days": ("grace period", _days),
    "stale_after_days": ("HQ data age limit", _days),
    "page_size": ("page size", lambda v: str(v or "").capitalize() or "(none)"),
    "officer_name": ("officer name", _text),
    "quorum_percent": ("quorum", lambda v: "a simple majority" if v is None else f"{v} %"),
}


def _settings(e: _Entry) -> str:
    if e.action == "insert":
        return (
            f"Chapter {_text(e.get('name'))} set up (currency {e.get('currency')}, dues year "
            f"starting {month_day(e.get('year_start_month'), e.get('year_start_day'))})"
        )
    if e.action == "delete":
        return "Chapter settings removed"
    if e.changed() == ["officer_name"]:
        name = e.new.get("officer_name")
        return f"Officer name set to {_text(name)}" if name else "Officer name cleared"
    return f"Chapter settings changed: {_fields(e, SETTINGS_FIELDS)}"


CATEGORY_FIELDS: dict[str, tuple[str, Callable[[Any], str]]] = {
    "code": ("code", _text),
    "name": ("name", _text),
    "may_vote": ("may vote", _yes),
    "may_hold_office": ("may hold office", _yes),
    "eligible": ("eligible for membership", _yes),
    "description": ("description", _text),
    "sort_order": ("place in lists", str),
    "hq_types": (
        "HQ member types mapped to it",
        lambda v: _text(", ".join(str(v or "").splitlines())),
    ),
}


def _category(e: _Entry) -> str:
    name = _text(e.get("name"))
    if e.action == "insert":
        return (
            f"Category {name} added (may vote: {_yes(e.get('may_vote'))}, may hold office: "
            f"{_yes(e.get('may_hold_office'))})"
        )
    if e.action == "delete":
        return f"Category {name} removed"
    return f"Category {name} changed: {_fields(e, CATEGORY_FIELDS)}"


def _import_batch(e: _Entry) -> str:
    file = _text(e.get("file_name"))
    if e.action == "insert":
        return (
            f"HQ export {file} imported ({_count(e.get('row_count'), 'row')}, data as of "
            f"{plain_date(e.get('data_as_of'))})"
        )
    if e.action == "delete":
        return f"Record of the HQ import of {file} removed"
    if "undone_at" in e.changed():
        if e.new.get("undone_at"):
            return f"HQ import of {file} undone"
        return f"HQ import of {file} restored"
    return f"HQ import of {file}: its results recorded"


def _membership(e: _Entry) -> str:
    who = e.member
    if e.action == "insert":
        return f"{who} joined the chapter on {plain_date(e.get('chapter_joined_on'))}"
    if e.action == "delete":
        return f"{who}'s chapter membership removed"
    parts = []
    for key in e.changed():
        new, old = e.new.get(key), e.old.get(key)
        if key == "left_on":
            parts.append(
                f"left the chapter on {plain_date(new)}" if new else "rejoined (leave undone)"
            )
        elif key == "leave_reason":
            parts.append(f"reason for leaving {_text(new)}")
        elif key == "notes":
            parts.append(f"notes changed from {_text(old)} to {_text(new)}")
        elif key == "employment_ended_on":
            parts.append(
                f"last day worked set to {plain_date(new)}" if new else "last day worked cleared"
            )
        elif key == "chapter_joined_on":
            parts.append(f"chapter join date changed to {plain_date(new)}")
    return f"{who}: {'; '.join(parts) or 'chapter membership changed'}"


def _position(e: _Entry) -> str:
    name = _text(e.get("name"))
    if e.action == "insert":
        holders = "one holder at a time" if e.get("single_holder") else "several holders"
        return f"Officer position {name} added ({holders})"
    if e.action == "delete":
        return f"Officer position {name} removed"
    if "name" in e.changed():
        return f"Officer position {_text(e.old.get('name'))} renamed {_text(e.new.get('name'))}"
    return f"Officer position {name} changed"


def _term(e: _Entry) -> str:
    who, position = e.member, e.position()
    if e.action == "insert":
        until = f" to {plain_date(e.get('ends_on'))}" if e.get("ends_on") else ""
        return f"{who} appointed {position} from {plain_date(e.get('starts_on'))}{until}"
    if e.action == "delete":
        return f"{who}'s term as {position} removed"
    if "ends_on" in e.changed():
        end = e.new.get("ends_on")
        if end:
            return f"{who}'s term as {position} set to end on {plain_date(end)}"
        return f"{who}'s term as {position} reopened (no end date)"
    return f"{who}'s term as {position} changed to start on {plain_date(e.get('starts_on'))}"


def _change_batch(e: _Entry) -> str:
    description = str(e.get("description") or "A bulk change").rstrip(".")
    if e.action == "insert":
        return f"{description[:1].upper()}{description[1:]} ({_count(e.get('row_count'), 'row')})"
    return f"{description[:1].upper()}{description[1:]}: {_count(e.get('row_count'), 'row')} in all"


def _mapping(e: _Entry) -> str:
    verbs = {"insert": "remembered", "update": "changed", "delete": "forgotten"}
    return f"Column mapping for an HQ export layout {verbs.get(e.action, 'changed')}"


def _local_edit(e: _Entry) -> str:
    what = str(e.get("field") or "a field").replace("_", " ")
    if e.action == "delete":
        return f"Local correction of {e.member}'s {what} settled"
    return (
        f"{e.member}'s {what} corrected locally to {_text(e.get('local_value'))} "
        f"(HQ had {_text(e.get('hq_value'))})"
    )


def _organisation(e: _Entry) -> str:
    name = _text(e.get("name"))
    if e.action == "delete":
        return f"Organisation {name} removed"
    if e.get("nonprofit"):
        return f"{name} marked as a non-profit"
    return f"{name} no longer marked as a non-profit"


def _rate(e: _Entry) -> str:
    what = f"Dues rate for {e.category()} {e.get('dues_year')}"
    if e.action == "delete":
        return f"{what} removed"
    extras = []
    if e.get("nonprofit_cents") is not None:
        extras.append(f"non-profit {e.money('nonprofit_cents')}")
    if e.get("enterprise_cents") is not None:
        extras.append(f"enterprise {e.money('enterprise_cents')}")
    tail = f" ({', '.join(extras)})" if extras else ""
    if e.action == "update" and "amount_cents" in e.changed():
        return (
            f"{what} changed from {e.money('amount_cents', e.old)} to "
            f"{e.money('amount_cents', e.new)}{tail}"
        )
    return f"{what} set to {e.money('amount_cents')}{tail}"


def _year_rule(e: _Entry) -> str:
    year = e.get("dues_year")
    if e.action == "delete":
        return f"Dues rules for {year} removed"
    full = e.get("enterprise_full_count")
    enterprise = (
        f"enterprise members 1–{full} at the full rate, later ones at the enterprise rate"
        if full else "no enterprise schedule"
    )
    percent = e.get("promotion_percent") or 0
    promotion = (
        f"{percent} % off for a first-time member (or one away "
        f"{_count(e.get('promotion_gap_years'), 'year')})"
        if percent else "no promotion"
    )
    return f"Dues rules for {year} set: {enterprise}; {promotion}"


def _proration(e: _Entry) -> str:
    when = month_day(e.get("month"), e.get("day"))
    year = e.get("dues_year")
    if e.action == "delete":
        return f"Proration step for {year} from {when} removed"
    return f"Proration for {year}: members joining from {when} pay {e.get('percent')} % of the dues"


def _ledger(e: _Entry) -> str:
    kind, who, amount = e.get("kind"), e.member, e.money("amount_cents")
    if e.action != "insert":  # the database refuses this; say so if it ever happened
        done = "removed" if e.action == "delete" else "altered"
        return f"Ledger entry {e.record.row_key} for {who} {done}"
    if kind == "charge":
        return f"{who} charged {amount} dues for {e.get('dues_year')}"
    if kind == "payment":
        method = METHODS.get(str(e.get("method")), str(e.get("method") or "an unknown method"))
        notes = [f"receipt {e.get('receipt_no')}"] if e.get("receipt_no") else []
        if e.get("reference"):
            notes.append(f"reference {e.get('reference')}")
        noted = f" ({', '.join(notes)})" if notes else ""
        day = plain_date(e.get("posted_on"))
        return f"Payment of {amount} by {method} from {who} on {day}{noted}"
    reason = _text(e.get("reason"))
    if kind == "credit":
        return f"Credit of {amount} to {who}, reason {reason},"
    if kind == "waiver":
        return f"{amount} of {who}'s dues waived, reason {reason},"
    if kind == "reversal":
        entry = e.get("reverses_id")
        return f"Ledger entry {entry} for {who} ({amount}) reversed, reason {reason},"
    return f"Ledger entry of {amount} for {who}"


def _conflict(e: _Entry) -> str:
    what = str(e.get("field") or "a field").replace("_", " ")
    if e.action == "insert":
        return (
            f"HQ's {what} for {e.member} ({_text(e.get('hq_value'))}) held against the "
            f"chapter's {_text(e.get('local_value'))} for an officer to settle"
        )
    if e.action == "delete":
        return f"Conflict over {e.member}'s {what} cleared"
    settled = {"keep_local": "the chapter's value kept", "take_hq": "HQ's value taken"}
    choice = settled.get(str(e.get("settled")), f"settled as {_text(e.get('settled'))}")
    return f"Conflict over {e.member}'s {what}: {choice}"


def _mail_account(e: _Entry) -> str:
    if e.action == "delete":
        return "E-mail account removed"
    return (
        f"E-mail account set to send as {_text(e.get('from_address'))} through "
        f"{_text(e.get('host'))}, port {e.get('port')}"
    )


def _mail_template(e: _Entry) -> str:
    kind = str(e.get("kind") or "an e-mail").replace("_", " ")
    verbs = {"insert": "set", "update": "changed", "delete": "reset to the default"}
    return f"The {kind} e-mail template {verbs.get(e.action, 'changed')}"


_MAIL_STATES = {
    "queued": "queued",
    "sending": "being sent",
    "sent": "sent",
    "failed": "refused by the mail server",
    "uncertain": "of unknown delivery (the connection was lost)",
}


def _mail_message(e: _Entry) -> str:
    kind = str(e.get("kind") or "an e-mail").replace("_", " ")
    to = _text(e.get("recipient"))
    state = _MAIL_STATES.get(str(e.get("status")), _text(e.get("status")))
    if e.action == "insert":
        return f"A {kind} e-mail to {e.member} at {to} queued"
    if e.action == "delete":
        return f"A {kind} e-mail to {to} removed from the outbox"
    return f"The {kind} e-mail to {e.member} at {to} {state}"


def _payment_import(e: _Entry) -> str:
    source = _text(e.get("source"))
    name = _text(e.get("file_name"))
    if e.action == "insert":
        return f"Payments imported from {name} ({source}, {_count(e.get('line_count'), 'line')})"
    if e.get("undone_at"):
        return f"Payments imported from {name} ({source}) undone"
    return f"Payments import of {name} ({source}) changed"


def _payment_line(e: _Entry) -> str:
    amount = e.money("gross_cents")
    fee = e.money("fee_cents")
    if e.action == "delete":
        return f"An imported payment line of {amount} from {e.member} removed"
    return (
        f"Imported payment of {amount} (processor fee {fee}) from {e.member}, paid "
        f"{plain_date(e.get('paid_on'))}, line {e.get('line_no')} of the file"
    )


def _payment_mapping(e: _Entry) -> str:
    verbs = {"insert": "remembered", "update": "changed", "delete": "forgotten"}
    return f"Column mapping for a bank's payments file {verbs.get(e.action, 'changed')}"


DESCRIBERS: dict[str, Callable[[_Entry], str]] = {
    "chapter_settings": _settings,
    "membership_category": _category,
    "import_batch": _import_batch,
    "chapter_membership": _membership,
    "officer_position": _position,
    "officer_term": _term,
    "change_batch": _change_batch,
    "hq_mapping": _mapping,
    "hq_local_edit": _local_edit,
    "organisation": _organisation,
    "dues_rate": _rate,
    "dues_year_rule": _year_rule,
    "dues_proration_step": _proration,
    "ledger_entry": _ledger,
    "hq_conflict": _conflict,
    "mail_account": _mail_account,
    "mail_template": _mail_template,
    "mail_message": _mail_message,
    "payment_import": _payment_import,
    "payment_line": _payment_line,
    "payment_mapping": _payment_mapping,
}


def by_whom(officer: str) -> str:
    """Who made a change, as the end of a sentence: "Pat Lee", "an officer not named"."""
    return "an officer not named" if officer in ("", OFFICER_NOT_NAMED) else officer


def what_happened(record: Recorded, names: Names) -> str:
    """The change alone, without who made it: "Dues rate for Emeritus 2027 set to $35.00"."""
    describer = DESCRIBERS.get(record.table)
    entry = _Entry(record, names)
    if describer is None:
        verbs = {"insert": "added", "update": "changed", "delete": "removed"}
        what = record.table.replace("_", " ").capitalize()
        return f"{what} record {verbs.get(record.action, 'changed')}"
    return describer(entry)


def describe(record: Recorded, names: Names) -> str:
    """The change as one sentence: "Dues rate for Emeritus 2027 set to $35.00 by Pat Lee"."""
    return f"{what_happened(record, names)} by {by_whom(record.officer)}"

