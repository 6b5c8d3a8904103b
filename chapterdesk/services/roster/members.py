"""The chapter roster: who is a member, and what their international standing allows.

Adding a member is held to the bylaw that every chapter member is a member of
the international association: the HQ member ID must be in good standing (or
inside the grace window) in the latest HQ data, and its category must be one
that is eligible for membership. Leaving closes the membership; rejoining
opens a new one with a new join date, so history is kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, case, func, literal, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from chapterdesk import names, policy
from chapterdesk.data.engine import Database
from chapterdesk.data.models import (
    ChapterMembership,
    HqMember,
    OfficerPosition,
    OfficerTerm,
    utcnow,
)
from chapterdesk.errors import BadInputError, NotFoundError, RuleRefusedError
from chapterdesk.hq_fields import HQ_FIELDS
from chapterdesk.policy import Privileges
from chapterdesk.services.chapter import (
    Category,
    CategoryIndex,
    categories_in,
    settings_row,
)
from chapterdesk.services.door import change
from chapterdesk.standing import (
    ENDED_STATUSES,
    Standing,
    StandingFacts,
    international_standing,
)
from chapterdesk.values import normalise_hq_id

JOB_LOSS_ALLOWANCE_DAYS = policy.JOB_LOSS_ALLOWANCE_DAYS


@dataclass(frozen=True)
class HqRecord:
    """The international facts HQ holds about one member ID."""

    hq_id: str
    prefix: str
    first_name: str
    middle_name: str
    last_name: str
    suffix: str
    company: str
    title: str
    email: str
    phone: str
    address1: str
    address2: str
    city: str
    state: str
    postal_code: str
    country: str
    member_type: str
    join_date: dt.date | None
    paid_through: dt.date | None
    hq_status: str
    chapters: str
    in_latest_export: bool

    @property
    def display_name(self) -> str:
        """First, middle and last name with any suffix ("Andrew J. Adams, Jr.")."""
        return names.display_name(self.first_name, self.middle_name, self.last_name, self.suffix)

    @property
    def sort_name(self) -> str:
        """Last name first, as rosters are sorted ("Adams, Andrew J.")."""
        return names.sort_name(self.first_name, self.middle_name, self.last_name)

    @property
    def address_name(self) -> str:
        """The name on an envelope, a label or a letter, with any prefix."""
        return names.address_name(
            self.prefix, self.first_name, self.middle_name, self.last_name, self.suffix
        )

    @property
    def facts(self) -> StandingFacts:
        """What standing depends on."""
        return StandingFacts(self.paid_through, self.hq_status, self.in_latest_export)


#: `HqRecord`'s fields: the HQ field list and whether the latest export listed the member.
RECORD_FIELDS: tuple[str, ...] = ("hq_id", *HQ_FIELDS, "in_latest_export")


def hq_record(row: HqMember) -> HqRecord:
    """A plain copy of an HQ row."""
    return HqRecord(**{name: getattr(row, name) for name in RECORD_FIELDS})


@dataclass(frozen=True)
class Membership:
    """One spell of chapter membership."""

    id: int
    hq_id: str
    chapter_joined_on: dt.date
    left_on: dt.date | None
    leave_reason: str
    notes: str
    employment_ended_on: dt.date | None


@dataclass(frozen=True)
class RosterEntry:
    """A current chapter member with HQ facts, category, standing and privileges."""

    membership: Membership
    hq: HqRecord
    category: Category | None
    standing: Standing
    privileges: Privileges

    @property
    def hq_id(self) -> str:
        """The member's HQ ID."""
        return self.hq.hq_id


@dataclass(frozen=True)
class TermView:
    """An officer term as shown beside a member or in the officer list."""

    id: int
    position: str
    hq_id: str
    name: str
    starts_on: dt.date
    ends_on: dt.date | None
    #: None while the holder may hold office; else why not (a sitting officer who
    #: lapsed, say), so every list of officers can flag them.
    ineligible: str | None = None

    @property
    def eligible(self) -> bool:
        """Whether the holder may hold the office (as of the day the term was read for)."""
        return self.ineligible is None


