"""The whole-year ledger reader gives every member the figures the per-member reader gives.

The dues report and the statements read a year for the whole chapter at once
(`services.dues.year_ledger`); the window, the receipts and `dues balance` read one
member's entries and allocate them (`ledger.entries_for` + `ledger.allocate`).
A treasurer comparing the printed report with a member's balance on screen
must see the same amounts, so each test here works both out and compares,
on SQLite and on PostgreSQL, over a ledger with every kind of correction.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chapterdesk.data.engine import Database
from chapterdesk.money import to_cents
from chapterdesk.services import dues
from chapterdesk.services.dues.ledger import allocate, entries_for, names_for
from chapterdesk.services.dues.reports import (
    dues_year_report,
    owing_statements,
    statement_members,
    statements_for,
)
from chapterdesk.services.dues.year_ledger import people_charged_for, year_positions
from tests.dues.conftest import AddMember
from tests.helpers import TODAY

Position = tuple[tuple[tuple[object, ...], ...], int, int]


def _per_member(db: Database, year: int) -> dict[str, Position]:
    """Each member's position for `year` the trusted way: their entries, allocated one by one."""
    with db.reading() as session:
        ledgers = entries_for(session)
    found = {}
    for hq_id, entries in ledgers.items():
        state = allocate(entries)
        charges = tuple(
            (c.entry_id, c.posted_on, *(to_cents(v) for v in (c.charged, c.waived, c.paid, c.open)))
            for c in state.charges
            if c.dues_year == year
        )
        if charges:
            found[hq_id] = (charges, to_cents(state.outstanding), to_cents(state.credit))
    return found


def _whole_year(db: Database, year: int) -> dict[str, Position]:
    with db.reading() as session:
        return {
            p.hq_id: (tuple(p.charges), p.outstanding, p.credit)
            for p in year_positions(session, year)
        }


@pytest.fixture
def corrected_ledger(db: Database, add_member: AddMember) -> dict[str, str]:
    """Two dues years and one member for each kind of correction; name → HQ ID."""
    dues.set_rate(db, 2025, "REG", "100")
    dues.set_rate(db, 2026, "REG", "150.50")
    dues.set_rate(db, 2026, "Associate", "100")
    members = {
        name: add_member(member_type=member_type, first=name)
        for name, member_type in (
            ("oldest_first", "Regular"),
            ("in_credit", "Regular"),
            ("bounced", "Regular"),
            ("part_waived", "Regular"),
            ("reassessed", "Associate"),
            ("left_out", "Regular"),
            ("credited", "Regular"),
            ("waiver_undone", "Regular"),
        )
    }
    dues.assess_dues(db, 2025, as_of=dt.date(2025, 3, 1))
    late = add_member(first="late_joiner")  # charged for 2026 only
    members["late_joiner"] = late
    dues.assess_dues(db, 2026, as_of=dt.date(2026, 2, 1))
    day = dt.date(2026, 6, 1)
    m = members
    dues.record_payment(db, m["oldest_first"], "120", "visa", "a1", paid_on=day, today=TODAY)
    dues.record_payment(db, m["in_credit"], "400", "amex", "a2", paid_on=day, today=TODAY)
    bounced = dues.record_payment(db, m["bounced"], "250.50", "check", "77", today=TODAY)
    dues.reverse_entry(db, bounced.entry_id, "Returned unpaid", today=TODAY)
    dues.record_payment(db, m["part_waived"], "150", "check", "78", today=TODAY)
    dues.waive_dues(db, m["part_waived"], 2026, "Hardship", today=TODAY)
    first_charge = _charge_id(db, m["reassessed"], 2026)
    dues.reverse_entry(db, first_charge, "Wrong category", today=TODAY)
    dues.assess_dues(db, 2026, as_of=dt.date(2026, 3, 1))  # charges `reassessed` again
    dues.reverse_entry(db, _charge_id(db, m["left_out"], 2026), "Left in January", today=TODAY)
    dues.post_credit(db, m["credited"], "30", "Board decision", today=TODAY)
    waiver = dues.waive_dues(db, m["waiver_undone"], 2025, "Hardship", today=TODAY)
    dues.reverse_entry(db, waiver.id, "Waived by mistake", today=TODAY)
    dues.record_payment(db, m["waiver_undone"], "60", "money-order", today=TODAY)
    return members


def _charge_id(db: Database, hq_id: str, year: int) -> int:
    state = dues.member_balance(db, hq_id, TODAY)
    return next(c.entry_id for c in state.charges if c.dues_year == year)


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_whole_year_equals_each_member_allocated(
    db: Database, corrected_ledger: dict[str, str], year: int
) -> None:
    assert _whole_year(db, year) == _per_member(db, year)


