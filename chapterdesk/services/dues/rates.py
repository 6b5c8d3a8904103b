"""Dues settings: the dues year, rates per year and category, the year's rules, organisations.

These are the settings an assessment reads (the non-profit employers are in
`services.dues.organisations`); they may be edited at any time and
only change what the next assessment charges (posted charges never change).

The dues year is named after the calendar year in which it starts: with the
chapter's year start at 07-01, dues year 2026 runs 2026-07-01 to 2027-06-30;
with the default 01-01 it is the calendar year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from chapterdesk.data.engine import Database
from chapterdesk.data.ledger_models import DuesRate, DuesYearRule, ProrationStep
from chapterdesk.data.models import MembershipCategory
from chapterdesk.errors import BadInputError, RuleRefusedError
from chapterdesk.money import from_cents, parse_rate, to_cents
from chapterdesk.services.chapter import categories_in, settings_row
from chapterdesk.services.chapter_values import CategoryIndex
from chapterdesk.services.door import change
from chapterdesk.values import check_year


@dataclass(frozen=True)
class DuesYear:
    """A dues year: its name (the calendar year it starts in) and its first and last day."""

    year: int
    starts_on: dt.date
    ends_on: dt.date

    def contains(self, day: dt.date) -> bool:
        """Whether a date falls inside this dues year."""
        return self.starts_on <= day <= self.ends_on


@dataclass(frozen=True)
class Rate:
    """What one category pays in one dues year (None: that rate is not set)."""

    year: int
    category_code: str
    category_name: str
    amount: Decimal
    nonprofit_amount: Decimal | None
    enterprise_amount: Decimal | None


@dataclass(frozen=True)
class ProrationRule:
    """From this month and day of the dues year on, a joining member pays `percent` %."""

    month: int
    day: int
    percent: int

    def label(self) -> str:
        """`07-01=50`: how the rule is written on the command line."""
        return f"{self.month:02d}-{self.day:02d}={self.percent}"


@dataclass(frozen=True)
class YearRules:
    """The enterprise schedule, promotion and proration steps of one dues year.

    `enterprise_full_count` None means no enterprise schedule; `promotion_percent`
    0 means no promotion; no proration steps means every member pays in full.
    """

    year: int
    enterprise_full_count: int | None = None
    promotion_percent: int = 0
    promotion_gap_years: int = 3
    proration: tuple[ProrationRule, ...] = ()


def dues_year_window(year: int, start_month: int = 1, start_day: int = 1) -> DuesYear:
    """The first and last day of a dues year, given the chapter's year start."""
    starts = dt.date(year, start_month, start_day)
    ends = dt.date(year + 1, start_month, start_day) - dt.timedelta(days=1)
    return DuesYear(year, starts, ends)


def dues_year_of(day: dt.date, start_month: int = 1, start_day: int = 1) -> int:
    """The dues year a date falls in."""
    return day.year if (day.month, day.day) >= (start_month, start_day) else day.year - 1


def dues_year_in(session: Session, year: int) -> DuesYear:
    """A dues year's window inside a unit of work, by the chapter's year start."""
    settings = settings_row(session)
    return dues_year_window(check_year(year), settings.year_start_month, settings.year_start_day)


def dues_year(db: Database, year: int | None = None, today: dt.date | None = None) -> DuesYear:
    """The window of a dues year (default: the one today falls in)."""
    with db.reading() as session:
        settings = settings_row(session)
        if year is None:
            day = today or dt.date.today()
            year = dues_year_of(day, settings.year_start_month, settings.year_start_day)
        return dues_year_in(session, year)


def _category(session: Session, name: str) -> MembershipCategory:
    found = CategoryIndex(categories_in(session)).resolve(name)
    if found is None:
        names = ", ".join(f"{c.code} ({c.name})" for c in categories_in(session))
        raise BadInputError(f"No category is called {name!r}; the categories are {names}.")
    row = session.get(MembershipCategory, found.id)
    assert row is not None
    return row


def _rate_view(row: DuesRate, category: MembershipCategory) -> Rate:
    def maybe(cents: int | None) -> Decimal | None:
        return None if cents is None else from_cents(cents)

    return Rate(
        row.dues_year,
        category.code,
        category.name,
        from_cents(row.amount_cents),
        maybe(row.nonprofit_cents),
        maybe(row.enterprise_cents),
    )


def set_rate(
    db: Database,
    year: int,
    category: str,
    amount: Decimal | str,
    *,
    nonprofit: Decimal | str | None = None,
    enterprise: Decimal | str | None = None,
) -> Rate:
    """Set (or replace) a category's rates for a dues year.

    Args:
        category: the category's code or name (`REG`, `Regular`).
        amount: the full rate; text is parsed exactly, a rate may be 0.
        nonprofit: the rate for members whose organisation is marked non-profit.
        enterprise: the reduced rate for an organisation's members past the
            year's enterprise threshold.
    Raises:
        BadInputError: unknown category, malformed amount or year.
        RuleRefusedError: the category is not eligible for membership.
    """
    check_year(year)
    with change(db, "set dues rate") as uow:
        session = uow.session
        currency = settings_row(session).currency
        row_category = _category(session, category)
        if not row_category.eligible:
            raise RuleRefusedError(
                f"{row_category.name} is not eligible for membership, so it has no dues rate."
            )

        def cents(value: Decimal | str | None, what: str) -> int | None:
            if value is None:
                return None
            text = value if isinstance(value, str) else f"{value}"
            return to_cents(parse_rate(text, currency, what=what))

        full = cents(amount, f"{row_category.name} rate")
        assert full is not None
        row = session.scalars(
            select(DuesRate).where(
                DuesRate.dues_year == year, DuesRate.category_id == row_category.id
            )
        ).first()
        if row is None:
            row = DuesRate(dues_year=year, category_id=row_category.id)
            session.add(row)
        row.amount_cents = full
        row.nonprofit_cents = cents(nonprofit, "non-profit rate")
        row.enterprise_cents = cents(enterprise, "enterprise rate")
        session.flush()
        return _rate_view(row, row_category)