@dataclass(frozen=True)
class MemberDetail:
    """Everything the chapter knows about one HQ ID: HQ facts, memberships, terms."""

    hq: HqRecord
    category: Category | None
    standing: Standing
    current: RosterEntry | None
    history: tuple[Membership, ...]
    terms: tuple[TermView, ...] = field(default_factory=tuple)


def membership_view(row: ChapterMembership) -> Membership:
    """A plain copy of a membership row."""
    return Membership(
        row.id,
        row.hq_id,
        row.chapter_joined_on,
        row.left_on,
        row.leave_reason,
        row.notes,
        row.employment_ended_on,
    )


def privileges_for(
    category: Category | None,
    standing: Standing,
    membership: Membership,
    as_of: dt.date,
    member_type: str = "",
) -> Privileges:
    """Voting and office rights of a current member on a day (decided by `chapterdesk.policy`)."""
    return policy.privileges(
        policy.MemberFacts(category, standing, membership.employment_ended_on, member_type), as_of
    )


class RosterContext:
    """What deriving standings needs, read once per unit of work."""

    def __init__(self, session: Session, as_of: dt.date) -> None:
        settings = settings_row(session)
        self.session = session
        self.as_of = as_of
        self.grace_days = settings.grace_days
        self.chapter_name = settings.name
        self.categories = CategoryIndex(categories_in(session))

    def standing(self, hq: HqRecord | None) -> Standing:
        """The standing of an HQ record (None: never in HQ data)."""
        return international_standing(hq.facts if hq else None, self.as_of, self.grace_days)

    def term_ineligibility(
        self, hq: HqRecord, membership: Membership, starts_on: dt.date, ends_on: dt.date | None
    ) -> str | None:
        """Why the holder of a term in force on this day may no longer hold office (None: they may).

        Terms not in force on the day are not judged (None).
        """
        day = self.as_of
        if starts_on > day or (ends_on is not None and ends_on < day):
            return None
        if membership.left_on is not None and membership.left_on < day:
            return f"left the chapter on {membership.left_on.isoformat()}"
        return policy.office_refusal(
            policy.MemberFacts(
                self.categories.resolve(hq.member_type),
                self.standing(hq),
                membership.employment_ended_on,
                hq.member_type,
            ),
            day,
        )

    def entry(self, membership: Membership, hq: HqRecord) -> RosterEntry:
        """A roster entry with its standing and privileges derived."""
        category = self.categories.resolve(hq.member_type)
        standing = self.standing(hq)
        return RosterEntry(
            membership,
            hq,
            category,
            standing,
            privileges_for(category, standing, membership, self.as_of, hq.member_type),
        )


def standing_sql(as_of: dt.date, grace_days: int) -> ColumnElement[str]:
    """The same rule as `international_standing`, as a SQL expression over `hq_member`.

    Used to filter and count in the database (a 50,000-member roster is never
    pulled into Python to count it). A test keeps the two in agreement.
    """
    status = func.replace(
        func.replace(func.replace(func.lower(HqMember.hq_status), " ", ""), "-", ""), "_", ""
    )
    grace_cutoff = as_of - dt.timedelta(days=grace_days)
    return case(
        (HqMember.in_latest_export.is_(False), literal(Standing.NOT_IN_HQ.value)),
        (status.in_(sorted(ENDED_STATUSES)), literal(Standing.LAPSED.value)),
        (
            HqMember.paid_through.is_(None),
            case(
                (status == "grace", literal(Standing.GRACE.value)),
                (status.in_(["active", "current", ""]), literal(Standing.GOOD.value)),
                else_=literal(Standing.LAPSED.value),
            ),
        ),
        (HqMember.paid_through >= as_of, literal(Standing.GOOD.value)),
        (HqMember.paid_through >= grace_cutoff, literal(Standing.GRACE.value)),
        else_=literal(Standing.LAPSED.value),
    )


def current_roster_query() -> Select[ChapterMembership, HqMember]:
    """Open memberships joined to their HQ records."""
    return (
        select(ChapterMembership, HqMember)
        .join(HqMember, HqMember.hq_id == ChapterMembership.hq_id)
        .where(ChapterMembership.left_on.is_(None))
    )


