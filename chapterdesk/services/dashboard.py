"""The figures on the dashboard: who is in the chapter, what needs attention, how fresh HQ data is.

What needs attention includes a sitting officer who is no longer eligible
(lapsed, say): each officer in office carries the reason, judged on the
dashboard's day by `services.roster.officers.list_officers`.

Everything is counted in SQL so a 50,000-member chapter's dashboard costs a
few grouped queries, not a walk over the roster. The compliance count uses
the same rule as `services.hq.reconcile` (standing other than good, or a
category that is not eligible); a test keeps the two in agreement.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import select

from chapterdesk.data.engine import Database
from chapterdesk.data.models import ImportBatch
from chapterdesk.services.chapter import (
    HqDataAge,
    hq_data_age,
    settings_row,
)
from chapterdesk.services.roster import reader as roster_reader
from chapterdesk.services.roster import sql as roster_sql
from chapterdesk.services.roster.members import TermView
from chapterdesk.services.roster.officers import list_officers
from chapterdesk.services.roster.query import SessionReader
from chapterdesk.standing import Standing


@dataclass(frozen=True)
class CategoryCount:
    """Current members in one category (`category_id` None: HQ types matching no category)."""

    category_id: int | None
    name: str
    count: int


@dataclass(frozen=True)
class ImportSummary:
    """The newest HQ import that has not been undone."""

    batch_id: int
    file_name: str
    imported_at: dt.datetime
    data_as_of: dt.date
    row_count: int
    counts: dict[str, int]


@dataclass(frozen=True)
class DashboardFigures:
    """Everything the dashboard shows, as of one day."""

    as_of: dt.date
    chapter_name: str
    total: int
    by_standing: dict[Standing, int]
    by_category: tuple[CategoryCount, ...]
    compliance_problems: int
    latest_import: ImportSummary | None
    hq_age: HqDataAge
    #: The officers in office on `as_of`, each with why they may no longer hold it (if so).
    officers: tuple[TermView, ...]

    @property
    def ineligible_officers(self) -> tuple[TermView, ...]:
        """Sitting officers who may no longer hold office, for the dashboard's warning."""
        return tuple(t for t in self.officers if not t.eligible)


def latest_import(db: Database) -> ImportSummary | None:
    """The newest HQ import not undone, with its counts; None before the first import."""
    with db.reading() as session:
        batch = session.scalars(
            select(ImportBatch)
            .where(ImportBatch.undone_at.is_(None))
            .order_by(ImportBatch.imported_at.desc(), ImportBatch.id.desc())
            .limit(1)
        ).first()
        if batch is None:
            return None
        try:
            raw = json.loads(batch.counts_json or "{}")
        except ValueError:
            raw = {}
        counts = {str(k): int(v) for k, v in raw.items() if isinstance(v, int)}
        return ImportSummary(
            batch.id, batch.file_name, batch.imported_at, batch.data_as_of, batch.row_count, counts
        )


def dashboard_figures(db: Database, as_of: dt.date | None = None) -> DashboardFigures:
    """Count the chapter by standing and category, its compliance problems, and its officers."""
    day = as_of or dt.date.today()
    with db.reading() as session:
        settings = settings_row(session)
        reader = SessionReader(session, day)
        # One count of the roster query by standing and HQ member type answers all three.
        shown = roster_reader.statement(reader, ["standing", "member_type"], sort=None)
        counted = reader.run(roster_sql.tally(shown, ["standing", "member_type"]))
        categories = reader.chapter.categories
        index = reader.chapter.index
        by_standing = {s: 0 for s in Standing}
        tally: dict[int | None, int] = {}
        problems = 0
        for value, member_type, n in counted:
            standing = Standing(value)
            by_standing[standing] += n
            category = index.resolve(member_type)
            key = category.id if category else None
            tally[key] = tally.get(key, 0) + n
            if standing is not Standing.GOOD or (category is not None and not category.eligible):
                problems += n
        by_category = [
            CategoryCount(c.id, c.name, tally[c.id]) for c in categories if tally.get(c.id)
        ]
        if tally.get(None):
            by_category.append(CategoryCount(None, "No matching category", tally[None]))
        age = hq_data_age(session, day, settings.stale_after_days)
        name = settings.name
    return DashboardFigures(
        as_of=day,
        chapter_name=name,
        total=sum(by_standing.values()),
        by_standing=by_standing,
        by_category=tuple(by_category),
        compliance_problems=problems,
        latest_import=latest_import(db),
        hq_age=age,
        officers=tuple(list_officers(db, as_of=day)),
    )
