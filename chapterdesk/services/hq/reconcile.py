"""Reconciliation: who on the roster is not in good standing, and who HQ says is ours but isn't.

This is what the compliance report and the dashboard's "open problems" show:
every chapter member whose international membership is not in good standing
(with what to do next), every member in a category that is not eligible or in
an HQ member type no category matches (suspended until an officer maps it), and
every HQ member affiliated with this chapter who is not on the chapter roster.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from chapterdesk.data.engine import Database
from chapterdesk.data.models import ChapterMembership, HqAffiliation, HqMember
from chapterdesk.services.roster.members import (
    ENTRY_COLUMNS,
    HqRecord,
    RosterContext,
    RosterEntry,
    entries_from,
    hq_record,
)
from chapterdesk.services.roster.query import SessionReader
from chapterdesk.services.roster.reader import rows_by_key, statement
from chapterdesk.standing import Standing, normalise_key


@dataclass(frozen=True)
class ComplianceProblem:
    """A chapter member not in good standing, and what the officer should do."""

    entry: RosterEntry
    days_lapsed: int | None
    next_step: str


@dataclass(frozen=True)
class Unlisted:
    """An HQ member affiliated with this chapter who is not on the chapter roster."""

    hq: HqRecord
    standing: Standing


@dataclass(frozen=True)
class Reconciliation:
    """Both halves of the reconciliation, as of one date."""

    as_of: dt.date
    problems: tuple[ComplianceProblem, ...]
    unlisted: tuple[Unlisted, ...]


def next_step(entry: RosterEntry, as_of: dt.date, grace_days: int) -> str:
    """What an officer should do about a member who is not in good standing."""
    paid = entry.hq.paid_through
    if entry.category is None and not entry.hq.member_type.strip():
        return "HQ data gives no member type: ask HQ to record one, then import a newer export."
    if entry.category is None:
        shown = entry.hq.member_type
        return (
            f"HQ's member type {shown!r} matches no category, so their privileges are "
            f'suspended: map it with `chapterdesk categories map "{shown}" CATEGORY` '
            "(or in Settings)."
        )
    if not entry.category.eligible:
        return (
            f"HQ now lists them as {entry.category.name}, which is not eligible; "
            "end their chapter membership."
        )
    if entry.standing is Standing.GRACE and paid is not None:
        deadline = paid + dt.timedelta(days=grace_days)
        return f"Remind them to renew with HQ before {deadline.isoformat()}."
    if entry.standing is Standing.LAPSED:
        return (
            "Privileges suspended: ask them to renew their international membership; "
            "a later HQ export showing them current restores them."
        )
    if entry.standing is Standing.NOT_IN_HQ:
        return (
            "Missing from the latest HQ export: confirm the HQ member ID with HQ, "
            "and import a newer export."
        )
    return "Check the member's category with HQ."


def reconcile(db: Database, as_of: dt.date | None = None) -> Reconciliation:
    """Every compliance problem on the roster and every unlisted chapter-affiliated HQ member."""
    day = as_of or dt.date.today()
    with db.reading() as session:
        ctx = RosterContext(session, day)
        reader = SessionReader(session, day)
        # The whole roster in three narrow columns, then the full rows of the few with a problem.
        everyone = reader.run(
            statement(reader, ("membership_id", "member_type", "standing"), sort=None)
        )
        eligible: dict[str, bool] = {}
        for _key, member_type, _standing in everyone:
            if member_type not in eligible:
                found = ctx.categories.resolve(member_type)
                eligible[member_type] = found is not None and found.eligible
        keys = [k for k, t, s in everyone if s != Standing.GOOD.value or not eligible[t]]
        rows = rows_by_key(reader, ENTRY_COLUMNS, keys)
        problems: list[ComplianceProblem] = []
        for entry in entries_from(ctx, rows):
            ineligible = entry.category is None or not entry.category.eligible
            if entry.standing is Standing.GOOD and not ineligible:
                continue
            paid = entry.hq.paid_through
            lapsed_days = (day - paid).days if paid is not None and paid < day else None
            problems.append(
                ComplianceProblem(entry, lapsed_days, next_step(entry, day, ctx.grace_days))
            )
        problems.sort(key=lambda p: (p.entry.hq.last_name.casefold(), p.entry.hq.first_name))

        on_roster = select(ChapterMembership.hq_id).where(ChapterMembership.left_on.is_(None))
        query = (
            select(HqMember)
            .join(HqAffiliation, HqAffiliation.hq_id == HqMember.hq_id)
            .where(
                HqAffiliation.chapter_key == normalise_key(ctx.chapter_name),
                HqMember.in_latest_export.is_(True),
                HqMember.hq_id.not_in(on_roster),
            )
            .order_by(HqMember.last_name, HqMember.first_name)
        )
        unlisted = tuple(
            Unlisted(record, ctx.standing(record))
            for record in (hq_record(row) for row in session.scalars(query))
        )
        return Reconciliation(day, tuple(problems), unlisted)