def search_clause(text: str) -> ColumnElement[bool]:
    """Match a search text against name, HQ ID, e-mail and employer (case-insensitive)."""
    needle = f"%{text.strip().lower()}%"
    full_name = func.lower(HqMember.first_name + " " + HqMember.last_name)
    return or_(
        full_name.like(needle),
        func.lower(HqMember.last_name).like(needle),
        HqMember.hq_id.like(f"{text.strip()}%"),
        func.lower(HqMember.email).like(needle),
        func.lower(HqMember.company).like(needle),
    )


def list_members(
    db: Database,
    *,
    standing: Standing | None = None,
    category: str | None = None,
    search: str | None = None,
    as_of: dt.date | None = None,
) -> list[RosterEntry]:
    """The current chapter roster, sorted by last name, optionally filtered.

    Args:
        standing: only members of this standing.
        category: only members whose category has this code or name.
        search: text matched against name, HQ ID, e-mail and employer.
        as_of: the date standings are derived for (default today).
    Raises:
        BadInputError: the category names no category of this chapter.
    """
    day = as_of or dt.date.today()
    with db.reading() as session:
        ctx = RosterContext(session, day)
        query = current_roster_query()
        if standing is not None:
            query = query.where(standing_sql(day, ctx.grace_days) == standing.value)
        if search:
            query = query.where(search_clause(search))
        wanted: Category | None = None
        if category is not None:
            wanted = ctx.categories.resolve(category)
            if wanted is None:
                names = ", ".join(c.name for c in categories_in(session))
                raise BadInputError(
                    f"No category is called {category!r}; the categories are {names}."
                )
        query = query.order_by(
            func.lower(HqMember.last_name), func.lower(HqMember.first_name), HqMember.hq_id
        )
        entries = []
        for membership_row, hq_row in session.execute(query):
            entry = ctx.entry(membership_view(membership_row), hq_record(hq_row))
            if wanted is not None and (entry.category is None or entry.category.id != wanted.id):
                continue
            entries.append(entry)
        return entries


def standing_counts(db: Database, as_of: dt.date | None = None) -> dict[Standing, int]:
    """How many current chapter members are in each standing (counted in SQL)."""
    day = as_of or dt.date.today()
    with db.reading() as session:
        grace_days = settings_row(session).grace_days
        expr = standing_sql(day, grace_days)
        query = (
            select(expr, func.count())
            .select_from(ChapterMembership)
            .join(HqMember, HqMember.hq_id == ChapterMembership.hq_id)
            .where(ChapterMembership.left_on.is_(None))
            .group_by(expr)
        )
        counts = {s: 0 for s in Standing}
        for value, count in session.execute(query):
            counts[Standing(value)] = count
        return counts


def lookup_hq(db: Database, hq_id: str, as_of: dt.date | None = None) -> tuple[HqRecord, Standing]:
    """HQ's record for an ID and the standing it gives, as shown before adding a member.

    Raises:
        NotFoundError: no HQ data has ever shown this ID.
    """
    clean = normalise_hq_id(hq_id)
    with db.reading() as session:
        ctx = RosterContext(session, as_of or dt.date.today())
        row = session.get(HqMember, clean)
        if row is None:
            raise NotFoundError(
                f"HQ member ID {clean} does not appear in any HQ data imported so far; "
                "check the ID, or import a newer HQ export."
            )
        record = hq_record(row)
        return record, ctx.standing(record)


def _open_membership(session: Session, hq_id: str) -> ChapterMembership | None:
    return session.scalars(
        select(ChapterMembership).where(
            ChapterMembership.hq_id == hq_id, ChapterMembership.left_on.is_(None)
        )
    ).first()


