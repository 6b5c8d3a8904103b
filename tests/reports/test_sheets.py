"""Spreadsheet exports: typed cells for the treasurer, inert text against formula injection."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from chapterdesk.errors import BadInputError
from chapterdesk.exports import Column, Sheet, write_table, write_workbook

COLUMNS = [
    Column("ID", "int", 10),
    Column("Name", "text", 30),
    Column("Paid through", "date"),
    Column("Balance", "money"),
]
HOSTILE = ['=HYPERLINK("http://x","y")', "+1+2", "-cmd", "@SUM(A1)", "\tTab", "\rReturn"]


def _rows() -> list[list[object]]:
    rows: list[list[object]] = [
        [104233, "Łukasz Żółć", dt.date(2026, 12, 31), Decimal("1150.00")],
        [104234, "Zoë O'Brien-Müller", dt.date(2025, 6, 30), Decimal("-25.00")],
        [104235, None, None, None],
    ]
    rows += [
        [200000 + i, text, dt.date(2026, 1, 1), Decimal("0")] for i, text in enumerate(HOSTILE)
    ]
    return rows


def _ooxml_unescape(text: str) -> str:
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


@pytest.fixture
def xlsx(tmp_path: Path) -> Path:
    path = tmp_path / "roster.xlsx"
    assert write_table(path, COLUMNS, _rows(), sheet_name="Roster") == 3 + len(HOSTILE)
    return path


def test_xlsx_header_is_bold_frozen_and_filtered(xlsx: Path) -> None:
    sheet = load_workbook(xlsx)["Roster"]
    assert [cell.value for cell in sheet[1]] == ["ID", "Name", "Paid through", "Balance"]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:D{len(_rows()) + 1}"
    assert sheet.column_dimensions["B"].width == pytest.approx(30, abs=1)


def test_xlsx_cells_have_real_types(xlsx: Path) -> None:
    sheet = load_workbook(xlsx)["Roster"]
    id_cell, name, paid, balance = sheet[2]
    assert id_cell.value == 104233 and isinstance(id_cell.value, int)
    assert name.value == "Łukasz Żółć"
    assert paid.is_date and paid.value.date() == dt.date(2026, 12, 31)
    assert balance.value == 1150 and balance.data_type == "n"
    assert balance.number_format == "#,##0.00"
    negative = sheet["D3"]
    assert negative.value == -25 and negative.data_type == "n", "-25.00 stays a number"
    assert all(cell.value is None for cell in sheet[4][1:])


def test_xlsx_hostile_text_is_never_a_formula(xlsx: Path) -> None:
    with zipfile.ZipFile(xlsx) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in xml and "<f " not in xml
    sheet = load_workbook(xlsx)["Roster"]
    names = [sheet.cell(row=5 + i, column=2) for i in range(len(HOSTILE))]
    # OOXML writes a carriage return as "_x000D_"; Excel decodes it, openpyxl
    # leaves it as it is, so decode it here
    assert [_ooxml_unescape(cell.value) for cell in names] == HOSTILE
    assert all(cell.data_type == "s" for cell in names)


def test_csv_has_bom_iso_dates_plain_amounts_and_inert_text(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    write_table(path, COLUMNS, _rows(), sheet_name="Roster")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfID,")
    assert not raw.startswith(b"ID"), "Excel would take it for a SYLK file"
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "ID,Name,Paid through,Balance"
    assert lines[1] == "104233,Łukasz Żółć,2026-12-31,1150.00"
    assert lines[2] == "104234,Zoë O'Brien-Müller,2025-06-30,-25.00"
    assert lines[3] == "104235,,,"
    assert lines[4] == '200000,"\'=HYPERLINK(""http://x"",""y"")",2026-01-01,0.00'
    assert lines[5] == "200001,'+1+2,2026-01-01,0.00"
    assert lines[6] == "200002,'-cmd,2026-01-01,0.00"
    assert lines[7] == "200003,'@SUM(A1),2026-01-01,0.00"
    assert lines[8] == "200004,'\tTab,2026-01-01,0.00"


def test_unknown_suffix_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match=r"roster\.xls: choose a file name ending in .xlsx"):
        write_table(tmp_path / "roster.xls", COLUMNS, _rows(), sheet_name="Roster")
    assert not (tmp_path / "roster.xls").exists()


def test_suffix_case_does_not_matter(tmp_path: Path) -> None:
    write_table(tmp_path / "ROSTER.XLSX", COLUMNS, _rows(), sheet_name="Roster")
    assert load_workbook(tmp_path / "ROSTER.XLSX").sheetnames == ["Roster"]


def test_workbook_with_several_tabs(tmp_path: Path) -> None:
    path = tmp_path / "hq-report.xlsx"
    sheets = [
        Sheet("Members", COLUMNS, _rows()),
        Sheet(
            "Officers: 2026/27",
            [Column("Position"), Column("Name")],
            [["President", "Søren Ødegård"]],
        ),
        Sheet("members", [Column("Note")], []),
    ]
    assert write_workbook(path, sheets) == len(_rows()) + 1
    book = load_workbook(path)
    assert book.sheetnames == ["Members", "Officers- 2026-27", "members (2)"]
    assert book["Officers- 2026-27"]["B2"].value == "Søren Ødegård"
    assert book["members (2)"].freeze_panes == "A2"


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_failed_export_leaves_previous_file(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"roster{suffix}"
    path.write_bytes(b"previous export")

    def rows_then_crash() -> Iterator[Sequence[object]]:
        yield from _rows()
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError, match="database went away"):
        write_table(path, COLUMNS, rows_then_crash(), sheet_name="Roster")
    assert path.read_bytes() == b"previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_progress_and_cancel(tmp_path: Path, suffix: str) -> None:
    seen: list[int] = []
    rows = ([i, f"Member {i}", None, Decimal(i)] for i in range(2500))
    write_table(tmp_path / f"a{suffix}", COLUMNS, rows, sheet_name="Roster", progress=seen.append)
    assert seen == [1000, 2000, 2500]

    class Cancelled(Exception):
        pass

    def cancel(done: int) -> None:
        raise Cancelled

    rows = ([i, f"Member {i}", None, Decimal(i)] for i in range(2500))
    with pytest.raises(Cancelled):
        write_table(tmp_path / f"b{suffix}", COLUMNS, rows, sheet_name="Roster", progress=cancel)
    assert not (tmp_path / f"b{suffix}").exists()


def test_csv_numbers_are_never_quoted_as_text(tmp_path: Path) -> None:
    path = tmp_path / "numbers.csv"
    columns = [Column("Note"), Column("Balance", "money"), Column("Count", "int")]
    write_table(path, columns, [[-5, -25.5, -3]], sheet_name="Numbers")
    assert path.read_text(encoding="utf-8-sig").splitlines()[1] == "-5,-25.50,-3"


def test_missing_folder_is_explained(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="does not exist"):
        write_table(tmp_path / "nowhere" / "roster.csv", COLUMNS, _rows(), sheet_name="Roster")
