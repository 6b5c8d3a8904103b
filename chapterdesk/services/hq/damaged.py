"""Telling a text that lost its letters to an encoding from a real change.

A CSV that LibreOffice saved in its default Windows-1252 turns every letter
that encoding lacks into "?": "Nguyễn" arrives as "Nguy?n". Offered as a
change, an officer would accept it and the roster would print "Nguy?n" on
every label. So a new value that differs from the stored one only where a
letter outside ASCII became "?" is not a change: the stored text is kept and
the field is flagged as damaged by the file's encoding.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class DamagedText:
    """A field whose new value only replaced letters with "?" (kept as stored)."""

    hq_id: str
    field: str
    kept: str
    in_file: str


def only_lost_letters(old: object, new: object) -> bool:
    """True when `new` is `old` with some letters outside ASCII replaced by "?"."""
    if not isinstance(old, str) or not isinstance(new, str) or "?" not in new or old == new:
        return False
    old = unicodedata.normalize("NFC", old)
    if len(old) != len(new):
        return False
    lost = False
    for was, now in zip(old, new, strict=True):
        if was == now:
            continue
        if now != "?" or was.isascii():
            return False
        lost = True
    return lost
