"""Headings and paragraphs in Arabic, Hebrew or Devanagari print shaped and in reading order.

A report's headings and paragraphs carry text an officer typed: the chapter's
name on every receipt ("Paid to …"), a payment's reversal reason, a processor
note. reportlab's `Paragraph` drew such text letter by letter in the order
typed: Arabic came out with its letters unjoined and reversed, a Devanagari
conjunct fell apart, and a Hebrew paragraph of several lines was reordered
as a whole before it was wrapped, so its lines came in the wrong order. Here
a document is written with such headings and paragraphs and read back.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from itertools import pairwise
from pathlib import Path

import pytest
from reportlab.platypus import Paragraph

from chapterdesk.reports.fontchain import _actual, text_width, visual
from chapterdesk.reports.pdfdoc import Lines, ReportDocument
from tests.reports_content.pdftext import pdftotext
from tests.reports_content.test_shaped_scripts import (
    _MARKS,
    _gid_by_outline,
    _harfbuzz,
    _original,
    _spans,
)

ARABIC = "مُحَمَّد"  # joined letters, with the vowel marks typed over them
CHAPTER = "نقابة المحامين في الخليج"
HEBREW_SENTENCE = "שלום לכל חברי הסניף, הישיבה הבאה תתקיים ביום שלישי."
DEVANAGARI = "श्रीनिवास क्षत्रिय paid in full."


def _words(text: str) -> list[str]:
    """Words as a reader gets them: bidi marks pdftotext adds dropped, NFC."""
    return re.findall(r"\S+", unicodedata.normalize("NFC", _MARKS.sub("", text)))


def _pdftotext(pdf: Path, page: int | None = None) -> str:
    return pdftotext(pdf, *(() if page is None else ("-f", str(page), "-l", str(page))))


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[type]]:
    """The PDF, and the kinds of flowable its headings and paragraphs became."""
    target = tmp_path_factory.mktemp("paragraphs") / "receipt.pdf"
    document = ReportDocument(target, chapter_name=CHAPTER, title="Receipt 12",
                              as_of=dt.date(2026, 12, 6))  # fmt: skip
    document.add_heading(ARABIC)
    document.add_paragraph(f"Questions: {ARABIC}, Treasurer")
    document.add_paragraph(
        f"Paid to {CHAPTER}. Chapter dues are separate from international dues and are not "
        "refundable. Keep this receipt for your records.",
        small=True,
    )
    document.add_paragraph(" ".join([HEBREW_SENTENCE] * 4))
    document.add_paragraph(DEVANAGARI)
    document.add_heading("Zoë Ødegård")
    document.add_paragraph("A Latin paragraph stays a Paragraph.")
    kinds = [type(flowable) for flowable in document.story]
    document.build()
    return target, kinds


def test_only_text_that_needs_it_leaves_paragraph(
    document: tuple[Path, list[type]],
) -> None:
    assert document[1] == [Lines, Lines, Lines, Lines, Lines, Paragraph, Paragraph]


def test_arabic_in_a_heading_and_a_paragraph_is_drawn_as_harfbuzz_shapes_it(
    document: tuple[Path, list[type]],
) -> None:
    original = _original("NotoSansArabic")
    by_outline = _gid_by_outline(original)
    shaped = _harfbuzz(original, ARABIC)
    heading = [glyphs for text, glyphs in _spans(document[0]) if text == _actual(ARABIC)]
    assert len(heading) == 1
    in_line = [
        [key for font, key in glyphs if font == "NotoSansArabic"]
        for text, glyphs in _spans(document[0])
        if text == _actual(f"Questions: {ARABIC}, Treasurer")
    ]
    assert len(in_line) == 1
    for keys in ([key for _, key in heading[0]], in_line[0]):
        ids = [by_outline.get(key, set()) for key in keys]
        assert len(ids) == len(shaped)
        assert all(gid in found for gid, found in zip(shaped, ids, strict=True)), (ids, shaped)


def test_every_paragraph_reads_back_as_typed(document: tuple[Path, list[type]]) -> None:
    words = _words(_pdftotext(document[0]))
    text = " ".join(words)
    for typed in (
        f"Questions: {ARABIC}, Treasurer",
        f"Paid to {CHAPTER}. Chapter dues are separate",
        DEVANAGARI,
        " ".join([HEBREW_SENTENCE] * 4),  # its lines in reading order, each read from the right
    ):
        assert " ".join(_words(typed)) in text, typed


def test_a_right_to_left_paragraph_is_set_against_the_right_edge(
    document: tuple[Path, list[type]],
) -> None:
    boxes = pdftotext(document[0], "-bbox")
    words = [
        (float(y), float(x0), float(x1), word)
        for x0, y, x1, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
            boxes,
        )
    ]
    right = max(x1 for _, _, x1, _ in words)  # the frame's right edge, at most
    lines: dict[float, list[tuple[float, float]]] = {}
    for y, x0, x1, word in words:
        if any("\u05d0" <= char <= "\u05ea" for char in word):
            lines.setdefault(round(y), []).append((x0, x1))
    assert len(lines) >= 2, "the Hebrew paragraph did not wrap"
    for spans in lines.values():
        assert max(x1 for _, x1 in spans) == pytest.approx(right, abs=3.0)
    latin = [x0 for _, x0, _, word in words if word == "Latin"]
    assert latin and latin[0] < right / 4  # a left-to-right paragraph stays at the left


def test_a_paragraph_longer_than_a_page_continues_on_the_next(tmp_path: Path) -> None:
    target = tmp_path / "long.pdf"
    document = ReportDocument(target, chapter_name="Tel Aviv", title="Minutes",
                              as_of=dt.date(2026, 12, 6))  # fmt: skip
    numbered = " ".join(f"{HEBREW_SENTENCE} {n}." for n in range(1, 121))
    document.add_paragraph(numbered)
    document.build()
    assert document.page_count >= 2
    pages = [
        [int(n) for n in re.findall(r"\b(\d+)\.", " ".join(_words(_pdftotext(target, page))))]
        for page in range(1, document.page_count + 1)
    ]
    # (pdftotext may give two sentences of one right-to-left line in either order)
    assert sorted(n for page in pages for n in page) == list(range(1, 121))
    assert all(max(a) < min(b) for a, b in pairwise(pages) if a and b)


def test_a_word_longer_than_the_line_is_cut_between_letters_not_before_a_mark(
    tmp_path: Path,
) -> None:
    """A reversal reason pasted without spaces would run off the page; it is cut to fit,
    and a vowel mark is never separated from the letter it sits on."""
    word = ARABIC * 60  # 480 letters and marks, no space
    document = ReportDocument(tmp_path / "long-word.pdf", chapter_name="Doha",
                              title="Receipt 7", as_of=dt.date(2026, 12, 6))  # fmt: skip
    document.add_paragraph(f"Reversed: {word}")
    lines = document.story[-1]
    assert isinstance(lines, Lines)
    room = document.frame_width
    lines.wrap(room, 10_000)
    assert len(lines._drawn) > 2
    assert lines._drawn[0] == "Reversed:"  # the word does not fit beside it
    assert "".join(lines._drawn[1:]) == word
    for line in lines._drawn:
        assert text_width(line, lines.font, lines.size) <= room
        assert unicodedata.category(line[0])[0] != "M"  # no line starts with a lone mark
    document.build()  # each part extracts as typed: together, the whole word
    extracted = "".join(_words(_pdftotext(tmp_path / "long-word.pdf")))
    assert unicodedata.normalize("NFC", word) in extracted


def test_a_line_of_a_paragraph_takes_the_paragraphs_direction(tmp_path: Path) -> None:
    """In an English paragraph, a line that is all Arabic still ends on the right with its
    full stop (read by itself, it would begin on the left with it)."""
    assert visual(f"{ARABIC}.", "L").endswith(".") and visual(f"{ARABIC}.").startswith(".")
    target = tmp_path / "direction.pdf"
    document = ReportDocument(target, chapter_name="Doha", title="Receipt 8",
                              as_of=dt.date(2026, 12, 6))  # fmt: skip
    sentence, room = "The chapter reversed this payment:", document.frame_width
    style = document.styles.body
    word = ARABIC
    while text_width(f"{sentence} {word}{ARABIC}.", style.fontName, style.fontSize) < room:
        word += ARABIC
    word += ARABIC  # too long to stand beside the sentence, short enough for a line of its own
    assert text_width(f"{word}.", style.fontName, style.fontSize) < room
    document.add_paragraph(f"{sentence} {word}.")
    document.build()
    last_line = f"{word}."
    drawn = [glyphs for text, glyphs in _spans(target) if text == _actual(last_line)]
    assert drawn, "the Arabic line was not drawn as one span"
    fonts = [font for font, _ in drawn[0]]
    assert fonts[-1] != "NotoSansArabic" and fonts[0] == "NotoSansArabic"  # "." at the right
