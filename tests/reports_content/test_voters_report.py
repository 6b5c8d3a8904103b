"""The voting list PDF: the count, the quorum and its rule, the voters in order, who is left off."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chapterdesk.cli import main
from chapterdesk.data.migrate import open_database
from chapterdesk.reports.voters import write_voting_list
from tests.reports_content.pdftext import pages_text
from tests.test_voters import set_quorum
from tests.voting_chapter import (
    VOTE_DAY,
    voting_path_fixture,  # noqa: F401 - the `voting_path` fixture
)

VOTER_LINES = [
    "1 Adams, Zoë 300004 Regular grace",
    "2 García, Ana 300003 Regular good standing",
    "3 Jones, James 300006 Regular good standing",
    "4 Jones, Mary 300005 Regular good standing",
    "5 Keller, Pat 300007 Regular good standing",
    "6 Ødegård, Søren 300002 Regular good standing",
    "7 Żółć, Łukasz 300001 Regular good standing",
]


def _text(path: Path) -> str:
    """The PDF's text with runs of white space made single spaces."""
    return " ".join(" ".join(pages_text(path)).split())


def test_the_pdf_numbers_the_voters_and_states_the_quorum(
    voting_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "voters.pdf"
    db = open_database(voting_path)
    try:
        assert write_voting_list(db, target, as_of=VOTE_DAY) == (7, 1)
    finally:
        db.dispose()
    text = _text(target)
    assert "Test Chapter" in text and "Voting list" in text and "As of 25 November 2026" in text
    assert "7 chapter members are eligible to vote on 25 November 2026." in text
    assert "Quorum: 4 (a simple majority)." in text
    voters = text[text.index("Eligible voters (7)") : text.index("left off the list")]
    positions = [voters.index(line) for line in VOTER_LINES]
    assert positions == sorted(positions), "numbered in last-name order"
    for name in ("Lapsed", "Missing", "Associate", "Jobless", "Unmapped", "Leftearly", "Newcomer"):
        assert name not in voters


def test_the_pdf_says_why_each_member_was_left_off(voting_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "voters.pdf"
    db = open_database(voting_path)
    try:
        write_voting_list(db, target, as_of=VOTE_DAY)
    finally:
        db.dispose()
    text = _text(target)
    left_off = text[text.index("Chapter members left off the list (5)") :]
    # a row of plain strings reads as one line; a reason that wraps is drawn after them
    for line in (
        "Associate, Ada 300012 Associate good standing The Associate category may not vote.",
        "Lapsed, Lars 300010 Regular lapsed International membership is lapsed.",
        "Jobless, Joe 300013 Regular good standing",
        "Missing, Mia 300011 Regular not in HQ data",
        "Unmapped, Una 300014 Paralegal good standing",
        "The 180-day allowance after the last day worked (2026-05-09) ended on 2026-11-05.",
        "International membership is not in HQ data.",
        "HQ's member type 'Paralegal' matches no chapter category; map it to one in Settings",
    ):
        assert line in left_off, line
    assert "Hqonly" not in text, "an HQ member who never joined is on neither list"
    assert "No HQ data has been imported yet" in text


def test_the_pdf_states_a_percentage_quorum(voting_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "voters.pdf"
    db = open_database(voting_path)
    try:
        set_quorum(db, 25)
        write_voting_list(db, target, as_of=VOTE_DAY)
    finally:
        db.dispose()
    assert "Quorum: 2 (25 % of eligible voters)." in _text(target)


def test_report_voters_from_the_command_line(
    capsys: pytest.CaptureFixture[str], cli: Any, voting_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "voters.pdf"
    db = str(voting_path)
    status = main(["report", "voters", "--db", db, "--as-of", "2026-11-25", "-o", str(target)])
    out = capsys.readouterr().out
    assert status == 0 and out == f"Wrote {target} (7 voters, 1 page).\n"
    assert "Quorum: 4 (a simple majority)." in _text(target)

    again = tmp_path / "again.pdf"
    done = cli("report", "voters", "--db", db, "--as-of", "2026-11-25", "-o", str(again), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"file": str(again), "voters": 7, "pages": 1}

    late = tmp_path / "late.pdf"
    bad = cli("report", "voters", "--db", db, "--as-of", "25/11/2026", "-o", str(late))
    assert bad.returncode == 2 and "as-of date" in bad.stderr
    assert not late.exists()
    wrong = cli("report", "voters", "--db", db, "-o", str(tmp_path / "voters.xlsx"))
    assert wrong.returncode == 2 and "ending in .pdf" in wrong.stderr
