"""`members correct`, `conflicts list|settle` and `import --exclude` in a subprocess, both engines.

The issue's Done-when as a treasurer's script runs it: correct a member's
e-mail, import next month's HQ file that still has the old one, see one
conflict, keep the chapter's value, and see it kept after the following import.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chapterdesk.data.migrate import open_database
from chapterdesk.standing import Standing
from tests.hqimport.exports import hq_content, hq_records, write_export


@pytest.fixture
def chapter(request: pytest.FixtureRequest, engine_name: str, demo_path: Path) -> str:
    """The demo chapter's --db value: its SQLite file, or a fresh copy on the PostgreSQL server."""
    if engine_name == "sqlite":
        return str(demo_path)
    return str(request.getfixturevalue("pg_database")("demo"))


def records_of(where: str) -> list[dict[str, object]]:
    db = open_database(where)
    try:
        return hq_records(db)
    finally:
        db.dispose()


def content_of(where: str) -> object:
    db = open_database(where)
    try:
        return hq_content(db)
    finally:
        db.dispose()


def good_member(cli, where: str) -> str:  # type: ignore[no-untyped-def]
    listed = cli("members", "list", "--standing", Standing.GOOD.value, "--json", "--db", where)
    return str(json.loads(listed.stdout)[0]["hq_id"])


def test_an_officer_keeps_a_corrected_email_through_two_imports(  # type: ignore[no-untyped-def]
    cli, chapter: str, tmp_path: Path
) -> None:
    member = good_member(cli, chapter)
    records = records_of(chapter)
    old = str(next(r for r in records if r["hq_id"] == member)["email"])

    fixed = cli(
        "members", "correct", member, "email", "jo.new@example.org",
        "--reason", "told us at the AGM", "--db", chapter,
    )  # fmt: skip
    assert fixed.returncode == 0, fixed.stderr
    assert f"email is now 'jo.new@example.org' for the chapter (HQ says '{old}')" in fixed.stdout
    shown = cli("members", "show", member, "--db", chapter)
    assert f"Corrected by the chapter: email 'jo.new@example.org' (HQ: '{old}'" in shown.stdout
    detail = json.loads(cli("members", "show", member, "--json", "--db", chapter).stdout)
    assert detail["hq"]["email"] == "jo.new@example.org"
    assert detail["corrections"] == [
        {
            "field": "email",
            "local": "jo.new@example.org",
            "hq": old,
            "reason": "told us at the AGM",
            "hq_pending": None,
        }
    ]

    # Next month's HQ file still has the old address.
    month = write_export(tmp_path / "next-month.xlsx", records)
    dry = json.loads(cli("import", str(month), "--dry-run", "--json", "--db", chapter).stdout)
    assert dry["counts"]["conflicts"] == 1
    assert dry["conflicts"] == [
        {"hq_id": member, "field": "email", "local": "jo.new@example.org", "hq": old}
    ]
    done = cli("import", str(month), "--json", "--db", chapter)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["held"] == [member]

    listed = cli("conflicts", "list", "--json", "--db", chapter)
    assert listed.returncode == 0, listed.stderr
    (conflict,) = json.loads(listed.stdout)
    assert {k: conflict[k] for k in ("hq_id", "field", "local", "hq", "hq_when_corrected")} == {
        "hq_id": member,
        "field": "email",
        "local": "jo.new@example.org",
        "hq": old,
        "hq_when_corrected": old,
    }
    text = cli("conflicts", "list", "--db", chapter).stdout
    assert "1 conflict;" in text and "jo.new@example.org" in text

    settled = cli("conflicts", "settle", member, "email", "--keep-local", "--db", chapter)
    assert settled.returncode == 0, settled.stderr
    assert "email is now the chapter's value, 'jo.new@example.org'" in settled.stdout
    assert json.loads(cli("conflicts", "list", "--json", "--db", chapter).stdout) == []

    # The following month's file still has it: nothing to settle, the chapter's value kept.
    following = write_export(tmp_path / "month-after.xlsx", records)
    after = json.loads(cli("import", str(following), "--json", "--db", chapter).stdout)
    assert after["counts"]["conflicts"] == 0 and after["held"] == []
    again = json.loads(cli("members", "show", member, "--json", "--db", chapter).stdout)
    assert again["hq"]["email"] == "jo.new@example.org"
    assert json.loads(cli("conflicts", "list", "--json", "--db", chapter).stdout) == []


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["shoe_size", "9"], "'shoe_size' is not an HQ field and cannot be corrected locally"),
        (["paid_through", "2031-01-01"], "'paid_through' is HQ's to say"),
        (["email", "nobody"], "'nobody' is not an e-mail address"),
    ],
)
def test_a_correction_refused_exits_2_in_one_sentence(  # type: ignore[no-untyped-def]
    cli, chapter: str, args: list[str], said: str
) -> None:
    member = good_member(cli, chapter)
    before = content_of(chapter)
    refused = cli("members", "correct", member, *args, "--db", chapter)
    assert refused.returncode == 2
    assert said in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    as_json = cli("members", "correct", member, *args, "--json", "--db", chapter)
    assert json.loads(as_json.stdout)["error"]["code"] == 2
    assert content_of(chapter) == before


def test_settling_refusals(cli, chapter: str) -> None:  # type: ignore[no-untyped-def]
    member = good_member(cli, chapter)
    nothing = cli("conflicts", "settle", member, "email", "--take-hq", "--db", chapter)
    assert nothing.returncode == 2 and "No conflict on email waits" in nothing.stderr
    bad = cli("conflicts", "settle", member, "colour", "--keep-local", "--db", chapter)
    assert bad.returncode == 2 and "'colour' is not an HQ field" in bad.stderr
    both = cli("conflicts", "settle", member, "email", "--keep-local", "--take-hq", "--db", chapter)
    assert both.returncode == 2
    assert cli("conflicts", "list", "--db", chapter).stdout.startswith("No conflicts")


def test_exclude_leaves_changes_out_and_refuses_what_names_nothing(  # type: ignore[no-untyped-def]
    cli, chapter: str, tmp_path: Path
) -> None:
    member = good_member(cli, chapter)
    records = records_of(chapter)
    record = next(r for r in records if r["hq_id"] == member)
    record.update(title="Office Manager", phone="(555) 123-4567")
    month = write_export(tmp_path / "month.xlsx", records)
    before = content_of(chapter)
    for value, said in [
        (f"{member}:colour", "'colour' is not an HQ field"),
        (f"{member}:city", f"this file does not change city of HQ member {member}"),
        ("999999", "this file changes nothing for HQ member 999999"),
        ("abc:email", "should be HQ_ID or HQ_ID:FIELD"),
    ]:
        refused = cli("import", str(month), "--exclude", value, "--db", chapter)
        assert refused.returncode == 2, value
        assert said in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    assert content_of(chapter) == before
    done = cli("import", str(month), "--exclude", f"{member}:phone", "--json", "--db", chapter)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["excluded"] == [f"{member}:phone"]
    hq = json.loads(cli("members", "show", member, "--json", "--db", chapter).stdout)["hq"]
    assert hq["title"] == "Office Manager" and hq["phone"] != "(555) 123-4567"
    next_time = json.loads(cli("import", str(month), "--dry-run", "--json", "--db", chapter).stdout)
    (change,) = next_time["members"]
    assert change["fields"] == [
        {"field": "phone", "old": hq["phone"], "new": "(555) 123-4567", "left_out_before": True}
    ]
    assert "(left out last time)" in cli("import", str(month), "--dry-run", "--db", chapter).stdout
