"""Writing the roster view to a .csv or .xlsx file (the one place an export is written).

Kept in one small function so it can switch to `chapterdesk.exports.sheets`
once that module lands. Cells that a spreadsheet would run as a formula
(text starting with =, +, -, @, tab or carriage return) are written with a
leading apostrophe, so a hostile name in HQ data cannot execute on opening.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

from chapterdesk.errors import BadInputError

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def write_rows(path: Path, headers: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    """Write the rows to `path` (.csv or .xlsx, by its suffix); returns how many were written.

    Raises:
        BadInputError: an unsupported suffix, or the file cannot be written.
    """
    suffix = path.suffix.lower()
    count = 0
    try:
        if suffix == ".csv":
            with path.open("w", newline="", encoding="utf-8-sig") as handle:
                writer = csv.writer(handle)
                writer.writerow(headers)
                for row in rows:
                    writer.writerow([_safe(v) for v in row])
                    count += 1
        elif suffix == ".xlsx":
            from openpyxl import Workbook

            book = Workbook(write_only=True)
            sheet = book.create_sheet("Roster")
            sheet.append(list(headers))
            for row in rows:
                sheet.append([_safe(v) for v in row])
                count += 1
            book.save(path)
        else:
            raise BadInputError(
                f"{path.name} is neither a .csv nor an .xlsx file; choose one of those."
            )
    except OSError as exc:
        raise BadInputError(f"Cannot write {path}: {exc.strerror}. Choose another place.") from None
    return count
