"""Treasurer and membership chair at once: dues and HQ imports never double, lose or hide a change.

Issue 8's concurrency rules for the dues ledger and the HQ import, on both
engines (SQLite serialises writers; the PostgreSQL runs are the real test).
`held_before_commit` stops the first officer's unit of work with its writes
done and its locks held, so the second one certainly overlaps it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from chapterdesk.data.engine import Database
from chapterdesk.data.hq_models import HqLocalEdit
from chapterdesk.data.ledger_models import LedgerEntry
from chapterdesk.data.models import HqMember
from chapterdesk.errors import RuleRefusedError
from chapterdesk.services import dues
from chapterdesk.services.hq.apply import apply_import, list_batches
from chapterdesk.services.hq.edits import edit_hq_field
from chapterdesk.services.hq.plan import ChangeKind, plan_import
from chapterdesk.services.roster import members as roster
from chapterdesk.services.roster.members import member_detail, update_chapter_facts
from tests.concurrency import held_before_commit, in_thread, race
from tests.helpers import TODAY, add_hq
from tests.hqimport.exports import hq_records, write_export

MEMBERS = [str(200100 + n) for n in range(8)]


def still_waiting(future: object, seconds: float = 0.4) -> bool:
    time.sleep(seconds)
    return not future.done()  # type: ignore[attr-defined]


@pytest.fixture
def chapter(db: Database) -> Database:
    """Eight Regular members in good standing and a 2026 rate of 150.00."""
    dues.set_rate(db, 2026, "REG", "150")
    for number, hq_id in enumerate(MEMBERS):
        add_hq(db, hq_id, first=f"Member{number}", last="Racer", company=f"Firm {number}")
        roster.add_member(db, hq_id, chapter_joined_on=dt.date(2020, 1, 1), as_of=TODAY)
    return db


def live_charges(db: Database, year: int) -> Counter[str]:
    """How many unreversed charges each member has for `year`."""
    with db.reading() as session:
        entries = session.execute(
            select(LedgerEntry.id, LedgerEntry.hq_id, LedgerEntry.kind, LedgerEntry.reverses_id)
        ).all()
    reversed_ids = {e.reverses_id for e in entries if e.kind == "reversal"}
    with db.reading() as session:
        charges = session.execute(
            select(LedgerEntry.id, LedgerEntry.hq_id).where(
                LedgerEntry.kind == "charge", LedgerEntry.dues_year == year
            )
        ).all()
    return Counter(hq_id for entry_id, hq_id in charges if entry_id not in reversed_ids)


def test_two_officers_assessing_one_year_at_once_charge_nobody_twice(chapter: Database) -> None:
    db = chapter
    with held_before_commit(db) as hold:
        first = in_thread(lambda: dues.assess_dues(db, 2026, as_of=TODAY))
        assert hold.reached.wait(10)
        second = in_thread(lambda: dues.assess_dues(db, 2026, as_of=TODAY))
        assert still_waiting(second), "the second assessment did not wait for the first"
        hold.release()
        won, lost = first.result(timeout=20), second.result(timeout=20)
    assert len(won.charged) == len(MEMBERS)
    # The loser ran again on a fresh snapshot: a clean no-op, not an error.
    assert lost.charged == () and lost.already_charged == len(MEMBERS)
    assert live_charges(db, 2026) == Counter(dict.fromkeys(MEMBERS, 1))


def test_many_officers_racing_to_assess_leave_one_charge_each(chapter: Database) -> None:
    db = chapter
    outcomes = race([lambda: dues.assess_dues(db, 2026, as_of=TODAY)] * 4)
    assert [o.error for o in outcomes] == [None] * 4
    assert sum(len(o.value.charged) for o in outcomes) == len(MEMBERS)
    assert live_charges(db, 2026) == Counter(dict.fromkeys(MEMBERS, 1))
    assert dues.balances(db, as_of=TODAY).totals.outstanding == Decimal("150.00") * len(MEMBERS)


def test_a_second_payment_waits_for_the_first_and_both_land(chapter: Database) -> None:
    db = chapter
    dues.assess_dues(db, 2026, as_of=TODAY)
    hq_id = MEMBERS[0]
    with held_before_commit(db) as hold:
        first = in_thread(lambda: dues.record_payment(db, hq_id, "100", "visa", "auth 1"))
        assert hold.reached.wait(10)
        second = in_thread(lambda: dues.record_payment(db, hq_id, "30", "check", "1042"))
        assert still_waiting(second), "the second payment did not wait for the first"
        hold.release()
        receipts = [first.result(timeout=10), second.result(timeout=10)]
    assert receipts[1].receipt_no == receipts[0].receipt_no + 1
    assert receipts[1].outstanding_after == Decimal("20.00")
    balance = dues.member_balance(db, hq_id)  # today: the payments were posted today
    assert (balance.paid, balance.outstanding) == (Decimal("130.00"), Decimal("20.00"))


def test_payments_recorded_at_once_all_land_with_distinct_receipts(chapter: Database) -> None:
    db = chapter
    dues.assess_dues(db, 2026, as_of=TODAY)
    payers = [MEMBERS[0]] * 3 + MEMBERS[1:4]
    amounts = ["40", "50", "60", "150", "75", "10"]
    outcomes = race(
        [
            (lambda hq_id=hq_id, amount=amount: dues.record_payment(db, hq_id, amount, "amex"))
            for hq_id, amount in zip(payers, amounts, strict=True)
        ]
    )
    assert [o.error for o in outcomes] == [None] * len(payers)
    numbers = sorted(o.value.receipt_no for o in outcomes)
    assert numbers == list(range(numbers[0], numbers[0] + len(payers)))
    first = dues.member_balance(db, MEMBERS[0])  # today, the day the payments were posted
    assert (first.paid, first.outstanding, first.credit) == (
        Decimal("150.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    )
    report = dues.balances(db)
    assert report.totals.outstanding == Decimal("150.00") * len(MEMBERS) - Decimal("385.00")


# --- an HQ import applied while another officer edits a member ------------------------------


@pytest.fixture
def imported(db: Database, tmp_path: Path) -> tuple[Database, str, Path]:
    """Two HQ months: the first imported, A on the roster; in the second HQ changes A and B.

    Returns the database, A's HQ ID and the second month's file.
    """
    for number in range(3):
        add_hq(db, str(300100 + number), first=f"Person{number}", last="Imported")
    a, b = "300100", "300101"
    first = write_export(tmp_path / "october.xlsx", hq_records(db))
    apply_import(db, plan_import(db, first, as_of=TODAY))
    roster.add_member(db, a, chapter_joined_on=dt.date(2020, 1, 1), as_of=TODAY)
    records = hq_records(db)
    for record in records:
        if record["hq_id"] == a:
            record["email"] = "a.from.hq@example.org"
            record["title"] = "Director of Administration"
        if record["hq_id"] == b:
            record["phone"] = "(312) 555-0199"
    return db, a, write_export(tmp_path / "november.xlsx", records)


def hq_value(db: Database, hq_id: str, field: str) -> object:
    with db.reading() as session:
        return getattr(session.get(HqMember, hq_id), field)


def test_a_local_edit_made_after_the_preview_is_held_not_overwritten(
    imported: tuple[Database, str, Path],
) -> None:
    db, a, november = imported
    plan = plan_import(db, november, as_of=TODAY)
    assert {c.hq_id: c.kind for c in plan.changes} == {
        a: ChangeKind.CHANGED,
        "300101": ChangeKind.CHANGED,
    }
    # Between the preview and "Apply", the membership chair corrects A's e-mail and notes.
    edit_hq_field(db, a, "email", "a.personal@example.org")
    joined = member_detail(db, a, as_of=TODAY).current
    assert joined is not None
    update_chapter_facts(
        db,
        a,
        chapter_joined_on=joined.membership.chapter_joined_on,
        notes="Chairs the programme committee",
        employment_ended_on=None,
        as_of=TODAY,
    )
    result = apply_import(db, plan)
    assert result.held == (a,)
    assert result.counts["conflicts"] == 1 and result.counts["changed"] == 1
    # Both changes stand: the officer's e-mail and notes, HQ's new title and B's phone.
    assert hq_value(db, a, "email") == "a.personal@example.org"
    assert hq_value(db, a, "title") == "Director of Administration"
    assert hq_value(db, "300101", "phone") == "(312) 555-0199"
    current = member_detail(db, a, as_of=TODAY).current
    assert current is not None and current.membership.notes == "Chairs the programme committee"
    # The next look at HQ's file shows the disagreement for the officer to settle.
    again = plan_import(db, november, as_of=TODAY)
    (conflict,) = [c for c in again.changes if c.hq_id == a]
    assert conflict.kind is ChangeKind.CONFLICT
    assert [(c.field, c.local, c.hq) for c in conflict.conflicts] == [
        ("email", "a.personal@example.org", "a.from.hq@example.org")
    ]


def test_an_edit_committing_while_the_import_applies_is_not_lost(
    imported: tuple[Database, str, Path],
) -> None:
    """The edit is held before COMMIT with A's row changed; the apply must wait and see it."""
    db, a, november = imported
    plan = plan_import(db, november, as_of=TODAY)
    with held_before_commit(db) as hold:
        edit = in_thread(lambda: edit_hq_field(db, a, "email", "a.personal@example.org"))
        assert hold.reached.wait(10)
        applying = in_thread(lambda: apply_import(db, plan))
        assert still_waiting(applying), "the import did not wait for the edit"
        hold.release()
        edit.result(timeout=10)
        result = applying.result(timeout=20)
    assert result.held == (a,)
    assert hq_value(db, a, "email") == "a.personal@example.org"
    assert hq_value(db, a, "title") == "Director of Administration"


