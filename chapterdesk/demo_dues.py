"""The demo chapter's dues: rates, two assessed years and a treasurer's year of payments.

Everything goes through the dues services, as a treasurer's work would: rates
and rules for last year and this year, non-profit employers, last year
assessed at its start and mostly paid, this year assessed at its start and
again for members who joined since, payments by check (with numbers) and card,
a few part-payments and overpayments (credit carried forward), a bounced check
and a payment posted to the wrong member (both reversed), and a hardship
waiver. The same seed and date give the same ledger.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from chapterdesk.data.engine import Database
from chapterdesk.services import dues

NONPROFITS = ("State Public Defender", "Legal Aid Society of the Lakes", "University Law School")
# code: (rate, non-profit rate, enterprise rate)
RATES = {
    "REG": ("150.00", "90.00", "120.00"),
    "ASSOC": ("100.00", "60.00", "80.00"),
    "ACAD": ("50.00", None, None),
    "EMER": ("25.00", None, None),
}
METHODS = (("check", 45), ("visa", 25), ("mastercard", 15), ("amex", 10), ("money-order", 5))


def _method(rng: random.Random) -> str:
    return rng.choices([m for m, _ in METHODS], weights=[w for _, w in METHODS])[0]


def _reference(rng: random.Random, method: str, check_numbers: list[int]) -> str:
    if method == "check":
        check_numbers[0] += rng.randint(1, 40)
        return str(check_numbers[0])
    if method == "money-order":
        return f"MO-{rng.randint(10000000, 99999999)}"
    return f"auth {rng.randint(100000, 999999)}"


def _payments(
    rng: random.Random,
    assessment: dues.Assessment,
    today: dt.date,
    share_paid: float,
    check_numbers: list[int],
) -> list[dues.PaymentRequest]:
    requests = []
    for line in assessment.charged:
        if rng.random() >= share_paid:
            continue
        roll = rng.random()
        amount = line.amount
        if roll < 0.04:
            amount = (line.amount / 2).quantize(Decimal("0.01"))  # paid half so far
        elif roll < 0.07:
            amount = line.amount + Decimal("50.00")  # overpaid: credit carried forward
        method = _method(rng)
        latest = max(0, min(120, (today - assessment.posted_on).days))
        paid_on = assessment.posted_on + dt.timedelta(days=rng.randint(0, latest))
        requests.append(
            dues.PaymentRequest(
                line.hq_id, amount, method, _reference(rng, method, check_numbers), paid_on
            )
        )
    requests.sort(key=lambda r: (r.paid_on or today, r.hq_id))
    return requests


def add_demo_dues(db: Database, *, today: dt.date, seed: int = 2026) -> None:
    """Give the demo chapter (already built for `today`) its dues ledger."""
    rng = random.Random(seed * 31 + 7)
    this_year = dues.dues_year(db, today=today)
    last_year = dues.dues_year(db, this_year.year - 1)
    for window in (last_year, this_year):
        for code, (rate, nonprofit, enterprise) in RATES.items():
            dues.set_rate(db, window.year, code, rate, nonprofit=nonprofit, enterprise=enterprise)
        dues.set_year_rules(
            db,
            dues.YearRules(
                window.year,
                enterprise_full_count=5,
                promotion_percent=50,
                promotion_gap_years=3,
                proration=dues.parse_proration("07-01=50,12-01=0"),
            ),
        )
    for name in NONPROFITS:
        dues.set_nonprofit(db, name)
    check_numbers = [1000]

    start = min(today, last_year.starts_on + dt.timedelta(days=14))
    past = dues.assess_dues(db, last_year.year, as_of=start)
    requests = _payments(rng, past, today, 0.94, check_numbers)

    runs = [min(today, this_year.starts_on + dt.timedelta(days=14))]
    for back in (70, 40, 5):
        later = today - dt.timedelta(days=back)
        if later > runs[-1]:
            runs.append(later)
    charged_this_year: list[dues.AssessmentLine] = []
    for when in runs:
        current = dues.assess_dues(db, this_year.year, as_of=when)
        charged_this_year += current.charged
        share = 0.8 if (today - when).days > 30 else 0.35
        requests += _payments(rng, current, today, share, check_numbers)
    requests.sort(key=lambda r: (r.paid_on or today, r.hq_id))
    receipts = dues.record_payments(db, requests, today=today)
    paid = {r.hq_id for r in receipts}
    if len(receipts) < 4:
        return
    # A check that bounced, and a card payment posted to the wrong member.
    bounced = next((r for r in receipts if r.method == "check"), receipts[0])
    dues.reverse_entry(db, bounced.entry_id, "Check returned unpaid by the bank (NSF)", today=today)
    wrong, right = receipts[-1], receipts[-2]
    dues.reverse_entry(
        db, wrong.entry_id, f"Posted to the wrong member; belongs to {right.hq_id}", today=today
    )
    dues.record_payment(
        db,
        right.hq_id,
        wrong.amount,
        wrong.method,
        wrong.reference,
        wrong.paid_on,
        today=today,
    )
    # A hardship waiver for someone who has paid nothing this year.
    unpaid = [line.hq_id for line in charged_this_year if line.hq_id not in paid]
    if unpaid:
        dues.waive_dues(
            db,
            unpaid[len(unpaid) // 2],
            this_year.year,
            "Board approved a hardship waiver",
            today=today,
        )
