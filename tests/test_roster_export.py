"""The exports' roster read gives the same members, facts and standings as the roster itself.

`export roster` and `export hq` read the roster in one plain query
(`services.roster.export`); the window and `members list` read it through
`roster.list_members`. An officer comparing the spreadsheet with the window
must find the same people in the same order with the same standing, on
SQLite and on PostgreSQL.
"""

from __future__ import annotations

from chapterdesk.data.engine import Database
from chapterdesk.hq_fields import HQ_FIELDS
from chapterdesk.services.roster import members as roster
from chapterdesk.services.roster.export import (
    HQ_FACT_COLUMNS,
    ExportMember,
    members_for_export,
)
from chapterdesk.standing import Standing
from tests.conftest import DEMO_DAY


def test_fields_follow_hqs_layout_and_the_hq_record() -> None:
    facts = ["hq_id", *HQ_FIELDS]
    assert list(ExportMember._fields[: len(facts)]) == facts
    assert [column.key for column in HQ_FACT_COLUMNS] == facts


def test_same_members_order_facts_and_standing_as_the_roster(demo_db: Database) -> None:
    leaving = roster.list_members(demo_db, as_of=DEMO_DAY)[3]
    roster.leave_chapter(demo_db, leaving.hq_id, left_on=DEMO_DAY)
    for day in (DEMO_DAY, DEMO_DAY.replace(year=DEMO_DAY.year + 1)):
        entries = roster.list_members(demo_db, as_of=day)
        members = members_for_export(demo_db, as_of=day)
        assert [m.hq_id for m in members] == [e.hq_id for e in entries]
        assert leaving.hq_id not in {m.hq_id for m in members}
        for member, entry in zip(members, entries, strict=True):
            hq = entry.hq
            assert member[: len(HQ_FACT_COLUMNS)] == tuple(
                getattr(hq, name) for name in ("hq_id", *HQ_FIELDS)
            )
            assert member.chapter_joined_on == entry.membership.chapter_joined_on
            assert member.standing is entry.standing
            assert member.category == (entry.category.name if entry.category else "")
            assert member.display_name == hq.display_name
    standings = {m.standing for m in members_for_export(demo_db, as_of=DEMO_DAY)}
    assert {Standing.GOOD, Standing.LAPSED} <= standings, "the demo covers more than one standing"
