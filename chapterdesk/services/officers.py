"""Officer positions and terms.

An officer must be a current chapter member whose category may vote and hold
office and whose international membership is current; a single-holder
position (President, Treasurer, …) may not have two terms that overlap.

The overlap rule is a read-then-write, so on a shared server two officers
setting terms at once could both pass the check: `set_officer` first locks the
position's row (`SELECT … FOR UPDATE` on PostgreSQL; SQLite's writers are
serial already), so the second waits, then sees the first term and is refused.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from chapterdesk.data.engine import Database
from chapterdesk.data.models import ChapterMembership, HqMember, OfficerPosition, OfficerTerm
from chapterdesk.errors import BadInputError, NotFoundError, RuleRefusedError
from chapterdesk.services.roster import RosterContext, TermView, hq_record, membership_view
from chapterdesk.values import normalise_hq_id


def list_positions(db: Database) -> list[tuple[str, bool]]:
    """Every officer position as (name, single_holder), in display order."""
    with db.reading() as session:
        rows = session.scalars(
            select(OfficerPosition).order_by(OfficerPosition.sort_order, OfficerPosition.id)
        )
        return [(r.name, r.single_holder) for r in rows]


def _position(session: Session, name: str) -> OfficerPosition:
    wanted = " ".join(name.split()).casefold()
    for row in session.scalars(select(OfficerPosition)):
        if row.name.casefold() == wanted:
            return row
    names = ", ".join(r.name for r in session.scalars(select(OfficerPosition)))
    raise BadInputError(f"No officer position is called {name!r}; the positions are {names}.")


def set_officer(
    db: Database,
    hq_id: str,
    position: str,
    *,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    as_of: dt.date | None = None,
) -> TermView:
    """Give a member a term in an officer position.

    Args:
        as_of: the date eligibility is judged on (default today).
    Raises:
        BadInputError: unknown position or dates in the wrong order.
        NotFoundError: the ID is not a current chapter member.
        RuleRefusedError: the member may not hold office, is not in good standing,
            or the term overlaps another term of a single-holder position.
    """
    clean = normalise_hq_id(hq_id)
    if ends_on is not None and ends_on < starts_on:
        raise BadInputError(
            f"The term ends ({ends_on.isoformat()}) before it starts ({starts_on.isoformat()})."
        )
    day = as_of or dt.date.today()
    with db.session() as session:
        ctx = RosterContext(session, day)
        post = _position(session, position)
        found = session.execute(
            select(ChapterMembership, HqMember)
            .join(HqMember, HqMember.hq_id == ChapterMembership.hq_id)
            .where(ChapterMembership.hq_id == clean, ChapterMembership.left_on.is_(None))
        ).first()
        if found is None:
            raise NotFoundError(
                f"{clean} is not a current chapter member; only members can hold office."
            )
        membership_row, hq_row = found
        entry = ctx.entry(membership_view(membership_row), hq_record(hq_row))
        name = entry.hq.display_name
        if not entry.privileges.may_hold_office:
            why = "; ".join(entry.privileges.reasons) or (
                f"the {entry.category.name} category may not hold office"
                if entry.category
                else "their category may not hold office"
            )
            raise RuleRefusedError(
                f"{name} ({clean}) cannot be {post.name}: {why}. Officers must be voting "
                "members in good standing."
            )
        if starts_on < membership_row.chapter_joined_on:
            raise BadInputError(
                f"The term starts ({starts_on.isoformat()}) before {name} joined the chapter "
                f"({membership_row.chapter_joined_on.isoformat()})."
            )
        if post.single_holder:
            # Serialise terms of this position: a concurrent set_officer waits here.
            session.execute(
                select(OfficerPosition.id).where(OfficerPosition.id == post.id).with_for_update()
            )
            far = dt.date.max
            clash = session.execute(
                select(OfficerTerm, HqMember.first_name, HqMember.last_name)
                .join(ChapterMembership, ChapterMembership.id == OfficerTerm.membership_id)
                .join(HqMember, HqMember.hq_id == ChapterMembership.hq_id)
                .where(
                    OfficerTerm.position_id == post.id,
                    OfficerTerm.starts_on <= (ends_on or far),
                    or_(OfficerTerm.ends_on.is_(None), OfficerTerm.ends_on >= starts_on),
                )
                .limit(1)
            ).first()
            if clash is not None:
                term, first, last = clash
                until = term.ends_on.isoformat() if term.ends_on else "open-ended"
                raise RuleRefusedError(
                    f"{post.name} is a single-holder position and {first} {last} already holds "
                    f"it from {term.starts_on.isoformat()} ({until}); end that term first."
                )
        term = OfficerTerm(
            position_id=post.id,
            membership_id=membership_row.id,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        session.add(term)
        session.flush()
        return TermView(term.id, post.name, clean, name, starts_on, ends_on)


def end_term(db: Database, term_id: int, ends_on: dt.date) -> TermView:
    """End an officer term on a date (not before it started)."""
    with db.session() as session:
        term = session.get(OfficerTerm, term_id)
        if term is None:
            raise NotFoundError(f"There is no officer term {term_id}.")
        if ends_on < term.starts_on:
            raise BadInputError(
                f"A term cannot end ({ends_on.isoformat()}) before it starts "
                f"({term.starts_on.isoformat()})."
            )
        term.ends_on = ends_on
        session.flush()
        return _term_views(session, [term.id])[0]


def _term_views(
    session: Session, ids: list[int] | None, as_of: dt.date | None = None
) -> list[TermView]:
    query = (
        select(OfficerTerm, OfficerPosition, HqMember)
        .join(OfficerPosition, OfficerPosition.id == OfficerTerm.position_id)
        .join(ChapterMembership, ChapterMembership.id == OfficerTerm.membership_id)
        .join(HqMember, HqMember.hq_id == ChapterMembership.hq_id)
        .order_by(OfficerPosition.sort_order, OfficerTerm.starts_on, func.lower(HqMember.last_name))
    )
    if ids is not None:
        query = query.where(OfficerTerm.id.in_(ids))
    if as_of is not None:
        query = query.where(
            OfficerTerm.starts_on <= as_of,
            or_(OfficerTerm.ends_on.is_(None), OfficerTerm.ends_on >= as_of),
        )
    return [
        TermView(t.id, p.name, h.hq_id, hq_record(h).display_name, t.starts_on, t.ends_on)
        for t, p, h in session.execute(query)
    ]


def list_officers(
    db: Database, *, as_of: dt.date | None = None, all_terms: bool = False
) -> list[TermView]:
    """Officer terms in position order: those in force on `as_of` (today), or every term."""
    with db.reading() as session:
        return _term_views(session, None, None if all_terms else (as_of or dt.date.today()))
