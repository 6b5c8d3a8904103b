"""SQLAlchemy models: the chapter's tables.

The split follows DESIGN.md rule 6: `HqMember` holds the international facts
exactly as the latest HQ export gave them (HQ owns them); `ChapterMembership`,
`OfficerTerm` and the ledger hold the chapter's own facts. Nothing derived
(such as international standing) is stored: it is computed from the HQ record,
a date and the chapter's grace window every time it is needed.

Every constraint is named (see `NAMING`) so that Alembic's batch mode on SQLite
can recreate tables without dropping unnamed CHECKs.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base whose metadata names every constraint."""

    metadata = MetaData(naming_convention=NAMING)


def all_models() -> MetaData:
    """`Base.metadata` with every `chapterdesk.data.*_models` module loaded, so no table is missed.

    Generic whole-database work (`db copy`, its verification) walks this metadata;
    tables declared in an area's own models module appear without naming them here.
    """
    import importlib
    import pkgutil

    import chapterdesk.data as package

    for info in pkgutil.iter_modules(package.__path__):
        if info.name.endswith("_models"):
            importlib.import_module(f"{package.__name__}.{info.name}")
    return Base.metadata


def utcnow() -> dt.datetime:
    """The current time in UTC, naive, as stored in DateTime columns."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class ChapterSettings(Base):
    """The one row of chapter-wide settings (id is always 1)."""

    __tablename__ = "chapter_settings"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("year_start_month BETWEEN 1 AND 12", name="year_start_month"),
        CheckConstraint("year_start_day BETWEEN 1 AND 31", name="year_start_day"),
        CheckConstraint("grace_days >= 0", name="grace_days"),
        CheckConstraint("stale_after_days >= 1", name="stale_after_days"),
        CheckConstraint("length(currency) = 3", name="currency"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    year_start_month: Mapped[int] = mapped_column(Integer, default=1)
    year_start_day: Mapped[int] = mapped_column(Integer, default=1)
    grace_days: Mapped[int] = mapped_column(Integer, default=90)
    stale_after_days: Mapped[int] = mapped_column(Integer, default=45)
    page_size: Mapped[str] = mapped_column(String(10), default="letter")
    officer_name: Mapped[str | None] = mapped_column(String(200))
    quorum_percent: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class MembershipCategory(Base):
    """A membership category with what it allows (vote, office, membership at all)."""

    __tablename__ = "membership_category"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    may_vote: Mapped[bool] = mapped_column(Boolean, default=False)
    may_hold_office: Mapped[bool] = mapped_column(Boolean, default=False)
    eligible: Mapped[bool] = mapped_column(Boolean, default=True)
    description: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    # HQ member types an officer mapped to this category, one per line.
    hq_types: Mapped[str] = mapped_column(Text, default="", server_default="")


class ImportBatch(Base):
    """One HQ export taken in; the HQ data's age is that of the latest batch not undone."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    data_as_of: Mapped[dt.date] = mapped_column(Date)
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    mapping_json: Mapped[str] = mapped_column(Text, default="{}")
    counts_json: Mapped[str] = mapped_column(Text, default="{}")
    officer: Mapped[str] = mapped_column(String(200), default="")
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: what the batch left out, and the corrections and conflicts it found and left (JSON)
    held_json: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")


class HqMember(Base):
    """The international facts about one HQ member ID, as of the latest import."""

    __tablename__ = "hq_member"
    __table_args__ = (
        Index("ix_hq_member_last_name", "last_name", "first_name"),
        Index("ix_hq_member_email", "email"),
    )

    hq_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    prefix: Mapped[str] = mapped_column(String(40), default="")
    first_name: Mapped[str] = mapped_column(String(100), default="")
    middle_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    suffix: Mapped[str] = mapped_column(String(40), default="")
    company: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    address1: Mapped[str] = mapped_column(String(200), default="")
    address2: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    state: Mapped[str] = mapped_column(String(100), default="")
    postal_code: Mapped[str] = mapped_column(String(20), default="")
    country: Mapped[str] = mapped_column(String(100), default="")
    member_type: Mapped[str] = mapped_column(String(100), default="")
    join_date: Mapped[dt.date | None] = mapped_column(Date)
    paid_through: Mapped[dt.date | None] = mapped_column(Date)
    hq_status: Mapped[str] = mapped_column(String(40), default="")
    chapters: Mapped[str] = mapped_column(String(500), default="")
    in_latest_export: Mapped[bool] = mapped_column(Boolean, default=True)
    last_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batch.id", ondelete="RESTRICT")
    )


