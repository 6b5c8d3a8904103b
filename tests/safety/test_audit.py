"""The audit trail: every change recorded once, with who and what, and never editable."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from chapterdesk.data.audit_trail import OFFICER_NOT_NAMED
from chapterdesk.data.engine import Database
from chapterdesk.services.chapter import set_officer_name
from chapterdesk.services.roster.members import add_member, leave_chapter
from chapterdesk.services.safety.audit import audit_log
from tests.helpers import add_hq
from tests.safety.conftest import mode


def test_changes_are_recorded_with_officer_old_and_new_values(db: Database) -> None:
    add_hq(db, "104233")
    start = audit_log(db, limit=None)
    add_member(db, "104233", chapter_joined_on=dt.date(2026, 1, 5))
    set_officer_name(db, "Pat Treasurer")
    leave_chapter(db, "104233", left_on=dt.date(2026, 6, 30), reason="moved away")

    records = audit_log(db, limit=None)
    new = records[: len(records) - len(start)]
    assert [(r.table, r.action) for r in reversed(new)] == [
        ("chapter_membership", "insert"),
        ("chapter_settings", "update"),
        ("chapter_membership", "update"),
    ]
    joined, officer, left = reversed(new)
    assert joined.officer == OFFICER_NOT_NAMED  # never the computer's account name
    assert joined.hq_id == "104233" and joined.new is not None
    assert joined.new["chapter_joined_on"] == "2026-01-05" and joined.old is None
    assert officer.old == {"officer_name": None} and officer.new == {
        "officer_name": "Pat Treasurer"
    }
    assert left.officer == "Pat Treasurer" and left.hq_id == "104233"
    assert left.old == {"left_on": None, "leave_reason": ""}
    assert left.new == {"left_on": "2026-06-30", "leave_reason": "moved away"}
    assert [r.action for r in audit_log(db, hq_id="104233")] == ["update", "insert"]
    assert left.at.date() == dt.datetime.now(dt.UTC).date()


def test_a_change_that_rolls_back_leaves_no_record(db: Database) -> None:
    before = len(audit_log(db, limit=None))
    with pytest.raises(RuntimeError), db.session() as session:
        session.execute(text("SELECT 1"))
        from chapterdesk.services.chapter import settings_row

        settings_row(session).grace_days = 30
        session.flush()
        raise RuntimeError("power cut")
    assert len(audit_log(db, limit=None)) == before


def test_the_trail_cannot_be_edited_or_deleted(db: Database) -> None:
    set_officer_name(db, "Pat Treasurer")
    before = audit_log(db, limit=None)
    assert any(
        r.table == "chapter_settings" and r.officer == "Pat Treasurer" for r in before
    )
    with pytest.raises(IntegrityError, match="append-only"), db.session() as session:
        session.execute(text("UPDATE audit_log SET officer = 'someone else'"))
    with pytest.raises(IntegrityError, match="append-only"), db.session() as session:
        session.execute(text("DELETE FROM audit_log"))
    if db.location.path is not None:  # and not through ChapterDesk at all
        con = sqlite3.connect(db.location.path)
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute("DELETE FROM audit_log")
        con.close()
    assert audit_log(db, limit=None) == before  # every record as it was, none gone


def test_audit_list_and_export_from_the_command_line(cli, demo_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    listing = cli("members", "list", "--db", str(demo_path), "--json")
    hq_id = json.loads(listing.stdout)[0]["hq_id"]
    assert cli("audit", "officer", "Sam Secretary", "--db", str(demo_path)).returncode == 0
    assert cli("members", "leave", hq_id, "--db", str(demo_path)).returncode == 0

    member = cli("audit", "list", "--member", hq_id, "--db", str(demo_path), "--json")
    assert member.returncode == 0, member.stderr
    entries = json.loads(member.stdout)
    left = next(e for e in entries if e["table"] == "chapter_membership")
    assert left["officer"] == "Sam Secretary" and left["action"] == "update"
    assert left["new"]["left_on"] == dt.date.today().isoformat()
    assert {e["hq_id"] for e in entries} == {hq_id}

    out = tmp_path / "audit.csv"
    done = cli("audit", "export", "-o", str(out), "--db", str(demo_path))
    assert done.returncode == 0, done.stderr
    assert mode(out) == 0o600
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    (left_row,) = [
        r
        for r in rows
        if r["table"] == "chapter_membership" and r["hq_id"] == hq_id and r["action"] == "update"
    ]
    assert left_row["officer"] == "Sam Secretary"
    assert json.loads(left_row["new"])["left_on"] == dt.date.today().isoformat()
    assert len(rows) == len(
        json.loads(
            cli("audit", "list", "--limit", "100000", "--db", str(demo_path), "--json").stdout
        )
    )


def test_every_writer_factory_gets_the_trail_once_however_many_came_before() -> None:
    # SQLAlchemy's event.contains() keys a target by id(): a new session factory that took
    # the id of one already collected seemed to have the listener, and got none, so every
    # few databases opened in one process wrote without a trail or the door's policy check.
    import gc

    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker

    from chapterdesk.data.audit_trail import _record_flush, install_audit_trail

    engine = create_engine("sqlite://")
    counts = []
    for number in range(200):
        factory = sessionmaker(engine)
        install_audit_trail(factory)
        install_audit_trail(factory)  # a second call adds nothing
        session = factory()
        counts.append(list(session.dispatch.after_flush).count(_record_flush))
        session.close()
        del session, factory
        if number % 5 == 0:
            gc.collect()  # let the ids of dead factories be taken again
    engine.dispose()
    assert set(counts) == {1}
