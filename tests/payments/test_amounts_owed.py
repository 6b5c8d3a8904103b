"""`amounts_owed` (one scan, for matching) agrees with `settle` on a real ledger with reversals."""

from __future__ import annotations

from sqlalchemy import select

from chapterdesk.data.engine import Database
from chapterdesk.data.ledger_models import LedgerEntry
from chapterdesk.services import dues
from chapterdesk.services.dues.positions import amounts_owed, read_positions
from chapterdesk.services.roster import reader as roster_reader


def test_amounts_owed_is_what_settle_calls_outstanding(demo_db: Database) -> None:
    with demo_db.reading() as session:
        payment = next(p for p in read_positions(session) if p.paid > 0)
        charge = next(p for p in read_positions(session) if p.outstanding > 0)
    # a reversed payment and a reversed charge, so both signs of reversal are summed
    with demo_db.reading() as session:
        paid_id = session.scalar(
            select(LedgerEntry.id).where(
                LedgerEntry.hq_id == payment.hq_id, LedgerEntry.kind == "payment"
            )
        )
    dues.reverse_entry(demo_db, int(paid_id or 0), "bounced", allow_date=True)
    dues.reverse_entry(demo_db, charge.charges[0].entry_id, "charged in error", allow_date=True)
    with demo_db.reading() as session:
        expected = {p.hq_id: p.outstanding for p in read_positions(session) if p.balance > 0}
        assert amounts_owed(session) == expected
    with roster_reader.reading(demo_db) as reader:  # the file read with sqlite3, as a review does
        assert amounts_owed(reader) == expected
    assert expected  # the demo chapter has members who owe
