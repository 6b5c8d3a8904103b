"""How names are ordered for a reader: accents folded, case ignored.

A printed list is looked up by eye, so Żółć is found under Z and Ødegård
under O, whatever the database's collation does. Plain Python, used by the
services and the reports alike.
"""

from __future__ import annotations

import unicodedata

__all__ = ["folded"]

#: letters that have no decomposition to a base letter
_NO_DECOMPOSITION = str.maketrans(
    {
        "Ł": "L",
        "ł": "l",
        "Ø": "O",
        "ø": "o",
        "Đ": "D",
        "đ": "d",
        "Æ": "AE",
        "æ": "ae",
        "Œ": "OE",
        "œ": "oe",
        "ß": "ss",
        "Þ": "Th",
        "þ": "th",
    }
)


def folded(text: str) -> str:
    """`text` without accents, case-folded: the key a printed list is sorted by."""
    plain = unicodedata.normalize("NFKD", text.translate(_NO_DECOMPOSITION))
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold()
