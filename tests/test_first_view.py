"""The window's first screen read without SQLAlchemy agrees with the services, row for row."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from chapterdesk.data.engine import Database
from chapterdesk.data.models import HqMember
from chapterdesk.errors import BadInputError
from chapterdesk.services import chapter
from chapterdesk.services.chapter_values import ChapterInfo
from chapterdesk.services.roster import first_view as first_view
from chapterdesk.services.roster import members as roster
from chapterdesk.services.roster import officers as officers
from chapterdesk.services.roster import query as roster_query
from chapterdesk.services.roster.query import RosterFilter
from tests.helpers import add_hq

TODAY = dt.date.today()


def _vary(db: Database) -> None:
    """Give the demo what the first screen must get right beyond the ordinary."""
    paid = TODAY + dt.timedelta(days=200)
    for hq_id, first, last in [
        ("9900001", "zoë", "de la Cruz"),  # lower-case particle: NOCASE order, not binary
        ("9900002", "Zoe", "De Haan"),
        ("9900003", "Ana", "DE HAAN"),  # same name, other case: the key breaks the tie
        ("9900004", "Ana", "de haan"),
        ("9900005", "Émile", "Ødegaard"),
    ]:
        add_hq(db, hq_id, first=first, last=last, paid_through=paid)
        roster.add_member(db, hq_id, chapter_joined_on=TODAY - dt.timedelta(days=900))
    members = roster_query.ordered_ids(db, RosterFilter())
    first_rows = roster_query.rows_for(db, members[:6])
    roster.leave_chapter(db, first_rows[0].hq_id, left_on=TODAY, reason="Moved away")
    with db.session() as session:  # a member type no category names: shown as HQ gives it
        session.execute(
            update(HqMember).where(HqMember.hq_id == first_rows[1].hq_id)
            .values(member_type="Honorary Life")
        )
    officers.set_officer(db, "9900002", "Director", starts_on=TODAY - dt.timedelta(days=400),
                         ends_on=TODAY - dt.timedelta(days=1))  # an ended term: not in office
    officers.set_officer(db, "9900003", "Director",
                         starts_on=TODAY + dt.timedelta(days=3))  # not started yet
    officers.set_officer(db, "9900004", "Director", starts_on=TODAY)

@pytest.mark.parametrize("page_size", [1, 7, 200])
def test_first_screen_equals_what_the_services_read(demo_db: Database, page_size: int) -> None:
    _vary(demo_db)  # the odd names sort by NOCASE rules among the demo's: equal `ids` shows it
    start = first_view.roster_start(demo_db, page_size)
    ids = roster_query.ordered_ids(demo_db, RosterFilter(), "name")
    assert first_view.roster_keys(demo_db) == ids
    assert start.total == len(ids)
    assert start.first_page == roster_query.rows_for(demo_db, ids[:page_size])
    assert start.info == chapter.chapter_info(demo_db)
    assert start.categories == chapter.list_categories(demo_db)
    assert len(start.first_page) == min(page_size, len(ids))
    if page_size == 200:
        assert any(r is not None and r.category == "Honorary Life" for r in start.first_page)
        offices = {r.hq_id: r.offices for r in start.first_page if r is not None}
        assert (offices["9900002"], offices["9900003"], offices["9900004"]) == (
            (), (), ("Director",))


def test_chapter_info_is_the_settings_row_the_orm_reads(demo_db: Database) -> None:
    """The one `chapter_info` (standard library on a file) reads what the ORM's row holds."""
    assert first_view.chapter_info is chapter.chapter_info
    with demo_db.reading() as session:
        row = chapter.settings_row(session)
        expected = ChapterInfo(
            row.name, row.currency, row.year_start_month, row.year_start_day, row.grace_days,
            row.stale_after_days, row.page_size, row.officer_name, row.quorum_percent,
        )
    assert chapter.chapter_info(demo_db) == expected


def test_a_database_without_a_chapter_is_refused_the_same_way(
    request: pytest.FixtureRequest, engine_name: str, tmp_path: object
) -> None:
    from chapterdesk.data.migrate import open_database

    if engine_name == "sqlite":
        db = open_database(request.getfixturevalue("template_dir") / "empty.sqlite3",
                           read_only=True)
    else:
        db = open_database(request.getfixturevalue("pg_database")("empty"))
    try:
        with pytest.raises(BadInputError, match="no chapter yet"):
            first_view.chapter_info(db)
        with pytest.raises(BadInputError, match="no chapter yet"):
            first_view.roster_start(db, 10)
    finally:
        db.dispose()
