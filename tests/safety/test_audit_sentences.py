"""The audit trail read as sentences: every kind of change the door records, in words.

The trail keeps raw column values; `audit_sentences.describe` must turn each
kind of entry (every audited table, added, changed or removed) into a sentence
with names, money and plain dates, never "amount_cents=3500, category_id=4".
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Boolean, Date, DateTime, Integer

from chapterdesk.audit_sentences import DESCRIBERS, Names, describe, plain_date
from chapterdesk.data.audit_trail import NOT_AUDITED, OFFICER_NOT_NAMED
from chapterdesk.data.engine import Database
from chapterdesk.data.models import Base, all_models
from chapterdesk.services.chapter import save_category, set_officer_name
from chapterdesk.services.dues import corrections, payments, rates
from chapterdesk.services.roster import officers
from chapterdesk.services.roster.categories import map_hq_type
from chapterdesk.services.roster.members import leave_chapter, list_members, update_chapter_facts
from chapterdesk.services.safety.audit import AuditRecord, audit_log, export_audit_csv

RAW = re.compile(r"=|_id|_cents|\bNone\b|[a-z]_[a-z]")


@pytest.fixture
def engine_name() -> str:
    """The sentences read names through the ORM; the engine does not change them."""
    return "sqlite"


def _readable(sentence: str) -> None:
    assert not RAW.search(sentence), sentence
    assert sentence[:1].isupper() or sentence[:1].isdigit() or sentence[:1] in "“$", sentence


def _sample(column: Any, table: str, variant: int) -> Any:
    """A value of the column's type, different for each variant (old and new)."""
    kind = column.type
    if column.name == "kind" and table == "ledger_entry":
        return "charge"
    if column.name == "method":
        return "visa"
    if column.name in {"month", "year_start_month"}:
        return 7 + variant
    if column.name in {"day", "year_start_day"}:
        return 1 + variant
    if column.name == "currency":
        return ("USD", "CAD")[variant]
    if isinstance(kind, Boolean):
        return bool(variant)
    if isinstance(kind, Integer):
        return 2027 if "year" in column.name else 3500 + variant * 100
    if isinstance(kind, DateTime):
        return f"2026-0{5 + variant}-01T10:00:00"
    if isinstance(kind, Date):
        return f"2026-0{5 + variant}-01"
    return f"value {variant}"


def _record(table: str, action: str, officer: str = "Pat Lee", **fixed: Any) -> AuditRecord:
    all_models()  # every model's table registered, whichever tests ran before in this process
    columns = Base.metadata.tables[table].columns
    old = {c.name: _sample(c, table, 0) for c in columns} | fixed
    new = {c.name: _sample(c, table, 1) for c in columns} | fixed
    return AuditRecord(
        id=1, at=dt.datetime(2026, 5, 1, 12), officer=officer, table=table, row_key="7",
        action=action, hq_id="104233",
        old=None if action == "insert" else old, new=None if action == "delete" else new,
    )


NAMES = Names(
    currency="USD",
    categories={3600: "Emeritus", 3700: "Emeritus", 3500: "Emeritus"},
    positions={3500: "Treasurer", 3600: "Treasurer"},
    members={"104233": "Mary Baker"},
)


def test_every_audited_table_has_its_own_sentences() -> None:
    all_models()
    audited = {name for name in Base.metadata.tables if name not in NOT_AUDITED}
    assert set(DESCRIBERS) == audited


@pytest.mark.parametrize("action", ["insert", "update", "delete"])
@pytest.mark.parametrize("table", sorted(DESCRIBERS))
def test_every_kind_of_entry_reads_as_a_sentence(table: str, action: str) -> None:
    sentence = describe(_record(table, action), NAMES)
    _readable(sentence)
    assert sentence.endswith(" by Pat Lee")


@pytest.mark.parametrize("kind", ["charge", "payment", "credit", "waiver", "reversal"])
def test_every_ledger_entry_kind_reads_as_a_sentence(kind: str) -> None:
    record = _record("ledger_entry", "insert", kind=kind, amount_cents=3500, reason="Board vote")
    sentence = describe(record, NAMES)
    _readable(sentence)
    assert "$35.00" in sentence and "Mary Baker (104233)" in sentence


def test_the_issues_example_reads_as_asked() -> None:
    record = AuditRecord(
        id=1, at=dt.datetime(2026, 5, 1), officer="Pat Lee", table="dues_rate", row_key="4",
        action="insert", hq_id=None, old=None,
        new={"id": 4, "dues_year": 2027, "category_id": 4, "amount_cents": 3500,
             "nonprofit_cents": None, "enterprise_cents": None},
    )
    names = Names(currency="USD", categories={4: "Emeritus"})
    assert describe(record, names) == "Dues rate for Emeritus 2027 set to $35.00 by Pat Lee"
    unnamed = AuditRecord(**{**record.__dict__, "officer": OFFICER_NOT_NAMED})
    assert describe(unnamed, names).endswith(" by an officer not named")
    assert plain_date("2026-07-01") == "1 July 2026"


