"""Parsing what an officer types: HQ member IDs, dates, currency codes.

Each parser either returns a clean value or raises `BadInputError` with a
sentence that says what is wrong and what to type instead.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from chapterdesk.errors import BadInputError

_HQ_ID = re.compile(r"^\s*0*(\d{1,18})(?:\.0*)?\s*$", re.ASCII)
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")


MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def long_date(day: dt.date, *, weekday: bool = False) -> str:
    """A date no reader can misread, whatever their country: "1 July 2026".

    The same on every page, report and sentence, and in English whatever the
    system's locale (`strftime`'s `%B` follows it, with a leading zero on the day).
    `weekday`: "Wednesday 1 July 2026".
    """
    text = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return f"{WEEKDAYS[day.weekday()]} {text}" if weekday else text


def month_year(day: dt.date) -> str:
    """A day's month and year, as `long_date` names them: "July 2026"."""
    return f"{MONTHS[day.month - 1]} {day.year}"


def ascii_digits(text: str) -> str:
    """Text with every decimal digit made ASCII, after NFKC ('١٢٣', '１２３' → '123').

    HQ IDs typed or exported in other scripts' digits (Arabic-Indic, full-width,
    Devanagari, …) are the same IDs: one person must never be stored twice.
    """
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKC", text)
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def normalise_hq_id(raw: object) -> str:
    """An HQ member ID as ASCII digits, no leading zeros ('00123', 123.0, '１２３' → '123').

    Raises:
        BadInputError: the value is not a whole number of digits.
    """
    if isinstance(raw, bool):
        raise BadInputError(f"{raw!r} is not an HQ member ID; IDs are digits, like 104233.")
    if isinstance(raw, int):
        text = str(raw)
    elif isinstance(raw, float):
        if not raw.is_integer() or raw < 0:
            raise BadInputError(f"{raw!r} is not an HQ member ID; IDs are whole numbers.")
        text = str(int(raw))
    else:
        text = ascii_digits(str(raw))
    match = _HQ_ID.match(text)
    if not match:
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise BadInputError(f"{shown!r} is not an HQ member ID; IDs are digits, like 104233.")
    digits = match.group(1).lstrip("0")
    return digits or "0"


def parse_iso_date(raw: str, what: str = "date") -> dt.date:
    """A date typed as YYYY-MM-DD.

    Raises:
        BadInputError: naming `what` and the expected form.
    """
    try:
        return dt.date.fromisoformat(raw.strip())
    except (ValueError, AttributeError):
        raise BadInputError(
            f"{raw!r} is not a valid {what}; write it as YYYY-MM-DD, e.g. 2026-07-01."
        ) from None


def parse_currency(raw: str) -> str:
    """A three-letter ISO 4217 currency code, upper-cased (`usd` → `USD`)."""
    code = raw.strip().upper()
    if not _CURRENCY.match(code):
        raise BadInputError(
            f"{raw!r} is not a currency code; use three letters such as USD, CAD or GBP."
        )
    return code


def parse_month_day(raw: str) -> tuple[int, int]:
    """A dues-year start written MM-DD (`01-01`, `07-01`); 29 February is refused."""
    match = _MONTH_DAY.match(raw.strip())
    if match:
        month, day = int(match.group(1)), int(match.group(2))
        try:
            dt.date(2001, month, day)  # 2001 is not a leap year: every year has this day
        except ValueError:
            pass
        else:
            return month, day
    raise BadInputError(
        f"{raw!r} is not a year start; write it as MM-DD, e.g. 01-01 or 07-01 "
        "(a day every year has)."
    )


def check_year(year: int) -> int:
    """A dues year as typed, refused when it is not a plausible year."""
    if not 1900 <= year <= 2999:
        raise BadInputError(f"{year} is not a dues year; give a year such as 2026.")
    return year
