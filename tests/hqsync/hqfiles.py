"""Builders for the HQ export files the hqsync tests read; every file is made in tmp_path."""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter

#: The reference layout of DESIGN.md, "HQ exports".
REFERENCE_HEADERS = [
    "Member ID", "Prefix", "First Name", "Middle Name", "Last Name", "Suffix", "Company",
    "Title", "Email", "Phone", "Address 1", "Address 2", "City", "State/Province",
    "Postal Code", "Country", "Member Type", "Join Date", "Paid Through", "Status", "Chapter",
]  # fmt: skip

#: An "entity bomb" sharedStrings part (a billion laughs, three levels deep).
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">
<si><t>&lol3;</t></si></sst>"""


def member(number: int, **changes: Any) -> dict[str, Any]:
    """One member of the reference layout, keyed by header; `changes` uses header names too."""
    row: dict[str, Any] = {
        "Member ID": str(100000 + number), "Prefix": "Ms.", "First Name": f"Ann{number}",
        "Middle Name": "", "Last Name": f"Lee{number}", "Suffix": "", "Company": "Acme",
        "Title": "Engineer", "Email": f"ann{number}@example.com", "Phone": "512-555-0100",
        "Address 1": f"{number} Main St", "Address 2": "", "City": "Austin",
        "State/Province": "TX", "Postal Code": "78701", "Country": "USA",
        "Member Type": "Professional", "Join Date": dt.date(2015, 3, 1),
        "Paid Through": dt.date(2026, 12, 31), "Status": "Active", "Chapter": "Austin",
    }  # fmt: skip
    row.update({key.replace("_", " "): value for key, value in changes.items()})
    return row


def table(
    members: Sequence[dict[str, Any]], headers: Sequence[str] = REFERENCE_HEADERS
) -> list[list[Any]]:
    """A header row followed by the members' cells in `headers` order."""
    return [list(headers), *[[m.get(h, "") for h in headers] for m in members]]


def write_xlsx(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    sheet_name: str = "Roster",
    date1904: bool = False,
    before: Sequence[str] = (),
    hidden_sheet_first: bool = False,
) -> Path:
    """An xlsx whose first visible sheet holds `rows`; dates become date cells.

    Args:
        before: report-title lines written above the rows, one per row.
        hidden_sheet_first: add a hidden sheet of junk before the roster.
    """
    workbook = xlsxwriter.Workbook(str(path), {"date_1904": date1904})
    if hidden_sheet_first:
        junk = workbook.add_worksheet("Notes")
        junk.write_row(0, 0, ["ID", "Last Name", "Paid Through"])
        junk.write_row(1, 0, [1, "Nobody", "2020-01-01"])
        junk.hide()
    sheet = workbook.add_worksheet(sheet_name)
    sheet.activate()
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    offset = 0
    for offset, title in enumerate(before, start=1):
        sheet.write_string(offset - 1, 0, title)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(r + offset, c, value, date_format)
            elif isinstance(value, str) and value.startswith("="):
                sheet.write_formula(r + offset, c, value, None, 42)
            elif value is not None and value != "":
                sheet.write(r + offset, c, value)
    workbook.close()
    return path


def write_csv(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> Path:
    """A CSV file of `rows`, dates written as ISO text."""
    with path.open("w", encoding=encoding, newline="") as stream:
        writer = csv.writer(stream, delimiter=delimiter)
        for row in rows:
            writer.writerow([v.isoformat() if isinstance(v, dt.date) else v for v in row])
    return path


def rewrite_zip(
    source: Path, target: Path, *, replace: dict[str, bytes] | None = None,
    edit: Callable[[str, bytes], bytes] | None = None,
) -> Path:  # fmt: skip
    """Copy an xlsx package, replacing or editing some of its parts."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if replace and info.filename in replace:
                data = replace[info.filename]
            if edit is not None:
                data = edit(info.filename, data)
            new.writestr(info.filename, data)
    return target


def hostile_xlsx(
    source: Path, target: Path, far_cell: str, *, dimension: str | None = None
) -> Path:
    """A copy of a good roster with one more real cell at `far_cell` (and a lying `<dimension>`).

    The cell is written in its own row at the sheet's end, as a spreadsheet program would.
    """
    row = "".join(ch for ch in far_cell if ch.isdigit())

    def edit(name: str, data: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return data
        cell = f'<row r="{row}"><c r="{far_cell}"><v>1</v></c></row>'.encode()
        data = data.replace(b"</sheetData>", cell + b"</sheetData>")
        if dimension is not None:
            data = re.sub(
                rb'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"'.encode(), data
            )
        return data

    return rewrite_zip(source, target, edit=edit)


def shared_string_bomb(source: Path, target: Path, *, uses: int, size: int) -> Path:
    """A copy of a good roster whose sheet gains `uses` cells all showing one `size`-byte string."""

    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/sharedStrings.xml":
            data = re.sub(
                rb'count="\d+" uniqueCount="(\d+)"', rb'count="\1" uniqueCount="\1"', data
            )
            big = b"<si><t>" + b"x" * size + b"</t></si>"
            return data.replace(b"</sst>", big + b"</sst>")
        if name == "xl/worksheets/sheet1.xml":
            with zipfile.ZipFile(source) as package:
                index = package.read("xl/sharedStrings.xml").count(b"<si>")
            rows = b"".join(
                f'<row r="{10 + n // 20}">'.encode()
                + b"".join(
                    f'<c r="{chr(65 + c)}{10 + n // 20}" t="s"><v>{index}</v></c>'.encode()
                    for c in range(20)
                )
                + b"</row>"
                for n in range(0, uses, 20)
            )
            return data.replace(b"</sheetData>", rows + b"</sheetData>")
        return data

    return rewrite_zip(source, target, edit=edit)
