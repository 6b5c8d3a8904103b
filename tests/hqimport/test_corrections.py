"""Corrections of HQ data, the conflicts imports hold against them, and what a review left out.

On both engines (`demo_db` runs on SQLite and on the suite's PostgreSQL server).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from chapterdesk.data.audit_models import AuditEntry
from chapterdesk.data.engine import Database
from chapterdesk.data.hq_models import HqConflict, HqLocalEdit
from chapterdesk.errors import BadInputError, NotFoundError
from chapterdesk.services.hq.apply import apply_import, undo_batch
from chapterdesk.services.hq.conflicts import list_conflicts, settle_conflict
from chapterdesk.services.hq.edits import edit_hq_field
from chapterdesk.services.hq.plan import ChangeKind, plan_import
from chapterdesk.services.roster import members as roster
from chapterdesk.standing import Standing
from tests.hqimport.exports import hq_content, hq_records, write_export

MONTHS = iter(range(1_000_000))


def export(tmp_path: Path, records: list[dict[str, object]]) -> Path:
    return write_export(tmp_path / f"month-{next(MONTHS)}.xlsx", records)


def good_member(db: Database, n: int = 0) -> str:
    return roster.list_members(db, standing=Standing.GOOD)[n].hq_id


def email_of(db: Database, hq_id: str) -> str:
    return roster.member_detail(db, hq_id).hq.email


def test_the_officer_keeps_a_corrected_email_against_hqs_old_one(
    demo_db: Database, tmp_path: Path
) -> None:
    """The issue's Done-when, through the services."""
    member = good_member(demo_db)
    records = hq_records(demo_db)  # next month HQ still has the old address
    old = email_of(demo_db, member)
    edit_hq_field(demo_db, member, "email", "jo.new@example.org", reason="told us at the AGM")
    detail = roster.member_detail(demo_db, member)
    assert detail.hq.email == "jo.new@example.org"
    (fix,) = detail.corrections
    assert (fix.field, fix.local_value, fix.hq_value, fix.reason, fix.pending) == (
        "email", "jo.new@example.org", old, "told us at the AGM", None,
    )  # fmt: skip

    plan = plan_import(demo_db, export(tmp_path, records))
    assert plan.counts["conflicts"] == 1
    (change,) = plan.changes
    assert change.kind is ChangeKind.CONFLICT
    assert [(c.field, c.local, c.hq) for c in change.conflicts] == [
        ("email", "jo.new@example.org", old)
    ]
    result = apply_import(demo_db, plan)
    assert result.held == (member,) and email_of(demo_db, member) == "jo.new@example.org"
    (waiting,) = list_conflicts(demo_db)
    assert (waiting.hq_id, waiting.field, waiting.local_value, waiting.hq_value) == (
        member, "email", "jo.new@example.org", old,
    )  # fmt: skip
    assert roster.member_detail(demo_db, member).corrections[0].pending == old

    settle_conflict(demo_db, member, "email", keep_local=True)
    assert list_conflicts(demo_db) == []
    following = plan_import(demo_db, export(tmp_path, records))
    assert following.changes == ()
    apply_import(demo_db, following)
    assert email_of(demo_db, member) == "jo.new@example.org"
    assert list_conflicts(demo_db) == []

    # HQ saying something new again is a conflict again; taking HQ's value drops the correction.
    next(r for r in records if r["hq_id"] == member)["email"] = "jo.hq@example.org"
    apply_import(demo_db, plan_import(demo_db, export(tmp_path, records)))
    (again,) = list_conflicts(demo_db)
    assert again.hq_value == "jo.hq@example.org"
    settle_conflict(demo_db, member, "email", keep_local=False)
    assert email_of(demo_db, member) == "jo.hq@example.org"
    assert roster.member_detail(demo_db, member).corrections == ()
    assert plan_import(demo_db, export(tmp_path, records)).changes == ()


def test_the_rest_of_a_conflicted_members_change_is_applied(
    demo_db: Database, tmp_path: Path
) -> None:
    member = good_member(demo_db)
    edit_hq_field(demo_db, member, "phone", "(555) 010-0100")
    records = hq_records(demo_db)
    record = next(r for r in records if r["hq_id"] == member)
    record.update(phone="(555) 999-0000", title="Chief Paralegal")
    apply_import(demo_db, plan_import(demo_db, export(tmp_path, records)))
    hq = roster.member_detail(demo_db, member).hq
    assert (hq.phone, hq.title) == ("(555) 010-0100", "Chief Paralegal")
    assert [(c.field, c.hq_value) for c in list_conflicts(demo_db)] == [
        ("phone", "(555) 999-0000")
    ]


