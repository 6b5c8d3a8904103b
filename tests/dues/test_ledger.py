"""The ledger: immutable in the database, payments with receipts, reversals, waivers, balances."""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from chapterdesk.data.engine import Database
from chapterdesk.errors import BadInputError, NotFoundError, RuleRefusedError
from chapterdesk.services import dues
from tests.dues.conftest import AddMember
from tests.helpers import TODAY

D = Decimal


@pytest.fixture
def charged(rated: Database, add_member: AddMember) -> tuple[Database, str, str]:
    """Two Regular members charged 150.00 for 2026 on TODAY."""
    a, b = add_member(), add_member()
    dues.assess_dues(rated, 2026, as_of=TODAY)
    return rated, a, b


def test_the_database_refuses_update_and_delete_of_a_posted_entry(
    charged: tuple[Database, str, str], db_path: Path
) -> None:
    db, a, _b = charged
    dues.record_payment(db, a, "150", "visa", today=TODAY)
    con = sqlite3.connect(db_path)
    try:
        before = con.execute("SELECT * FROM ledger_entry ORDER BY id").fetchall()
        for sql in (
            "UPDATE ledger_entry SET amount_cents = 1 WHERE kind = 'payment'",
            "UPDATE ledger_entry SET reason = 'edited'",
            "DELETE FROM ledger_entry WHERE id = 1",
            "DELETE FROM ledger_entry",
        ):
            with pytest.raises(sqlite3.IntegrityError, match="ledger entries are immutable"):
                con.execute(sql)
        con.rollback()
        assert con.execute("SELECT * FROM ledger_entry ORDER BY id").fetchall() == before
    finally:
        con.close()
    with pytest.raises(IntegrityError, match="immutable"), db.engine.begin() as conn:
        conn.execute(text("UPDATE ledger_entry SET posted_on = '2020-01-01'"))


@pytest.mark.parametrize(
    ("column_sql", "why"),
    [
        ("'payment', 1.5, 'visa', 99", "whole_cents"),
        ("'payment', 0, 'visa', 99", "whole_cents"),
        ("'payment', 100, 'check', 99", "check_has_number"),
        ("'payment', 100, 'po', 99", "method"),
        ("'payment', 100, NULL, NULL", "payment_fields"),
        ("'refund', 100, NULL, NULL", "kind"),
    ],
)
def test_the_database_checks_every_entry(
    charged: tuple[Database, str, str], column_sql: str, why: str
) -> None:
    db, a, _b = charged
    with pytest.raises(IntegrityError, match=why), db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO ledger_entry (kind, amount_cents, method, receipt_no, hq_id,"
                f" posted_on, reference, reason, detail, created_at) VALUES ({column_sql}, :a,"
                " '2026-11-25', '', '', '', '2026-11-25 00:00:00')"
            ),
            {"a": a},
        )


def test_payments_get_sequential_receipts_and_pay_the_oldest_charge_first(
    charged: tuple[Database, str, str],
) -> None:
    db, a, b = charged
    dues.set_rate(db, 2025, "REG", "100")
    dues.assess_dues(db, 2025, as_of=dt.date(2025, 2, 1))
    first = dues.record_payment(
        db, a, "1,150.00", "check", "1042", dt.date(2026, 11, 20), today=TODAY
    )
    second = dues.record_payment(db, b, D("120.00"), "Master Card", today=TODAY)
    assert (first.receipt_no, second.receipt_no) == (1, 2)
    # 2025 (100.00) before 2026 (150.00); the rest is credit, never refunded.
    assert first.applied == ((2025, D("100.00")), (2026, D("150.00")))
    assert (first.outstanding_after, first.credit_after) == (D("0.00"), D("900.00"))
    assert second.applied == ((2025, D("100.00")), (2026, D("20.00")))
    assert (second.method, second.outstanding_after) == ("mastercard", D("130.00"))
    balance = dues.member_balance(db, a, TODAY)
    assert (balance.assessed, balance.paid, balance.credit, balance.balance) == (
        D("250.00"),
        D("1150.00"),
        D("900.00"),
        D("-900.00"),
    )
    # The credit pays next year's dues when they are charged.
    dues.set_rate(db, 2027, "REG", "150")
    dues.assess_dues(db, 2027, as_of=TODAY)
    assert dues.member_balance(db, a, TODAY).credit == D("750.00")


