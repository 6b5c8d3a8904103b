"""Officer positions and terms.

An officer must be a current chapter member who may vote and hold office
(`policy.office_refusal`); a single-holder position (President, Treasurer, …)
never has two holders on one day, and one person never holds two overlapping
terms of one position. Those rules are checked by the unit-of-work door
(`services.guard`) for every change, whichever path makes it.

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
from chapterdesk.services.door import change
from chapterdesk.services.roster.members import RosterContext, TermView, hq_record, membership_view
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
        RuleRefusedError: the ID is not a current chapter member, may not hold
            office (`policy.office_refusal`), already holds an overlapping term of
            the position, or the term overlaps another holder's term of a
            single-holder position (the door's check, `services.guard`).
    """
    clean = normalise_hq_id(hq_id)
    if ends_on is not None and ends_on < starts_on:
        raise BadInputError(
            f"The term ends ({ends_on.isoformat()}) before it starts ({starts_on.isoformat()})."
        )
    day = as_of or dt.date.today()
    with change(db, f"appoint {clean}", today=day) as uow:
        session = uow.session
        post = _position(session, position)
        found = session.execute(
            select(ChapterMembership, HqMember)
            .join(HqMember, HqMember.hq_id == ChapterMembership.hq_id)
            .where(ChapterMembership.hq_id == clean, ChapterMembership.left_on.is_(None))
        ).first()
        if found is None:
            raise RuleRefusedError(
                f"{clean} is not a current chapter member; only members can hold office."
            )
        membership_row, hq_row = found
        if starts_on < membership_row.chapter_joined_on:
            raise BadInputError(
                f"The term starts ({starts_on.isoformat()}) before {hq_record(hq_row).display_name}"
                f" joined the chapter ({membership_row.chapter_joined_on.isoformat()})."
            )
        # Serialise terms of this position: a concurrent appointment waits here, then
        # sees this one in the door's overlap check.
        session.execute(
            select(OfficerPosition.id).where(OfficerPosition.id == post.id).with_for_update()
        )
        term = OfficerTerm(
            position_id=post.id,
            membership_id=membership_row.id,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        session.add(term)
        session.flush()
        holder = hq_record(hq_row)
        return TermView(term.id, post.name, clean, holder.display_name, starts_on, ends_on,
                        sort_name=holder.sort_name)


def end_term(db: Database, term_id: int, ends_on: dt.date) -> TermView:
    """End an officer term on a date (not before it started).

    A term's end only ever moves earlier: an ended term is never reopened or
    extended (the door refuses it); a correction is a new term.

    Raises:
        NotFoundError: no such term.
        BadInputError: the date is before the term started.
        RuleRefusedError: the term already ends on or before that date.
    """
    with change(db, f"end term {term_id}") as uow:
        session = uow.session
        term = session.get(OfficerTerm, term_id)
        if term is None:
            raise NotFoundError(f"There is no officer term {term_id}.")
        if ends_on < term.starts_on:
            raise BadInputError(
                f"A term cannot end ({ends_on.isoformat()}) before it starts "
                f"({term.starts_on.isoformat()})."
            )
        if term.ends_on is not None and term.ends_on <= ends_on:
            view = _term_views(session, [term.id])[0]
            raise RuleRefusedError(
                f"{view.name}'s term as {view.position} "
                f"{'ended' if term.ends_on < dt.date.today() else 'is set to end'} on "
                f"{term.ends_on.isoformat()}; a term's end is never moved later (an ended term "
                "is never reopened). Record a new term instead."
            )
        term.ends_on = ends_on
        session.flush()
        return _term_views(session, [term.id])[0]


def end_officer(db: Database, hq_id: str, position: str, ends_on: dt.date) -> TermView:
    """End the term a member holds in a position on a date (`officers end`).

    The term is the one in force on `ends_on`, else the member's latest open one,
    else the latest one that already ended before `ends_on` (which `end_term`
    refuses: an ended term is never extended).

    Raises:
        BadInputError: unknown position.
        NotFoundError: the member holds no term of that position that started by `ends_on`.
        RuleRefusedError: the term already ends on or before `ends_on`.
    """
    clean = normalise_hq_id(hq_id)
    with db.reading() as session:
        post = _position(session, position)
        candidates = session.execute(
            select(OfficerTerm.id, OfficerTerm.starts_on, OfficerTerm.ends_on)
            .join(ChapterMembership, ChapterMembership.id == OfficerTerm.membership_id)
            .where(ChapterMembership.hq_id == clean, OfficerTerm.position_id == post.id)
            .order_by(OfficerTerm.starts_on.desc())
        ).all()
    in_force = [
        t
        for t in candidates
        if t.starts_on <= ends_on and (t.ends_on is None or t.ends_on >= ends_on)
    ]
    open_terms = [t for t in candidates if t.ends_on is None]
    ended = [t for t in candidates if t.starts_on <= ends_on and t.ends_on is not None]
    chosen = (in_force or open_terms or ended)[:1]
    if not chosen:
        raise NotFoundError(
            f"{clean} holds no term as {post.name} that is open or in force on "
            f"{ends_on.isoformat()}; `chapterdesk officers list --all` shows every term."
        )
    return end_term(db, chosen[0].id, ends_on)


def _term_views(
    session: Session, ids: list[int] | None, as_of: dt.date | None = None
) -> list[TermView]:
    query = (
        select(OfficerTerm, OfficerPosition, HqMember, ChapterMembership)
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
    day = as_of or dt.date.today()
    ctx = RosterContext(session, day)
    views = []
    for t, p, h, m in session.execute(query):
        record = hq_record(h)
        why = ctx.term_ineligibility(record, membership_view(m), t.starts_on, t.ends_on)
        views.append(
            TermView(t.id, p.name, h.hq_id, record.display_name, t.starts_on, t.ends_on, why,
                     record.sort_name)
        )
    return views


def list_officers(
    db: Database, *, as_of: dt.date | None = None, all_terms: bool = False
) -> list[TermView]:
    """Officer terms in position order: those in force on `as_of` (today), or every term.

    Each term in force carries `ineligible`: why its holder may no longer hold
    office (lapsed, category changed, …), so a sitting officer who stopped being
    eligible is flagged wherever officers are shown.
    """
    with db.reading() as session:
        return _term_views(session, None, None if all_terms else (as_of or dt.date.today()))


def ineligible_officers(db: Database, as_of: dt.date | None = None) -> list[TermView]:
    """Sitting officers who may no longer hold office on `as_of` (today), with the reason."""
    return [t for t in list_officers(db, as_of=as_of) if not t.eligible]