def test_corrections_and_settlements_are_audited(demo_db: Database, tmp_path: Path) -> None:
    member = good_member(demo_db)
    records = hq_records(demo_db)
    edit_hq_field(demo_db, member, "city", "Evanston", reason="moved")
    apply_import(demo_db, plan_import(demo_db, export(tmp_path, records)))
    settle_conflict(demo_db, member, "city", keep_local=True)
    with demo_db.reading() as session:
        trail = session.scalars(
            select(AuditEntry).where(AuditEntry.hq_id == member).order_by(AuditEntry.id)
        ).all()
    tables = [(e.table_name, e.action) for e in trail]
    assert ("hq_local_edit", "insert") in tables
    assert ("hq_conflict", "insert") in tables and ("hq_conflict", "delete") in tables
    assert ("hq_local_edit", "update") in tables  # kept against HQ's value
    inserted = next(e for e in trail if (e.table_name, e.action) == ("hq_local_edit", "insert"))
    assert "moved" in (inserted.new_values or "") and "Evanston" in (inserted.new_values or "")


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("member_type", "Regular", "'member_type' is HQ's to say"),
        ("paid_through", "2030-01-01", "'paid_through' is HQ's to say"),
        ("shoe_size", "9", "'shoe_size' is not an HQ field"),
        ("email", "not an address", "is not an e-mail address"),
        ("postal_code", "9" * 21, "postal_code may be at most 20 characters"),
    ],
)
def test_a_correction_refused_says_why_and_writes_nothing(
    demo_db: Database, field: str, value: str, said: str
) -> None:
    member = good_member(demo_db)
    before = hq_content(demo_db)
    with pytest.raises(BadInputError) as refused:
        edit_hq_field(demo_db, member, field, value)
    assert said in refused.value.message
    assert hq_content(demo_db) == before


def test_settling_what_is_not_in_conflict_is_refused(demo_db: Database) -> None:
    member = good_member(demo_db)
    with pytest.raises(NotFoundError, match="No conflict on email waits"):
        settle_conflict(demo_db, member, "email", keep_local=True)
    with pytest.raises(BadInputError, match="'colour' is not an HQ field"):
        settle_conflict(demo_db, member, "colour", keep_local=True)


def test_a_field_left_out_is_remembered_and_shown_again(
    demo_db: Database, tmp_path: Path
) -> None:
    a, b = good_member(demo_db), good_member(demo_db, 1)
    records = hq_records(demo_db)
    for record in records:
        if record["hq_id"] in (a, b):
            record.update(title="Office Manager", phone="(555) 123-4567")
    path = export(tmp_path, records)
    old_phone = roster.member_detail(demo_db, a).hq.phone
    result = apply_import(demo_db, plan_import(demo_db, path), excluded=[f"{a}:phone", b])
    hq_a, hq_b = roster.member_detail(demo_db, a).hq, roster.member_detail(demo_db, b).hq
    assert (hq_a.title, hq_a.phone) == ("Office Manager", old_phone)
    assert hq_b.title != "Office Manager"
    with demo_db.reading() as session:
        from chapterdesk.data.models import ImportBatch

        held = json.loads(session.get(ImportBatch, result.batch_id).held_json)  # type: ignore[union-attr]
    assert [a, "phone", "(555) 123-4567"] in held["excluded"]
    assert [b, "title", "Office Manager"] in held["excluded"]
    again = {c.hq_id: c for c in plan_import(demo_db, path).changes}
    assert [(f.field, f.left_out) for f in again[a].fields] == [("phone", True)]
    assert all(f.left_out for f in again[b].fields)
    # A different value from HQ is a new difference, not the one left out.
    for record in records:
        if record["hq_id"] == a:
            record["phone"] = "(555) 765-4321"
    (fresh,) = [c for c in plan_import(demo_db, export(tmp_path, records)).changes if c.hq_id == a]
    assert [(f.field, f.left_out) for f in fresh.fields] == [("phone", False)]


def held_state(db: Database) -> object:
    with db.reading() as session:
        edits = sorted(
            (e.hq_id, e.field, e.local_value, e.hq_value, e.reason, e.settled_hq_value, e.edited_at)
            for e in session.scalars(select(HqLocalEdit))
        )
        conflicts = sorted(
            (c.hq_id, c.field, c.local_value, c.hq_value, c.batch_id, c.settled, c.found_at)
            for c in session.scalars(select(HqConflict))
        )
    return hq_content(db), edits, conflicts


