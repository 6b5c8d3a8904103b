"""Officers working at once on one database: nobody's change is doubled or lost.

These run on both engines (the rule must hold on each): SQLite serialises
writers, PostgreSQL lets them overlap, so the PostgreSQL runs are the real
test. `held_before_commit` makes the overlap certain rather than likely.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import func, select, text, update

from chapterdesk.data.engine import Database, retrying
from chapterdesk.data.models import ChapterMembership, ChapterSettings, OfficerTerm
from chapterdesk.errors import DatabaseError, RuleRefusedError
from chapterdesk.services.roster import members as roster
from chapterdesk.services.roster import officers as officers
from tests.concurrency import held_before_commit, in_thread, race
from tests.helpers import TODAY, add_hq

TERM = {"starts_on": dt.date(2026, 7, 1), "ends_on": dt.date(2027, 6, 30), "as_of": TODAY}


def memberships(db: Database, hq_id: str) -> int:
    with db.reading() as session:
        query = select(func.count()).where(ChapterMembership.hq_id == hq_id)
        return session.execute(query).scalar_one()


def presidents(db: Database) -> int:
    with db.reading() as session:
        return session.execute(select(func.count()).select_from(OfficerTerm)).scalar_one()


def still_waiting(future: object, seconds: float = 0.4) -> bool:
    time.sleep(seconds)
    return not future.done()  # type: ignore[attr-defined]


def test_second_officer_adding_the_same_member_waits_then_is_refused(db: Database) -> None:
    add_hq(db, "100200", first="Ana", last="Ortiz")
    with held_before_commit(db) as hold:
        first = in_thread(lambda: roster.add_member(db, "100200", as_of=TODAY))
        assert hold.reached.wait(10)
        second = in_thread(lambda: roster.add_member(db, "100200", as_of=TODAY))
        assert still_waiting(second), "the second add did not wait for the first"
        hold.release()
        assert first.result(timeout=10).hq_id == "100200"
        with pytest.raises(RuleRefusedError, match="already a chapter member"):
            second.result(timeout=10)
    assert memberships(db, "100200") == 1


def test_many_officers_adding_one_member_at_once_make_one_membership(db: Database) -> None:
    add_hq(db, "100201", first="Ben", last="Okafor")
    outcomes = race([lambda: roster.add_member(db, "100201", as_of=TODAY)] * 6)
    added = [o for o in outcomes if o.error is None]
    refused = [o.error for o in outcomes if o.error is not None]
    assert len(added) == 1
    assert len(refused) == 5
    assert all(isinstance(e, RuleRefusedError) for e in refused), refused
    assert all("already a chapter member" in str(e) for e in refused)
    assert memberships(db, "100201") == 1


@pytest.fixture
def candidates(db: Database) -> Database:
    for number in range(1, 7):
        hq_id = str(100300 + number)
        add_hq(db, hq_id, first=f"Officer{number}", last="Candidate")
        roster.add_member(db, hq_id, chapter_joined_on=dt.date(2020, 1, 1), as_of=TODAY)
    return db


def test_second_overlapping_president_waits_for_the_first_then_is_refused(
    candidates: Database,
) -> None:
    db = candidates
    with held_before_commit(db) as hold:
        first = in_thread(lambda: officers.set_officer(db, "100301", "President", **TERM))
        assert hold.reached.wait(10)
        second = in_thread(lambda: officers.set_officer(db, "100302", "President", **TERM))
        assert still_waiting(second), "the second term did not wait for the first"
        hold.release()
        assert first.result(timeout=10).hq_id == "100301"
        with pytest.raises(RuleRefusedError, match="single-holder position"):
            second.result(timeout=10)
    assert presidents(db) == 1


def test_officers_racing_for_one_presidency_leave_exactly_one_term(candidates: Database) -> None:
    db = candidates
    calls = [
        (lambda hq_id=hq_id: officers.set_officer(db, hq_id, "President", **TERM))
        for hq_id in (str(100300 + n) for n in range(1, 7))
    ]
    outcomes = race(calls)
    landed = [o.value for o in outcomes if o.error is None]
    assert len(landed) == 1
    assert all(isinstance(o.error, RuleRefusedError) for o in outcomes if o.error is not None)
    assert presidents(db) == 1
    assert [t.hq_id for t in officers.list_officers(db, as_of=dt.date(2026, 8, 1))] == [
        landed[0].hq_id
    ]


@pytest.mark.parametrize("engine_name", ["postgresql"], indirect=False)
@pytest.mark.postgres
def test_serializable_conflicts_are_retried_until_every_change_lands(db: Database) -> None:
    """Read-modify-write units at SERIALIZABLE: the server aborts losers; `retrying` reruns them."""
    attempts: list[int] = []
    workers = 4

    def bump() -> None:
        with db.session(serializable=True) as session:
            attempts.append(1)
            days = session.execute(select(ChapterSettings.grace_days)).scalar_one()
            time.sleep(0.05)  # widen the window so the units really overlap
            session.execute(update(ChapterSettings).values(grace_days=days + 1))

    outcomes = race([lambda: retrying(db, bump, attempts=10)] * workers)
    assert [o.error for o in outcomes] == [None] * workers
    with db.reading() as session:
        assert session.execute(select(ChapterSettings.grace_days)).scalar_one() == 90 + workers
    assert len(attempts) > workers, "no unit of work was aborted and retried"


@pytest.mark.parametrize("engine_name", ["postgresql"], indirect=False)
@pytest.mark.postgres
def test_retrying_gives_up_with_a_sentence_when_the_server_always_aborts(db: Database) -> None:
    calls: list[int] = []

    def always_aborted() -> None:
        calls.append(1)
        with db.session() as session:
            session.execute(
                text(
                    "DO $$ BEGIN RAISE EXCEPTION 'conflict' "
                    "USING ERRCODE = 'serialization_failure'; END $$"
                )
            )

    with pytest.raises(DatabaseError, match="nothing was saved"):
        retrying(db, always_aborted, attempts=3, base_delay=0.001)
    assert len(calls) == 3
