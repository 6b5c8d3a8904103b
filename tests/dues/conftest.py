"""Fixtures for the dues tests: a chapter with rates and a few members written through services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from chapterdesk.data.engine import Database
from chapterdesk.services import dues
from chapterdesk.services.roster import members as roster
from tests.helpers import TODAY, add_hq

AddMember = Callable[..., str]


@pytest.fixture
def add_member(db: Database) -> AddMember:
    """Add an HQ record and a chapter membership; returns the HQ ID."""
    counter = iter(range(1, 10_000))

    def add(
        *,
        hq_id: str | None = None,
        joined: dt.date = dt.date(2020, 1, 1),
        company: str = "Baker & Whitfield LLP",
        member_type: str = "Regular",
        paid_through: dt.date | None = dt.date(2026, 12, 31),
        first: str | None = None,
    ) -> str:
        clean = hq_id or str(next(counter) + 1000)
        add_hq(
            db,
            clean,
            first=first or f"Member{clean}",
            last="Tester",
            company=company,
            member_type=member_type,
            paid_through=paid_through,
        )
        roster.add_member(db, clean, chapter_joined_on=joined, as_of=max(TODAY, joined))
        return clean

    return add


@pytest.fixture
def rated(db: Database) -> Database:
    """The test chapter with 2026 rates: Regular 150 (non-profit 90, enterprise 120)."""
    dues.set_rate(db, 2026, "REG", "150", nonprofit="90", enterprise="120")
    dues.set_rate(db, 2026, "Associate", "100.00")
    return db
