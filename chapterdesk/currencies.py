"""The currencies a chapter may keep its dues in: ISO 4217 codes in use today, with their names.

Babel (the Unicode CLDR data) knows every ISO 4217 code, retired ones too
(the peseta, the old Afghan afghani); the list offered is the codes some
country uses as legal tender today, named in English ("CAD — Canadian
Dollar"), so a chapter abroad picks its currency instead of typing a code.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from babel import Locale
from babel.numbers import get_currency_name, get_territory_currencies


@cache
def currency_choices() -> tuple[tuple[str, str], ...]:
    """(code, English name) of every currency in use today, by code."""
    today = dt.date.today()
    codes: set[str] = set()
    for territory in Locale("en").territories:
        if isinstance(territory, str) and territory.isalpha() and len(territory) == 2:
            codes.update(get_territory_currencies(territory, today, tender=True))
    return tuple(sorted((code, get_currency_name(code, locale="en")) for code in codes))
