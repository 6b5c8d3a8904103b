"""Officer eligibility and terms; the reconciliation behind the compliance report."""

from __future__ import annotations

import datetime as dt

import pytest

from chapterdesk.data.engine import Database
from chapterdesk.errors import BadInputError, RuleRefusedError
from chapterdesk.services.chapter import hq_data_status
from chapterdesk.services.hq.reconcile import reconcile
from chapterdesk.services.roster import members as roster
from chapterdesk.services.roster import officers as officers
from chapterdesk.standing import Standing
from tests.helpers import TODAY, add_batch, add_hq

TERM = {"starts_on": dt.date(2026, 7, 1), "ends_on": dt.date(2027, 6, 30), "as_of": TODAY}


@pytest.fixture
def members(db: Database) -> Database:
    add_hq(db, "1", first="Ana", last="Regular")
    add_hq(db, "2", first="Ben", last="Associate", member_type="Associate")
    add_hq(db, "3", first="Cy", last="Grace", paid_through=TODAY - dt.timedelta(days=5))
    add_hq(db, "4", first="Di", last="Second")
    for hq_id in "1234":
        roster.add_member(db, hq_id, chapter_joined_on=dt.date(2020, 1, 1), as_of=TODAY)
    return db


def test_regular_member_becomes_president(members: Database) -> None:
    term = officers.set_officer(members, "1", "president", **TERM)
    assert (term.position, term.name) == ("President", "Ana Regular")
    assert [t.hq_id for t in officers.list_officers(members, as_of=dt.date(2026, 8, 1))] == ["1"]


def test_associate_may_not_hold_office(members: Database) -> None:
    with pytest.raises(RuleRefusedError, match="cannot be President"):
        officers.set_officer(members, "2", "President", **TERM)


def test_single_holder_positions_do_not_overlap_but_directors_may(members: Database) -> None:
    officers.set_officer(members, "1", "Treasurer", **TERM)
    with pytest.raises(RuleRefusedError, match="single-holder position and Ana Regular"):
        officers.set_officer(members, "4", "Treasurer", starts_on=dt.date(2027, 1, 1), as_of=TODAY)
    officers.set_officer(members, "4", "Treasurer", starts_on=dt.date(2027, 7, 1), as_of=TODAY)
    officers.set_officer(members, "1", "Director", **TERM)
    officers.set_officer(members, "4", "Director", **TERM)
    directors = [
        t for t in officers.list_officers(members, all_terms=True) if t.position == "Director"
    ]
    assert len(directors) == 2


def test_officer_refusals_for_bad_input(members: Database) -> None:
    with pytest.raises(BadInputError, match="No officer position is called 'Emperor'"):
        officers.set_officer(members, "1", "Emperor", **TERM)
    with pytest.raises(BadInputError, match=r"ends .* before it starts"):
        officers.set_officer(
            members,
            "1",
            "President",
            starts_on=dt.date(2027, 1, 1),
            ends_on=dt.date(2026, 1, 1),
            as_of=TODAY,
        )
    # Appointing someone who is not a member is refused by a rule (exit 3), not bad input.
    with pytest.raises(RuleRefusedError, match="not a current chapter member"):
        officers.set_officer(members, "77", "President", **TERM)


def test_lapsed_member_may_not_hold_office(members: Database) -> None:
    later = TODAY + dt.timedelta(days=400)
    with pytest.raises(RuleRefusedError, match="international membership is lapsed"):
        officers.set_officer(members, "1", "Secretary", starts_on=later, as_of=later)


def test_leaving_ends_open_officer_terms(members: Database) -> None:
    officers.set_officer(members, "1", "Secretary", starts_on=dt.date(2026, 7, 1), as_of=TODAY)
    roster.leave_chapter(members, "1", left_on=dt.date(2026, 10, 1))
    (term,) = officers.list_officers(members, all_terms=True)
    assert term.ends_on == dt.date(2026, 10, 1)


def test_reconciliation_lists_problems_and_unlisted_affiliates(db: Database) -> None:
    add_hq(db, "10", first="Good", last="Member", chapters=("Test Chapter",))
    add_hq(
        db,
        "11",
        first="Late",
        last="Payer",
        paid_through=dt.date(2026, 11, 1),
        chapters=("Test Chapter",),
    )
    add_hq(db, "12", first="Not", last="Listed", chapters=("Test Chapter", "Other"))
    add_hq(db, "13", first="Else", last="Where", chapters=("Other",))
    for hq_id in ("10", "11"):
        roster.add_member(db, hq_id, as_of=TODAY)
    result = reconcile(db, as_of=TODAY)
    (problem,) = result.problems
    assert problem.entry.hq_id == "11" and problem.entry.standing is Standing.GRACE
    assert "renew with HQ before 2027-01-30" in problem.next_step
    assert problem.days_lapsed == 24
    assert [u.hq.hq_id for u in result.unlisted] == ["12"]


def test_hq_data_age_and_staleness(db: Database) -> None:
    assert hq_data_status(db, TODAY).stale and hq_data_status(db, TODAY).as_of is None
    add_batch(db, TODAY - dt.timedelta(days=45))
    assert not hq_data_status(db, TODAY).stale
    assert hq_data_status(db, TODAY + dt.timedelta(days=1)).stale
    assert "46 days old, stale" in hq_data_status(db, TODAY + dt.timedelta(days=1)).describe()
