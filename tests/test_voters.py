"""The voting list: who may vote on a day, the quorum, who is left off and why; and its CLI."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from chapterdesk.data.engine import Database
from chapterdesk.data.migrate import open_database
from chapterdesk.services.chapter import chapter_info, update_settings
from chapterdesk.services.roster.members import list_members
from chapterdesk.services.roster.voters import voting_list
from chapterdesk.standing import Standing
from tests.voting_chapter import (
    EXCLUDED,
    EXCLUDED_ORDER,
    JOB_LOST_LONG_AGO,
    VOTE_DAY,
    VOTERS,
    voting_path_fixture,  # noqa: F401 - the `voting_path` fixture
)


@pytest.fixture
def voting_db(voting_path: Path) -> Iterator[Database]:
    """The voting chapter, open."""
    db = open_database(voting_path)
    yield db
    db.dispose()


def set_quorum(db: Database, percent: int | None) -> None:
    """Change only the chapter's quorum setting."""
    info = chapter_info(db)
    update_settings(
        db, name=info.name, currency=info.currency,
        year_start=f"{info.year_start_month:02d}-{info.year_start_day:02d}",
        grace_days=info.grace_days, stale_after_days=info.stale_after_days,
        page_size=info.page_size, quorum_percent=percent,
    )


def test_voters_are_the_members_the_policy_lets_vote(voting_db: Database) -> None:
    found = voting_list(voting_db, VOTE_DAY)
    assert [v.hq_id for v in found.voters] == VOTERS
    assert found.count == 7 and found.as_of == VOTE_DAY and found.chapter == "Test Chapter"
    adams, garcia = found.voters[0], found.voters[1]
    assert (adams.sort_name, adams.standing) == ("Adams, Zoë", Standing.GRACE), "grace votes"
    assert garcia.category == "Regular", "HQ's REG resolves to its category"
    assert garcia.chapter_joined_on == dt.date(2020, 1, 15)
    assert found.voters[-1].name == "Łukasz Żółć", "Żółć sorts under Z, accents folded"


def test_every_member_left_off_is_given_the_policys_reason(voting_db: Database) -> None:
    found = voting_list(voting_db, VOTE_DAY)
    assert [e.hq_id for e in found.excluded] == EXCLUDED_ORDER
    reasons = {e.hq_id: e.reason for e in found.excluded}
    for hq_id, words in EXCLUDED.items():
        assert words in reasons[hq_id], hq_id
    allowance_end = JOB_LOST_LONG_AGO + dt.timedelta(days=180)
    assert reasons["300013"].endswith(f"ended on {allowance_end.isoformat()}")
    assert "chapterdesk categories map" in reasons["300014"]
    standings = {e.hq_id: e.standing for e in found.excluded}
    assert standings["300010"] is Standing.LAPSED and standings["300011"] is Standing.NOT_IN_HQ
    unmapped = next(e for e in found.excluded if e.hq_id == "300014")
    assert unmapped.category == "Paralegal", "HQ's own word when no category matches"
    on_either = {v.hq_id for v in found.voters} | set(reasons)
    assert on_either.isdisjoint({"300020", "300021", "300022"}), "not members on the day"


def test_quorum_is_a_simple_majority_or_the_chapters_percentage(voting_db: Database) -> None:
    found = voting_list(voting_db, VOTE_DAY)
    assert (found.quorum, found.quorum_rule, found.quorum_percent) == (4, "a simple majority", None)
    assert found.summary() == "7 eligible voters; quorum 4 (a simple majority)"
    set_quorum(voting_db, 25)
    found = voting_list(voting_db, VOTE_DAY)
    assert (found.quorum, found.quorum_rule) == (2, "25 % of eligible voters")  # 1.75 rounds up
    set_quorum(voting_db, 100)
    assert voting_list(voting_db, VOTE_DAY).quorum == 7


def test_the_list_is_for_the_day_asked(voting_db: Database) -> None:
    # Before the member in grace was due, before the job-loss allowance ended, while the
    # early leaver was still a member, and before the newcomer joined.
    earlier = voting_list(voting_db, dt.date(2026, 5, 1))
    voters = {v.hq_id for v in earlier.voters}
    assert {"300013", "300020", "300004"} <= voters
    assert "300021" not in voters and "300021" not in {e.hq_id for e in earlier.excluded}
    later = voting_list(voting_db, VOTE_DAY + dt.timedelta(days=1))
    assert "300021" in {v.hq_id for v in later.voters}, "a member from the day they join"


def test_an_empty_chapter_has_no_voters_and_no_quorum(db_path: Path) -> None:
    db = open_database(db_path)
    try:
        found = voting_list(db, VOTE_DAY)
    finally:
        db.dispose()
    assert (found.count, found.quorum, found.voters, found.excluded) == (0, 0, (), ())
    assert found.summary() == "0 eligible voters; quorum 0 (a simple majority)"


def test_reading_the_list_writes_nothing(voting_path: Path) -> None:
    before = voting_path.read_bytes()
    db = open_database(voting_path, read_only=True)
    try:
        assert voting_list(db, VOTE_DAY).count == 7
    finally:
        db.dispose()
    assert voting_path.read_bytes() == before


def test_the_list_agrees_with_the_rosters_privileges(demo_path: Path) -> None:
    db = open_database(demo_path)
    try:
        found = voting_list(db)
        entries = list_members(db)
    finally:
        db.dispose()
    assert {v.hq_id for v in found.voters} == {e.hq_id for e in entries if e.privileges.may_vote}
    assert found.count + len(found.excluded) == len(entries)
    assert 0 < found.count < len(entries)