def add_member(
    db: Database,
    hq_id: str,
    *,
    chapter_joined_on: dt.date | None = None,
    notes: str = "",
    as_of: dt.date | None = None,
) -> RosterEntry:
    """Add an HQ member to the chapter, held to the international-membership bylaw.

    A member who left before is rejoined with a new membership (new join date);
    the earlier spell stays in the history.

    Raises:
        RuleRefusedError: the ID is not in good standing (or grace) in the latest
            HQ data, its category is not eligible, or it is already a member.
    """
    clean = normalise_hq_id(hq_id)
    day = as_of or dt.date.today()
    joined = chapter_joined_on or day
    policy.refuse_future_dates(joined_on=joined, today=day)
    with change(db, f"add {clean}", today=day) as uow:
        session = uow.session
        ctx = RosterContext(session, day)
        row = session.get(HqMember, clean)
        record = hq_record(row) if row is not None else None
        why = policy.admission_refusal(
            clean,
            record.display_name if record else "",
            record.facts if record else None,
            ctx.standing(record),
            record.member_type if record else "",
            ctx.categories.resolve(record.member_type) if record else None,
        )
        if why is not None:
            raise RuleRefusedError(f"Cannot add {clean} to the chapter: {why}")
        assert record is not None
        existing = _open_membership(session, clean)
        if existing is not None:
            raise RuleRefusedError(
                f"{record.display_name} ({clean}) is already a chapter member, "
                f"since {existing.chapter_joined_on.isoformat()}."
            )
        last_left = session.scalars(
            select(func.max(ChapterMembership.left_on)).where(ChapterMembership.hq_id == clean)
        ).first()
        if last_left is not None and joined < last_left:
            raise BadInputError(
                f"The chapter join date {joined.isoformat()} is before {clean} last left "
                f"({last_left.isoformat()}); a rejoin needs a later date."
            )
        membership = ChapterMembership(
            hq_id=clean, chapter_joined_on=joined, leave_reason="", notes=notes
        )
        session.add(membership)
        try:
            session.flush()
        except IntegrityError as exc:
            # Another officer added the same member between our check and our insert
            # (possible on a shared server): the open-membership index decides who wins.
            if not _is_open_membership_clash(exc):
                raise
            raise RuleRefusedError(
                f"{record.display_name} ({clean}) is already a chapter member: another "
                "officer added them a moment ago."
            ) from None
        return ctx.entry(membership_view(membership), record)


def _is_open_membership_clash(exc: IntegrityError) -> bool:
    """Whether an insert broke the one-open-membership-per-ID index (on either engine)."""
    diag = getattr(exc.orig, "diag", None)
    if diag is not None:  # psycopg names the constraint
        return getattr(diag, "constraint_name", None) == "uq_chapter_membership_open"
    return "UNIQUE constraint failed: chapter_membership.hq_id" in str(exc.orig)


def leave_chapter(
    db: Database,
    hq_id: str,
    *,
    left_on: dt.date | None = None,
    reason: str = "",
    as_of: dt.date | None = None,
) -> Membership:
    """Close a member's chapter membership; nothing is deleted.

    Their officer terms end on the leave day; a term that would only have begun
    after it never began, and is taken off.

    Raises:
        NotFoundError: the ID is not a current chapter member.
        BadInputError: the leave date is before the join date, or in the future
            (until the day comes they stay a member, with their offices).
    """
    clean = normalise_hq_id(hq_id)
    today = as_of or dt.date.today()
    day = left_on or today
    policy.refuse_future_dates(left_on=day, today=today)
    with change(db, f"leave {clean}", today=today) as uow:
        session = uow.session
        membership = _open_membership(session, clean)
        if membership is None:
            raise NotFoundError(f"{clean} is not a current chapter member.")
        if day < membership.chapter_joined_on:
            raise BadInputError(
                f"The leave date {day.isoformat()} is before the chapter join date "
                f"{membership.chapter_joined_on.isoformat()}."
            )
        open_terms = session.scalars(
            select(OfficerTerm).where(
                OfficerTerm.membership_id == membership.id,
                or_(OfficerTerm.ends_on.is_(None), OfficerTerm.ends_on > day),
            )
        ).all()
        for term in open_terms:
            if term.starts_on > day:
                session.delete(term)
            else:
                term.ends_on = day
        membership.left_on = day
        membership.leave_reason = reason.strip()[:200]
        session.flush()
        return membership_view(membership)


