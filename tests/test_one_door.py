"""The leaks issue 12 found, each closed by the one policy and the one door.

Each test here failed before the door: a path that wrote around a rule (ending
an ended term again, undoing a leave, an HQ label no category knows, a
non-voting officer, an overlapping term, a future date, a payment or an
assessment missing from the audit trail).
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import update

from chapterdesk.data.engine import Database
from chapterdesk.data.migrate import open_database
from chapterdesk.data.models import ChapterMembership, HqMember, MembershipCategory
from chapterdesk.errors import BadInputError, RuleRefusedError
from chapterdesk.services import chapter, dues
from chapterdesk.services.door import Changes, change
from chapterdesk.services.roster import members as roster
from chapterdesk.services.roster import officers as officers
from chapterdesk.services.safety import audit as audit
from tests.helpers import TODAY, add_hq

CLI = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def chapter_db(db: Database) -> Database:
    add_hq(db, "1", first="Ana", last="Regular")
    add_hq(db, "2", first="Ben", last="Second")
    add_hq(db, "3", first="Cy", last="Sponsor", member_type="Vendor Sponsor")
    for hq_id in "12":
        roster.add_member(db, hq_id, chapter_joined_on=dt.date(2020, 1, 1), as_of=TODAY)
    return db


@pytest.fixture
def chapter_file(db_path: Path) -> Path:
    """An SQLite chapter file with the same two members, for the command line."""
    db = open_database(db_path)
    add_hq(db, "1", first="Ana", last="Regular")
    add_hq(db, "2", first="Ben", last="Second")
    add_hq(db, "3", first="Cy", last="Sponsor", member_type="Vendor Sponsor")
    for hq_id in "12":
        roster.add_member(db, hq_id, chapter_joined_on=dt.date(2020, 1, 1), as_of=TODAY)
    dues.set_rate(db, TODAY.year, "REG", "120")
    db.dispose()
    return db_path


def _lapse(db: Database, hq_id: str) -> None:
    """HQ data now shows the member lapsed (as an import of a newer export would)."""
    with db.session() as session:
        session.execute(
            update(HqMember).where(HqMember.hq_id == hq_id).values(hq_status="Lapsed")
        )


def test_an_ended_term_is_never_reopened(chapter_db: Database) -> None:
    term = officers.set_officer(
        chapter_db, "1", "President", starts_on=dt.date(2025, 7, 1), ends_on=dt.date(2026, 6, 30),
        as_of=TODAY,
    )  # fmt: skip
    officers.set_officer(chapter_db, "2", "President", starts_on=dt.date(2026, 7, 1), as_of=TODAY)
    with pytest.raises(RuleRefusedError, match="never reopened"):
        officers.end_term(chapter_db, term.id, dt.date(2026, 12, 31))
    presidents = officers.list_officers(chapter_db, as_of=dt.date(2026, 9, 1))
    assert [t.hq_id for t in presidents] == ["2"]
    # Shortening it is a correction the rules allow.
    assert officers.end_term(chapter_db, term.id, dt.date(2026, 5, 31)).ends_on == dt.date(
        2026, 5, 31
    )


def test_one_person_never_holds_two_overlapping_terms_of_one_position(
    chapter_db: Database,
) -> None:
    officers.set_officer(chapter_db, "1", "Director", starts_on=dt.date(2026, 1, 1), as_of=TODAY)
    with pytest.raises(RuleRefusedError, match="already holds a term as Director"):
        officers.set_officer(
            chapter_db, "1", "Director", starts_on=dt.date(2026, 3, 1), as_of=TODAY
        )
    officers.set_officer(chapter_db, "2", "Director", starts_on=dt.date(2026, 3, 1), as_of=TODAY)


def test_undoing_a_leave_is_held_to_the_bylaw(chapter_db: Database) -> None:
    left = roster.leave_chapter(chapter_db, "2", left_on=TODAY, as_of=TODAY)
    _lapse(chapter_db, "2")
    with pytest.raises(RuleRefusedError, match="lapsed"):
        roster.reopen_membership(chapter_db, left.id, as_of=TODAY)
    assert "2" not in {e.hq_id for e in roster.list_members(chapter_db, as_of=TODAY)}


def test_an_hq_type_no_category_knows_is_not_eligible_until_mapped(chapter_db: Database) -> None:
    with pytest.raises(RuleRefusedError, match="'Vendor Sponsor' matches no chapter category"):
        roster.add_member(chapter_db, "3", as_of=TODAY)
    # A member HQ relabels is suspended, not silently kept on the voting roll.
    with chapter_db.session() as session:
        session.execute(
            update(HqMember).where(HqMember.hq_id == "2").values(member_type="Vendor Sponsor")
        )
    (entry,) = [e for e in roster.list_members(chapter_db, as_of=TODAY) if e.hq_id == "2"]
    assert entry.privileges.suspended and not entry.privileges.may_vote


def test_officers_must_be_voting_members(chapter_db: Database) -> None:
    # A category that may hold office but not vote (which an older ChapterDesk let officers
    # set up; Settings now refuses it) does not make an officer (DESIGN rule 3).
    with chapter_db.session() as session:
        session.add(
            MembershipCategory(
                code="HON", name="Honorary", may_vote=False, may_hold_office=True, eligible=True,
                description="", sort_order=9,
            )
        )  # fmt: skip
    add_hq(chapter_db, "4", first="Di", last="Honorary", member_type="Honorary")
    roster.add_member(chapter_db, "4", chapter_joined_on=dt.date(2020, 1, 1), as_of=TODAY)
    with pytest.raises(RuleRefusedError, match="Honorary category may not vote"):
        officers.set_officer(chapter_db, "4", "Treasurer", starts_on=TODAY, as_of=TODAY)


def test_a_sitting_officer_who_lapses_is_flagged(chapter_db: Database) -> None:
    officers.set_officer(chapter_db, "1", "President", starts_on=dt.date(2026, 7, 1), as_of=TODAY)
    assert officers.ineligible_officers(chapter_db, TODAY) == []
    _lapse(chapter_db, "1")
    (term,) = officers.list_officers(chapter_db, as_of=TODAY)
    assert not term.eligible and term.ineligible == "international membership is lapsed"
    assert officers.ineligible_officers(chapter_db, TODAY) == [term]
    (shown,) = roster.member_detail(chapter_db, "1", as_of=TODAY).terms
    assert shown.ineligible == "international membership is lapsed"


def test_future_dates_are_refused_on_every_path(chapter_db: Database) -> None:
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    with pytest.raises(BadInputError, match="in the future"):
        roster.leave_chapter(chapter_db, "1", left_on=tomorrow)
    with pytest.raises(BadInputError, match="in the future"):
        roster.add_member(chapter_db, "2", chapter_joined_on=tomorrow)
    assert {e.hq_id for e in roster.list_members(chapter_db)} == {"1", "2"}


def test_the_command_line_refuses_future_dates_too(chapter_file: Path, cli: CLI) -> None:
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    done = cli("members", "leave", "1", "--date", tomorrow, "--db", str(chapter_file))
    assert done.returncode == 2 and "in the future" in done.stderr
    done = cli("members", "leave", "2", "--db", str(chapter_file))
    assert done.returncode == 0, done.stderr
    done = cli("members", "add", "2", "--chapter-joined", tomorrow, "--db", str(chapter_file))
    assert done.returncode == 2 and "in the future" in done.stderr


def test_a_future_term_is_taken_off_when_its_holder_leaves(chapter_db: Database) -> None:
    officers.set_officer(chapter_db, "1", "Director", starts_on=dt.date(2020, 1, 1), as_of=TODAY)
    officers.set_officer(
        chapter_db, "1", "President", starts_on=dt.date.today() + dt.timedelta(days=30),
    )  # fmt: skip
    roster.leave_chapter(chapter_db, "1")
    (director,) = officers.list_officers(chapter_db, all_terms=True)
    assert (director.position, director.ends_on) == ("Director", dt.date.today())


def test_payments_and_assessment_charges_reach_the_trail(chapter_db: Database) -> None:
    dues.set_rate(chapter_db, TODAY.year, "REG", "120")
    assessment = dues.assess_dues(chapter_db, TODAY.year, as_of=TODAY)
    receipt = dues.record_payment(chapter_db, "1", "500", "visa", today=TODAY)
    trail = audit.audit_log(chapter_db, hq_id="1")
    ledger = {(r.row_key, r.new["kind"]) for r in trail if r.table == "ledger_entry" and r.new}
    charge = next(line for line in assessment.charged if line.hq_id == "1")
    assert (str(charge.entry_id), "charge") in ledger
    assert (str(receipt.entry_id), "payment") in ledger
    batches = [r.new for r in audit.audit_log(chapter_db) if r.table == "change_batch" and r.new]
    assert {b["kind"]: b["row_count"] for b in batches} == {"assessment": 2, "payments": 1}


def test_audit_list_shows_a_members_payment_and_charge(chapter_file: Path, cli: CLI) -> None:
    year = str(TODAY.year)
    assert cli("dues", "assess", year, "--db", str(chapter_file)).returncode == 0
    paid = cli("dues", "pay", "1", "500", "--method", "visa", "--db", str(chapter_file))
    assert paid.returncode == 0, paid.stderr
    done = cli("audit", "list", "--member", "1", "--json", "--db", str(chapter_file))
    assert done.returncode == 0, done.stderr
    kinds = sorted(
        (row.get("new") or {}).get("kind")
        for row in json.loads(done.stdout)
        if row["table"] == "ledger_entry"
    )
    assert kinds == ["charge", "payment"]


def test_appointing_a_non_member_is_a_refused_rule(chapter_file: Path, cli: CLI) -> None:
    done = cli("officers", "set", "3", "President", "--from", "2026-07-01",
               "--db", str(chapter_file))  # fmt: skip
    assert done.returncode == 3 and "not a current chapter member" in done.stderr


def test_the_door_reports_what_a_change_touched(chapter_db: Database) -> None:
    seen: list[Changes] = []
    chapter_db.change_listeners.append(seen.append)
    dues.record_payment(chapter_db, "1", "25", "visa", today=TODAY)
    roster.update_chapter_facts(
        chapter_db, "2", chapter_joined_on=dt.date(2020, 1, 1), notes="Chairs the gala",
        employment_ended_on=None,
    )  # fmt: skip
    assert [sorted(c.kinds) for c in seen] == [["ledger"], ["roster"]]
    assert [c.members for c in seen] == [{"1"}, {"2"}]


def test_a_refused_change_writes_nothing_not_even_its_audit(chapter_db: Database) -> None:
    before = len(audit.audit_log(chapter_db, limit=None))
    with (
        pytest.raises(RuleRefusedError, match="matches no chapter category"),
        change(chapter_db, "sneak in") as uow,
    ):
        uow.session.add(ChapterMembership(hq_id="3", chapter_joined_on=TODAY, leave_reason=""))
    assert len(audit.audit_log(chapter_db, limit=None)) == before
    assert "3" not in {e.hq_id for e in roster.list_members(chapter_db)}


def test_a_new_chapter_starts_with_no_mappings_and_a_simple_majority(db: Database) -> None:
    assert all(c.hq_types == () for c in chapter.list_categories(db))
    assert chapter.chapter_info(db).quorum_percent is None


def test_a_member_whose_hq_type_no_category_knows_is_a_compliance_problem(
    chapter_db: Database,
) -> None:
    from chapterdesk.services.hq.reconcile import reconcile

    with chapter_db.session() as session:
        session.execute(
            update(HqMember).where(HqMember.hq_id == "2").values(member_type="Vendor Sponsor")
        )
    (problem,) = reconcile(chapter_db, TODAY).problems
    assert problem.entry.hq_id == "2"
    assert 'categories map "Vendor Sponsor" CATEGORY' in problem.next_step


def test_a_failing_change_listener_never_undoes_a_committed_change(chapter_db: Database) -> None:
    def broken(_changes: Changes) -> None:
        raise RuntimeError("a window that went away")

    chapter_db.change_listeners.append(broken)
    receipt = dues.record_payment(chapter_db, "1", "25", "visa", today=TODAY)
    assert receipt.amount == 25
    assert [e.id for e in dues.member_balance(chapter_db, "1", TODAY).entries] == [receipt.entry_id]
