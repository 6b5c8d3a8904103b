"""Tables written as spreadsheets: `.xlsx` for people, `.csv` for other programs.

Every export (the roster, the chapter's report to HQ) goes through here so
that all of them share the same guarantees:

- a date is a real date cell, an amount a real number with two decimals, so
  the treasurer can sort and sum without retyping anything;
- a member's text can never run as a formula in the officer's spreadsheet
  program (CSV/formula injection): in `.xlsx` text is always written as a
  string cell, with xlsxwriter's string-to-formula/number/URL conversions
  off; in `.csv` text starting with `=`, `+`, `-`, `@`, a tab or a carriage
  return is prefixed with `'`, as OWASP recommends. Numbers stay numbers;
- the file is replaced atomically, so a failed export leaves the old one;
- rows are streamed (xlsxwriter's constant-memory mode), so an export of the
  whole international roster does not hold it in memory.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from chapterdesk.atomic import atomic_path, atomic_write, scratch_folder
from chapterdesk.errors import BadInputError
from chapterdesk.money import money_text

if TYPE_CHECKING:
    import xlsxwriter

__all__ = ["Column", "ColumnKind", "Progress", "Sheet", "write_table", "write_workbook"]

ColumnKind = Literal["text", "date", "money", "int"]
#: Called with the number of rows written so far (every 1,000 rows and at the
#: end). To cancel an export, raise from it: the partial file is discarded.
Progress = Callable[[int], None]

_DEFAULT_WIDTH: dict[str, float] = {"text": 24, "date": 12, "money": 14, "int": 10}
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PROGRESS_EVERY = 1000
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_DATE_FORMAT = "yyyy-mm-dd"
_MONEY_FORMAT = "#,##0.00"


@dataclass(frozen=True)
class Column:
    """One column of an export: its heading, what its cells hold, its width.

    `width` is in Excel's units (characters of the default font); None picks
    one by kind. Cells of a "money" column are Decimals, of a "date" column
    `datetime.date`s, of an "int" column ints; None is an empty cell.
    """

    header: str
    kind: ColumnKind = "text"
    width: float | None = None


@dataclass(frozen=True)
class Sheet:
    """One tab of a workbook: its name, its columns and its rows."""

    name: str
    columns: list[Column]
    rows: Iterable[Sequence[object]]


def neutralise_formula(text: str) -> str:
    """`text` made inert for a spreadsheet program reading a CSV ("=1+1" → "'=1+1")."""
    if text.startswith(_FORMULA_TRIGGERS):
        return "'" + text
    return text


def write_table(
    path: Path,
    columns: list[Column],
    rows: Iterable[Sequence[object]],
    *,
    sheet_name: str,
    progress: Progress | None = None,
) -> int:
    """Write one table as `.xlsx` or `.csv`, chosen by `path`'s suffix; returns the row count.

    Raises:
        BadInputError: the suffix is neither .xlsx nor .csv, or the disk is full
            or the folder not writable (the previous file is unchanged).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return write_workbook(path, [Sheet(sheet_name, columns, rows)], progress=progress)
    if suffix == ".csv":
        return _write_csv(path, columns, rows, progress)
    raise BadInputError(
        f"Cannot export to {path.name}: choose a file name ending in .xlsx (Excel) or .csv."
    )


