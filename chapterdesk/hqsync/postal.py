"""Postal codes that lost their leading zeros on the way through a spreadsheet.

A US HQ export opened and saved in Excel or LibreOffice carries ZIP codes as
numbers: `02134` arrives as `2134` (or `2134.0`), and a ZIP+4 `02134-1234`
as `21341234`; labels would print four-digit ZIP codes. Where the member's
country is the United States, whose format is known (five digits, ZIP+4 as
nine digits or `NNNNN-NNNN`), the zeros are put back. Any other country's
code is left as HQ sent it: there is no telling what was lost.
"""

from __future__ import annotations

import re
from collections.abc import MutableSequence, Sequence

#: How a country column names the United States (compared in lower case, dots removed).
US_NAMES = frozenset(
    {"us", "usa", "u s", "u s a", "united states", "united states of america", "america"}
)  # fmt: skip
_ZIP = re.compile(r"^(\d{1,5})(?:-(\d{1,4}))?$")
_ZIP9 = re.compile(r"^\d{6,9}$")


def is_us(country: object) -> bool:
    """True when a country cell names the United States."""
    if not isinstance(country, str):
        return False
    return country.strip().lower().replace(".", " ").replace("  ", " ").strip() in US_NAMES


def restore_zip(code: str) -> str:
    """A US ZIP code with its leading zeros put back ("2134" → "02134", "21341234" → "02134-1234").

    A code that is no US ZIP code in any form is returned as it is.
    """
    if _ZIP9.match(code):
        digits = code.zfill(9)
        return f"{digits[:5]}-{digits[5:]}"
    found = _ZIP.match(code)
    if found is None:
        return code
    five, four = found.groups()
    if four is None:
        return five.zfill(5)
    return f"{five.zfill(5)}-{four.zfill(4)}"


def restore_zip_codes(codes: MutableSequence[object], countries: Sequence[object]) -> list[int]:
    """Put back the leading zeros of every US member's postal code, in place; return where.

    A five-character code (most of them) is never touched, so the loop does
    little per member; whether a country is the US is decided once per spelling.
    """
    us: dict[object, bool] = {}
    restored: list[int] = []
    for index, (code, country) in enumerate(zip(codes, countries, strict=True)):
        if code.__class__ is not str or len(code) == 5 or not 0 < len(code) < 10:
            continue
        known = us.get(country)
        if known is None:
            known = us[country] = is_us(country)
        if known:
            fixed = restore_zip(code)
            if fixed != code:
                codes[index] = fixed
                restored.append(index)
    return restored
