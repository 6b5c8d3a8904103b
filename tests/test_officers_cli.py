"""`officers list` flags a sitting officer who lapsed; `officers end` never extends a term."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from chapterdesk.data.migrate import open_database
from tests.lapsed_officer import (
    PRESIDENT,
    REASON,
    TODAY,
    TREASURER,
    appoint_officers,
    lapsed_export,
)


@pytest.fixture
def officers_path(db_path: Path) -> Path:
    """A chapter database with a President and a Treasurer, both eligible."""
    db = open_database(db_path)
    try:
        appoint_officers(db)
    finally:
        db.dispose()
    return db_path


def _lines_of(stdout: str, hq_id: str) -> list[str]:
    return [line for line in stdout.splitlines() if hq_id in line]


def test_list_flags_the_president_after_an_import_says_lapsed(  # type: ignore[no-untyped-def]
    cli, officers_path: Path, tmp_path: Path
) -> None:
    before = cli("officers", "list", "--db", str(officers_path))
    assert before.returncode == 0, before.stderr
    assert "NOT ELIGIBLE" not in before.stdout

    db = open_database(officers_path)
    try:
        export = lapsed_export(db, tmp_path / "hq-next.xlsx")
    finally:
        db.dispose()
    imported = cli("import", str(export), "--db", str(officers_path))
    assert imported.returncode == 0, imported.stderr

    text = cli("officers", "list", "--db", str(officers_path))
    assert text.returncode == 0, text.stderr
    (president,) = _lines_of(text.stdout, PRESIDENT)
    assert president.startswith("President")
    assert president.endswith(f"NOT ELIGIBLE: {REASON}")
    (treasurer,) = _lines_of(text.stdout, TREASURER)
    assert "NOT ELIGIBLE" not in treasurer
    assert "1 sitting officer is no longer eligible" in text.stdout
    assert "chapterdesk officers end" in text.stdout

    listed = cli("officers", "list", "--db", str(officers_path), "--json")
    assert listed.returncode == 0, listed.stderr
    by_id = {t["hq_id"]: t for t in json.loads(listed.stdout)}
    assert by_id[PRESIDENT]["position"] == "President"
    assert by_id[PRESIDENT]["eligible"] is False
    assert by_id[PRESIDENT]["ineligible_reason"] == REASON
    assert by_id[TREASURER]["eligible"] is True
    assert by_id[TREASURER]["ineligible_reason"] is None


def test_end_a_term_then_refuse_to_extend_it(cli, officers_path: Path) -> None:  # type: ignore[no-untyped-def]
    on = TODAY - dt.timedelta(days=1)
    ended = cli(
        "officers", "end", PRESIDENT, "president", "--on", on.isoformat(),
        "--db", str(officers_path), "--json",
    )
    assert ended.returncode == 0, ended.stderr
    body = json.loads(ended.stdout)
    assert (body["hq_id"], body["position"], body["ends_on"]) == (
        PRESIDENT, "President", on.isoformat()
    )
    listed = json.loads(cli("officers", "list", "--db", str(officers_path), "--json").stdout)
    assert [t["hq_id"] for t in listed] == [TREASURER], "no longer in office today"

    later = TODAY + dt.timedelta(days=30)
    extended = cli(
        "officers", "end", PRESIDENT, "President", "--on", later.isoformat(),
        "--db", str(officers_path),
    )
    assert extended.returncode == 3, extended.stderr
    assert f"ended on {on.isoformat()}" in extended.stderr
    assert "an ended term is never reopened" in extended.stderr
    assert "Traceback" not in extended.stderr
    (term,) = [
        t for t in json.loads(
            cli("officers", "list", "--all", "--db", str(officers_path), "--json").stdout
        )
        if t["hq_id"] == PRESIDENT
    ]
    assert term["ends_on"] == on.isoformat(), "the refused end left the term as it was"

    text = cli(
        "officers", "end", TREASURER, "Treasurer", "--on", TODAY.isoformat(),
        "--db", str(officers_path),
    )
    assert text.returncode == 0, text.stderr
    assert f"the term as Treasurer ends on {TODAY.isoformat()}" in text.stdout


def test_end_refuses_an_unknown_position_or_a_bad_date(  # type: ignore[no-untyped-def]
    cli, officers_path: Path
) -> None:
    unknown = cli(
        "officers", "end", PRESIDENT, "Emperor", "--on", TODAY.isoformat(),
        "--db", str(officers_path),
    )
    assert unknown.returncode == 2
    assert "No officer position is called 'Emperor'" in unknown.stderr
    assert "President" in unknown.stderr, "the message lists the positions there are"
    malformed = cli(
        "officers", "end", PRESIDENT, "President", "--on", "31/12/2026",
        "--db", str(officers_path),
    )
    assert malformed.returncode == 2
    assert "Traceback" not in malformed.stderr
    listed = json.loads(cli("officers", "list", "--db", str(officers_path), "--json").stdout)
    assert {t["hq_id"] for t in listed} == {PRESIDENT, TREASURER}, "nothing was ended"
