"""Chapter settings, membership categories and officer positions.

`init_chapter` writes the settings row and the default categories and
positions a new chapter starts with; officers may change them afterwards.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from chapterdesk.data.engine import Database
from chapterdesk.data.models import (
    ChapterSettings,
    ImportBatch,
    MembershipCategory,
    OfficerPosition,
    OfficerTerm,
)
from chapterdesk.errors import BadInputError, NotFoundError, RuleRefusedError
from chapterdesk.services.chapter_values import NO_CHAPTER_YET, split_hq_types

# Re-exported: the plain values live in chapter_values (importable without SQLAlchemy).
from chapterdesk.services.chapter_values import Category as Category
from chapterdesk.services.chapter_values import CategoryIndex as CategoryIndex
from chapterdesk.services.chapter_values import ChapterInfo as ChapterInfo
from chapterdesk.services.door import change
from chapterdesk.services.roster.reader import chapter_info as chapter_info
from chapterdesk.standing import normalise_key
from chapterdesk.values import parse_currency, parse_month_day

# (code, name, may_vote, may_hold_office, eligible, description)
DEFAULT_CATEGORIES: tuple[tuple[str, str, bool, bool, bool, str], ...] = (
    ("REG", "Regular", True, True, True, "May vote and hold elective office."),
    (
        "ASSOC",
        "Associate",
        False,
        False,
        True,
        "No vote and no elective office; may chair a committee with board approval.",
    ),
    ("ACAD", "Academic", False, False, True, "No vote."),
    ("EMER", "Emeritus", False, False, True, "Retired members of long service."),
    ("BP", "Business Partner", False, False, False, "Not eligible for membership."),
    ("CONS", "Consultant", False, False, False, "Not eligible for membership."),
)

# (name, single_holder)
DEFAULT_POSITIONS: tuple[tuple[str, bool], ...] = (
    ("President", True),
    ("President-Elect", True),
    ("Vice President", True),
    ("Treasurer", True),
    ("Secretary", True),
    ("Past President", True),
    ("Director", False),
)


@dataclass(frozen=True)
class HqDataAge:
    """How old the latest HQ data is, and whether that is stale."""

    as_of: dt.date | None
    imported_at: dt.datetime | None
    age_days: int | None
    stale: bool

    def describe(self) -> str:
        """One line for a status bar or a report header."""
        if self.as_of is None:
            return "No HQ data imported yet"
        state = "stale" if self.stale else "current"
        return f"HQ data as of {self.as_of.isoformat()} ({self.age_days} days old, {state})"


def _info(row: ChapterSettings) -> ChapterInfo:
    return ChapterInfo(
        name=row.name,
        currency=row.currency,
        year_start_month=row.year_start_month,
        year_start_day=row.year_start_day,
        grace_days=row.grace_days,
        stale_after_days=row.stale_after_days,
        page_size=row.page_size,
        officer_name=row.officer_name,
        quorum_percent=row.quorum_percent,
    )


def settings_row(session: Session) -> ChapterSettings:
    """The settings row inside a unit of work; refuses a database with no chapter yet."""
    row = session.get(ChapterSettings, 1)
    if row is None:
        raise BadInputError(NO_CHAPTER_YET)
    return row


def init_chapter(
    db: Database,
    name: str,
    *,
    currency: str = "USD",
    year_start: str = "01-01",
    grace_days: int = 90,
    stale_after_days: int = 45,
) -> ChapterInfo:
    """Start a chapter in an empty database, with the default categories and positions.

    Raises:
        BadInputError: a malformed name, currency or year start.
        RuleRefusedError: the database already holds a chapter.
    """
    clean_name = " ".join(name.split())
    if not clean_name or len(clean_name) > 200:
        raise BadInputError("The chapter needs a name of 1 to 200 characters.")
    code = parse_currency(currency)
    month, day = parse_month_day(year_start)
    if grace_days < 0 or stale_after_days < 1:
        raise BadInputError("Grace days must be 0 or more and stale-after days 1 or more.")
    with change(db, "create the chapter") as uow:
        session = uow.session
        existing = session.get(ChapterSettings, 1)
        if existing is not None:
            raise RuleRefusedError(
                f"This database already holds the chapter {existing.name!r}; "
                "use another --db for a new chapter."
            )
        row = ChapterSettings(
            id=1,
            name=clean_name,
            currency=code,
            year_start_month=month,
            year_start_day=day,
            grace_days=grace_days,
            stale_after_days=stale_after_days,
            page_size="a4" if code not in ("USD", "CAD") else "letter",
        )
        session.add(row)
        for order, (c_code, c_name, vote, office, eligible, text) in enumerate(DEFAULT_CATEGORIES):
            session.add(
                MembershipCategory(
                    code=c_code,
                    name=c_name,
                    may_vote=vote,
                    may_hold_office=office,
                    eligible=eligible,
                    description=text,
                    sort_order=order,
                )
            )
        for order, (p_name, single) in enumerate(DEFAULT_POSITIONS):
            session.add(OfficerPosition(name=p_name, single_holder=single, sort_order=order))
        session.flush()
        return _info(row)


def list_categories(db: Database) -> list[Category]:
    """Every membership category, in display order."""
    with db.reading() as session:
        return categories_in(session)


def categories_in(session: Session) -> list[Category]:
    """Every membership category, read inside an existing unit of work."""
    rows = session.scalars(
        select(MembershipCategory).order_by(MembershipCategory.sort_order, MembershipCategory.id)
    )
    return [category_view(r) for r in rows]


def category_view(row: MembershipCategory) -> Category:
    """A plain copy of a category row, with the HQ types mapped to it."""
    return Category(
        row.id,
        row.code,
        row.name,
        row.may_vote,
        row.may_hold_office,
        row.eligible,
        row.description,
        split_hq_types(row.hq_types or ""),
    )


def hq_data_age(session: Session, today: dt.date, stale_after_days: int) -> HqDataAge:
    """The age of the latest HQ batch that has not been undone."""
    batch = session.scalars(
        select(ImportBatch)
        .where(ImportBatch.undone_at.is_(None))
        .order_by(ImportBatch.data_as_of.desc(), ImportBatch.id.desc())
        .limit(1)
    ).first()
    if batch is None:
        return HqDataAge(None, None, None, True)
    age = (today - batch.data_as_of).days
    return HqDataAge(batch.data_as_of, batch.imported_at, age, age > stale_after_days)


def hq_data_status(db: Database, today: dt.date | None = None) -> HqDataAge:
    """How old the HQ data is and whether it is stale, for today unless told otherwise."""
    with db.reading() as session:
        settings = settings_row(session)
        return hq_data_age(session, today or dt.date.today(), settings.stale_after_days)


def set_officer_name(db: Database, name: str | None) -> ChapterInfo:
    """Set (or with None/blank, clear) the officer name the audit trail records for changes.

    Raises:
        BadInputError: a name longer than 200 characters.
    """
    clean = " ".join((name or "").split()) or None
    if clean is not None and len(clean) > 200:
        raise BadInputError("The officer name must be at most 200 characters.")
    with change(db, "officer name") as uow:
        session = uow.session
        row = settings_row(session)
        row.officer_name = clean
        session.flush()
        return _info(row)


PAGE_SIZES = ("letter", "a4")


@dataclass(frozen=True)
class Position:
    """An officer position as the settings page edits it."""

    id: int
    name: str
    single_holder: bool


def update_settings(
    db: Database,
    *,
    name: str,
    currency: str,
    year_start: str,
    grace_days: int,
    stale_after_days: int,
    page_size: str,
    officer_name: str = "",
    quorum_percent: int | None = None,
) -> ChapterInfo:
    """Change the chapter-wide settings; every value is checked before anything is written.

    Args:
        quorum_percent: the share of eligible voters that makes a quorum (1-100);
            None for a simple majority.
    Raises:
        BadInputError: a malformed name, currency, year start, day count, page size
            or quorum.
    """
    clean_name = " ".join(name.split())
    if not clean_name or len(clean_name) > 200:
        raise BadInputError("The chapter needs a name of 1 to 200 characters.")
    code = parse_currency(currency)
    month, day = parse_month_day(year_start)
    if not 0 <= grace_days <= 3650:
        raise BadInputError("Grace days must be a whole number from 0 to 3650.")
    if not 1 <= stale_after_days <= 3650:
        raise BadInputError("Stale-after days must be a whole number from 1 to 3650.")
    size = page_size.strip().lower()
    if size not in PAGE_SIZES:
        raise BadInputError(f"{page_size!r} is not a page size; choose letter or A4.")
    officer = " ".join(officer_name.split())
    if len(officer) > 200:
        raise BadInputError("The officer's name must be at most 200 characters.")
    if quorum_percent is not None and not 1 <= quorum_percent <= 100:
        raise BadInputError(
            "The quorum must be a percentage from 1 to 100 of the eligible voters, or a "
            "simple majority."
        )
    with change(db, "chapter settings") as uow:
        session = uow.session
        row = settings_row(session)
        row.name = clean_name
        row.currency = code
        row.year_start_month, row.year_start_day = month, day
        row.grace_days = grace_days
        row.stale_after_days = stale_after_days
        row.page_size = size
        row.officer_name = officer or None
        row.quorum_percent = quorum_percent
        session.flush()
        return _info(row)


def check_category_flags(may_vote: bool, may_hold_office: bool, eligible: bool) -> None:
    """Refuse a combination of category flags the bylaws make meaningless.

    Officers are voting members (DESIGN.md rule 3), so a category that may hold
    elective office must also vote; a category not eligible for membership has
    no members to vote or hold office.

    Raises:
        BadInputError: with the sentence saying what to change.
    """
    if (may_vote or may_hold_office) and not eligible:
        raise BadInputError(
            "A category that is not eligible for membership cannot vote or hold office; "
            "untick voting and office, or make it eligible."
        )
    if may_hold_office and not may_vote:
        raise BadInputError(
            "Officers must be voting members, so a category that may hold elective office "
            "must also be able to vote; allow voting too, or take away office."
        )


def save_category(
    db: Database,
    category_id: int | None,
    *,
    code: str,
    name: str,
    may_vote: bool,
    may_hold_office: bool,
    eligible: bool,
    description: str = "",
) -> Category:
    """Add a membership category (`category_id` None) or change one.

    HQ member types are matched to categories by code or name, so both must be
    unique (ignoring case and punctuation).

    Raises:
        BadInputError: an empty or over-long code or name, one another category has (or
            has mapped as an HQ type), or flags `check_category_flags` refuses.
        NotFoundError: `category_id` names no category.
    """
    clean_code = "".join(code.split()).upper()
    clean_name = " ".join(name.split())
    if not clean_code or len(clean_code) > 40:
        raise BadInputError("A category needs a short code of 1 to 40 characters, like REG.")
    if not normalise_key(clean_code):
        raise BadInputError(
            f"The code {clean_code!r} has no letter A-Z or digit; HQ member types are matched "
            "by them, so choose a code like REG."
        )
    if not clean_name or len(clean_name) > 100:
        raise BadInputError("A category needs a name of 1 to 100 characters, like Regular.")
    check_category_flags(may_vote, may_hold_office, eligible)
    with change(db, "save category") as uow:
        session = uow.session
        rows = list(session.scalars(select(MembershipCategory)))
        keys = {normalise_key(clean_code), normalise_key(clean_name)}
        for other in rows:
            if other.id == category_id:
                continue
            if keys & {normalise_key(other.code), normalise_key(other.name)}:
                raise BadInputError(
                    f"The category {other.name!r} ({other.code}) already uses that code or "
                    "name; HQ member types are matched by them, so choose another."
                )
            for hq_type in split_hq_types(other.hq_types or ""):
                if normalise_key(hq_type) in keys:
                    raise BadInputError(
                        f"HQ's member type {hq_type!r} is mapped to the {other.name} category, "
                        "so a category cannot take it as its code or name; unmap it first "
                        f'(`chapterdesk categories unmap "{hq_type}"`).'
                    )
        if category_id is None:
            row = MembershipCategory(sort_order=max((r.sort_order for r in rows), default=-1) + 1)
            session.add(row)
        else:
            found = session.get(MembershipCategory, category_id)
            if found is None:
                raise NotFoundError(f"There is no membership category {category_id}.")
            row = found
        row.code, row.name = clean_code, clean_name
        row.may_vote, row.may_hold_office, row.eligible = may_vote, may_hold_office, eligible
        row.description = description.strip()
        session.flush()
        return category_view(row)


def list_positions_detailed(db: Database) -> list[Position]:
    """Every officer position with its key, in display order."""
    with db.reading() as session:
        rows = session.scalars(
            select(OfficerPosition).order_by(OfficerPosition.sort_order, OfficerPosition.id)
        )
        return [Position(r.id, r.name, r.single_holder) for r in rows]


def save_position(
    db: Database, position_id: int | None, *, name: str, single_holder: bool
) -> Position:
    """Add an officer position (`position_id` None) or rename it / change its single-holder flag.

    Raises:
        BadInputError: an empty, over-long or duplicate name.
        RuleRefusedError: making a position single-holder while terms in it overlap.
        NotFoundError: `position_id` names no position.
    """
    clean = " ".join(name.split())
    if not clean or len(clean) > 100:
        raise BadInputError("An officer position needs a name of 1 to 100 characters.")
    with change(db, "save position") as uow:
        session = uow.session
        rows = list(session.scalars(select(OfficerPosition)))
        for other in rows:
            if other.id != position_id and other.name.casefold() == clean.casefold():
                raise BadInputError(f"There is already a position called {other.name!r}.")
        if position_id is None:
            row = OfficerPosition(sort_order=max((r.sort_order for r in rows), default=-1) + 1)
            session.add(row)
        else:
            found = session.get(OfficerPosition, position_id)
            if found is None:
                raise NotFoundError(f"There is no officer position {position_id}.")
            row = found
            if single_holder and not row.single_holder and _terms_overlap(session, row.id):
                raise RuleRefusedError(
                    f"{row.name} has terms that overlap, so it cannot become a single-holder "
                    "position; end the extra terms first."
                )
        row.name, row.single_holder = clean, single_holder
        session.flush()
        return Position(row.id, row.name, row.single_holder)


def _terms_overlap(session: Session, position_id: int) -> bool:
    terms = sorted(
        session.execute(
            select(OfficerTerm.starts_on, OfficerTerm.ends_on).where(
                OfficerTerm.position_id == position_id
            )
        ).all()
    )
    latest_end: dt.date | None = None
    for index, (starts, ends) in enumerate(terms):
        if index and (latest_end is None or latest_end >= starts):
            return True
        if index == 0 or latest_end is not None:
            latest_end = None if ends is None else max(ends, latest_end or ends)
    return False