def test_payment_refusals(charged: tuple[Database, str, str]) -> None:
    db, a, _b = charged
    with pytest.raises(RuleRefusedError, match=r"^Purchase orders are not accepted; "):
        dues.record_payment(db, a, "150", "PO", today=TODAY)
    with pytest.raises(RuleRefusedError, match="Purchase orders"):
        dues.record_payment(db, a, "150", "purchase-order", "PO-77", today=TODAY)
    with pytest.raises(BadInputError, match="needs the check number"):
        dues.record_payment(db, a, "150", "check", today=TODAY)
    with pytest.raises(BadInputError, match="not a payment method"):
        dues.record_payment(db, a, "150", "bitcoin", today=TODAY)
    with pytest.raises(BadInputError, match="fraction of a cent"):
        dues.record_payment(db, a, "150.001", "visa", today=TODAY)
    with pytest.raises(BadInputError, match="full card number"):
        dues.record_payment(db, a, "150", "visa", "4111 1111 1111 1111", today=TODAY)
    with pytest.raises(BadInputError, match="in the future"):
        dues.record_payment(db, a, "150", "visa", paid_on=TODAY + dt.timedelta(days=1), today=TODAY)
    with pytest.raises(NotFoundError, match="never been a member of this chapter"):
        dues.record_payment(db, "424242", "150", "visa", today=TODAY)
    dues.record_payment(db, a, "150", "cheque", "1042", today=TODAY)
    with pytest.raises(RuleRefusedError, match=r"Check 1042 .* already recorded as receipt 1"):
        dues.record_payment(db, a, "150", "check", "1042", today=TODAY)
    assert dues.member_balance(db, a, TODAY).paid == D("150.00")


def test_reversals_correct_mistakes_once_and_never_a_reversal(
    charged: tuple[Database, str, str],
) -> None:
    db, a, b = charged
    wrong = dues.record_payment(db, a, "150", "amex", "auth 1234", today=TODAY)
    with pytest.raises(BadInputError, match="needs a reason"):
        dues.reverse_entry(db, wrong.entry_id, "  ", today=TODAY)
    reversal = dues.reverse_entry(db, wrong.entry_id, "Belongs to the other member", today=TODAY)
    assert (reversal.kind, reversal.reverses_id, reversal.signed) == (
        "reversal",
        wrong.entry_id,
        D("150.00"),
    )
    with pytest.raises(RuleRefusedError, match=f"already reversed by entry {reversal.id}"):
        dues.reverse_entry(db, wrong.entry_id, "again", today=TODAY)
    with pytest.raises(RuleRefusedError, match="itself a reversal"):
        dues.reverse_entry(db, reversal.id, "undo the undo", today=TODAY)
    with pytest.raises(NotFoundError, match="no ledger entry 999"):
        dues.reverse_entry(db, 999, "typo", today=TODAY)
    right = dues.record_payment(db, b, "150", "amex", "auth 1234", today=TODAY)
    assert right.receipt_no == wrong.receipt_no + 1  # receipts are never reused
    assert dues.member_balance(db, a, TODAY).outstanding == D("150.00")
    assert dues.member_balance(db, b, TODAY).outstanding == D("0.00")
    entries = dues.member_balance(db, a, TODAY).entries
    assert [(e.kind, e.reversed_by) for e in entries] == [
        ("charge", None),
        ("payment", reversal.id),
        ("reversal", None),
    ]