def write_workbook(path: Path, sheets: list[Sheet], *, progress: Progress | None = None) -> int:
    """Write an `.xlsx` workbook with one tab per `Sheet`; returns the total row count.

    Each tab has a bold, frozen heading row with a filter over the data.

    Raises:
        BadInputError: `path` does not end in .xlsx, or the disk is full or the
            folder not writable (the previous file is unchanged).
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise BadInputError(
            f"Cannot write a workbook to {path.name}: choose a file name ending in .xlsx."
        )
    if not sheets:
        raise ValueError("a workbook needs at least one sheet")
    # imported when a workbook is written: a window page that only lists columns (the
    # Dues page's tables) should not pay a tenth of a second for it on opening
    import xlsxwriter
    from xlsxwriter.exceptions import FileCreateError

    written = 0
    with atomic_path(path) as temporary, scratch_folder() as parts:
        workbook = xlsxwriter.Workbook(
            str(temporary),
            {
                "constant_memory": True,
                "tmpdir": str(parts),  # its parts: removed even after a crash (`scratch_folder`)
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        try:
            formats = _Formats(workbook)
            names: set[str] = set()
            for sheet in sheets:
                name = _sheet_name(sheet.name, names)
                written = _write_xlsx_sheet(
                    workbook.add_worksheet(name), formats, sheet, written, progress
                )
        except BaseException:
            # close the constant-memory temporary files; the output is discarded anyway,
            # and the first error is the one to report
            with contextlib.suppress(Exception):
                workbook.close()
            raise
        try:
            workbook.close()
        except FileCreateError as error:
            cause = error.args[0] if error.args else None
            if isinstance(cause, OSError):
                raise cause from error  # atomic_path turns ENOSPC/EACCES into a sentence
            raise
    if progress is not None:
        progress(written)
    return written


class _Formats:
    """The cell formats every sheet of a workbook shares."""

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.header = workbook.add_format(
            {"bold": True, "bottom": 1, "bg_color": "#DCE3ED", "text_wrap": True, "valign": "top"}
        )
        self.date = workbook.add_format({"num_format": _DATE_FORMAT, "align": "left"})
        self.money = workbook.add_format({"num_format": _MONEY_FORMAT})
        self.int = workbook.add_format({"num_format": "0"})


def _sheet_name(wanted: str, taken: set[str]) -> str:
    """A valid, unique Excel tab name: no []:*?/\\, at most 31 characters."""
    base = _BAD_SHEET_CHARS.sub("-", wanted).strip("'").strip() or "Sheet"
    name = base[:31]
    number = 2
    while name.lower() in taken:
        tail = f" ({number})"
        name = base[: 31 - len(tail)] + tail
        number += 1
    taken.add(name.lower())
    return name


def _write_xlsx_sheet(
    worksheet: Any, formats: _Formats, sheet: Sheet, written: int, progress: Progress | None
) -> int:
    """Headings, widths, freeze and filter, then every row in order (constant memory)."""
    columns = sheet.columns
    for index, column in enumerate(columns):
        worksheet.set_column(index, index, column.width or _DEFAULT_WIDTH[column.kind])
        worksheet.write_string(0, index, column.header, formats.header)
    worksheet.freeze_panes(1, 0)
    kinds = [column.kind for column in columns]
    row_number = 0
    for row_number, row in enumerate(sheet.rows, start=1):
        if len(row) != len(columns):
            raise ValueError(f"row {row_number} has {len(row)} cells, expected {len(columns)}")
        for index, (kind, value) in enumerate(zip(kinds, row, strict=True)):
            _write_xlsx_cell(worksheet, formats, row_number, index, kind, value)
        written += 1
        if progress is not None and written % _PROGRESS_EVERY == 0:
            progress(written)
    worksheet.autofilter(0, 0, max(row_number, 1), len(columns) - 1)
    return written


def _write_xlsx_cell(
    worksheet: Any, formats: _Formats, row: int, col: int, kind: str, value: object
) -> None:
    """One cell as the type its column promises; anything else as inert text."""
    if value is None:
        return
    if kind == "money" and isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
        worksheet.write_number(row, col, float(value), formats.money)
    elif kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        worksheet.write_number(row, col, value, formats.int)
    elif kind == "date" and isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        worksheet.write_datetime(row, col, day, formats.date)
    else:
        worksheet.write_string(row, col, str(value))  # never write(): no formula, ever


def _csv_cell(kind: str, value: object) -> str:
    """One cell's CSV text: ISO dates, plain decimals, and inert text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return neutralise_formula(str(value))
    if kind == "money" and isinstance(value, (Decimal, int, float)):
        return money_text(Decimal(str(value)))  # "150.00", as the JSON writes it
    if kind == "date" and isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        return day.isoformat()
    if isinstance(value, (Decimal, int, float)):
        return str(value)  # a number cannot be a formula; "-5" stays "-5"
    return neutralise_formula(str(value))


def _write_csv(
    path: Path, columns: list[Column], rows: Iterable[Sequence[object]], progress: Progress | None
) -> int:
    """UTF-8 with a byte-order mark (Excel then reads the accents right), one header row.

    The BOM also means the file never begins with the bytes "ID", which make
    Excel take a CSV for a SYLK file, even when the first heading is "ID".
    """
    kinds = [column.kind for column in columns]
    written = 0
    with atomic_write(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([neutralise_formula(column.header) for column in columns])
        for written, row in enumerate(rows, start=1):
            if len(row) != len(columns):
                raise ValueError(f"row {written} has {len(row)} cells, expected {len(columns)}")
            writer.writerow([_csv_cell(k, v) for k, v in zip(kinds, row, strict=True)])
            if progress is not None and written % _PROGRESS_EVERY == 0:
                progress(written)
    if progress is not None:
        progress(written)
    return written
