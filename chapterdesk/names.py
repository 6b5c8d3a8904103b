"""How a member's name is written and ordered for a reader: the one name formatter.

HQ gives a name in parts (prefix, first, middle, last, suffix). Three forms
are written from them, here only, and every screen, command, report and
export calls these:

- `display_name` "Andrew J. Adams, Jr.": the name in a sentence, a title or a
  column read across (the member panel, `dues list`, the dues pages);
- `sort_name` "Adams, Andrew J.": the name in a list looked up by last name
  (the roster, the voting list, the directory, with the suffix where asked);
- `address_name` "Ms. Andrew J. Adams, Jr.": the name on an envelope, a
  mailing label, a statement or a receipt, the only form with the prefix.

A name set into an on-screen sentence goes in `in_sentence`: a right-to-left
name (Arabic, Hebrew) is isolated, so the sentence keeps its own direction and
its full stop stays at its end.

A printed list is looked up by eye, so Żółć is found under Z and Ødegård
under O, whatever the database's collation does (`folded`). Plain Python.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "address_name",
    "display_name",
    "folded",
    "in_sentence",
    "searched_name",
    "shorter_address_names",
    "sort_name",
]

#: Unicode's first-strong isolate and its end: text between them takes its own direction
#: without turning what is around it (UAX #9). Qt lays the line out by them but finds a
#: paragraph's direction from its first strong letter, isolated or not, so a left-to-right
#: mark goes first: a sentence that begins with the name is still read left to right.
_ISOLATE, _END_ISOLATE = "\u200e\u2068", "\u2069"


def in_sentence(name: str) -> str:
    """A name to set into a sentence on screen: isolated, so its script cannot turn the sentence.

    "محمد الأحمد owes 150.00." would be laid out right to left from its first
    letter, right-aligned with the full stop at the front; isolated, the name
    reads right to left inside a sentence that stays left to right.
    """
    return f"{_ISOLATE}{name}{_END_ISOLATE}" if name else name


def with_id(name: str, hq_id: str) -> str:
    """A member as a list, a tooltip or a status line names them: "Baker, Mary (100123)",
    the name isolated (`in_sentence`) so that one read from the right keeps the ID after it."""
    return f"{in_sentence(name)} ({hq_id})"


#: an initial's full stop: one letter, a stop, then a space, a comma, the end or another initial
_INITIAL_STOP = re.compile(r"\b(\w)\.(?=[\s,]|$|\w\.)")

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
    if text.isascii():  # nothing to take off (most names): a 50k-member list sorts faster
        return text.casefold()
    plain = unicodedata.normalize("NFKD", text.translate(_NO_DECOMPOSITION))
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold()


def searched_name(text: str) -> str:
    """A typed search with initials' stops taken off: "J. A. Baker" is searched as "J A Baker".

    A member's name is kept as HQ sends it ("Joshua A. Baker", "Mary Baker"),
    so an initial is found as the start of a name only without its stop. An
    e-mail address (anything with "@") is searched as typed.
    """
    if "@" in text:
        return text
    plain, stops = _INITIAL_STOP.subn(r"\1 ", text)
    return " ".join(plain.split()) if stops else text


def _joined(*parts: str) -> str:
    return " ".join(filter(None, parts))  # the parts that are not empty


def display_name(first: str, middle: str, last: str, suffix: str = "") -> str:
    """The name as read in a sentence: "Andrew J. Adams, Jr." (no prefix)."""
    name = _joined(first, middle, last)
    return f"{name}, {suffix}" if suffix else name


def sort_name(first: str, middle: str, last: str, suffix: str = "") -> str:
    """The name as listed by last name: "Adams, Andrew J." (", Jr." only when `suffix` is given).

    A member with a single name (some HQ systems keep it in the last-name
    column) is listed by it alone.
    """
    given = _joined(first, middle)
    name = f"{last}, {given}" if given and last else (last or given)
    return f"{name}, {suffix}" if suffix else name


def address_name(prefix: str, first: str, middle: str, last: str, suffix: str) -> str:
    """The name on an envelope, a label or a letter: "Ms. Andrew J. Adams, Jr."."""
    return _joined(prefix, display_name(first, middle, last, suffix))


def _initial(name: str) -> str:
    """"Andrew" as "A.", "Jean-Luc" as "J.-L."; a name already an initial stays as it is."""
    parts = [p for p in name.split("-") if p]
    return "-".join(f"{p[0]}." for p in parts) if parts else ""


def shorter_address_names(
    prefix: str, first: str, middle: str, last: str, suffix: str
) -> list[str]:
    """The address name ever shorter, for a label too narrow: the last name is always whole.

    "Ms. Andrew James Adams, Jr." gives "Ms. Andrew J. Adams, Jr.", "Ms. A. J.
    Adams, Jr.", "A. J. Adams, Jr.", then "Adams, Jr." (each once).
    """
    middle_initials = " ".join(_initial(m) for m in middle.split())
    first_initials = " ".join(_initial(f) for f in first.split())
    forms = [
        address_name(prefix, first, middle_initials, last, suffix),
        address_name(prefix, first_initials, middle_initials, last, suffix),
        display_name(first_initials, middle_initials, last, suffix),
        display_name("", "", last, suffix),
    ]
    full = address_name(prefix, first, middle, last, suffix)
    out: list[str] = []
    for form in forms:
        if form and form != full and form not in out:
            out.append(form)
    return out
