"""The dates a ledger entry may carry: not before the chapter existed, not far in the future.

The ledger is append-only: a payment dated 0001-01-01 (a slip of the keyboard)
or 1969-12-31 (an empty date read as the Unix epoch) could only be corrected
by a reversal beside it, forever. So a posting is refused before the chapter
existed (its first member's chapter join, or the day the chapter was set up in
ChapterDesk, whichever is earlier; never before 1900) and an assessment more
than a year ahead. An officer entering genuinely older history says so with
`allow_date=True` (`--allow-date` on the command line).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chapterdesk.data.models import ChapterMembership, ChapterSettings
from chapterdesk.errors import BadInputError

EARLIEST = dt.date(1900, 1, 1)
MOST_DAYS_AHEAD = 366


def chapter_began(session: Session) -> dt.date:
    """The earliest day the chapter is known to have existed (never before 1900)."""
    first_join = session.scalar(select(func.min(ChapterMembership.chapter_joined_on)))
    created = session.scalar(select(ChapterSettings.created_at).where(ChapterSettings.id == 1))
    known = [d for d in (first_join, created.date() if created else None) if d is not None]
    return max(EARLIEST, min(known)) if known else EARLIEST


def check_ledger_date(
    session: Session,
    day: dt.date,
    what: str,
    *,
    today: dt.date,
    allow_date: bool = False,
    began: dt.date | None = None,
) -> dt.date:
    """Refuse a date a ledger entry must never hold; returns `day` when it is plausible.

    Args:
        what: the entry, for the sentence ("payment", "assessment").
        allow_date: the officer confirmed an unusual date (still never before 1900).
        began: `chapter_began`, when the caller read it once for many entries.
    Raises:
        BadInputError: before 1900; or, unless allowed, before the chapter existed
            or more than a year after `today`.
    """
    if day < EARLIEST:
        raise BadInputError(
            f"The {what} date {day.isoformat()} is before 1900; give the real date (YYYY-MM-DD)."
        )
    if allow_date:
        return day
    began = began or chapter_began(session)
    if day < began:
        raise BadInputError(
            f"The {what} date {day.isoformat()} is before the chapter existed (its records "
            f"begin {began.isoformat()}); check the date, or add --allow-date if it is right."
        )
    if day > today + dt.timedelta(days=MOST_DAYS_AHEAD):
        raise BadInputError(
            f"The {what} date {day.isoformat()} is more than a year ahead; check the date, "
            "or add --allow-date if it is right."
        )
    return day
