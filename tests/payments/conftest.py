"""Fixtures for the payments tests: a chapter whose members owe 2026 dues, written by services."""

from __future__ import annotations

import datetime as dt

import pytest

from chapterdesk.data.engine import Database
from chapterdesk.services import dues
from chapterdesk.services.roster import members as roster
from tests.helpers import add_hq

#: (HQ ID, first, last): accents, two J. Smiths, a two-word surname.
PEOPLE = (
    ("2001", "Renée", "O'Brien"),
    ("2002", "Jörg", "Müller"),
    ("2003", "John", "Smith"),
    ("2004", "Jane", "Smith"),
    ("2005", "Ana", "García López"),
    ("2006", "Wei", "Zhang"),
)
DAY = dt.date(2026, 11, 3)


def chapter_with_members(db: Database) -> Database:
    """Add PEOPLE to the chapter, set the 2026 rate at 150 and assess it: each owes 150.00."""
    for hq_id, first, last in PEOPLE:
        add_hq(db, hq_id, first=first, last=last)
        roster.add_member(db, hq_id, chapter_joined_on=dt.date(2020, 1, 1), as_of=DAY)
    dues.set_rate(db, 2026, "REG", "150")
    dues.assess_dues(db, 2026, as_of=dt.date(2026, 1, 15), allow_date=True)
    return db


@pytest.fixture
def chapter(db: Database) -> Database:
    """The test chapter with PEOPLE, each owing 150.00 of 2026 dues (both engines)."""
    return chapter_with_members(db)


def email_of(first: str, last: str) -> str:
    """The e-mail `add_hq` gives a member."""
    from chapterdesk.standing import normalise_key

    return f"{normalise_key(first + last)}@example.org"
