"""Strings that recur across a long PDF, turned into PDF text operators once per document.

A chapter's statements print the same labels, dates, amounts and how-to-pay
lines on thousands of pages, and its mailing labels the same firm names and
city lines thousands of times. Writing a string into a reportlab text object
(`_formatText`) looks up the code of every character in the font's subsets
each time; `Recurring` keeps what a string was written as and appends that
again, so only strings not yet seen in the document are looked up.

What reportlab writes for a string depends on the text object's font, size
and leading, on the font subset in use before it (a subset switch writes a Tf
operator), and on the codes the document's subsets gave its characters, which
never change once given. The first three are the key; the codes are why a
`Recurring` starts afresh for each document.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Recurring"]


class Recurring:
    """The PDF operators strings were written as in one document, to write them again."""

    def __init__(self) -> None:
        self._document: Any = None
        self._written: dict[tuple[Any, ...], tuple[str, int]] = {}

    def write(self, text: Any, value: str, after: str = "") -> None:
        """Write `value` at `text`'s current origin, as its `_formatText` would, then `after`.

        `text` is a reportlab text object in a TrueType font (the report fonts);
        its cursor is not moved (every caller sets the origin of each string).
        """
        document = text._canvas._doc
        if document is not self._document:
            self._document = document
            self._written = {}
        key = (text._fontname, text._fontsize, text._leading, text._curSubset, value, after)
        known = self._written.get(key)
        if known is None:
            operators = text._formatText(value)
            known = self._written[key] = (f"{operators}{after}", text._curSubset)
        text._code.append(known[0])
        text._curSubset = known[1]
