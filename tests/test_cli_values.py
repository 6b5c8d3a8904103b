"""Values a chapter must never keep are refused, and odd but harmless input is taken as meant.

A payment dated 0001-01-01 or 1969-12-31 never reaches the append-only ledger
(unless `--allow-date` says it is right), nor an assessment dated years ahead;
a passphrase file saved by Notepad with a byte-order mark opens the package;
an officer named like a spreadsheet formula is exported inert.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from chapterdesk.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """The command line in-process: exit status, stdout, stderr."""
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def a_member(db: Path) -> str:
    """A current chapter member of the demo."""
    con = sqlite3.connect(db)
    try:
        row = con.execute(
            "SELECT hq_id FROM chapter_membership WHERE left_on IS NULL ORDER BY hq_id"
        ).fetchone()
    finally:
        con.close()
    return str(row[0])


def digest(path: Path) -> str:
    """The database file's bytes, hashed."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("day", "says"),
    [("0001-01-01", "before 1900"), ("1969-12-31", "before the chapter existed")],
)
def test_a_payment_dated_before_the_chapter_is_refused(
    day: str, says: str, demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    member, before = a_member(demo_path), digest(demo_path)
    pay = ("dues", "pay", member, "5", "--method", "visa", "--date", day, "--db", str(demo_path))
    status, out, err = run(capsys, *pay, "--json")
    assert status == 2 and says in err and err.count("\n") == 1
    assert json.loads(out)["error"]["code"] == 2 and says in json.loads(out)["error"]["message"]
    assert digest(demo_path) == before
    status, out, err = run(capsys, *pay, "--allow-date")
    if day == "0001-01-01":  # never, whatever the officer says
        assert status == 2 and "before 1900" in err
    else:
        assert status == 0 and "on 1969-12-31" in out, err


def test_an_assessment_more_than_a_year_ahead_is_refused(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    later = dt.date.today() + dt.timedelta(days=400)
    year = str(later.year)
    args = ("dues", "assess", year, "--dry-run", "--date", later.isoformat())
    status, _out, err = run(capsys, *args, "--db", str(demo_path))
    assert status == 2 and "more than a year ahead" in err
    status, _out, err = run(capsys, *args, "--allow-date", "--db", str(demo_path))
    assert status in (0, 2, 3) and "more than a year ahead" not in err


def test_a_passphrase_file_with_a_byte_order_mark(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notepad, plain = tmp_path / "notepad.txt", tmp_path / "plain.txt"
    notepad.write_bytes("\ufeffcorrect horse battery staple\r\n".encode())
    plain.write_text("correct horse battery staple\n", encoding="utf-8")
    package = tmp_path / "chapter.cdh"
    status, _out, err = run(
        capsys, "handover", "export", "-o", str(package), "--passphrase-file", str(notepad),
        "--db", str(demo_path),
    )  # fmt: skip
    assert status == 0, err
    status, _out, err = run(
        capsys, "handover", "import", str(package), "--passphrase-file", str(plain),
        "--db", str(tmp_path / "new.sqlite3"),
    )  # fmt: skip
    assert status == 0, err


def test_audit_export_guards_a_formula_in_an_officer_name(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(demo_path)
    formula = '=HYPERLINK("http://example.invalid","x")'
    assert run(capsys, "audit", "officer", formula, "--db", db)[0] == 0
    assert run(capsys, "categories", "add", "Formula Test", "--db", db)[0] == 0
    target = tmp_path / "audit.csv"
    status, _out, err = run(capsys, "audit", "export", "-o", str(target), "--db", db)
    assert status == 0, err
    with target.open(encoding="utf-8-sig", newline="") as handle:
        officers = {row["officer"] for row in csv.DictReader(handle)}
    assert "'" + formula in officers and formula not in officers


@pytest.mark.parametrize(
    ("arguments", "help_of"),
    [
        (["report", "dues", "2026", "--year", "3", "-o", "x.pdf"], "chapterdesk report dues"),
        (["--db", "x.sqlite3", "members", "list", "--bogus"], "chapterdesk members list"),
        (["nothing"], "chapterdesk"),
    ],
)
def test_an_argument_refusal_points_to_the_help_of_the_command_given(
    arguments: list[str], help_of: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--year` given to `report dues` names `report dues --help`, not the top level's."""
    assert main(arguments) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.endswith(f"see `{help_of} --help`.")
