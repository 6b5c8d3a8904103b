"""`chapterdesk categories …` and the HQ-type rule as a script sees them (subprocess, SQLite)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlalchemy import update

from chapterdesk.data.migrate import open_database
from chapterdesk.data.models import HqMember
from tests.helpers import add_hq

PAID = dt.date.today() + dt.timedelta(days=200)


def hq_records(path: Path, *records: tuple[str, str]) -> None:
    """Write HQ records (ID, member type) into the database file, as an import would."""
    db = open_database(path)
    try:
        for hq_id, member_type in records:
            add_hq(db, hq_id, last=f"Tester{hq_id}", member_type=member_type, paid_through=PAID)
    finally:
        db.dispose()


def one_line_error(done: Any, status: int, *says: str) -> None:
    assert done.returncode == status, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1, done.stderr
    for text in says:
        assert text in done.stderr, done.stderr


def test_an_unmapped_hq_type_is_refused_then_mapped(cli: Any, db_path: Path) -> None:
    db = ("--db", str(db_path))
    hq_records(db_path, ("701", "Vendor Sponsor"), ("702", "Full Member"))
    refused = cli("members", "add", "701", *db)
    one_line_error(refused, 3, "'Vendor Sponsor'", 'chapterdesk categories map "Vendor Sponsor"')

    listed = cli("categories", "list", *db)
    assert listed.returncode == 0, listed.stderr
    assert "HQ member types with no category" in listed.stdout
    assert 'chapterdesk categories map "HQ TYPE" CATEGORY' in listed.stdout
    vendor_line = next(line for line in listed.stdout.splitlines() if "Vendor Sponsor" in line)
    assert vendor_line.split() == ["Vendor", "Sponsor", "0", "1"]

    mapped = cli("categories", "map", "Vendor Sponsor", "Business Partner", *db)
    assert mapped.returncode == 0, mapped.stderr
    assert "stay out of the chapter" in mapped.stdout
    still = cli("members", "add", "701", *db)
    one_line_error(still, 3, "Business Partner category is not eligible")

    assert cli("categories", "map", "Full Member", "Regular", *db).returncode == 0
    added = cli("members", "add", "702", "--json", *db)
    assert added.returncode == 0, added.stderr
    body = json.loads(added.stdout)
    assert (body["category"], body["may_vote"], body["suspended"]) == ("Regular", True, False)

    after = json.loads(cli("categories", "list", "--json", *db).stdout)
    assert after["unmapped_hq_types"] == []
    regular = next(c for c in after["categories"] if c["code"] == "REG")
    assert regular["hq_types"] == ["Full Member"]
    assert next(c for c in after["categories"] if c["code"] == "BP")["hq_types"] == [
        "Vendor Sponsor"]


def test_a_member_whose_hq_type_becomes_unknown_is_shown_suspended(
    cli: Any, db_path: Path
) -> None:
    db = ("--db", str(db_path))
    hq_records(db_path, ("801", "Regular"))
    assert cli("members", "add", "801", *db).returncode == 0
    database = open_database(db_path)
    try:  # the next HQ export calls them something new
        with database.session() as session:
            session.execute(
                update(HqMember).where(HqMember.hq_id == "801").values(member_type="Gold Member")
            )
    finally:
        database.dispose()
    shown = cli("members", "show", "801", *db)
    assert shown.returncode == 0, shown.stderr
    assert "Gold Member (no matching category)" in shown.stdout
    assert "Suspended from chapter privileges" in shown.stdout
    assert "May vote: no; may hold office: no" in shown.stdout
    assert "'Gold Member' matches no chapter category" in shown.stdout
    body = json.loads(cli("members", "show", "801", "--json", *db).stdout)
    assert body["current"]["suspended"] and body["category"] is None
    listed = json.loads(cli("categories", "list", "--json", *db).stdout)
    assert listed["unmapped_hq_types"] == [
        {"member_type": "Gold Member", "members": 1, "hq_records": 1}]

    assert cli("categories", "map", "gold member", "REG", *db).returncode == 0
    body = json.loads(cli("members", "show", "801", "--json", *db).stdout)
    assert not body["current"]["suspended"] and body["category"] == "Regular"
    unmapped = cli("categories", "unmap", "Gold Member", "--json", *db)
    assert unmapped.returncode == 0, unmapped.stderr
    assert json.loads(unmapped.stdout)["hq_types"] == []
    body = json.loads(cli("members", "show", "801", "--json", *db).stdout)
    assert body["current"]["suspended"]


def test_add_and_set_categories_with_their_refusals(cli: Any, db_path: Path) -> None:
    db = ("--db", str(db_path))
    added = cli("categories", "add", "Life Member", "--vote", "--description", "Honorary",
                "--json", *db)
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout) == {
        "code": "LIFEMEMBER", "name": "Life Member", "may_vote": True, "may_hold_office": False,
        "eligible": True, "description": "Honorary", "hq_types": []}
    text = cli("categories", "add", "Student", "--code", "stu", *db)
    assert text.stdout.strip() == "Added the category Student (STU): no vote, no elective office."

    accented = json.loads(cli("categories", "add", "Étudiant", "--json", *db).stdout)
    assert accented["code"] == "ETUDIANT"
    changed = cli("categories", "set", "LIFEMEMBER", "--office", *db)
    assert changed.returncode == 0, changed.stderr
    assert "Life Member (LIFEMEMBER): may vote and hold elective office" in changed.stdout
    off = json.loads(cli("categories", "set", "Life Member", "--no-vote", "--no-office",
                         "--not-eligible", "--json", *db).stdout)
    assert (off["may_vote"], off["may_hold_office"], off["eligible"]) == (False, False, False)

    listed = cli("categories", "list", *db).stdout
    assert "every HQ member type matches a category" in listed
    life = next(line for line in listed.splitlines() if line.startswith("LIFEMEMBER"))
    assert life.split() == ["LIFEMEMBER", "Life", "Member", "no", "no", "no"]

    before = cli("categories", "list", "--json", *db).stdout
    cases = [
        (("categories", "add", "Officer Only", "--office"), 2, "Officers must be voting members"),
        (("categories", "add", "Regular"), 2, "already uses that code or name"),
        (("categories", "add", " "), 2, "needs a short code"),
        (("categories", "add", "名誉会員"), 2, "a code with --code"),
        (("categories", "set", "Regular", "--no-vote"), 2, "Regular: Officers must be voting"),
        (("categories", "set", "Regular"), 2, "Say what to change"),
        (("categories", "set", "Gold", "--vote"), 2, "no category 'Gold'"),
        (("categories", "map", "Gold Member", "Gold"), 2, "the categories are Regular (REG)"),
        (("categories", "map", " ", "Regular"), 2, "Give the HQ member type"),
        (("categories", "map", "Associate", "Regular"), 2, "code or name of the Associate"),
        (("categories", "unmap", "Gold Member"), 2, "No category has the HQ member type"),
    ]
    for args, status, says in cases:
        one_line_error(cli(*args, *db), status, says)
    assert cli("categories", "list", "--json", *db).stdout == before