def test_waivers_cover_what_is_open_and_block_reversing_their_charge(
    charged: tuple[Database, str, str],
) -> None:
    db, a, b = charged
    dues.record_payment(db, a, "50", "visa", today=TODAY)
    with pytest.raises(BadInputError, match="needs a reason"):
        dues.waive_dues(db, a, 2026, "", today=TODAY)
    with pytest.raises(RuleRefusedError, match="no dues charge for 2025"):
        dues.waive_dues(db, a, 2025, "Hardship", today=TODAY)
    waiver = dues.waive_dues(db, a, 2026, "Board approved hardship", today=TODAY)
    assert (waiver.kind, waiver.amount, waiver.dues_year) == ("waiver", D("100.00"), 2026)
    with pytest.raises(RuleRefusedError, match=r"Nothing of .* is open"):
        dues.waive_dues(db, a, 2026, "Again", today=TODAY)
    charge_id = dues.member_balance(db, a, TODAY).charges[0].entry_id
    with pytest.raises(RuleRefusedError, match=f"live waiver, entry {waiver.id}"):
        dues.reverse_entry(db, charge_id, "Wrong year", today=TODAY)
    lines = {line.hq_id: line for line in dues.dues_lines(db, year=2026, as_of=TODAY)}
    assert (lines[a].status, lines[a].waived, lines[a].paid) == ("waived", D("100.00"), D("50.00"))
    assert lines[b].status == "unpaid"
    assert [line.hq_id for line in dues.who_has_not_paid(db, 2026, TODAY)] == [b]
    dues.reverse_entry(db, waiver.id, "Waived by mistake", today=TODAY)
    assert {line.hq_id for line in dues.who_has_not_paid(db, 2026, TODAY)} == {a, b}


def test_credits_totals_and_aging_buckets(rated: Database, add_member: AddMember) -> None:
    ids = [add_member() for _ in range(5)]
    dues.assess_dues(rated, 2026, as_of=TODAY)
    report = dues.balances(rated, TODAY)
    assert (report.totals.members, report.totals.outstanding) == (5, D("750.00"))
    assert report.totals.aging.current == D("750.00")
    credit = dues.post_credit(rated, ids[0], "20", "Prepaid before ChapterDesk", today=TODAY)
    assert (credit.kind, credit.signed) == ("credit", D("-20.00"))
    with pytest.raises(BadInputError, match="needs a reason"):
        dues.post_credit(rated, ids[0], "20", "", today=TODAY)
    later = dues.balances(rated, TODAY + dt.timedelta(days=95)).totals
    assert (later.aging.days_90_plus, later.credits, later.outstanding) == (
        D("730.00"),
        D("20.00"),
        D("730.00"),
    )
    assert (later.members_owing, later.members_in_credit) == (5, 0)
    days = (0, 29, 30, 59, 60, 89, 90)
    assert [dues.aging_bucket(TODAY - dt.timedelta(days=d), TODAY) for d in days] == [
        "current",
        "current",
        "days_30",
        "days_30",
        "days_60",
        "days_60",
        "days_90_plus",
    ]


def test_aging_sorts_open_charges_by_their_age(db: Database, add_member: AddMember) -> None:
    dues.set_rate(db, 2025, "REG", "100")
    dues.set_rate(db, 2026, "REG", "150")
    member = add_member()
    dues.assess_dues(db, 2025, as_of=dt.date(2025, 11, 1))
    dues.assess_dues(db, 2026, as_of=dt.date(2026, 10, 10))
    dues.record_payment(db, member, "40", "visa", today=TODAY)  # pays the older charge first
    aging = dues.member_balance(db, member, TODAY).aging
    assert (aging.current, aging.days_30, aging.days_60, aging.days_90_plus) == (
        D("0.00"),
        D("150.00"),  # 46 days old
        D("0.00"),
        D("60.00"),  # 100.00 less the 40.00 paid
    )
