"""Workbooks written by other programs, or in other formats, are read as calamine reads them.

The three files under `files/` come from calamine's own test suite (see
`files/PROVENANCE.md`); the .ods rosters are written here as OpenDocument XML.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hqfiles import member, table

from chapterdesk.errors import BadInputError
from chapterdesk.hqsync import read_hq_export
from chapterdesk.hqsync.reading import open_sheets
from chapterdesk.hqsync.sniff import sniff_export

FILES = Path(__file__).parent / "files"

_ODS_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet><table:table table:name="Roster">{rows}</table:table>
</office:spreadsheet></office:body></office:document-content>"""
_ODS_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
 manifest:version="1.2"><manifest:file-entry manifest:full-path="/"
 manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""


def _ods_cell(value: object) -> str:
    if isinstance(value, dt.date):
        day = value.isoformat()
        return (f'<table:table-cell office:value-type="date" office:date-value="{day}">'
                f"<text:p>{day}</text:p></table:table-cell>")  # fmt: skip
    if value in ("", None):
        return "<table:table-cell/>"
    text = escape(str(value))
    return (
        f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'
    )


def write_ods(path: Path, rows: list[list[object]], tail: str = "") -> Path:
    """An OpenDocument spreadsheet as LibreOffice lays it out (the mimetype part first, stored)."""
    body = "".join(
        "<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>"
        for row in rows
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )  # fmt: skip
        package.writestr("content.xml", _ODS_CONTENT.format(rows=body + tail))
        package.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
    return path


def first_rows(path: Path, count: int = 3) -> list[list[object]]:
    sheets = open_sheets(path, sniff_export(path))
    try:
        sheet = next(sheets)
        return [cells for _, cells in list(sheet.rows)[:count]]
    finally:
        sheets.close()


def test_gnumeric_file_declaring_the_whole_sheet_is_read() -> None:
    rows = first_rows(FILES / "gnumeric_declares_xfd1048576.xlsx")
    assert rows[0][:3] == ["Your Ref #", "Contact Name", "Contact Number"]
    assert rows[1][1] == "Test Contact Name"


def test_workbook_found_through_the_package_relationships() -> None:
    path = FILES / "workbook_not_under_xl.xlsx"
    assert sniff_export(path).file_format == "xlsx"
    assert first_rows(path)[2][:2] == ["BKG_NUM", "BKG_DT"]


def test_xlsb_is_read(tmp_path: Path) -> None:
    path = FILES / "date.xlsb"
    assert sniff_export(path).file_format == "xlsb"
    assert first_rows(path, 1) == [[dt.date(2021, 1, 1), 15.0]]
    renamed = tmp_path / "roster.xlsx"  # an .xlsb under an .xlsx name is told by its content
    renamed.write_bytes(path.read_bytes())
    assert first_rows(renamed, 1) == [[dt.date(2021, 1, 1), 15.0]]


def test_ods_roster_is_imported(tmp_path: Path) -> None:
    path = write_ods(tmp_path / "roster.ods", table([member(1), member(2, Last_Name="Żółć")]))
    parsed = read_hq_export(path)
    assert parsed.file_format == "ods"
    assert [row.values["last_name"] for row in parsed.rows] == ["Lee1", "Żółć"]
    assert parsed.rows[0].values["paid_through"] == dt.date(2026, 12, 31)


def test_ods_with_trailing_empty_repeats_is_read(tmp_path: Path) -> None:
    """LibreOffice ends every sheet with a million empty repeated rows: they cost nothing."""
    tail = (
        '<table:table-row table:number-rows-repeated="1048570">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    path = write_ods(tmp_path / "roster.ods", table([member(1)]), tail=tail)
    assert len(read_hq_export(path).rows) == 1


def test_ods_repeating_a_value_a_million_times_is_refused(tmp_path: Path) -> None:
    tail = ('<table:table-row table:number-rows-repeated="1000000">'
            '<table:table-cell table:number-columns-repeated="40" office:value-type="string">'
            "<text:p>x</text:p></table:table-cell></table:table-row>")  # fmt: skip
    path = write_ods(tmp_path / "roster.ods", table([member(1)]), tail=tail)
    with pytest.raises(BadInputError) as caught:
        read_hq_export(path)
    assert "a sheet has cells as far as row 1,000,002 and column 40" in caught.value.message