def rates_in(session: Session, year: int | None = None) -> list[Rate]:
    """Rates inside a unit of work, by year and category order."""
    query = (
        select(DuesRate, MembershipCategory)
        .join(MembershipCategory, MembershipCategory.id == DuesRate.category_id)
        .order_by(DuesRate.dues_year, MembershipCategory.sort_order, MembershipCategory.id)
    )
    if year is not None:
        query = query.where(DuesRate.dues_year == year)
    return [_rate_view(rate, category) for rate, category in session.execute(query)]


def list_rates(db: Database, year: int | None = None) -> list[Rate]:
    """Every rate set, or those of one dues year."""
    with db.reading() as session:
        return rates_in(session, year)


def clear_rate(db: Database, year: int, category: str) -> bool:
    """Remove a category's rate for a year (its members are then "no rate set"); True if removed."""
    with change(db, "clear dues rate") as uow:
        session = uow.session
        row_category = _category(session, category)
        gone = list(
            session.scalars(
                select(DuesRate).where(
                    DuesRate.dues_year == year, DuesRate.category_id == row_category.id
                )
            )
        )
        for row in gone:  # deleted through the ORM, so the audit trail records each
            session.delete(row)
        session.flush()
        return bool(gone)


def rules_in(session: Session, year: int) -> YearRules:
    """A year's rules inside a unit of work (the defaults when none were set)."""
    row = session.get(DuesYearRule, year)
    steps = tuple(
        ProrationRule(s.month, s.day, s.percent)
        for s in session.scalars(
            select(ProrationStep)
            .where(ProrationStep.dues_year == year)
            .order_by(ProrationStep.month, ProrationStep.day)
        )
    )
    if row is None:
        return YearRules(year, proration=steps)
    return YearRules(
        year, row.enterprise_full_count, row.promotion_percent, row.promotion_gap_years, steps
    )


def year_rules(db: Database, year: int) -> YearRules:
    """The enterprise schedule, promotion and proration of a dues year."""
    with db.reading() as session:
        return rules_in(session, check_year(year))


def set_year_rules(db: Database, rules: YearRules) -> YearRules:
    """Replace a dues year's rules as a whole.

    Raises:
        BadInputError: a threshold below 1, a percentage outside 0–100, a gap
            below one year, or two proration steps on the same day.
    """
    check_year(rules.year)
    if rules.enterprise_full_count is not None and rules.enterprise_full_count < 1:
        raise BadInputError("The enterprise threshold must be 1 or more members at full rate.")
    if not 0 <= rules.promotion_percent <= 100:
        raise BadInputError("The promotion must be a percentage from 0 to 100.")
    if rules.promotion_gap_years < 1:
        raise BadInputError("The promotion's years away must be 1 or more.")
    days = [(s.month, s.day) for s in rules.proration]
    if len(set(days)) != len(days):
        raise BadInputError("Two proration steps fall on the same day; give each day once.")
    for step in rules.proration:
        if not 0 <= step.percent <= 100:
            raise BadInputError(f"Proration step {step.label()}: the percentage must be 0 to 100.")
    with change(db, "dues year rules") as uow:
        session = uow.session
        row = session.get(DuesYearRule, rules.year)
        if row is None:
            row = DuesYearRule(dues_year=rules.year)
            session.add(row)
        row.enterprise_full_count = rules.enterprise_full_count
        row.promotion_percent = rules.promotion_percent
        row.promotion_gap_years = rules.promotion_gap_years
        for old in session.scalars(
            select(ProrationStep).where(ProrationStep.dues_year == rules.year)
        ):
            session.delete(old)
        session.flush()
        for step in rules.proration:
            session.add(
                ProrationStep(
                    dues_year=rules.year, month=step.month, day=step.day, percent=step.percent
                )
            )
        session.flush()
        return rules_in(session, rules.year)


def parse_proration(text: str) -> tuple[ProrationRule, ...]:
    """Proration steps written `07-01=50,12-01=0` (an empty text: no proration)."""
    from chapterdesk.values import parse_month_day

    steps = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        when, sep, percent = part.partition("=")
        if not sep or not percent.strip().isdigit():
            raise BadInputError(
                f"{part!r} is not a proration step; write MM-DD=PERCENT, e.g. 07-01=50."
            )
        try:
            month, day = parse_month_day(when)
        except BadInputError:
            raise BadInputError(
                f"{part!r} is not a proration step; write MM-DD=PERCENT with a day every "
                "year has, e.g. 07-01=50."
            ) from None
        steps.append(ProrationRule(month, day, int(percent)))
    return tuple(sorted(steps, key=lambda s: (s.month, s.day)))
