"""Assessing a dues year: who is charged, how much, and why.

`price_dues` is the pure rule: the category's rate for the year, replaced by
the non-profit rate when the member's organisation is marked non-profit, or by
the enterprise rate for an organisation's members past the year's threshold
(non-profit organisations are not tiered); then the promotion; then the
proration step of the member's chapter join date. Amounts are rounded
half-up to the cent once, at the end.

`assess_dues` charges every current chapter member in good standing or grace,
in an eligible category, with a rate set, who has no live charge for the year.
Anyone else is listed with the reason. A charge that was reversed lets the
member be assessed again (see `LedgerEntry.charge_seq`).

Enterprise tiers are ranked per organisation among the members assessable at
the time, by chapter join date and then HQ ID, so the same roster always gives
the same tiers. A member is "new" for the promotion in the dues year in which
they joined the chapter (or the next one, when their joining year's proration
charged them nothing), when they were never a chapter member before or left
at least the configured number of years before rejoining, and when their
organisation already had members who joined the chapter before them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from chapterdesk.data.engine import Database
from chapterdesk.data.ledger_models import LedgerEntry
from chapterdesk.data.models import ChapterMembership
from chapterdesk.errors import RuleRefusedError
from chapterdesk.money import CENT, HUNDRED, format_money, to_cents
from chapterdesk.services.chapter import settings_row
from chapterdesk.services.rates import (
    DuesYear,
    Rate,
    YearRules,
    dues_year_in,
    dues_year_window,
    nonprofit_keys,
    organisation_key,
    rates_in,
    rules_in,
)
from chapterdesk.services.roster import (
    RosterContext,
    RosterEntry,
    current_roster_query,
    hq_record,
    membership_view,
)
from chapterdesk.standing import Standing


@dataclass(frozen=True)
class Pricing:
    """What one member owes for a year and the reasons, in the order they were applied."""

    amount: Decimal
    tier: str  # "full", "nonprofit" or "enterprise"
    promotion_percent: int
    proration_percent: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class AssessmentLine:
    """A member charged (or, on a dry run, to be charged) and why the amount is what it is."""

    hq_id: str
    name: str
    category: str
    amount: Decimal
    tier: str
    promotion_percent: int
    proration_percent: int
    reasons: tuple[str, ...]
    entry_id: int | None


@dataclass(frozen=True)
class SkippedMember:
    """A current chapter member not charged, with their standing and the reason."""

    hq_id: str
    name: str
    standing: Standing
    reason: str


@dataclass(frozen=True)
class Assessment:
    """The result of assessing a dues year (or of a dry run, which wrote nothing)."""

    year: int
    starts_on: dt.date
    ends_on: dt.date
    posted_on: dt.date
    dry_run: bool
    charged: tuple[AssessmentLine, ...]
    skipped: tuple[SkippedMember, ...]
    already_charged: int
    total: Decimal


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


def assess_dues(
    db: Database, year: int, *, dry_run: bool = False, as_of: dt.date | None = None
) -> Assessment:
    """Charge a dues year to every member who owes it and has no live charge for it yet.

    Args:
        year: the dues year (named after the calendar year it starts in).
        dry_run: work everything out and write nothing.
        as_of: the day standing is judged on and the charges are dated (default today).
    Raises:
        BadInputError: the year is not plausible.
        RuleRefusedError: another officer charged the same members at the same moment.
    """
    day = as_of or dt.date.today()
    unit = db.reading() if dry_run else db.session()
    with unit as session:
        window = dues_year_in(session, year)
        ctx = RosterContext(session, day)
        currency = settings_row(session).currency
        rates = {r.category_code: r for r in rates_in(session, year)}
        rules = rules_in(session, year)
        previous_rules = rules_in(session, year - 1)
        nonprofits = nonprofit_keys(session)
        charges = session.execute(
            select(LedgerEntry.hq_id, LedgerEntry.id).where(
                LedgerEntry.kind == "charge", LedgerEntry.dues_year == year
            )
        ).all()
        reversed_ids = set(
            session.scalars(
                select(LedgerEntry.reverses_id).where(
                    LedgerEntry.kind == "reversal", LedgerEntry.dues_year == year
                )
            )
        )
        seq: dict[str, int] = defaultdict(int)
        live: set[str] = set()
        for hq_id, entry_id in charges:
            seq[hq_id] += 1
            if entry_id not in reversed_ids:
                live.add(hq_id)
        last_left = dict(
            session.execute(
                select(ChapterMembership.hq_id, func.max(ChapterMembership.left_on))
                .where(ChapterMembership.left_on.is_not(None))
                .group_by(ChapterMembership.hq_id)
            ).all()
        )
        entries: list[RosterEntry] = [
            ctx.entry(membership_view(m), hq_record(h))
            for m, h in session.execute(current_roster_query())
        ]
        entries.sort(key=lambda e: (e.hq.sort_name.casefold(), e.hq_id))
        skipped: list[SkippedMember] = []
        assessable: list[tuple[RosterEntry, Rate]] = []
        for entry in entries:
            reason = _skip_reason(entry, rates, window)
            if reason is None and entry.hq_id in live:
                continue
            if reason is not None:
                skipped.append(
                    SkippedMember(entry.hq_id, entry.hq.display_name, entry.standing, reason)
                )
                continue
            assert entry.category is not None
            assessable.append((entry, rates[entry.category.code]))
        # Enterprise order and "already has members" among everyone assessable or charged.
        by_org: dict[str, list[tuple[dt.date, str]]] = defaultdict(list)
        for entry in entries:
            key = organisation_key(entry.hq.company)
            if key and (entry.hq_id in live or _skip_reason(entry, rates, window) is None):
                by_org[key].append((entry.membership.chapter_joined_on, entry.hq_id))
        rank: dict[str, int] = {}
        for members in by_org.values():
            for position, (_joined, hq_id) in enumerate(sorted(members), start=1):
                rank[hq_id] = position
        lines: list[AssessmentLine] = []
        rows: list[dict[str, object]] = []
        for entry, rate in assessable:
            if entry.hq_id in live:
                continue
            key = organisation_key(entry.hq.company)
            joined = entry.membership.chapter_joined_on
            promoted = bool(
                rules.promotion_percent
                and key
                and any(j < joined for j, other in by_org[key] if other != entry.hq_id)
                and is_new_member(joined, last_left.get(entry.hq_id), window, rules, previous_rules)
            )
            pricing = price_dues(
                rate,
                rules,
                window,
                joined_on=joined,
                organisation=entry.hq.company,
                nonprofit=key in nonprofits,
                org_position=rank.get(entry.hq_id) if key else None,
                promoted=promoted,
                currency=currency,
            )
            if pricing.amount == 0:
                skipped.append(
                    SkippedMember(
                        entry.hq_id,
                        entry.hq.display_name,
                        entry.standing,
                        "nothing due: " + "; ".join(pricing.reasons),
                    )
                )
                continue
            lines.append(
                AssessmentLine(
                    entry.hq_id,
                    entry.hq.display_name,
                    rate.category_name,
                    pricing.amount,
                    pricing.tier,
                    pricing.promotion_percent,
                    pricing.proration_percent,
                    pricing.reasons,
                    None,
                )
            )
            rows.append(
                {
                    "kind": "charge",
                    "hq_id": entry.hq_id,
                    "membership_id": entry.membership.id,
                    "dues_year": year,
                    "charge_seq": seq[entry.hq_id] + 1,
                    "amount_cents": to_cents(pricing.amount),
                    "posted_on": day,
                    "reference": "",
                    "reason": "",
                    "detail": "; ".join(pricing.reasons),
                }
            )
        if rows and not dry_run:
            try:
                ids = session.scalars(
                    insert(LedgerEntry).returning(LedgerEntry.id, sort_by_parameter_order=True),
                    rows,
                ).all()
            except IntegrityError:
                raise RuleRefusedError(
                    f"Another officer posted dues charges for {year} at the same moment, so "
                    "this run charged no one; run the assessment again to charge anyone left."
                ) from None
            lines = [
                AssessmentLine(**{**line.__dict__, "entry_id": entry_id})
                for line, entry_id in zip(lines, ids, strict=True)
            ]
        return Assessment(
            year=year,
            starts_on=window.starts_on,
            ends_on=window.ends_on,
            posted_on=day,
            dry_run=dry_run,
            charged=tuple(lines),
            skipped=tuple(skipped),
            already_charged=len(live),
            total=sum((line.amount for line in lines), Decimal("0.00")),
        )


def _skip_reason(entry: RosterEntry, rates: dict[str, Rate], window: DuesYear) -> str | None:
    if not entry.standing.is_current:
        return f"international membership is {entry.standing.label}"
    if entry.category is None:
        return f"HQ member type {entry.hq.member_type!r} matches no chapter category"
    if not entry.category.eligible:
        return f"the {entry.category.name} category is not eligible for membership"
    if entry.category.code not in rates:
        return f"no rate set for {entry.category.name} in {window.year}"
    if entry.membership.chapter_joined_on > window.ends_on:
        return (
            f"joined the chapter on {entry.membership.chapter_joined_on.isoformat()}, "
            f"after dues year {window.year} ended"
        )
    return None