def record_employment_end(db: Database, hq_id: str, last_day_worked: dt.date | None) -> Membership:
    """Record (or clear) the last day a member worked, which starts the 180-day allowance."""
    clean = normalise_hq_id(hq_id)
    with change(db, f"employment end of {clean}") as uow:
        membership = _open_membership(uow.session, clean)
        if membership is None:
            raise NotFoundError(f"{clean} is not a current chapter member.")
        membership.employment_ended_on = last_day_worked
        uow.session.flush()
        return membership_view(membership)


def member_detail(db: Database, hq_id: str, as_of: dt.date | None = None) -> MemberDetail:
    """HQ facts, standing, current membership, membership history and officer terms of one ID.

    Raises:
        NotFoundError: neither HQ data nor the chapter knows the ID.
    """
    clean = normalise_hq_id(hq_id)
    day = as_of or dt.date.today()
    with db.reading() as session:
        ctx = RosterContext(session, day)
        row = session.get(HqMember, clean)
        if row is None:
            raise NotFoundError(f"HQ member ID {clean} is not known to this chapter or HQ data.")
        record = hq_record(row)
        history = tuple(
            membership_view(m)
            for m in session.scalars(
                select(ChapterMembership)
                .where(ChapterMembership.hq_id == clean)
                .order_by(ChapterMembership.chapter_joined_on, ChapterMembership.id)
            )
        )
        current = next((m for m in history if m.left_on is None), None)
        spells = {m.id: m for m in history}
        terms = tuple(
            TermView(
                t.id,
                pos.name,
                clean,
                record.display_name,
                t.starts_on,
                t.ends_on,
                ctx.term_ineligibility(record, spells[t.membership_id], t.starts_on, t.ends_on),
            )
            for t, pos in session.execute(
                select(OfficerTerm, OfficerPosition)
                .join(OfficerPosition, OfficerPosition.id == OfficerTerm.position_id)
                .join(ChapterMembership, ChapterMembership.id == OfficerTerm.membership_id)
                .where(ChapterMembership.hq_id == clean)
                .order_by(OfficerTerm.starts_on)
            )
        )
        return MemberDetail(
            hq=record,
            category=ctx.categories.resolve(record.member_type),
            standing=ctx.standing(record),
            current=ctx.entry(current, record) if current else None,
            history=history,
            terms=terms,
        )


def is_current_member(session: Session, hq_id: str) -> bool:
    """Whether the ID has an open chapter membership (inside a unit of work)."""
    return _open_membership(session, hq_id) is not None


MAX_NOTES = 5000
UNDO_ADD_WINDOW = dt.timedelta(hours=24)


def update_chapter_facts(
    db: Database,
    hq_id: str,
    *,
    chapter_joined_on: dt.date,
    notes: str,
    employment_ended_on: dt.date | None,
    as_of: dt.date | None = None,
) -> Membership:
    """Change the chapter's own facts about a current member (HQ facts are never edited here).

    Args:
        chapter_joined_on: when they joined this chapter (not in the future, not
            before they last left, not after an officer term of theirs starts).
        notes: the officers' notes (at most 5,000 characters).
        employment_ended_on: the last day worked, which starts the 180-day
            allowance for keeping Regular privileges; None clears it.
    Raises:
        NotFoundError: the ID is not a current chapter member.
        BadInputError: a date in the future or out of order, or notes too long.
    """
    clean = normalise_hq_id(hq_id)
    day = as_of or dt.date.today()
    policy.refuse_future_dates(joined_on=chapter_joined_on, today=day)
    if employment_ended_on is not None and employment_ended_on > day:
        raise BadInputError(
            f"The last day worked {employment_ended_on.isoformat()} is in the future; "
            "record it once it has passed."
        )
    if len(notes) > MAX_NOTES:
        raise BadInputError(f"Notes can hold at most {MAX_NOTES:,} characters; shorten them.")
    with change(db, f"chapter facts of {clean}", today=day) as uow:
        session = uow.session
        membership = _open_membership(session, clean)
        if membership is None:
            raise NotFoundError(f"{clean} is not a current chapter member.")
        last_left = session.scalars(
            select(func.max(ChapterMembership.left_on)).where(
                ChapterMembership.hq_id == clean, ChapterMembership.id != membership.id
            )
        ).first()
        if last_left is not None and chapter_joined_on < last_left:
            raise BadInputError(
                f"The chapter join date {chapter_joined_on.isoformat()} is before {clean} "
                f"last left ({last_left.isoformat()}); a rejoin needs a later date."
            )
        first_term = session.scalars(
            select(func.min(OfficerTerm.starts_on)).where(
                OfficerTerm.membership_id == membership.id
            )
        ).first()
        if first_term is not None and chapter_joined_on > first_term:
            raise BadInputError(
                f"The chapter join date {chapter_joined_on.isoformat()} is after their officer "
                f"term began ({first_term.isoformat()}); an officer must have joined first."
            )
        membership.chapter_joined_on = chapter_joined_on
        membership.notes = notes
        membership.employment_ended_on = employment_ended_on
        session.flush()
        return membership_view(membership)