def test_undo_puts_corrections_and_conflicts_back_exactly(
    demo_db: Database, tmp_path: Path
) -> None:
    a, b = good_member(demo_db), good_member(demo_db, 1)
    records = hq_records(demo_db)
    edit_hq_field(demo_db, a, "email", "a.local@example.org")
    edit_hq_field(demo_db, b, "email", "b.local@example.org")
    first = apply_import(demo_db, plan_import(demo_db, export(tmp_path, records)))
    assert first.counts["conflicts"] == 2
    before = held_state(demo_db)
    for record in records:
        if record["hq_id"] in (a, b):
            record.update(email=f"hq.{record['hq_id']}@example.org", title="Paralegal")
    plan = plan_import(demo_db, export(tmp_path, records))
    second = apply_import(demo_db, plan, keep_local=[f"{a}:email"], take_hq=[f"{b}:email"])
    assert email_of(demo_db, a) == "a.local@example.org"
    assert email_of(demo_db, b) == f"hq.{b}@example.org"
    assert list_conflicts(demo_db) == []
    assert second.batch_id is not None
    undo_batch(demo_db, second.batch_id)
    assert held_state(demo_db) == before


def test_an_id_reused_for_another_person_is_held_and_settled(
    demo_db: Database, tmp_path: Path
) -> None:
    member = good_member(demo_db)
    records = hq_records(demo_db)
    record = next(r for r in records if r["hq_id"] == member)
    record.update(first_name="Zed", last_name="Otherperson", email="zed@example.org")
    apply_import(demo_db, plan_import(demo_db, export(tmp_path, records)))
    assert roster.member_detail(demo_db, member).hq.last_name != "Otherperson"
    (identity,) = list_conflicts(demo_db)
    assert identity.field == "identity" and identity.hq_value == "Zed Otherperson"
    settle_conflict(demo_db, member, "identity", keep_local=True)
    assert list_conflicts(demo_db) == []
    assert plan_import(demo_db, export(tmp_path, records)).changes == ()  # kept against it
    record["email"] = "zed.other@example.org"  # HQ's record changes again: asked again
    apply_import(demo_db, plan_import(demo_db, export(tmp_path, records)))
    (asked,) = list_conflicts(demo_db)
    settle_conflict(demo_db, member, "identity", keep_local=False)
    hq = roster.member_detail(demo_db, member).hq
    assert (hq.last_name, hq.email) == ("Otherperson", "zed.other@example.org")
    assert plan_import(demo_db, export(tmp_path, records)).changes == ()
    assert asked.local_value != "Zed Otherperson"
    _ = dt


def test_a_correction_hq_takes_up_is_dropped_and_undo_brings_it_back(
    demo_db: Database, tmp_path: Path
) -> None:
    member = good_member(demo_db)
    records = hq_records(demo_db)
    edit_hq_field(demo_db, member, "email", "jo.new@example.org")
    apply_import(demo_db, plan_import(demo_db, export(tmp_path, records)))  # a conflict held
    before = held_state(demo_db)
    next(r for r in records if r["hq_id"] == member)["email"] = "jo.new@example.org"
    plan = plan_import(demo_db, export(tmp_path, records))
    assert plan.changes == () and plan.agreed == ((member, "email"),)
    result = apply_import(demo_db, plan)
    assert roster.member_detail(demo_db, member).corrections == ()
    assert list_conflicts(demo_db) == []
    assert result.batch_id is not None
    undo_batch(demo_db, result.batch_id)
    assert held_state(demo_db) == before


def test_the_roster_export_writes_the_chapters_value_and_names_the_correction(
    demo_db: Database, tmp_path: Path
) -> None:
    import csv

    from chapterdesk.exports.roster import write_roster_export

    member = good_member(demo_db)
    old = email_of(demo_db, member)
    edit_hq_field(demo_db, member, "email", "jo.new@example.org", reason="AGM")
    target = tmp_path / "roster.csv"
    write_roster_export(demo_db, target)
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["Member ID"]: row for row in csv.DictReader(handle)}
    assert rows[member]["Email"] == "jo.new@example.org"
    assert rows[member]["Corrected by Chapter"] == f"Email (HQ: {old})"
    assert {r["Corrected by Chapter"] for k, r in rows.items() if k != member} == {""}
