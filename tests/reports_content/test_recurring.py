"""Strings written again from `Recurring` come out as reportlab writes them, byte for byte.

The statements and the labels write each recurring string's PDF operators
once per document and repeat them. If a repeat ever differed from what
reportlab would write at that point (another font subset in use, a character
coded differently in another document), a page would print the wrong glyphs,
so each PDF here is built both ways and compared as bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from reportlab import rl_config
from reportlab.pdfgen.canvas import Canvas

from chapterdesk.reports.recurring import Recurring
from chapterdesk.reports.styles import BODY_FONT, BOLD_FONT, register_fonts

# More than 256 distinct characters: the body font's codes run into a second subset, so
# repeated strings land both before and after a subset switch, in either subset.
_LETTERS = "".join(chr(c) for c in range(0x100, 0x250))
_STRINGS = [
    "Statement date",
    _LETTERS[:120],
    "Amount due: $150.00",
    _LETTERS[120:],
    "Statement date",
    _LETTERS[300:310] + " Żółć",
    "Amount due: $150.00",
    _LETTERS[:5],
    "",
    "Baker & Whitfield LLP",
]

Write = Callable[[Any, str, str], None]


def _plain(text: Any, value: str, after: str) -> None:
    text._code.append(f"{text._formatText(value)}{after}")


def _pdf(path: Path, write: Write, pages: int = 3) -> bytes:
    """A few pages of `_STRINGS` in two fonts and sizes, each string at its own origin."""
    canvas = Canvas(str(path), initialFontName=BODY_FONT)
    for page in range(pages):
        text = canvas.beginText()
        for number, value in enumerate(_STRINGS * 3):
            if number % 7 == 0:  # otherwise the subset in use runs on from the last string
                text.setFont(BOLD_FONT if number % 2 else BODY_FONT, 9.5 if number % 3 else 10.5)
            text.setTextOrigin(40, 800 - 12 * number)
            write(text, value, " T*" if page == 1 else "")
        canvas.drawText(text)
        canvas.showPage()
    canvas.save()
    return path.read_bytes()


@pytest.fixture(autouse=True)
def _invariant(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fixed dates and document IDs, so that two builds of the same pages are equal bytes."""
    monkeypatch.setattr(rl_config, "invariant", 1)
    register_fonts()


def test_recurring_strings_are_written_as_reportlab_writes_them(tmp_path: Path) -> None:
    expected = _pdf(tmp_path / "plain.pdf", _plain)
    recurring = Recurring()
    assert _pdf(tmp_path / "recurring.pdf", recurring.write) == expected


def test_each_document_starts_afresh(tmp_path: Path) -> None:
    """The second document codes its characters anew: nothing of the first is reused."""
    recurring = Recurring()
    _pdf(tmp_path / "first.pdf", recurring.write)
    expected = _pdf(tmp_path / "plain.pdf", _plain, pages=1)
    assert _pdf(tmp_path / "second.pdf", recurring.write, pages=1) == expected
