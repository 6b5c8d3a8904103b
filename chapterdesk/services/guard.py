"""The door's check: every membership and officer term a change touched still obeys the policy.

The services check their own requests first, to word a refusal for what the
officer asked; this check runs for every unit of work just before it commits,
over the rows it actually touched, whichever service (or undo) touched them:

- a membership opened or brought back (an add, an undo of a leave) must pass
  `policy.admission_refusal` on the day; join and leave dates are never in
  the future (`policy.dates_refusal`);
- an officer term in force on the day or later must pass
  `policy.office_refusal`; it lies inside its membership; an ended term's end
  never moves later (a correction is a new term); a single-holder position
  never has two holders on one day, and one person never holds two
  overlapping terms of one position.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chapterdesk import policy
from chapterdesk.data.models import ChapterMembership, HqMember, OfficerPosition, OfficerTerm
from chapterdesk.errors import RuleRefusedError
from chapterdesk.names import display_name

if TYPE_CHECKING:
    from chapterdesk.services.door import UnitOfWork


def check_touched(uow: UnitOfWork) -> None:
    """Refuse the whole unit of work if a row it touched breaks a rule.

    Raises:
        RuleRefusedError: with the sentence of the first rule broken.
    """
    touched: list[tuple[str, str, Any, Any, Any]] = uow.session.info.get("touched", [])
    memberships: dict[int, ChapterMembership] = {}
    reopened: set[int] = set()
    terms: dict[int, tuple[OfficerTerm, dict[str, Any] | None]] = {}
    for table, action, obj, old, _new in touched:
        if action == "delete":
            continue
        if table == "chapter_membership":
            memberships[obj.id] = obj
            if action == "insert" or (old and "left_on" in old and obj.left_on is None):
                reopened.add(obj.id)
        elif table == "officer_term":
            earlier = terms.get(obj.id)
            first_old = earlier[1] if earlier else (old if action == "update" else None)
            terms[obj.id] = (obj, first_old)
    if not memberships and not terms:
        return
    from chapterdesk.services.roster.members import RosterContext, hq_record

    ctx = RosterContext(uow.session, uow.today)
    for membership_id, membership in memberships.items():
        _check_membership(uow, ctx, membership, membership_id in reopened, hq_record)
    for term, old in terms.values():
        _check_term(uow, ctx, term, old, hq_record)


def _check_membership(
    uow: UnitOfWork, ctx: Any, membership: ChapterMembership, opened: bool, hq_record: Any
) -> None:
    refusal = policy.dates_refusal(
        joined_on=membership.chapter_joined_on, left_on=membership.left_on, today=uow.today
    )
    if refusal is not None:
        raise RuleRefusedError(refusal)
    if not opened or membership.left_on is not None:
        return
    row = uow.session.get(HqMember, membership.hq_id)
    record = hq_record(row) if row is not None else None
    standing = ctx.standing(record)
    why = policy.admission_refusal(
        membership.hq_id,
        record.display_name if record else "",
        record.facts if record else None,
        standing,
        record.member_type if record else "",
        ctx.categories.resolve(record.member_type) if record else None,
    )
    if why is not None:
        raise RuleRefusedError(f"Cannot make {membership.hq_id} a chapter member: {why}")


def _check_term(
    uow: UnitOfWork,
    ctx: Any,
    term: OfficerTerm,
    old: dict[str, Any] | None,
    hq_record: Any,
) -> None:
    session = uow.session
    position = session.get(OfficerPosition, term.position_id)
    membership = session.get(ChapterMembership, term.membership_id)
    assert position is not None and membership is not None
    row = session.get(HqMember, membership.hq_id)
    assert row is not None
    record = hq_record(row)
    who = f"{record.display_name} ({record.hq_id})"
    if old is not None:
        for fixed in ("position_id", "membership_id", "starts_on"):
            if fixed in old:
                raise RuleRefusedError(
                    f"An officer term's {fixed.replace('_id', '').replace('_', ' ')} cannot be "
                    "changed; end the term and record a new one."
                )
        if "ends_on" in old and old["ends_on"] is not None:
            before: dt.date = old["ends_on"]
            if term.ends_on is None or term.ends_on > before:
                raise RuleRefusedError(
                    f"{who}'s term as {position.name} ends on {before.isoformat()}; a term's end "
                    "is never moved later (an ended term is never reopened). Record a new term "
                    "instead."
                )
    if term.starts_on < membership.chapter_joined_on:
        raise RuleRefusedError(
            f"The term starts ({term.starts_on.isoformat()}) before {who} joined the chapter "
            f"({membership.chapter_joined_on.isoformat()})."
        )
    if membership.left_on is not None and (
        term.ends_on is None or term.ends_on > membership.left_on
    ):
        raise RuleRefusedError(
            f"{who} left the chapter on {membership.left_on.isoformat()}; a term cannot run "
            "past that day."
        )
    in_force_later = term.ends_on is None or term.ends_on >= uow.today
    if old is None and in_force_later:
        why = policy.office_refusal(
            policy.MemberFacts(
                ctx.categories.resolve(record.member_type),
                ctx.standing(record),
                membership.employment_ended_on,
                record.member_type,
            ),
            uow.today,
        )
        if why is not None:
            raise RuleRefusedError(
                f"{who} cannot be {position.name}: {why}. Officers must be voting members in "
                "good standing."
            )
    _check_overlaps(session, term, position, who)


def _overlap(a: OfficerTerm | tuple[dt.date, dt.date | None], b: OfficerTerm) -> bool:
    starts, ends = (a.starts_on, a.ends_on) if isinstance(a, OfficerTerm) else a
    far = dt.date.max
    return starts <= (b.ends_on or far) and b.starts_on <= (ends or far)


def _check_overlaps(
    session: Session, term: OfficerTerm, position: OfficerPosition, who: str
) -> None:
    others = session.execute(
        select(OfficerTerm, ChapterMembership.hq_id)
        .join(ChapterMembership, ChapterMembership.id == OfficerTerm.membership_id)
        .where(OfficerTerm.position_id == term.position_id, OfficerTerm.id != term.id)
    ).all()
    mine = session.get(ChapterMembership, term.membership_id)
    assert mine is not None
    for other, hq_id in others:
        if not _overlap(term, other):
            continue
        until = other.ends_on.isoformat() if other.ends_on else "with no end date"
        if hq_id == mine.hq_id:
            raise RuleRefusedError(
                f"{who} already holds a term as {position.name} from "
                f"{other.starts_on.isoformat()} ({until}) that overlaps this one; one person "
                "holds one term of a position at a time."
            )
        if position.single_holder:
            holder = session.get(HqMember, hq_id)
            name = (
                display_name(holder.first_name, holder.middle_name, holder.last_name, holder.suffix)
                if holder
                else hq_id
            )
            raise RuleRefusedError(
                f"{position.name} is a single-holder position and {name} holds it from "
                f"{other.starts_on.isoformat()} ({until}); end that term first."
            )
