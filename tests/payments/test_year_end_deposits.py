"""The year-end report (processor fees, deposits, members' credit) and balances as of a day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from chapterdesk.data.engine import Database
from chapterdesk.services import dues
from chapterdesk.services.dues.year_end import year_end
from chapterdesk.services.payments import post_reviewed, review_payments, undo_payment_import
from tests.payments import samples as s
from tests.payments.conftest import DAY
from tests.payments.test_payments_import import four_payers

D = Decimal


def test_fees_and_deposits_come_from_the_imports_and_leave_with_an_undo(
    chapter: Database, tmp_path: Path
) -> None:
    assert year_end(chapter, 2026).processor.deposits == ()
    path = s.write_stripe(tmp_path / "stripe.csv", four_payers())
    result = post_reviewed(chapter, review_payments(chapter, path), assign={5: "2003"})
    assert result.batch_id is not None
    processor = year_end(chapter, 2026).processor
    (deposit,) = processor.deposits  # every line was paid on one day
    assert deposit.source == "stripe"
    assert (deposit.gross, deposit.fees) == (result.gross, result.fees) == (D("487.50"),
                                                                            D("15.34"))
    assert deposit.net == D("472.16") and deposit.posted == D("487.50")
    assert processor.fees == D("15.34")
    undo_payment_import(chapter, result.batch_id)
    assert year_end(chapter, 2026).processor.deposits == ()


def test_the_credit_members_hold_is_read_at_each_end_of_the_year(chapter: Database) -> None:
    """Opening and closing credit are the ledger as it stood on each day, not as it is now."""
    later = dt.date(2027, 2, 1)  # the treasurer runs the 2026 report after new year
    paid = dues.record_payment(
        chapter, "2001", "200", "check", "501", dt.date(2026, 3, 1), today=later
    )  # 150.00 owed: 50.00 left over as credit
    dues.post_credit(
        chapter, "2002", "180", "Board decision", on=dt.date(2027, 1, 5), today=later
    )  # pays Jörg's 150.00, 30.00 left over
    dues.reverse_entry(
        chapter, paid.entry_id, "Bounced", on=dt.date(2027, 1, 20), today=later
    )  # the check bounced in January: it stood all of 2026
    found = year_end(chapter, 2026)
    assert (found.opening_credit, found.closing_credit) == (D("0.00"), D("50.00"))
    following = year_end(chapter, 2027)
    assert following.opening_credit == D("50.00")
    assert following.closing_credit == D("30.00")  # Jörg's credit; Renée's payment is gone


def test_a_balance_as_of_a_day_leaves_out_what_was_posted_after_it(chapter: Database) -> None:
    paid = dues.record_payment(
        chapter, "2001", "150", "check", "502", dt.date(2026, 3, 1), today=DAY
    )
    dues.reverse_entry(chapter, paid.entry_id, "Bounced", on=dt.date(2026, 4, 1), today=DAY)
    before, between, now = dt.date(2026, 2, 28), dt.date(2026, 3, 31), DAY
    assert dues.member_balance(chapter, "2001", before).outstanding == D("150.00")
    assert [e.kind for e in dues.member_balance(chapter, "2001", before).entries] == ["charge"]
    stood = dues.member_balance(chapter, "2001", between)
    assert stood.outstanding == D("0.00")
    assert [(e.kind, e.reversed_by) for e in stood.entries] == [("charge", None), ("payment", None)]
    assert dues.member_balance(chapter, "2001", now).outstanding == D("150.00")  # it bounced
    owed = {day: dues.balances(chapter, day).totals.outstanding for day in (before, between, now)}
    assert owed == {before: D("900.00"), between: D("750.00"), now: D("900.00")}
