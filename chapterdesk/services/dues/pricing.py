"""The pricing rules of chapter dues, as pure functions (the worked examples test them).

`price_dues` applies a dues year's rules to one member: the category's rate
for the year, replaced by the non-profit rate when the member's organisation is
marked non-profit, or by the enterprise rate for an organisation's members past
the year's threshold (non-profit organisations are not tiered); then the
promotion; then the proration step of the member's chapter join date. The
amount is rounded half-up to the cent once, at the end.

A member is "new" for the promotion in the dues year in which they joined the
chapter (or the next one, when their joining year's proration charged them
nothing), when they were never a chapter member before or left at least the
configured number of years before rejoining; `assess_dues` adds the last
condition, that their organisation already had members who joined before them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from chapterdesk.money import CENT, HUNDRED, format_money
from chapterdesk.services.dues.rates import DuesYear, Rate, YearRules, dues_year_window


@dataclass(frozen=True)
class Pricing:
    """What one member owes for a year and the reasons, in the order they were applied."""

    amount: Decimal
    tier: str  # "full", "nonprofit" or "enterprise"
    promotion_percent: int
    proration_percent: int
    reasons: tuple[str, ...]


def step_date(window: DuesYear, month: int, day: int) -> dt.date:
    """The date a month-day falls on inside a dues year."""
    first = dt.date(window.starts_on.year, month, day)
    return first if first >= window.starts_on else dt.date(first.year + 1, month, day)


def proration_percent(rules: YearRules, window: DuesYear, joined_on: dt.date) -> tuple[int, str]:
    """The percentage a member joining on a date pays, and the step's label ("" for none)."""
    if joined_on <= window.starts_on:
        return 100, ""
    percent, label = 100, ""
    steps = sorted((step_date(window, s.month, s.day), s) for s in rules.proration)
    for when, step in steps:
        if when <= joined_on:
            percent, label = step.percent, f"on or after {when.isoformat()}"
    return percent, label


def price_dues(
    rate: Rate,
    rules: YearRules,
    window: DuesYear,
    *,
    joined_on: dt.date,
    organisation: str = "",
    nonprofit: bool = False,
    org_position: int | None = None,
    promoted: bool = False,
    currency: str = "USD",
) -> Pricing:
    """Apply the year's rules to one member (a pure function: the worked examples test it).

    Args:
        rate: the member's category rates for the year.
        joined_on: the chapter join date of the current membership (proration).
        organisation: the employer's display name ("" when none).
        nonprofit: the organisation is marked non-profit.
        org_position: the member's 1-based rank in the organisation's enterprise order.
        promoted: the member qualifies for the year's promotion.
    """

    def money(amount: Decimal) -> str:
        return format_money(amount, currency)

    base, tier = rate.amount, "full"
    reasons = [f"{rate.category_name} rate {money(rate.amount)}"]
    threshold = rules.enterprise_full_count
    if nonprofit and rate.nonprofit_amount is not None:
        base, tier = rate.nonprofit_amount, "nonprofit"
        reasons.append(f"non-profit rate {money(base)} ({organisation} is non-profit)")
    elif (
        threshold is not None
        and rate.enterprise_amount is not None
        and org_position is not None
        and org_position > threshold
    ):
        base, tier = rate.enterprise_amount, "enterprise"
        reasons.append(
            f"enterprise tier {money(base)}: member {org_position} from {organisation} "
            f"(the first {threshold} pay the full rate)"
        )
    promotion = rules.promotion_percent if promoted else 0
    if promotion:
        reasons.append(
            f"promotion {promotion}% off: new member whose organisation already has members"
        )
    prorate, step = proration_percent(rules, window, joined_on)
    if prorate != 100:
        reasons.append(f"prorated to {prorate}%: joined {joined_on.isoformat()}, {step}")
    exact = base * (HUNDRED - promotion) / HUNDRED * prorate / HUNDRED
    amount = exact.quantize(CENT, rounding=ROUND_HALF_UP)
    return Pricing(amount, tier, promotion, prorate, tuple(reasons))


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def is_new_member(
    joined_on: dt.date,
    last_left: dt.date | None,
    window: DuesYear,
    rules: YearRules,
    previous_rules: YearRules,
) -> bool:
    """Whether a member counts as new for the year's promotion (organisation aside)."""
    if last_left is not None and last_left > _years_before(joined_on, rules.promotion_gap_years):
        return False
    if window.contains(joined_on):
        return True
    before = dues_year_window(window.year - 1, window.starts_on.month, window.starts_on.day)
    return before.contains(joined_on) and (
        proration_percent(previous_rules, before, joined_on)[0] == 0
    )
