"""Arabic, Devanagari and Thai names are printed shaped, and extract as typed (issue 16).

Drawn letter by letter, "क्षत्रिय" shows its conjuncts as a dead consonant and
a virama each, its vowel sign "ि" after the consonant it goes before, and the
Thai marks of "สมศักดิ์" sit on top of each other; Arabic letters must join, with
the vowel marks of "مُحَمَّد" over them. Here a real report table (and
the receipt's address lines) is written with such names, and the PDF is read
back: the glyphs drawn for each name are found in the embedded font subset and
matched, by their outlines, to the glyph ids of the original font; they must
be the sequence HarfBuzz gives for the name (which differs from the one glyph
per character of the font's character map), and pdftotext must give the name
exactly.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import ContentStream

from chapterdesk.reports.fontchain import FALLBACKS, _actual, locate
from chapterdesk.reports.pdfdoc import Lines, ReportDocument
from chapterdesk.reports.styles import BODY_FONT
from tests.reports_content.pdftext import pdftotext

#: Names with conjuncts ("क्ष", "त्र", "श्र"), a vowel sign drawn before its consonant ("ि"),
#: and Thai above and below marks stacked on one consonant ("ดิ์").
NAMES = {
    "NotoSansArabic": ["مُحَمَّد"],  # joined letters, with the vowel marks typed over them
    "NotoSansDevanagari": ["क्षत्रिय", "श्रीनिवास"],
    "NotoSansThai": ["สมศักดิ์"],
}
_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _original(font_name: str) -> Path:
    fallback = next(f for f in FALLBACKS if f.name == font_name)
    where = locate(fallback)
    assert where is not None, f"{fallback.family} is missing: run `make fonts`"
    return where[0]


def _outline_key(font: Any, glyph: str) -> tuple[Any, ...]:
    """What a glyph looks like: its resolved outline points, contour ends and advance."""
    glyf = font["glyf"]
    coordinates, ends, _ = glyf[glyph].getCoordinates(glyf)
    return (tuple(coordinates), tuple(ends), font["hmtx"][glyph][0])


def _gid_by_outline(path: Path) -> dict[tuple[Any, ...], set[int]]:
    font = TTFont(str(path))
    index: dict[tuple[Any, ...], set[int]] = {}
    for gid, glyph in enumerate(font.getGlyphOrder()):
        index.setdefault(_outline_key(font, glyph), set()).add(gid)
    return index


def _harfbuzz(path: Path, text: str) -> list[int]:
    import uharfbuzz as hb

    face = hb.Face(hb.Blob(path.read_bytes()))
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    hb.shape(hb.Font(face), buffer, {"kern": True, "liga": True})
    return [info.codepoint for info in buffer.glyph_infos]


def _naive(path: Path, text: str) -> list[int]:
    font = TTFont(str(path))
    cmap = font.getBestCmap()
    return [font.getGlyphID(cmap[ord(c)]) for c in text]


def _raw(operand: Any) -> bytes:
    return bytes(getattr(operand, "original_bytes", operand))


def _spans(pdf: Path) -> Iterator[tuple[str, list[tuple[str, int]]]]:
    """Each ActualText span of the PDF: its text, and what it draws as (font, original gid)."""
    reader = PdfReader(str(pdf))
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        subsets: dict[str, tuple[str, Any]] = {}
        for key, ref in fonts.items():
            font = ref.get_object()
            base = str(font["/BaseFont"]).split("+", 1)[1].split("-")[0]
            data = font["/FontDescriptor"].get_object()["/FontFile2"].get_object().get_data()
            subsets[key] = (base, TTFont(BytesIO(data)))
        current: tuple[str, Any] | None = None
        span: tuple[str, list[tuple[str, int]]] | None = None
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tf":
                current = subsets[operands[0]]
            elif operator == b"BDC" and "/ActualText" in operands[1]:
                span = (str(operands[1]["/ActualText"]), [])
            elif operator == b"EMC" and span is not None:
                yield span
                span = None
            elif operator in (b"Tj", b"TJ") and span is not None and current is not None:
                strings = operands[0] if operator == b"TJ" else [operands[0]]
                base, subset = current
                cmap = next(t for t in subset["cmap"].tables if t.platformID == 1).cmap
                for string in strings:
                    if isinstance(string, (int, float)):
                        continue
                    for code in _raw(string):
                        span[1].append((base, _outline_key(subset, cmap[code])))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report with the names in a table row between an ID and an amount, and as lines."""
    target = tmp_path_factory.mktemp("shaped") / "names.pdf"
    names = [name for group in NAMES.values() for name in group]
    document = ReportDocument(
        target, chapter_name="Mumbai and Bangkok", title="Names", as_of=dt.date(2026, 12, 6)
    )
    document.story.append(Lines(names, document.styles.body))
    document.add_table(
        ["HQ ID", "Name", "Paid"],
        [[f"10000{n}", name, "$90.00"] for n, name in enumerate(names)],
        [0.2, 0.5, 0.2],
        numeric_cols=(2,),
    )
    document.build()
    return target


@pytest.mark.parametrize(
    ("font_name", "name"), [(f, n) for f, names in NAMES.items() for n in names]
)
def test_the_glyphs_drawn_are_harfbuzz_shaped_not_one_per_character(
    pdf: Path, font_name: str, name: str
) -> None:
    original = _original(font_name)
    by_outline = _gid_by_outline(original)
    shaped = _harfbuzz(original, name)
    assert shaped != _naive(original, name), "HarfBuzz changes nothing here: a weak example"
    # (an Arabic name's ActualText is in the order pdftotext reverses back: `_actual`)
    drawn = [glyphs for text, glyphs in _spans(pdf) if text == _actual(name)]
    assert len(drawn) == 2  # the address line and the table cell
    for glyphs in drawn:
        assert [font for font, _ in glyphs] == [font_name] * len(glyphs)
        ids = [by_outline.get(key, set()) for _, key in glyphs]
        assert len(ids) == len(shaped)
        assert all(gid in found for gid, found in zip(shaped, ids, strict=True)), (ids, shaped)


def test_pdftotext_gives_each_shaped_name_exactly(pdf: Path) -> None:
    for mode in ((), ("-layout",)):
        text = pdftotext(pdf, *mode)
        # bidi marks pdftotext adds dropped; NFC, as Unicode orders an Arabic letter's marks
        words = re.findall(r"\S+", unicodedata.normalize("NFC", _MARKS.sub("", text)))
        for name in (n for names in NAMES.values() for n in names):
            assert words.count(unicodedata.normalize("NFC", name)) == 2, (mode, name)


def test_a_latin_report_never_loads_harfbuzz(tmp_path: Path) -> None:
    """Shaping is for the scripts that need it: a Latin report does not even load the library."""
    script = (
        "import datetime as dt, sys\n"
        "from pathlib import Path\n"
        "from chapterdesk.reports.pdfdoc import ReportDocument\n"
        f"document = ReportDocument(Path({str(tmp_path / 'latin.pdf')!r}), "
        "chapter_name='Great Lakes', title='Roster', as_of=dt.date(2026, 12, 6))\n"
        "document.add_table(['Name'], [['Zoë Ødegård, Þór']] * 300, [0.5])\n"
        "document.build()\n"
        "print('uharfbuzz._harfbuzz' in sys.modules)\n"
        "from chapterdesk.reports.fontchain import text_width\n"
        f"text_width('श्रीनिवास', {BODY_FONT!r}, 9)\n"
        "print('uharfbuzz._harfbuzz' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split() == ["False", "True"]
