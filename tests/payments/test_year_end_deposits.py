"""The year-end report reads processor fees and deposits from the payments imports."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from chapterdesk.data.engine import Database
from chapterdesk.services.dues.year_end import year_end
from chapterdesk.services.payments import post_reviewed, review_payments, undo_payment_import
from tests.payments import samples as s
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
