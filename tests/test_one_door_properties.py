"""Property test: whatever officers do, in any order, the bylaws and the audit trail hold.

A hypothesis state machine adds and removes members, undoes leaves, appoints
officers and ends terms, imports HQ exports that lapse or renew people, assesses
dues, takes payments and reverses entries. After every step, read straight from
the database file (not through the services):

- every open chapter membership was admitted (or brought back) while its holder
  was an international member in good standing in an eligible category;
- no one the services call a voter, and no officer they call eligible, is
  outside good standing or in a category without the vote;
- a single-holder position never has two holders on one day, and one person
  never holds two overlapping terms of one position;
- every ledger row has its audit entry, and replaying the trail's entries for
  memberships and officer terms gives exactly the rows in the database.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from chapterdesk.data.migrate import open_database
from chapterdesk.errors import BadInputError, NotFoundError, RuleRefusedError
from chapterdesk.services import dues
from chapterdesk.services.hq.apply import apply_import
from chapterdesk.services.hq.plan import plan_import
from chapterdesk.services.roster import members as roster
from chapterdesk.services.roster import officers as officers
from chapterdesk.services.roster.voters import voting_list
from tests.helpers import add_hq
from tests.hqimport.exports import hq_records, write_export

TODAY = dt.date.today()  # the door judges undo and end-term on the real day
# hq_id -> HQ member type; "Vendor Sponsor" matches no category and is never admitted.
PEOPLE = {
    "501": "Regular",
    "502": "Regular",
    "503": "Regular",
    "504": "Associate",
    "505": "Vendor Sponsor",
}
POSITIONS = ("President", "Treasurer", "Director")
ELIGIBLE_TYPES = {"Regular", "Associate"}
VOTING_TYPES = {"Regular"}
REFUSALS = (RuleRefusedError, BadInputError, NotFoundError)


class ChapterMachine(RuleBasedStateMachine):
    """Officers of one chapter doing random things, some of them wrong."""

    def __init__(self, path: Path, work: Path) -> None:
        super().__init__()
        self.path, self.work = path, work
        self.db = open_database(path)
        for hq_id, member_type in PEOPLE.items():
            add_hq(self.db, hq_id, first=f"P{hq_id}", member_type=member_type,
                   paid_through=TODAY + dt.timedelta(days=200))  # fmt: skip
        dues.set_rate(self.db, TODAY.year, "REG", "120")
        dues.set_rate(self.db, TODAY.year, "ASSOC", "60")
        self.imports = 0

    def teardown(self) -> None:
        self.db.dispose()

    # -- reading the file directly ---------------------------------------------------------

    def _query(self, sql: str, *args: object) -> list[tuple[Any, ...]]:
        con = sqlite3.connect(self.path)
        try:
            return con.execute(sql, args).fetchall()
        finally:
            con.close()

    def _eligible_now(self, hq_id: str) -> bool:
        """Good standing or grace on TODAY in an eligible category, from the raw HQ row."""
        ((member_type, paid, status, latest),) = self._query(
            "SELECT member_type, paid_through, hq_status, in_latest_export FROM hq_member "
            "WHERE hq_id = ?",
            hq_id,
        )
        current = (
            latest
            and status == "Active"
            and paid is not None
            and dt.date.fromisoformat(paid) + dt.timedelta(days=90) >= TODAY
        )
        return bool(current) and member_type in ELIGIBLE_TYPES

    def _open_members(self) -> set[str]:
        return {r[0] for r in self._query(
            "SELECT hq_id FROM chapter_membership WHERE left_on IS NULL")}  # fmt: skip

    # -- what officers do ------------------------------------------------------------------

    @rule(hq_id=st.sampled_from(sorted(PEOPLE)), back=st.integers(0, 400))
    def add(self, hq_id: str, back: int) -> None:
        was_member = hq_id in self._open_members()
        eligible = self._eligible_now(hq_id)
        try:
            roster.add_member(
                self.db, hq_id, chapter_joined_on=TODAY - dt.timedelta(days=back), as_of=TODAY
            )
        except REFUSALS:
            return
        assert eligible and not was_member

    @rule(hq_id=st.sampled_from(sorted(PEOPLE)), back=st.integers(-30, 60))
    def leave(self, hq_id: str, back: int) -> None:
        try:
            roster.leave_chapter(self.db, hq_id, left_on=TODAY - dt.timedelta(days=back),
                                 as_of=TODAY)  # fmt: skip
        except REFUSALS:
            return
        assert back >= 0, "a future leave date is refused"

    @rule(data=st.data())
    def undo_leave(self, data: st.DataObject) -> None:
        left = self._query("SELECT id, hq_id FROM chapter_membership WHERE left_on IS NOT NULL")
        if not left:
            return
        membership_id, hq_id = data.draw(st.sampled_from(sorted(left)))
        eligible = self._eligible_now(hq_id)
        try:
            roster.reopen_membership(self.db, membership_id, as_of=TODAY)
        except REFUSALS:
            return
        assert eligible

    @rule(
        hq_id=st.sampled_from(sorted(PEOPLE)),
        position=st.sampled_from(POSITIONS),
        start_back=st.integers(-20, 120),
        length=st.one_of(st.none(), st.integers(0, 200)),
    )
    def appoint(self, hq_id: str, position: str, start_back: int, length: int | None) -> None:
        starts = TODAY - dt.timedelta(days=start_back)
        ends = None if length is None else starts + dt.timedelta(days=length)
        try:
            officers.set_officer(self.db, hq_id, position, starts_on=starts, ends_on=ends,
                                 as_of=TODAY)  # fmt: skip
        except REFUSALS:
            return
        assert hq_id in self._open_members()

    @rule(data=st.data(), shift=st.integers(-60, 60))
    def end_term(self, data: st.DataObject, shift: int) -> None:
        terms = self._query("SELECT id, starts_on, ends_on FROM officer_term")
        if not terms:
            return
        term_id, _starts, ends = data.draw(st.sampled_from(sorted(terms)))
        target = TODAY + dt.timedelta(days=shift)
        try:
            officers.end_term(self.db, term_id, target)
        except REFUSALS:
            return
        assert ends is None or target < dt.date.fromisoformat(ends), "an end never moves later"

    @rule(hq_id=st.sampled_from(sorted(PEOPLE)), lapse=st.booleans())
    def import_hq(self, hq_id: str, lapse: bool) -> None:
        records = hq_records(self.db)
        for record in records:
            if record["hq_id"] == hq_id:
                record["hq_status"] = "Lapsed" if lapse else "Active"
                record["paid_through"] = TODAY + dt.timedelta(days=-200 if lapse else 200)
        self.imports += 1
        export = write_export(self.work / f"hq{self.imports}.csv", records)
        apply_import(self.db, plan_import(self.db, export, as_of=TODAY))

    @rule()
    def assess(self) -> None:
        dues.assess_dues(self.db, TODAY.year, as_of=TODAY)

    @rule(hq_id=st.sampled_from(sorted(PEOPLE)), cents=st.integers(1, 30_000))
    def pay(self, hq_id: str, cents: int) -> None:
        try:
            dues.record_payment(self.db, hq_id, str(Decimal(cents) / 100), "visa", today=TODAY)
        except REFUSALS:
            return

    @rule(data=st.data())
    def reverse(self, data: st.DataObject) -> None:
        ids = [r[0] for r in self._query("SELECT id FROM ledger_entry")]
        if not ids:
            return
        try:
            dues.reverse_entry(self.db, data.draw(st.sampled_from(ids)), "Keyed twice",
                               today=TODAY)  # fmt: skip
        except REFUSALS:
            return

    # -- what must always hold -------------------------------------------------------------

    @invariant()
    def no_voter_or_eligible_officer_outside_good_standing(self) -> None:
        for entry in roster.list_members(self.db, as_of=TODAY):
            if entry.privileges.may_vote:
                assert entry.standing.is_current, entry.hq_id
                assert entry.hq.member_type in VOTING_TYPES, entry.hq_id
        for voter in voting_list(self.db, as_of=TODAY).voters:
            assert self._eligible_now(voter.hq_id), voter
            assert PEOPLE[voter.hq_id] in VOTING_TYPES, voter
        for term in officers.list_officers(self.db, as_of=TODAY):
            if term.eligible:
                assert self._eligible_now(term.hq_id), term
                assert PEOPLE[term.hq_id] in VOTING_TYPES, term

    @invariant()
    def no_unknown_type_is_ever_a_member(self) -> None:
        ever = {r[0] for r in self._query("SELECT hq_id FROM chapter_membership")}
        assert "505" not in ever

    @invariant()
    def no_two_holders_and_no_overlapping_terms_of_one_person(self) -> None:
        clashes = self._query(
            "SELECT a.id, b.id, p.name, ma.hq_id, mb.hq_id FROM officer_term a "
            "JOIN officer_term b ON a.position_id = b.position_id AND a.id < b.id "
            "JOIN officer_position p ON p.id = a.position_id "
            "JOIN chapter_membership ma ON ma.id = a.membership_id "
            "JOIN chapter_membership mb ON mb.id = b.membership_id "
            "WHERE a.starts_on <= coalesce(b.ends_on, '9999-12-31') "
            "AND b.starts_on <= coalesce(a.ends_on, '9999-12-31') "
            "AND (p.single_holder OR ma.hq_id = mb.hq_id)"
        )
        assert clashes == []

    @invariant()
    def terms_lie_inside_their_membership(self) -> None:
        outside = self._query(
            "SELECT t.id FROM officer_term t JOIN chapter_membership m ON m.id = t.membership_id "
            "WHERE t.starts_on < m.chapter_joined_on OR (m.left_on IS NOT NULL AND "
            "coalesce(t.ends_on, '9999-12-31') > m.left_on)"
        )
        assert outside == []

    @invariant()
    def every_ledger_row_is_audited(self) -> None:
        missing = self._query(
            "SELECT e.id FROM ledger_entry e WHERE NOT EXISTS (SELECT 1 FROM audit_log a "
            "WHERE a.table_name = 'ledger_entry' AND a.action = 'insert' "
            "AND a.row_key = CAST(e.id AS TEXT) AND a.hq_id = e.hq_id)"
        )
        assert missing == []

    @invariant()
    def the_trail_replays_to_the_roster_and_the_terms(self) -> None:
        for table in ("chapter_membership", "officer_term"):
            replayed: dict[str, dict[str, Any]] = {}
            for key, action, new in self._query(
                "SELECT row_key, action, new_values FROM audit_log WHERE table_name = ? "
                "ORDER BY id",
                table,
            ):
                if action == "delete":
                    replayed.pop(key)
                elif action == "insert":
                    replayed[key] = json.loads(new)
                else:
                    replayed[key].update(json.loads(new))
            con = sqlite3.connect(self.path)
            con.row_factory = sqlite3.Row
            try:
                rows = {str(r["id"]): dict(r) for r in con.execute(f"SELECT * FROM {table}")}
            finally:
                con.close()
            assert set(replayed) == set(rows), table
            for key, row in rows.items():
                for column, value in replayed[key].items():
                    if column in ("created_at", "change_batch"):
                        continue
                    assert row[column] == value, (table, key, column)


@pytest.mark.timeout(600)
def test_random_officer_work_keeps_the_bylaws_and_the_trail(
    template_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("door-machine")
    counter = iter(range(1_000_000))

    def fresh() -> ChapterMachine:
        run = folder / f"run{next(counter)}"
        run.mkdir()
        path = run / "chapter.sqlite3"
        shutil.copyfile(template_dir / "chapter.sqlite3", path)
        return ChapterMachine(path, run)

    run_state_machine_as_test(
        fresh,
        settings=settings(
            max_examples=25,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
