"""What reading an HQ export produces: valid rows, problems, and the facts of the file.

These are plain frozen values so the diff and apply step, the command line and
the UI can all hold them without caring how the file was read. Nothing here
touches the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from chapterdesk.hqsync.mapping import Mapping

#: `progress(phase, done, total)`: phase is "checking", "reading" or "validating";
#: total is None while it is not known.
ProgressCallback = Callable[[str, int, int | None], None]
#: `cancel()` is polled every few thousand rows; returning True stops the import.
CancelCallback = Callable[[], bool]

#: What a cell of a valid row becomes: text, a date, nothing, or (for chapters) names.
FieldValue = str | dt.date | None | tuple[str, ...]


class ImportCancelled(Exception):
    """The officer cancelled the import while the file was being read; nothing was kept."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one row, worded for the officer who has to fix the file.

    Attributes:
        row: the 1-based row number the officer sees in the spreadsheet (or the
            record number in a CSV file).
        column: the header text of the column at fault, as written in the file.
        message: what is wrong and, where it helps, what to write instead.
    """

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return f"row {self.row}, {self.column}: {self.message}"
        return f"row {self.row}: {self.message}"


@dataclass(frozen=True, slots=True)
class HqRow:
    """One valid member row, its values keyed by canonical field name.

    `values` holds only the fields the file has a column for, so the diff step
    can tell "HQ sent this field empty" ("" or None) from "HQ did not send this
    field" (absent). `hq_id` is always present and normalised (no leading
    zeros); dates are `datetime.date` or None; `chapters` is a tuple of names.
    """

    row: int
    values: dict[str, object]


@dataclass(frozen=True)
class ParsedExport:
    """An HQ export read, mapped and validated, ready for the diff step.

    Attributes:
        path: the file that was read.
        file_format: "xlsx", "xlsb", "ods", "xls" or "csv", decided by the file's content.
        delimiter: the CSV delimiter used ("," ";" or a tab); None for workbooks.
        encoding: the CSV text encoding ("utf-8", "utf-8-sig", "cp1252", "utf-16");
            None for workbooks.
        sheet_name: the worksheet read; None for CSV.
        header_row: the 1-based row number of the header.
        headers: the header texts as written in the file.
        mapping: which column each canonical field was read from.
        numbers: the row numbers of the valid rows only, in file order.
        columns: the valid rows' values, one list per mapped field, parallel to
            `numbers` (kept by column: half a million dicts would not fit).
        problems: every problem found, in row order; a row with any problem is
            not in `rows`.
        invalid_rows: how many rows had at least one problem.
        total_rows: how many member rows were read (blank and totals rows excluded).
        unmapped_headers: header texts that were not used (extra or duplicate columns).
        ids_in_file: every member ID named in the file, valid row or not.
    """

    path: Path
    file_format: str
    delimiter: str | None
    encoding: str | None
    sheet_name: str | None
    header_row: int
    headers: tuple[str, ...]
    mapping: Mapping
    numbers: list[int]
    columns: dict[str, list[object]]
    problems: list[Problem]
    invalid_rows: int
    total_rows: int
    unmapped_headers: tuple[str, ...]
    #: Every member ID the file names, on valid and invalid rows alike: a member whose
    #: row was skipped as invalid is still in HQ's export, not missing from it.
    ids_in_file: frozenset[str] = frozenset()
    #: The valid rows written as lines (`hqsync.lines`), parallel to `numbers`, for the plan
    #: to tell changed rows apart; None when not written. The plan empties the list once used.
    lines: list[str] | None = None

    @property
    def row_count(self) -> int:
        """How many valid member rows the export has."""
        return len(self.numbers)

    @cached_property
    def rows(self) -> list[HqRow]:
        """The valid rows one by one, each with its values keyed by field (built on demand)."""
        names = tuple(self.columns)
        return [
            HqRow(number, dict(zip(names, values, strict=True)))
            for number, *values in zip(self.numbers, *self.columns.values(), strict=True)
        ]

    @property
    def is_clean(self) -> bool:
        """True when every member row is valid and the import may go ahead as it is."""
        return not self.problems
