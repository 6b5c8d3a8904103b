"""Exports: typed cells a treasurer can sum, text that never runs as a formula, HQ's layout."""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from chapterdesk.data.engine import Database
from chapterdesk.errors import BadInputError
from chapterdesk.exports.dues import write_dues_export
from chapterdesk.exports.hq import SHEET_NAMES, write_hq_export
from chapterdesk.exports.roster import HQ_COLUMNS, write_roster_export
from chapterdesk.services import dues
from tests.reports_content.conftest import EXPECTED, HOSTILE, YEAR


def _sheet_rows(path: Path, sheet: str | None = None) -> list[tuple[object, ...]]:
    book = openpyxl.load_workbook(path)
    rows = list((book[sheet] if sheet else book.active).iter_rows(values_only=True))
    book.close()
    return rows


def test_roster_xlsx_has_hq_headings_and_typed_dates(ledger_db: Database, tmp_path: Path) -> None:
    target = tmp_path / "roster.xlsx"
    assert write_roster_export(ledger_db, target) == 8
    header, *rows = _sheet_rows(target)
    assert list(header[: len(HQ_COLUMNS)]) == [c.header for c in HQ_COLUMNS]
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    zolc = by_id["200001"]
    assert (zolc["First Name"], zolc["Last Name"]) == ("Łukasz", "Żółć")
    assert zolc["Join Date"] == dt.datetime(2015, 3, 1), "a real date cell, not text"
    assert zolc["Chapter Member Since"] == dt.datetime(2020, 1, 15)
    assert zolc["Chapter Standing"] == "good standing" and zolc["Category"] == "Regular"
    assert by_id["200005"]["Chapter Standing"] == "lapsed"


def test_hostile_name_stays_text_in_xlsx_and_csv(ledger_db: Database, tmp_path: Path) -> None:
    xlsx = tmp_path / "roster.xlsx"
    write_roster_export(ledger_db, xlsx)
    with zipfile.ZipFile(xlsx) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet, "no cell is a formula"
    rows = _sheet_rows(xlsx)
    assert any(HOSTILE in row for row in rows), "the name is kept, as text"
    target = tmp_path / "roster.csv"
    write_roster_export(ledger_db, target)
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, so Excel reads the accents"
    with target.open(encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert "'" + HOSTILE in cells and HOSTILE not in cells
    assert "Żółć" in cells


def test_dues_export_amounts_are_numbers_that_sum_to_the_ledger(
    ledger_db: Database, tmp_path: Path
) -> None:
    target = tmp_path / "dues.xlsx"
    assert write_dues_export(ledger_db, target, year=YEAR) == 6
    header, *rows = _sheet_rows(target)
    column = {name: index for index, name in enumerate(header)}
    opens = [row[column["Open"]] for row in rows]
    assert all(isinstance(value, (int, float)) for value in opens)
    assert Decimal(str(round(sum(opens), 2))) == EXPECTED["outstanding"]
    charged = sum(row[column["Charged"]] for row in rows)
    assert Decimal(str(round(charged, 2))) == EXPECTED["assessed"]
    assert all(isinstance(row[column["Charged On"]], dt.datetime) for row in rows)
    assert {row[column["Dues Year"]] for row in rows} == {YEAR}
    lines = {line.hq_id: line for line in dues.dues_lines(ledger_db, year=YEAR)}
    for row in rows:
        assert row[column["Status"]] == lines[str(row[column["Member ID"]])].status


def test_dues_csv_writes_plain_decimals(ledger_db: Database, tmp_path: Path) -> None:
    target = tmp_path / "dues.csv"
    write_dues_export(ledger_db, target)
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(row["Open"] for row in rows) == [
        "0.00",
        "0.00",
        "0.00",
        "150.00",
        "25.00",
        "60.00",
    ]


def test_hq_workbook_has_roster_officers_and_unmatched(ledger_db: Database, tmp_path: Path) -> None:
    target = tmp_path / "to-hq.xlsx"
    assert write_hq_export(ledger_db, target) == 7, "Brown, missing from HQ data, has his own tab"
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == list(SHEET_NAMES)
    book.close()
    officers = _sheet_rows(target, "Officers")
    assert officers[0] == (
        "Member ID", "Name", "Position", "Term Start", "Term End", "Officer Eligible"
    )
    terms = {row[2]: row for row in officers[1:]}
    assert terms["President"][:2] == ("200001", "Łukasz Żółć")
    assert terms["President"][3] == dt.datetime(2021, 7, 1) and terms["President"][4] is None
    assert terms["Treasurer"][4] == dt.datetime(YEAR + 1, 6, 30)
    assert terms["President"][5] == terms["Treasurer"][5] == "yes"
    unmatched = _sheet_rows(target, "Not matched to HQ")
    assert [row[0] for row in unmatched[1:]] == ["200007"]
    unlisted = _sheet_rows(target, "Affiliated, not on roster")
    assert [row[0] for row in unlisted[1:]] == ["200008"]


def test_hq_export_must_be_a_workbook(ledger_db: Database, tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match=r"ending in \.xlsx"):
        write_hq_export(ledger_db, tmp_path / "to-hq.csv")
