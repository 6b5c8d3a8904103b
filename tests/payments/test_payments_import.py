"""Payments import end to end on real databases: read each layout, match, post once, undo."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from chapterdesk.data.audit_models import AuditEntry
from chapterdesk.data.engine import Database
from chapterdesk.data.ledger_models import LedgerEntry
from chapterdesk.data.payment_models import PaymentLine
from chapterdesk.errors import NotFoundError, RuleRefusedError
from chapterdesk.payments.files import read_payment_file
from chapterdesk.services.dues.balances import member_balance
from chapterdesk.services.payments import (
    list_payment_imports,
    post_reviewed,
    review_payments,
    undo_payment_import,
)
from tests.payments import samples as s
from tests.payments.conftest import DAY, email_of

D = Decimal
WRITERS = {
    "stripe": s.write_stripe,
    "stripe-payouts": s.write_stripe_payouts,
    "paypal": s.write_paypal,
    "square": s.write_square,
    "ofx-v1": s.write_ofx_v1,
    "ofx-v2": s.write_ofx_v2,
    "bank-csv": s.write_bank_csv,
}


def four_payers() -> list[s.Paid]:
    """One line for each rule: memo ID, e-mail, "Last, First" with accents, an unknown payer."""
    return [
        s.Paid("ch_3PmemoID0000001", DAY, D("150.00"), D("4.65"), "Pat Somebody", "",
               "Dues for member 2006"),
        s.Paid("ch_3PeMail00000002", DAY, D("150.00"), D("4.65"), "",
               email_of("Renée", "O'Brien"), "", "MasterCard"),
        s.Paid("ch_3PnameLF0000003", DAY, D("150.00"), D("4.65"), "MULLER, Jorg", "", "",
               "American Express"),
        s.Paid("ch_3Pnobody0000004", DAY, D("37.50"), D("1.39"), "Nobody Known", "", "",
               "Discover"),
    ]  # fmt: skip


@pytest.mark.parametrize("layout", sorted(WRITERS))
def test_each_layout_is_recognised_and_keeps_fees_apart_from_the_gross(
    layout: str, tmp_path: Path
) -> None:
    path = WRITERS[layout](tmp_path / f"{layout}.dat", four_payers())
    read = read_payment_file(path)
    expected_source = {"stripe-payouts": "stripe", "ofx-v1": "ofx", "ofx-v2": "ofx"}
    assert read.source == expected_source.get(layout, layout)
    assert [line.gross for line in read.lines] == [D("150.00")] * 3 + [D("37.50")]
    processor = read.source in ("stripe", "paypal", "square")
    assert [line.fee for line in read.lines] == (
        [D("4.65")] * 3 + [D("1.39")] if processor else [D("0.00")] * 4
    )
    assert read.lines[0].paid_on == DAY
    # the debit (payout, withdrawal, service fee) is skipped, not read as a payment
    assert len(read.skipped) == (0 if layout in ("stripe", "square") else 1)
    if layout in ("stripe", "stripe-payouts", "square"):
        assert [line.method for line in read.lines] == ["visa", "mastercard", "amex", "card"]
    elif layout == "paypal":
        assert {line.method for line in read.lines} == {"card"}
    else:
        assert {line.method for line in read.lines} == {"transfer"}


def test_ofx_v1_and_v2_of_the_same_statement_give_the_same_lines(tmp_path: Path) -> None:
    lines = [*four_payers(), s.Paid("FIT-CHK-77", DAY, D("150.00"), name="Wei Zhang",
                                    check="2207")]  # fmt: skip
    v1 = read_payment_file(s.write_ofx_v1(tmp_path / "a.qfx", lines))
    v2 = read_payment_file(s.write_ofx_v2(tmp_path / "b.ofx", lines))
    assert v1.lines == v2.lines
    check = v1.lines[-1]
    assert (check.method, check.reference) == ("check", "2207")
    assert check.source_key.endswith(":FIT-CHK-77")


def test_matching_follows_memo_id_then_email_then_name(chapter: Database, tmp_path: Path) -> None:
    review = review_payments(chapter, s.write_stripe(tmp_path / "p.csv", four_payers()))
    found = [(m.status, m.hq_id, m.rule) for m in review.lines]
    assert found == [
        ("matched", "2006", "memo id"),
        ("matched", "2001", "e-mail"),
        ("matched", "2002", "name"),
        ("unmatched", None, ""),
    ]


def test_initials_find_both_smiths_and_the_amount_owed_chooses(
    chapter: Database, tmp_path: Path
) -> None:
    from chapterdesk.services import dues

    dues.record_payment(chapter, "2004", "100", "visa", "auth 1", dt.date(2026, 2, 1),
                        allow_date=True)  # fmt: skip
    lines = [
        s.Paid("ch_smith1", DAY, D("150.00"), name="J. Smith"),  # only John owes 150
        s.Paid("ch_smith2", DAY, D("75.00"), name="Smith, J"),  # neither owes 75
        s.Paid("ch_amount", DAY, D("50.00"), name="Unknown Payer"),  # only Jane owes 50
    ]
    review = review_payments(chapter, s.write_stripe(tmp_path / "s.csv", lines))
    first, second, third = review.lines
    assert (first.status, first.hq_id, first.rule) == ("matched", "2003", "name + amount")
    assert second.status == "ambiguous"
    assert [c.hq_id for c in second.candidates] == ["2004", "2003"]  # by name: Jane, John
    assert (third.status, third.rule) == ("ambiguous", "amount")
    assert [c.hq_id for c in third.candidates] == ["2004"]


def test_posting_is_one_batch_and_a_second_import_posts_nothing(
    chapter: Database, tmp_path: Path
) -> None:
    path = s.write_stripe(tmp_path / "stripe.csv", four_payers())
    result = post_reviewed(chapter, review_payments(chapter, path), assign={5: "2003"})
    assert result.batch_id is not None
    assert [(m.hq_id, m.line.line_no) for m, _r in result.posted] == [
        ("2006", 2), ("2001", 3), ("2002", 4), ("2003", 5),
    ]  # fmt: skip
    assert (result.gross, result.fees) == (D("487.50"), D("15.34"))
    with chapter.reading() as session:
        rows = session.execute(
            select(LedgerEntry.hq_id, LedgerEntry.amount_cents, LedgerEntry.method)
            .where(LedgerEntry.kind == "payment")
            .order_by(LedgerEntry.id)
        ).all()
        fees = session.scalar(select(func.sum(PaymentLine.fee_cents)))
    assert [tuple(r) for r in rows] == [
        ("2006", 15000, "visa"), ("2001", 15000, "mastercard"), ("2002", 15000, "amex"),
        ("2003", 3750, "card"),
    ]  # fmt: skip
    assert fees == 1534  # the processor's fees are kept beside the lines, not in the ledger
    assert member_balance(chapter, "2006").outstanding == D("0.00")

    again = review_payments(chapter, path)
    assert again.counts["posted"] == 4
    assert post_reviewed(chapter, again, assign={}).batch_id is None
    # the payouts report holds the same charges under other column names: posted already
    payouts = review_payments(chapter, s.write_stripe_payouts(tmp_path / "po.csv", four_payers()))
    assert {m.status for m in payouts.lines} == {"posted"}
    with chapter.reading() as session:
        assert session.scalar(select(func.count()).select_from(PaymentLine)) == 4


def test_undo_reverses_the_batch_and_its_lines_can_be_posted_again(
    chapter: Database, tmp_path: Path
) -> None:
    # a bank statement carries no e-mail: the memo ID and the name match, the e-mail line not
    path = s.write_ofx_v2(tmp_path / "bank.ofx", four_payers()[:3])
    first = post_reviewed(chapter, review_payments(chapter, path))
    assert first.batch_id is not None
    undone = undo_payment_import(chapter, first.batch_id)
    assert undone.undone_at is not None and undone.lines == 2
    assert member_balance(chapter, "2006").outstanding == D("150.00")
    with pytest.raises(RuleRefusedError, match="already undone"):
        undo_payment_import(chapter, first.batch_id)
    with pytest.raises(NotFoundError, match="no payments batch 99"):
        undo_payment_import(chapter, 99)
    second = post_reviewed(chapter, review_payments(chapter, path))
    assert len(second.posted) == 2
    with chapter.reading() as session:
        seqs = session.execute(
            select(PaymentLine.source_key, PaymentLine.seq).order_by(PaymentLine.id)
        ).all()
        reversals = session.scalar(
            select(func.count()).where(LedgerEntry.kind == "reversal")
        )
        audited = session.scalar(
            select(func.count()).where(AuditEntry.table_name == "ledger_entry")
        )
        ledger_rows = session.scalar(select(func.count()).select_from(LedgerEntry))
    assert [seq for _k, seq in seqs] == [1, 1, 2, 2]
    assert reversals == 2
    assert audited == ledger_rows  # every ledger row, reversals included, is in the audit trail
    assert [b.batch_id for b in list_payment_imports(chapter)] == [
        second.batch_id, first.batch_id,
    ]  # fmt: skip


def test_a_bank_csv_mapping_given_once_is_remembered(chapter: Database, tmp_path: Path) -> None:
    headers = ["Booked", "Text", "Counterparty", "Chq", "Value"]
    path = s.write_bank_csv(tmp_path / "odd.csv", four_payers()[:3], headers=headers)
    with pytest.raises(Exception, match="no header row ChapterDesk recognises"):
        review_payments(chapter, path)
    overrides = ["date=Booked", "amount=Value", "memo=Text", "payer=Counterparty",
                 "check_number=Chq"]  # fmt: skip
    review = review_payments(chapter, path, overrides=overrides)
    assert [(m.status, m.hq_id) for m in review.lines] == [
        ("matched", "2006"), ("ambiguous", None), ("matched", "2002"),
    ]  # fmt: skip
    post_reviewed(chapter, review)
    later = s.write_bank_csv(tmp_path / "later.csv", four_payers()[3:], headers=headers)
    remembered = review_payments(chapter, later)
    assert remembered.file.mapping["amount"] == "Value"
    assert remembered.lines[0].line.gross == D("37.50")


def test_a_check_already_recorded_by_hand_is_shown_posted_not_posted_again(
    chapter: Database, tmp_path: Path
) -> None:
    from chapterdesk.services import dues

    dues.record_payment(chapter, "2006", "150", "check", "2207", DAY, allow_date=True)
    lines = [s.Paid("FIT-CHK-1", DAY, D("150.00"), name="Wei Zhang", check="2207"),
             s.Paid("FIT-CHK-2", DAY, D("150.00"), name="Jörg Müller", check="3301")]
    review = review_payments(chapter, s.write_ofx_v1(tmp_path / "b.qfx", lines))
    assert [(m.status, m.rule) for m in review.lines] == [
        ("posted", "check recorded"), ("matched", "name"),
    ]  # fmt: skip
    result = post_reviewed(chapter, review)
    assert [(m.hq_id, m.line.method, m.line.reference) for m, _r in result.posted] == [
        ("2002", "check", "3301")
    ]


def test_accept_takes_the_one_candidate_the_amount_found(
    chapter: Database, tmp_path: Path
) -> None:
    from chapterdesk.errors import BadInputError
    from chapterdesk.services import dues
    from chapterdesk.services.payments.imports import suggested_members

    dues.record_payment(chapter, "2005", "110", "visa", "a1", DAY, allow_date=True)
    lines = [s.Paid("ch_acc_1", DAY, D("40.00"), name="A Stranger"),
             s.Paid("ch_acc_2", DAY, D("150.00"), name="B Stranger")]
    review = review_payments(chapter, s.write_stripe(tmp_path / "a.csv", lines))
    assert suggested_members(review, [2]) == {2: "2005"}
    with pytest.raises(BadInputError, match="--accept 3: that line has 5 candidate"):
        suggested_members(review, [3])
