"""`chapterdesk payments …` from the command line: JSON classes, posting once, hostile files."""

from __future__ import annotations

import hashlib
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from chapterdesk.cli import main
from chapterdesk.data.migrate import open_database
from tests.payments import samples as s
from tests.payments.conftest import DAY, chapter_with_members, email_of

D = Decimal


@pytest.fixture
def chapter_file(db_path: Path) -> Path:
    """An SQLite chapter file whose members owe 2026 dues."""
    db = open_database(db_path)
    try:
        chapter_with_members(db)
    finally:
        db.dispose()
    return db_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def stripe_lines() -> list[s.Paid]:
    return [
        s.Paid("ch_cli_1", DAY, D("150.00"), D("4.65"), "", email_of("Wei", "Zhang")),
        s.Paid("ch_cli_2", DAY, D("150.00"), D("4.65"), "Smith, J."),
        s.Paid("ch_cli_3", DAY, D("20.00"), D("0.88"), "Stranger Danger"),
    ]


def test_dry_run_json_lists_every_line_with_its_class_and_writes_nothing(
    chapter_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = s.write_stripe(tmp_path / "stripe.csv", stripe_lines())
    before = hashlib.sha256(chapter_file.read_bytes()).hexdigest()
    status, out, _err = run(
        capsys, "payments", "import", str(path), "--dry-run", "--json", "--db", str(chapter_file)
    )
    assert status == 0
    report = json.loads(out)
    assert report["dry_run"] is True and report["batch_id"] is None
    assert report["source"] == "stripe"
    assert [(x["line"], x["class"], x["hq_id"]) for x in report["lines"]] == [
        (2, "matched", "2006"), (3, "ambiguous", None), (4, "unmatched", None),
    ]  # fmt: skip
    assert [c["hq_id"] for c in report["lines"][1]["candidates"]] == ["2004", "2003"]
    assert report["lines"][0]["fee"] == "4.65" and report["lines"][0]["gross"] == "150.00"
    assert hashlib.sha256(chapter_file.read_bytes()).hexdigest() == before


def test_matched_post_ambiguous_are_skipped_unless_assigned_and_nothing_posts_twice(
    chapter_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = s.write_stripe(tmp_path / "stripe.csv", stripe_lines())
    db = ["--db", str(chapter_file)]
    status, out, _ = run(capsys, "payments", "import", str(path), "--json", *db)
    first = json.loads(out)
    assert status == 0 and first["posted_count"] == 1 and first["batch_id"] == 1
    status, out, _ = run(
        capsys, "payments", "import", str(path), "--assign", "3=2004", "--json", *db
    )
    second = json.loads(out)
    assert [(x["line"], x["class"], x["posted"]) for x in second["lines"]] == [
        (2, "posted", False), (3, "ambiguous", True), (4, "unmatched", False),
    ]  # fmt: skip
    status, out, err = run(capsys, "payments", "import", str(path), "--assign", "3=2004", *db)
    assert status == 2 and "Line 3 was already posted (batch 2)" in err and not out
    status, out, _ = run(capsys, "payments", "list", "--json", *db)
    batches = json.loads(out)
    assert [(b["batch_id"], b["lines"], b["fees"]) for b in batches] == [
        (2, 1, "4.65"), (1, 1, "4.65"),
    ]  # fmt: skip
    status, out, _ = run(capsys, "payments", "undo", "2", *db)
    assert status == 0 and "Undid payments batch 2" in out
    status, _out, err = run(capsys, "payments", "undo", "2", *db)
    assert status == 3 and err.count("\n") == 1 and "already undone" in err


def _pdf(path: Path) -> None:
    path.write_bytes(b"%PDF-1.7\n1 0 obj<<>>endobj\n")


def _zip(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")


def _binary(path: Path) -> None:
    path.write_bytes(b"Date,Amount\n\x00\x01\x02\x03" * 50)


def _entities(path: Path) -> None:
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE OFX [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;">]>\n'
        '<?OFX OFXHEADER="200" VERSION="220"?>\n<OFX>&b;</OFX>'
    )


def _broken_ofx(path: Path) -> None:
    path.write_text("OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\n\r\n<OFX><BANKMSGSRSV1><STMT")


def _no_header(path: Path) -> None:
    path.write_text("hello,world\n1,2\n3,4\n")


def _bad_amount(path: Path) -> None:
    path.write_text("Date,Description,Amount\n11/03/2026,Dues,15O.00\n")


def _bad_date(path: Path) -> None:
    path.write_text("Date,Description,Amount\n31/31/2026,Dues,150.00\n")


def _fraction(path: Path) -> None:
    path.write_text("Date,Description,Amount\n2026-11-03,Dues,150.001\n")


def _html(path: Path) -> None:
    path.write_text("<html><body><table><tr><td>Date</td></tr></table></body></html>")


def _long_line(path: Path) -> None:
    path.write_text("Date,Description,Amount\n2026-11-03," + "x" * 30_000 + ",150.00\n")


def _utf16_garbage(path: Path) -> None:
    path.write_bytes(b"\xff\xfe" + b"\x00\xd8" * 40)  # a BOM, then lone surrogates


def _empty(path: Path) -> None:
    path.write_bytes(b"")


HOSTILE = {
    "pdf": (_pdf, "is a PDF"),
    "zip": (_zip, "zip archive"),
    "binary": (_binary, "binary data"),
    "entities": (_entities, "DTD or entities"),
    "broken-ofx": (_broken_ofx, "not an OFX statement"),
    "no-header": (_no_header, "no header row"),
    "bad-amount": (_bad_amount, "is not an amount"),
    "bad-date": (_bad_date, "line 2"),
    "fraction": (_fraction, "fraction of a cent"),
    "html": (_html, "web page"),
    "empty": (_empty, "is empty"),
    "long-line": (_long_line, "longer than 20,000 characters"),
    "utf16-garbage": (_utf16_garbage, "binary data"),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_hostile_file_is_refused_in_one_sentence_with_nothing_written(
    kind: str, chapter_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make, says = HOSTILE[kind]
    path = tmp_path / f"{kind}.csv"
    make(path)
    before = hashlib.sha256(chapter_file.read_bytes()).hexdigest()
    status, out, err = run(capsys, "payments", "import", str(path), "--db", str(chapter_file))
    assert status == 2, err
    assert says in err and err.count("\n") == 1 and "Traceback" not in err + out
    assert hashlib.sha256(chapter_file.read_bytes()).hexdigest() == before


@pytest.mark.parametrize(
    ("option", "says"),
    [
        (["--map", "colour=Amount"], "FIELD one of"),
        (["--map", "amount=Nope"], "Nope"),
        (["--assign", "x=2001"], "LINE=HQ_ID"),
        (["--assign", "99=2001"], "no payment on line 99"),
        (["--assign", "2=abc"], "not an HQ member ID"),
    ],
)
def test_a_malformed_option_is_refused_with_nothing_written(
    option: list[str], says: str, chapter_file: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    path = s.write_bank_csv(tmp_path / "bank.csv", stripe_lines())
    before = hashlib.sha256(chapter_file.read_bytes()).hexdigest()
    status, _out, err = run(
        capsys, "payments", "import", str(path), *option, "--db", str(chapter_file)
    )
    assert status == 2 and says in err and err.count("\n") == 1
    assert hashlib.sha256(chapter_file.read_bytes()).hexdigest() == before