#: An HQ record's name parts, in the order `services.dues.ledger.NAME_FIELDS` names them.
HQ_NAME_COLUMNS = (
    HqMember.prefix,
    HqMember.first_name,
    HqMember.middle_name,
    HqMember.last_name,
    HqMember.suffix,
)


class HqAffiliation(Base):
    """A chapter that HQ says an HQ member belongs to (one row per chapter named)."""

    __tablename__ = "hq_affiliation"
    __table_args__ = (Index("ix_hq_affiliation_chapter_key", "chapter_key"),)

    hq_id: Mapped[str] = mapped_column(
        ForeignKey("hq_member.hq_id", ondelete="CASCADE"), primary_key=True
    )
    chapter_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    chapter_name: Mapped[str] = mapped_column(String(200))


class ChapterMembership(Base):
    """One spell of chapter membership; a rejoin is a new row, so history is kept."""

    __tablename__ = "chapter_membership"
    __table_args__ = (
        CheckConstraint(
            "left_on IS NULL OR left_on >= chapter_joined_on", name="left_after_joined"
        ),
        # At most one open (not left) membership per HQ ID: a partial index, made by the
        # migrations (0002) on SQLite and PostgreSQL alike. Only SQLite's WHERE is named here:
        # naming PostgreSQL's makes SQLAlchemy load its PostgreSQL dialect to check the
        # keyword, 40 ms of every command and of the window's start on a SQLite database
        # (tests/test_cli.py holds it out; tests/pg holds the index partial on PostgreSQL).
        Index(
            "uq_chapter_membership_open",
            "hq_id",
            unique=True,
            sqlite_where=text("left_on IS NULL"),
        ),
        Index("ix_chapter_membership_hq_id", "hq_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hq_id: Mapped[str] = mapped_column(ForeignKey("hq_member.hq_id", ondelete="RESTRICT"))
    chapter_joined_on: Mapped[dt.date] = mapped_column(Date)
    left_on: Mapped[dt.date | None] = mapped_column(Date)
    leave_reason: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    employment_ended_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class OfficerPosition(Base):
    """An officer position; a single-holder position may not have overlapping terms."""

    __tablename__ = "officer_position"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    single_holder: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class OfficerTerm(Base):
    """A member's term in an officer position, from a date to an optional end date."""

    __tablename__ = "officer_term"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_starts"),
        Index("ix_officer_term_position", "position_id", "starts_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    position_id: Mapped[int] = mapped_column(
        ForeignKey("officer_position.id", ondelete="RESTRICT")
    )
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("chapter_membership.id", ondelete="RESTRICT")
    )
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

class ChangeBatch(Base):
    """A bulk change (an assessment, a payments batch, the demo): what it was and how many rows.

    Written by the unit-of-work door (`services.door`) and audited like any row;
    each row the batch writes is audited with the batch's number.
    """

    __tablename__ = "change_batch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(String(500))
    row_count: Mapped[int] = mapped_column(Integer, default=0)


from chapterdesk.data import audit_models as _audit_models  # noqa: E402,F401
from chapterdesk.data import hq_models as _hq_models  # noqa: E402,F401  (registers the HQ import tables)
from chapterdesk.data import ledger_models as _ledger_models  # noqa: E402,F401
from chapterdesk.data import mail_models as _mail_models  # noqa: E402,F401
