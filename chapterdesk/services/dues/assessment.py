"""Assessing a dues year: who is charged, how much, and why.

`assess_dues` charges every current chapter member in good standing or grace,
in an eligible category, with a rate set, who has no live charge for the year,
at the price `services.dues.pricing.price_dues` gives. Anyone else is listed with
the reason. A charge that was reversed lets the member be assessed again (see
`LedgerEntry.charge_seq`).

Two officers assessing the same year at once (a shared PostgreSQL server) both
compute sequence 1 for the same members; the UNIQUE constraint on
`(hq_id, dues_year, charge_seq)` lets the first through and aborts the second,
which then runs again from a fresh transaction: it sees the first one's charges
and charges only whoever is left (usually nobody), so nobody is charged twice
and the second officer gets an ordinary result instead of an error.

Enterprise tiers are ranked per organisation among the members assessable at
the time (or already charged), by chapter join date and then HQ ID, so the
same roster always gives the same tiers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from contextlib import ExitStack
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from chapterdesk.data.engine import Database
from chapterdesk.data.ledger_models import LedgerEntry
from chapterdesk.data.models import ChapterMembership
from chapterdesk.errors import RuleRefusedError
from chapterdesk.money import to_cents
from chapterdesk.services.chapter import Category, settings_row
from chapterdesk.services.door import UnitOfWork, change
from chapterdesk.services.dues.dates import check_ledger_date
from chapterdesk.services.dues.ledger import person_names
from chapterdesk.services.dues.organisations import nonprofit_keys, organisation_key
from chapterdesk.services.dues.pricing import is_new_member, price_dues
from chapterdesk.services.dues.rates import DuesYear, Rate, dues_year_in, rates_in, rules_in
from chapterdesk.services.roster.members import RosterContext
from chapterdesk.standing import Standing

#: How often an assessment that clashed with another officer's is run again.
CLASH_ATTEMPTS = 3


class _ChargeClash(Exception):
    """Another officer's charges for the same members and year committed first."""


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
    #: the name as a list shows it, "Adams, Andrew J." (the roster's form)
    list_name: str = ""


@dataclass(frozen=True)
class SkippedMember:
    """A current chapter member not charged, with their standing and the reason."""

    hq_id: str
    name: str
    standing: Standing
    reason: str
    #: the name as a list shows it, "Adams, Andrew J." (the roster's form)
    list_name: str = ""


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


def assess_dues(
    db: Database,
    year: int,
    *,
    dry_run: bool = False,
    as_of: dt.date | None = None,
    allow_date: bool = False,
) -> Assessment:
    """Charge a dues year to every member who owes it and has no live charge for it yet.

    Args:
        year: the dues year (named after the calendar year it starts in).
        dry_run: work everything out and write nothing.
        as_of: the day standing is judged on and the charges are dated (default today;
            not before the chapter existed nor more than a year ahead unless `allow_date`).
    Raises:
        BadInputError: the year is not plausible.
        RuleRefusedError: other officers kept charging the same members at the same
            moment (after `CLASH_ATTEMPTS` runs); nothing of this run was saved.
    """
    day = as_of or dt.date.today()
    for _attempt in range(CLASH_ATTEMPTS):
        try:
            return _assess_once(db, year, dry_run, day, allow_date)
        except _ChargeClash:
            continue  # a fresh transaction sees the winner's charges and skips those members
    raise RuleRefusedError(
        f"Other officers kept posting dues charges for {year} at the same moment, so this "
        "run charged no one; run the assessment again to charge anyone left."
    )