def remove_membership_added_in_error(db: Database, membership_id: int) -> None:
    """Take back a chapter membership that was just added by mistake (the undo of "add").

    Safe only while nothing refers to it: it must still be open, be less than a
    day old and have no officer term; any other record that refers to it (a
    dues charge, say) makes the database refuse, and the membership stays.

    Raises:
        NotFoundError: no such membership.
        RuleRefusedError: it has left, is older than a day, or something refers to it.
    """
    from sqlalchemy.exc import IntegrityError

    refusal = RuleRefusedError(
        "That membership can no longer be taken back: it has officer terms or other "
        "records, or is more than a day old; use Leave chapter instead."
    )
    try:
        with change(db, "undo add") as uow:
            session = uow.session
            membership = session.get(ChapterMembership, membership_id)
            if membership is None:
                raise NotFoundError(f"There is no chapter membership {membership_id}.")
            age = utcnow() - membership.created_at
            has_terms = session.scalars(
                select(OfficerTerm.id).where(OfficerTerm.membership_id == membership_id).limit(1)
            ).first()
            if membership.left_on is not None or age > UNDO_ADD_WINDOW or has_terms is not None:
                raise refusal
            session.delete(membership)
            session.flush()
    except IntegrityError:
        raise refusal from None


def reopen_membership(db: Database, membership_id: int, as_of: dt.date | None = None) -> Membership:
    """Take back a "leave chapter" recorded by mistake (the undo of "leave").

    Held to the bylaw like an add: refused when the member's HQ membership is no
    longer current (or their category not eligible), when they have rejoined
    since, or when leaving ended officer terms (their old end dates are not
    kept, so they cannot be put back).

    Raises:
        NotFoundError: no such membership.
        RuleRefusedError: it is open, superseded, ended officer terms, or the
            member is no longer eligible.
    """
    with change(db, "undo leave", today=as_of) as uow:
        session = uow.session
        membership = session.get(ChapterMembership, membership_id)
        if membership is None:
            raise NotFoundError(f"There is no chapter membership {membership_id}.")
        left = membership.left_on
        if left is None:
            raise RuleRefusedError("That membership is open; there is no leave to take back.")
        if _open_membership(session, membership.hq_id) is not None:
            raise RuleRefusedError(
                f"{membership.hq_id} has rejoined the chapter since; the leave stays recorded."
            )
        ended_terms = session.scalars(
            select(OfficerTerm.id)
            .where(OfficerTerm.membership_id == membership_id, OfficerTerm.ends_on >= left)
            .limit(1)
        ).first()
        if ended_terms is not None:
            raise RuleRefusedError(
                "Leaving ended officer terms, whose earlier end dates are not kept; "
                "add the member again and re-enter the terms instead."
            )
        membership.left_on = None
        membership.leave_reason = ""
        session.flush()
        return membership_view(membership)


__all__ = [
    "HqRecord",
    "MemberDetail",
    "Membership",
    "Privileges",
    "RosterEntry",
    "TermView",
    "add_member",
    "is_current_member",
    "leave_chapter",
    "list_members",
    "lookup_hq",
    "member_detail",
    "remove_membership_added_in_error",
    "reopen_membership",
    "standing_counts",
    "standing_sql",
    "update_chapter_facts",
]
