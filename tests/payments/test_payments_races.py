"""Two officers importing overlapping payments files at the same moment post each line once."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from chapterdesk.data.engine import Database
from chapterdesk.data.payment_models import PaymentLine
from chapterdesk.services.payments import post_reviewed, review_payments
from tests.concurrency import race
from tests.payments import samples as s
from tests.payments.conftest import DAY, PEOPLE

D = Decimal


def test_racing_imports_of_overlapping_files_post_each_line_once(
    chapter: Database, tmp_path: Path
) -> None:
    pool = [
        s.Paid(f"ch_race_{i}", DAY, D("50.00"), D("1.75"), "", "", f"member {hq_id}")
        for i, (hq_id, _f, _l) in enumerate(PEOPLE)
    ]
    files = [
        s.write_stripe(tmp_path / "a.csv", pool[:4]),
        s.write_stripe_payouts(tmp_path / "b.csv", pool[2:]),
        s.write_stripe(tmp_path / "c.csv", pool),
    ]
    reviews = [review_payments(chapter, path) for path in files]  # all read before any posts
    assert all(r.counts["matched"] == len(r.lines) for r in reviews)
    outcomes = race([lambda r=r: post_reviewed(chapter, r) for r in reviews])
    posted = sum(len(o.value.posted) for o in outcomes if o.error is None)
    refused = [o.error for o in outcomes if o.error is not None]
    # each racer either posted what was still unposted or was refused whole (nothing written)
    assert all("at the same moment" in str(e) for e in refused)
    with chapter.reading() as session:
        per_key = dict(
            session.execute(
                select(PaymentLine.source_key, func.count()).group_by(PaymentLine.source_key)
            ).all()
        )
    assert set(per_key.values()) <= {1} and posted == len(per_key)
    # whatever a refused racer left is posted by importing again, still once each
    for path in files:
        post_reviewed(chapter, review_payments(chapter, path))
    with chapter.reading() as session:
        total = session.scalar(select(func.count()).select_from(PaymentLine))
    assert total == len(pool)
