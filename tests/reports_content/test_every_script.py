"""Every report of the international demo chapter prints every name whole, in its own script.

Issue 16: names in Chinese, Japanese, Korean, Devanagari, Thai, Arabic and
Hebrew printed as boxes or in reversed word order, and IDs, amounts and dates
were cut with "…". Each report here is written by the command line from a real
`demo --international` database and read back with poppler's `pdftotext` (what
a reader copying a name gets): every name the report lists must be in it.
Arabic is printed in its joined letter forms, which extract as Unicode's
presentation forms, the same text under compatibility normalisation (NFKC),
so both sides are compared NFKC-normalised, with bidi marks dropped.

A right-to-left name sharing a line with left-to-right text (a table row:
number, name, ID) must extract whole too, in both of pdftotext's modes (its
reading order and `-layout`): extractors put right-to-left text back into
reading order themselves, by their own rules, which the PDF's ActualText is
written for (`fontchain._actual`).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import pytest

from chapterdesk.cli import main
from chapterdesk.data.migrate import open_database
from chapterdesk.names import sort_name
from chapterdesk.reports.mailing import label_addresses
from chapterdesk.reports.roster import directory_entries
from chapterdesk.services.dues.reports import (
    dues_year_report,
    receipt_copy,
    statement_members,
    statements_for,
)
from chapterdesk.services.hq.reconcile import reconcile
from chapterdesk.services.roster.voters import voting_list
from tests.reports_content.pdftext import pdftotext

YEAR = dt.date.today().year
_BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: Scripts the international demo must show (a code point of each, by range).
_SCRIPTS = {
    "Arabic": (0x0600, 0x06FF),
    "Hebrew": (0x0590, 0x05FF),
    "Devanagari": (0x0900, 0x097F),
    "Thai": (0x0E00, 0x0E7F),
    "Han": (0x4E00, 0x9FFF),
    "Kana": (0x3040, 0x30FF),
    "Hangul": (0xAC00, 0xD7AF),
    "Greek": (0x0370, 0x03FF),
    "Cyrillic": (0x0400, 0x04FF),
}

def _plain(text: str) -> str:
    """Text as compared: NFKC, no bidi marks, runs of white space as one space."""
    text = _BIDI_MARKS.sub("", unicodedata.normalize("NFKC", text))
    return " ".join(text.split())


def _pdf_text(path: Path, *mode: str) -> str:
    return _plain(pdftotext(path, *mode))


def _rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The international demo (90 members) and each of its reports, written by the CLI."""
    folder = tmp_path_factory.mktemp("world")
    db_path = folder / "world.sqlite3"
    assert main(["demo", "--db", str(db_path), "--members", "90", "--international"]) == 0
    db = open_database(db_path)
    try:
        receipt = next(
            n
            for n in range(1, 500)
            if not receipt_copy(db, n).hq.address_name.isascii()
        )
    finally:
        db.dispose()
    pdfs = {}
    for name, args in {
        "roster": ["report", "roster"],
        "labels": ["report", "labels"],
        "dues": ["report", "dues", str(YEAR)],
        "statements": ["report", "statements", str(YEAR)],
        "compliance": ["report", "compliance"],
        "voters": ["report", "voters"],
        "receipt": ["report", "receipt", str(receipt)],
    }.items():
        pdfs[name] = folder / f"{name}.pdf"
        assert main([*args, "--db", str(db_path), "-o", str(pdfs[name])]) == 0
    pdfs["db"] = db_path
    pdfs["receipt_no"] = Path(str(receipt))
    return pdfs


def _expected(world: dict[str, Path], report: str) -> list[str]:
    """The names `report` lists, as the services give them."""
    db = open_database(world["db"])
    try:
        if report == "roster":
            return [
                sort_name(e.first_name, e.middle_name, e.last_name, e.suffix)
                for e in directory_entries(db)
            ]
        if report == "labels":
            return [lines[0] for lines in label_addresses(db)]
        if report == "dues":
            return [line.sort_name for line in dues_year_report(db, YEAR).lines]
        if report == "statements":
            owing = statement_members(db, YEAR)
            return [s.hq.address_name for s in statements_for(db, YEAR, owing)]
        if report == "compliance":
            found = reconcile(db)
            return [p.entry.hq.sort_name for p in found.problems] + [
                u.hq.sort_name for u in found.unlisted
            ]
        if report == "voters":
            return [v.sort_name for v in voting_list(db).voters]
        return [receipt_copy(db, int(str(world["receipt_no"]))).hq.address_name]
    finally:
        db.dispose()


def test_the_international_demo_spans_the_scripts_about_a_third_not_latin(
    world: dict[str, Path],
) -> None:
    names = _expected(world, "roster")
    text = "".join(names)
    missing = [
        script
        for script, (low, high) in _SCRIPTS.items()
        if not any(low <= ord(c) <= high for c in text)
    ]
    assert missing == []
    non_latin = [n for n in names if any(ord(c) > 0x2FF for c in n)]
    assert 0.2 <= len(non_latin) / len(names) <= 0.45


@pytest.mark.parametrize(
    "report", ["roster", "labels", "dues", "statements", "compliance", "voters", "receipt"]
)
def test_every_name_extracts_exactly(world: dict[str, Path], report: str) -> None:
    text = _pdf_text(world[report])
    names = _expected(world, report)
    assert names, f"the {report} report lists nobody: the test would prove nothing"
    missing = [name for name in names if _plain(name) not in text]
    assert missing == []
    if report != "receipt":
        assert any(not name.isascii() for name in names)


@pytest.mark.parametrize("report", ["roster", "dues", "compliance", "voters"])
def test_right_to_left_names_in_table_rows_extract_whole_in_either_mode(
    world: dict[str, Path], report: str
) -> None:
    """An Arabic or Hebrew "Last, First" between an ID and amounts comes back whole, as typed.

    (Before, pdftotext gave "מיכל,לוי" for "לוי, מיכל": it ends a right-to-left
    stretch at the comma.) `-layout` keeps each printed line, so a name wrapped
    onto two lines of its cell could not come back whole there; right-to-left
    names here fit their columns.
    """
    names = [name for name in _expected(world, report) if _rtl(name)]
    assert any("," in name for name in names), "no 'Last, First' name: it would prove little"
    for mode in ((), ("-layout",)):
        text = _pdf_text(world[report], *mode)
        missing = [name for name in names if _plain(name) not in text]
        assert missing == [], f"pdftotext {' '.join(mode)}"


@pytest.mark.parametrize(
    "report", ["roster", "labels", "dues", "statements", "compliance", "voters", "receipt"]
)
def test_no_id_amount_or_date_is_cut(world: dict[str, Path], report: str) -> None:
    words = _pdf_text(world[report]).split()
    cut = [w for w in words if w.endswith("…") and re.search(r"\d", w)]
    assert cut == []


def test_no_box_is_printed_for_any_script(world: dict[str, Path]) -> None:
    """Every character of every name is in the font that prints it (no .notdef box)."""
    from reportlab.pdfbase import pdfmetrics

    from chapterdesk.reports.fontchain import runs
    from chapterdesk.reports.styles import BODY_FONT, register_fonts

    register_fonts()
    lacking = set()
    for name in _expected(world, "roster"):
        for font, part in runs(name, BODY_FONT):
            face = pdfmetrics.getFont(font).face
            lacking |= {c for c in part if ord(c) not in face.charToGlyph and not c.isspace()}
    assert lacking == set()
