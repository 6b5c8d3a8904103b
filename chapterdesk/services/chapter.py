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
)
from chapterdesk.errors import BadInputError, RuleRefusedError
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
class ChapterInfo:
    """The chapter's settings as the rest of the program reads them."""

    name: str
    currency: str
    year_start_month: int
    year_start_day: int
    grace_days: int
    stale_after_days: int
    page_size: str
    officer_name: str | None

    @property
    def key(self) -> str:
        """The chapter name as HQ affiliations are matched against it."""
        return normalise_key(self.name)


@dataclass(frozen=True)
class Category:
    """A membership category and what it allows."""

    id: int
    code: str
    name: str
    may_vote: bool
    may_hold_office: bool
    eligible: bool
    description: str


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
    )


def settings_row(session: Session) -> ChapterSettings:
    """The settings row inside a unit of work; refuses a database with no chapter yet."""
    row = session.get(ChapterSettings, 1)
    if row is None:
        raise BadInputError(
            "This database has no chapter yet. Create one with "
            "`chapterdesk init --chapter NAME`, or open the demo with `chapterdesk --demo`."
        )
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
    with db.session() as session:
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


def chapter_info(db: Database) -> ChapterInfo:
    """The chapter's settings."""
    with db.reading() as session:
        return _info(settings_row(session))


def list_categories(db: Database) -> list[Category]:
    """Every membership category, in display order."""
    with db.reading() as session:
        return categories_in(session)


def categories_in(session: Session) -> list[Category]:
    """Every membership category, read inside an existing unit of work."""
    rows = session.scalars(
        select(MembershipCategory).order_by(MembershipCategory.sort_order, MembershipCategory.id)
    )
    return [
        Category(r.id, r.code, r.name, r.may_vote, r.may_hold_office, r.eligible, r.description)
        for r in rows
    ]


class CategoryIndex:
    """Resolves HQ's member-type text to a category by code or name (case and punctuation aside)."""

    def __init__(self, categories: list[Category]) -> None:
        self._by_key: dict[str, Category] = {}
        for category in categories:
            self._by_key.setdefault(normalise_key(category.code), category)
            self._by_key.setdefault(normalise_key(category.name), category)

    def resolve(self, member_type: str) -> Category | None:
        """The category HQ's member type names, or None when no category matches."""
        return self._by_key.get(normalise_key(member_type))


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
    with db.session() as session:
        row = settings_row(session)
        row.officer_name = clean
        session.flush()
        return _info(row)
