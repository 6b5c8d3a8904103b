"""Reading the dates an HQ export carries, and refusing the ones that would be guesses.

A date reaches us in one of three shapes: a date cell (python-calamine already
gives a `datetime.date`/`datetime.datetime`, honouring the workbook's 1900 or
1904 date system), an Excel serial number in a plain numeric cell (converted
here, using the date system read from the workbook), or text. Text is accepted
as ISO (2026-12-31) or US month-first (12/31/2026, 1/5/2026). Anything else,
such as a two-digit year or a day-first date, is an error for that row rather
than a guess: a wrong paid-through date would misstate a member's standing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

#: What to tell the officer whenever a text date cannot be read.
DATE_ADVICE = "write dates as YYYY-MM-DD or MM/DD/YYYY"

#: The problem for an empty cell in a column every member row must fill.
EMPTY_REQUIRED = "the cell is empty; every member row needs one."

_EPOCH_1900 = dt.date(1899, 12, 30)  # serial 61 onwards (after Excel's phantom 1900-02-29)
_EPOCH_1904 = dt.date(1904, 1, 1)
_LAST_SERIAL_1900 = 2_958_465  # 9999-12-31
_LAST_SERIAL_1904 = _LAST_SERIAL_1900 - 1462


class CellProblem(ValueError):
    """A cell's value cannot be used; the message is the officer-facing reason."""


def _shown(value: object) -> str:
    text = str(value)
    return repr(text if len(text) <= 40 else text[:40] + "…")


def serial_to_date(serial: float, date1904: bool) -> dt.date:
    """The day an Excel serial number stands for (any time of day is dropped).

    Args:
        serial: days since the workbook's epoch, as Excel stores them.
        date1904: True for workbooks in the 1904 date system (old Mac Excel).

    Raises:
        CellProblem: the number is not a day Excel can represent.
    """
    if serial != serial or serial < (0 if date1904 else 1):
        raise CellProblem(f"{_shown(serial)} is a number, not a date; {DATE_ADVICE}.")
    days = int(serial)
    if date1904:
        if days > _LAST_SERIAL_1904:
            raise CellProblem(f"{_shown(serial)} is a number, not a date; {DATE_ADVICE}.")
        return _EPOCH_1904 + dt.timedelta(days=days)
    if days > _LAST_SERIAL_1900:
        raise CellProblem(f"{_shown(serial)} is a number, not a date; {DATE_ADVICE}.")
    if days == 60:
        raise CellProblem("29 February 1900 (Excel serial 60) is not a real date.")
    if days < 60:  # before Excel's phantom leap day the epoch is one day later
        return _EPOCH_1900 + dt.timedelta(days=days + 1)
    return _EPOCH_1900 + dt.timedelta(days=days)


def _real_date(year: int, month: int, day: int, text: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellProblem(f"{_shown(text)} is not a real calendar date.") from None


def parse_date_text(text: str) -> dt.date:
    """A date written as text: ISO YYYY-MM-DD (a time part is ignored) or US MM/DD/YYYY.

    Raises:
        CellProblem: the text is ambiguous, day-first, not a date, or an impossible day.
    """
    if len(text) >= 10 and text[4] == "-" and text[7] == "-" and text[:4].isdigit():
        head, rest = text[:10], text[10:]
        if (not rest or rest[0] in " T") and head[5:7].isdigit() and head[8:10].isdigit():
            return _real_date(int(head[:4]), int(head[5:7]), int(head[8:10]), text)
    parts = text.split("/")
    if len(parts) == 3 and all(p.isdigit() and p.isascii() for p in parts):
        month, day, year = parts
        if len(year) != 4:
            raise CellProblem(
                f"{_shown(text)} is ambiguous (the year needs four digits); {DATE_ADVICE}."
            )
        if int(month) > 12:
            raise CellProblem(f"{_shown(text)} is not a month-first (US) date; {DATE_ADVICE}.")
        if len(month) <= 2 and len(day) <= 2:
            return _real_date(int(year), int(month), int(day), text)
    raise CellProblem(f"{_shown(text)} is not a date ChapterDesk can read; {DATE_ADVICE}.")


def make_date_reader(date1904: bool, required: bool = False) -> Callable[[object], dt.date | None]:
    """A converter from any cell value to a date (None for an empty cell, unless `required`).

    Equal dates come back as one shared object, which keeps half a million rows
    of mostly repeated paid-through dates small in memory.

    Raises (from the returned function):
        CellProblem: the value is not a usable date.
    """
    seen: dict[object, dt.date] = {}
    date_type, datetime_type = dt.date, dt.datetime

    def read_date(value: object) -> dt.date | None:
        kind = value.__class__
        known = seen.get(value)
        if known is not None and kind is not bool:  # True == 1 would find serial 1
            return known
        if kind is str:
            text = value.strip()  # type: ignore[attr-defined]
            if not text:
                if required:
                    raise CellProblem(EMPTY_REQUIRED)
                return None
            result = parse_date_text(text)
        elif kind is datetime_type:
            result = value.date()  # type: ignore[attr-defined]
        elif kind is date_type:
            result = value  # type: ignore[assignment]
        elif kind is float or kind is int:
            result = serial_to_date(value, date1904)  # type: ignore[arg-type]
        elif value is None:
            if required:
                raise CellProblem(EMPTY_REQUIRED)
            return None
        elif isinstance(value, (dt.time, dt.timedelta)):
            raise CellProblem(f"{_shown(value)} is a time, not a date; {DATE_ADVICE}.")
        else:
            raise CellProblem(f"{_shown(value)} is not a date; {DATE_ADVICE}.")
        if len(seen) < 100_000:
            seen[value] = result
        return result

    return read_date