def test_a_real_trail_of_every_kind_of_change_reads_as_sentences(
    demo_db: Database, tmp_path: Path
) -> None:
    db = demo_db
    set_officer_name(db, "Pat Lee")
    year = rates.list_rates(db)[0].year
    first = rates.list_rates(db, year)[0]
    rates.set_rate(db, year, first.category_code, first.amount + Decimal("5.00"))
    rules = rates.year_rules(db, year)
    rates.set_year_rules(db, rules.__class__(**{**rules.__dict__, "proration": ()}))
    rates.set_year_rules(db, rules)
    members = list_members(db)
    payer = members[0]
    receipt = payments.record_payment(db, payer.hq_id, "12.50", "check", reference="1042")
    corrections.reverse_entry(db, receipt.entry_id, "Bounced")
    corrections.post_credit(db, payer.hq_id, "3.00", "Overcharged in 2025")
    update_chapter_facts(db, members[1].hq_id, notes="Chairs the spring meeting",
                         chapter_joined_on=members[1].membership.chapter_joined_on,
                         employment_ended_on=members[1].membership.employment_ended_on)
    term = officers.list_officers(db)[0]
    leave_chapter(db, term.hq_id, reason="Moved away")
    map_hq_type(db, "Retired Member", first.category_code)
    save_category(db, None, code="STU", name="Student", may_vote=False,
                  may_hold_office=False, eligible=True, description="Students")

    trail = audit_log(db, limit=None)
    kinds = {(r.table, r.action) for r in trail}
    assert {("dues_rate", "update"), ("dues_proration_step", "delete"),
            ("chapter_membership", "update"), ("officer_term", "update"),
            ("membership_category", "update"), ("chapter_settings", "update"),
            ("ledger_entry", "insert")} <= kinds
    for record in trail:
        _readable(record.sentence)
    assert any(r.sentence == f"Officer name set to “Pat Lee” by {'Pat Lee'}" for r in trail)
    rate = next(r for r in trail if (r.table, r.action) == ("dues_rate", "update"))
    new_amount = f"${first.amount + Decimal('5.00'):,.2f}"
    assert rate.sentence == (
        f"Dues rate for {first.category_name} {year} changed from ${first.amount:,.2f} to "
        f"{new_amount} by Pat Lee"
    )
    left = next(r for r in trail if (r.table, r.action) == ("officer_term", "update"))
    assert left.sentence.startswith(f"{term.name} ({term.hq_id})'s term as {term.position} "
                                    "set to end on ")

    written = tmp_path / "trail.csv"
    export_audit_csv(db, written)
    with written.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[-1]["change"] == trail[0].sentence  # oldest first in the file
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", rows[-1]["at_local"])


def test_changes_with_no_officer_named_never_record_the_computers_account(
    demo_db: Database,
) -> None:
    import getpass

    set_officer_name(demo_db, None)
    member = list_members(demo_db)[0]
    update_chapter_facts(demo_db, member.hq_id, notes="x",
                         chapter_joined_on=member.membership.chapter_joined_on,
                         employment_ended_on=member.membership.employment_ended_on)
    newest = audit_log(demo_db, limit=1)[0]
    assert newest.officer == OFFICER_NOT_NAMED != getpass.getuser()
    assert newest.sentence.endswith(" by an officer not named")


def test_audit_list_prints_sentences_and_its_json_stays_raw(cli, demo_path: Path) -> None:  # type: ignore[no-untyped-def]
    said = cli("audit", "officer", "--db", str(demo_path))
    assert said.returncode == 0
    assert f"recorded as made by {OFFICER_NOT_NAMED}" in said.stdout
    assert 'chapterdesk audit officer "Your Name"' in said.stdout
    assert cli("audit", "officer", "Pat Lee", "--db", str(demo_path)).returncode == 0
    rate = cli("dues", "rate", "set", "2031", "Emeritus", "35", "--db", str(demo_path))
    assert rate.returncode == 0, rate.stderr

    text = cli("audit", "list", "--limit", "300", "--db", str(demo_path))
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0].split() == ["When", "Change"]
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d  Dues rate for Emeritus 2031 set to \$35\.00 by "
                    r"Pat Lee$", lines[2]), lines[2]
    for line in lines[2:-1]:
        _readable(line[18:])
    raw = cli("audit", "list", "--limit", "1", "--json", "--db", str(demo_path))
    (entry,) = json.loads(raw.stdout)
    assert entry["new"]["amount_cents"] == 3500 and entry["table"] == "dues_rate"