def test_an_edit_made_while_the_import_applies_waits_and_remembers_hqs_new_value(
    imported: tuple[Database, str, Path],
) -> None:
    db, a, november = imported
    plan = plan_import(db, november, as_of=TODAY)
    with held_before_commit(db) as hold:
        applying = in_thread(lambda: apply_import(db, plan))
        assert hold.reached.wait(20)
        edit = in_thread(lambda: edit_hq_field(db, a, "email", "a.personal@example.org"))
        assert still_waiting(edit), "the edit did not wait for the import"
        hold.release()
        assert applying.result(timeout=20).held == ()
        edit.result(timeout=10)
    assert hq_value(db, a, "email") == "a.personal@example.org"
    assert hq_value(db, a, "title") == "Director of Administration"
    with db.reading() as session:
        remembered = session.get(HqLocalEdit, (a, "email"))
        assert remembered is not None and remembered.hq_value == "a.from.hq@example.org"
    # HQ repeating the value the officer corrected is a conflict shown once; kept, it is quiet.
    again = plan_import(db, november, as_of=TODAY)
    assert [c.kind for c in again.changes if c.hq_id == a] == [ChangeKind.CONFLICT]
    apply_import(db, again, keep_local=[f"{a}:email"])
    assert all(c.hq_id != a for c in plan_import(db, november, as_of=TODAY).changes)


def test_two_officers_applying_imports_at_once_land_one_and_refuse_the_other(
    imported: tuple[Database, str, Path], tmp_path: Path
) -> None:
    """Both previews were made on the same HQ data; the second must not stack on the first."""
    db, a, november = imported
    records = hq_records(db)
    for record in records:
        if record["hq_id"] == a:
            record["company"] = "Another Firm LLP"
    other = write_export(tmp_path / "november-again.xlsx", records)
    first, second = plan_import(db, november, as_of=TODAY), plan_import(db, other, as_of=TODAY)
    with held_before_commit(db) as hold:
        applying = in_thread(lambda: apply_import(db, first))
        assert hold.reached.wait(20)
        racing = in_thread(lambda: apply_import(db, second))
        assert still_waiting(racing), "the second import did not wait for the first"
        hold.release()
        landed = applying.result(timeout=20)
        with pytest.raises(RuleRefusedError, match="HQ data changed since this preview"):
            racing.result(timeout=20)
    assert list_batches(db)[0].batch_id == landed.batch_id
    assert hq_value(db, a, "company") != "Another Firm LLP"