def _assess_once(
    db: Database, year: int, dry_run: bool, day: dt.date, allow_date: bool
) -> Assessment:
    """One attempt at `assess_dues` in its own unit of work."""
    uow: UnitOfWork | None = None
    with ExitStack() as stack:
        if dry_run:
            session = stack.enter_context(db.reading())
        else:
            uow = stack.enter_context(change(db, f"assess dues {year}", today=day))
            session = uow.session
        check_ledger_date(
            session, day, "assessment", today=dt.date.today(), allow_date=allow_date
        )
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
        entries = _candidates(session, ctx, day)
        skipped: list[SkippedMember] = []
        assessable: list[tuple[_Candidate, Rate]] = []
        for entry in entries:
            reason = _skip_reason(entry, rates, window, day)
            if reason is None and entry.hq_id in live:
                continue
            if reason is not None:
                skipped.append(SkippedMember(entry.hq_id, entry.name, entry.standing, reason,
                                             entry.list_name))
                continue
            assert entry.category is not None
            assessable.append((entry, rates[entry.category.code]))
        # Enterprise order and "already has members" among everyone assessable or charged.
        by_org: dict[str, list[tuple[dt.date, str]]] = defaultdict(list)
        for entry in entries:
            key = organisation_key(entry.company)
            if key and (entry.hq_id in live or _skip_reason(entry, rates, window, day) is None):
                by_org[key].append((entry.joined_on, entry.hq_id))
        rank: dict[str, int] = {}
        for members in by_org.values():
            # HQ IDs are digits without leading zeros: shorter is smaller.
            ordered = sorted(members, key=lambda m: (m[0], len(m[1]), m[1]))
            for position, (_joined, hq_id) in enumerate(ordered, start=1):
                rank[hq_id] = position
        lines: list[AssessmentLine] = []
        rows: list[dict[str, object]] = []
        for entry, rate in assessable:
            if entry.hq_id in live:
                continue
            key = organisation_key(entry.company)
            joined = entry.joined_on
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
                organisation=entry.company,
                nonprofit=key in nonprofits,
                org_position=rank.get(entry.hq_id) if key else None,
                promoted=promoted,
                currency=currency,
            )
            if pricing.amount == 0:
                skipped.append(
                    SkippedMember(
                        entry.hq_id,
                        entry.name,
                        entry.standing,
                        "nothing due: " + "; ".join(pricing.reasons),
                        entry.list_name,
                    )
                )
                continue
            lines.append(
                AssessmentLine(
                    entry.hq_id,
                    entry.name,
                    rate.category_name,
                    pricing.amount,
                    pricing.tier,
                    pricing.promotion_percent,
                    pricing.proration_percent,
                    pricing.reasons,
                    None,
                    entry.list_name,
                )
            )
            rows.append(
                {
                    "kind": "charge",
                    "hq_id": entry.hq_id,
                    "membership_id": entry.membership_id,
                    "dues_year": year,
                    "charge_seq": seq[entry.hq_id] + 1,
                    "amount_cents": to_cents(pricing.amount),
                    "posted_on": day,
                    "reference": "",
                    "reason": "",
                    "detail": "; ".join(pricing.reasons),
                }
            )
        if rows and uow is not None:
            try:
                batch = uow.start_batch(
                    "assessment", f"Dues assessment for {year}: {len(rows):,} charges", len(rows)
                )
                ids = uow.insert_rows(LedgerEntry, rows, batch_id=batch)
            except IntegrityError as exc:
                if not _is_charge_clash(exc):
                    raise  # not the one-live-charge constraint: a bug
                raise _ChargeClash() from None
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


def _is_charge_clash(exc: IntegrityError) -> bool:
    """Whether the UNIQUE (hq_id, dues_year, charge_seq) constraint refused the insert."""
    text = str(exc.orig)
    return "charge_seq" in text or '"uq_ledger_entry_charge"' in text


@dataclass(frozen=True)
class _Candidate:
    """What assessing needs to know about one current chapter member."""

    membership_id: int
    hq_id: str
    joined_on: dt.date
    name: str
    list_name: str
    sort_key: tuple[str, str]
    company: str
    member_type: str
    category: Category | None
    standing: Standing


_CANDIDATE_COLUMNS = (
    "membership_id", "hq_id", "chapter_joined_on", "company", "member_type", "standing",
    "prefix", "first_name", "middle_name", "last_name", "suffix",
)


def _candidates(session: Session, ctx: RosterContext, day: dt.date) -> list[_Candidate]:
    """Current chapter members, by name, as the roster query reads them (plain columns)."""
    from chapterdesk.services.roster import reader as roster_reader
    from chapterdesk.services.roster.query import SessionReader

    rows = roster_reader.read(SessionReader(session, day), _CANDIDATE_COLUMNS, sort=None)
    standings = {s.value: s for s in Standing}
    found = []
    for key, hq_id, joined, company, member_type, standing, *names in rows:
        display, sort_name = person_names(*names)
        found.append(
            _Candidate(
                membership_id=key,
                hq_id=hq_id,
                joined_on=joined,
                name=display,
                list_name=sort_name,
                sort_key=(sort_name.casefold(), hq_id),
                company=company,
                member_type=member_type,
                category=ctx.categories.resolve(member_type),
                standing=standings[standing],
            )
        )
    found.sort(key=lambda c: c.sort_key)
    return found


def _skip_reason(
    entry: _Candidate, rates: dict[str, Rate], window: DuesYear, day: dt.date
) -> str | None:
    if not entry.standing.is_current:
        return f"international membership is {entry.standing.label}"
    if entry.category is None:
        return f"HQ member type {entry.member_type!r} matches no chapter category"
    if not entry.category.eligible:
        return f"the {entry.category.name} category is not eligible for membership"
    if entry.category.code not in rates:
        return f"no rate set for {entry.category.name} in {window.year}"
    if entry.joined_on > day:
        return (
            f"joined the chapter on {entry.joined_on.isoformat()}, "
            f"after the assessment date {day.isoformat()}"
        )
    if entry.joined_on > window.ends_on:
        return (
            f"joined the chapter on {entry.joined_on.isoformat()}, "
            f"after dues year {window.year} ended"
        )
    return None
