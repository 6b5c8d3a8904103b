"""Properties of the per-script font runs and of cell wrapping (issue 16): nothing is lost.

Whatever mix of scripts a name has, its runs put back together are the name in
drawing order, each run's letters are in the font that prints it, and a cell
too narrow for its text is broken into lines that hold every character.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.pdfbase import pdfmetrics

from chapterdesk.reports.fontchain import is_rtl, runs, text_width, visual
from chapterdesk.reports.pdfdoc import Lines
from chapterdesk.reports.styles import BODY_FONT, register_fonts, report_styles
from chapterdesk.reports.tables import _wrap

#: Letters from every script the reports print, and the punctuation names carry.
_LETTERS = (
    "abcXYZéŁøñ"
    "αβΓΩ"
    "абвЖЯ"
    "محمدعليابن"
    "דודכהןשרה"
    "राजेशशर्मा"
    "สมชายใจดี"
    "王伟李陳さくらケン김민준"
    "0123456789"
    " ,.-'@"
)
names = st.text(alphabet=_LETTERS, min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(names)
def test_runs_rebuild_the_text_in_drawing_order_each_in_a_font_that_has_it(text: str) -> None:
    register_fonts()
    parts = runs(text, BODY_FONT)
    assert "".join(part for _, part in parts) == visual(text)
    for font, part in parts:
        face = pdfmetrics.getFont(font).face
        assert all(ord(c) in face.charToGlyph for c in part if not c.isspace()), (font, part)
    assert text_width(text, BODY_FONT, 9) >= 0


@settings(max_examples=150, deadline=None)
@given(names, st.floats(min_value=12, max_value=200))
def test_a_wrapped_cell_keeps_every_character_and_each_line_fits(text: str, room: float) -> None:
    register_fonts()
    font = pdfmetrics.getFont(BODY_FONT)
    lines = _wrap(text, room, font)
    assert "".join("".join(lines).split()) == "".join(text.split())
    for line in lines:
        # a line is wider than the cell only when it is one letter
        assert text_width(line, BODY_FONT, 9) <= room + 1 or len(line) == 1


def test_right_to_left_is_told_by_the_first_strong_letter() -> None:
    assert is_rtl("כהן, דוד") and is_rtl("الهاشمي, Omar")
    assert not is_rtl("Omar الفاروق") and not is_rtl("100257")


_MARKED = _LETTERS + "\u064f\u0651\u093f\u094d\u0e34\u0e4c"  # Arabic, Devanagari, Thai marks


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=_MARKED, min_size=1, max_size=300), st.floats(min_value=40, max_value=500))
def test_a_paragraph_laid_out_line_by_line_keeps_every_character_and_each_line_fits(
    text: str, room: float
) -> None:
    """What an officer types into a paragraph (`pdfdoc.Lines`): nothing lost, nothing too wide
    (a word longer than the line is cut between letters)."""
    register_fonts()
    lines = Lines([text], report_styles().body, prose=True)
    lines.wrap(room, 10_000)
    assert " ".join(lines._drawn).replace(" ", "") == text.replace(" ", "")
    for line in lines._drawn:
        assert text_width(line, BODY_FONT, 10) <= room + 0.01 or len(line.strip()) <= 1, line