def test_corrections_land_where_the_treasurer_expects(
    db: Database, corrected_ledger: dict[str, str]
) -> None:
    m = corrected_ledger
    year = _whole_year(db, 2026)
    assert m["left_out"] not in year, "a reversed charge is not a charge for the year"
    assert m["left_out"] in _whole_year(db, 2025)
    (charge,) = year[m["reassessed"]][0]
    assert charge[2] == 10000, "only the live (second) charge counts"
    # 120 paid: 2025's 100 first, then 20 of 2026's 150.50
    ((_, _, charged, waived, paid, left),), outstanding, credit = year[m["oldest_first"]]
    assert (charged, waived, paid, left, outstanding, credit) == (15050, 0, 2000, 13050, 13050, 0)
    assert year[m["in_credit"]][1:] == (0, 400_00 - 100_00 - 150_50)
    assert year[m["bounced"]][0][0][4] == 0, "a reversed payment pays nothing"
    # 150 paid 2025's 100 first, then 50 of 2026's; the waiver took the rest
    assert year[m["part_waived"]][0][0][3:] == (100_50, 50_00, 0)
    assert year[m["credited"]][1:] == (100_00 + 150_50 - 30_00, 0)
    assert year[m["late_joiner"]][0][0][2] == 15050
    with db.reading() as session:
        people = people_charged_for(session, 2026)
    assert set(people) == set(year)
    assert people[m["reassessed"]].member_type == "Associate"
    assert people[m["late_joiner"]].sort_name == "Tester, late_joiner"


def test_demo_chapter_years_agree(demo_db: Database) -> None:
    year = dues.dues_year(demo_db).year
    for each in (year - 1, year, year + 1):
        assert _whole_year(demo_db, each) == _per_member(demo_db, each)


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_statements_in_one_pass_are_each_members(
    db: Database, corrected_ledger: dict[str, str], year: int
) -> None:
    owing = statement_members(db, year)
    statements = owing_statements(db, year)
    assert statements == statements_for(db, year, owing)
    assert bool(statements) == (year != 2027), "nobody is charged for 2027"
    m = corrected_ledger
    if year == 2026:
        by_id = {s.hq.hq_id: s for s in statements}
        assert m["in_credit"] not in by_id and m["left_out"] not in by_id
        assert by_id[m["bounced"]].outstanding == Decimal("250.50"), "the bounced check undone"
        assert any(e.kind == "reversal" for e in by_id[m["bounced"]].entries)


def test_demo_chapter_statements_in_one_pass(demo_db: Database) -> None:
    year = dues.dues_year(demo_db).year
    owing = statement_members(demo_db, year)
    assert owing, "the demo chapter has members who owe"
    assert owing_statements(demo_db, year) == statements_for(demo_db, year, owing)


def test_dues_report_lines_are_each_members_balance(
    db: Database, corrected_ledger: dict[str, str]
) -> None:
    report = dues_year_report(db, 2026, as_of=TODAY)
    assert {line.hq_id for line in report.lines} == set(_per_member(db, 2026))
    for line in report.lines:
        balance = dues.member_balance(db, line.hq_id, TODAY)
        (charge,) = [c for c in balance.charges if c.dues_year == 2026]
        assert (line.assessed, line.waived, line.paid, line.outstanding, line.credit) == (
            charge.charged,
            charge.waived,
            charge.paid,
            charge.open,
            balance.credit,
        )
        assert line.name == balance.name
    lines = dues.dues_lines(db, year=2026, as_of=TODAY)
    assert report.totals.outstanding == sum((d.open for d in lines), Decimal("0.00"))
    assert report.totals.paid == sum((d.paid for d in lines), Decimal("0.00"))
    aging = report.aging
    assert aging.current + aging.days_30 + aging.days_60 + aging.days_90_plus == sum(
        (d.open for d in lines), Decimal("0.00")
    )
    methods = {m.method: (m.payments, m.amount) for m in report.by_method}
    assert methods["check"] == (1, Decimal("150.00")), "the bounced check is left out"
    assert methods["money-order"] == (1, Decimal("60.00"))
    assert methods["visa"] == (1, Decimal("120.00"))


def test_statements_go_to_everyone_who_owes_the_year(
    db: Database, corrected_ledger: dict[str, str]
) -> None:
    unpaid = {line.hq_id for line in dues.who_has_not_paid(db, 2026, TODAY)}
    owing = statement_members(db, 2026)
    assert set(owing) == unpaid and len(owing) == len(unpaid)
    with db.reading() as session:
        names = names_for(session, owing)
    assert owing == sorted(owing, key=lambda hq_id: (names[hq_id][1].casefold(), hq_id))
