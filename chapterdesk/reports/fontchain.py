"""Which font prints each character of a name, and in which order the characters are laid out.

A chapter's members write their names in Latin, Greek, Cyrillic, Arabic,
Hebrew, Devanagari, Thai, Chinese, Japanese and Korean, and now and then with
an emoji. No one font covers all of that, so text is cut into runs, each in
the first font of a fallback chain that has a glyph for its characters:
DejaVu Sans (shipped under `chapterdesk/resources/fonts/`: Latin, Greek, Cyrillic), then
Noto Sans Arabic, Hebrew, Devanagari, Thai, Noto Sans CJK and Symbola (for
monochrome emoji). Those are found through fontconfig (`fc-list`), or in the
usual font folders where there is no fontconfig; `scripts/ensure-fonts`
installs Debian's packages of them. Noto Sans CJK ships with CFF outlines,
which reportlab cannot embed, so it is converted once to TrueType outlines
with fontTools (`cjk.py`) and kept in the user's cache folder.

Right-to-left text (Arabic, Hebrew) is put into visual order with the Unicode
bidi algorithm (python-bidi), so a multi-word name reads right to left and a
mixed Latin-and-Arabic name keeps each part in its own order.

Arabic, Devanagari and Thai runs are shaped with HarfBuzz (uharfbuzz, through
reportlab's `shapeFragWord`): Arabic letters join and keep the vowel marks
typed over them, conjuncts become their ligature glyphs, vowel signs move
before or above their consonant, Thai marks stack. Shaped glyphs have no
character of their own, so such text is marked with the PDF's ActualText: a
reader copying it gets the letters as typed.

Every fallback font is loaded only when a character first needs it: a
Latin-only chapter never reads one, and its PDFs embed DejaVu Sans alone.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bidi import get_display
from reportlab.lib.abag import ABag
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, shapeFragWord

__all__ = [
    "FALLBACKS",
    "SHAPED_FONTS",
    "FallbackFont",
    "Laid",
    "draw_runs",
    "draw_string",
    "font_problems",
    "is_rtl",
    "laid_out",
    "markup",
    "runs",
    "text_width",
    "visual",
]


@dataclass(frozen=True)
class FallbackFont:
    """One font of the fallback chain: where to find it and which characters it is for.

    `ranges` are the code points (inclusive) it is asked for; a character is
    printed in it only when its character map has the character too.
    """

    name: str  # the reportlab font name
    family: str  # the fontconfig family
    files: tuple[str, ...]  # file names to look for where there is no fontconfig
    script: str  # what a reader calls the script, for messages
    ranges: tuple[tuple[int, int], ...]
    cff: bool = False  # CFF outlines: converted to TrueType before use


ARABIC = (
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x08A0, 0x08FF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)
CJK = (
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x2E80, 0x2FDF),  # radicals
    (0x3000, 0x30FF),  # CJK punctuation, Hiragana, Katakana
    (0x3100, 0x31FF),  # Bopomofo, Hangul compatibility Jamo, Katakana extension
    (0x3200, 0x4DBF),  # enclosed, compatibility, extension A
    (0x4E00, 0x9FFF),  # unified ideographs
    (0xA960, 0xA97F),
    (0xAC00, 0xD7FF),  # Hangul syllables
    (0xF900, 0xFAFF),  # compatibility ideographs
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),  # full-width and half-width forms
    (0x20000, 0x3134F),
)

FALLBACKS: tuple[FallbackFont, ...] = (
    FallbackFont(
        "NotoSansArabic", "Noto Sans Arabic", ("NotoSansArabic-Regular.ttf",), "Arabic", ARABIC
    ),
    FallbackFont(
        "NotoSansHebrew",
        "Noto Sans Hebrew",
        ("NotoSansHebrew-Regular.ttf",),
        "Hebrew",
        ((0x0590, 0x05FF), (0xFB1D, 0xFB4F)),
    ),
    FallbackFont(
        "NotoSansDevanagari",
        "Noto Sans Devanagari",
        ("NotoSansDevanagari-Regular.ttf",),
        "Devanagari",
        ((0x0900, 0x097F), (0xA8E0, 0xA8FF), (0x1CD0, 0x1CFF)),
    ),
    FallbackFont(
        "NotoSansThai", "Noto Sans Thai", ("NotoSansThai-Regular.ttf",), "Thai", ((0x0E00, 0x0E7F),)
    ),
    FallbackFont(
        "NotoSansCJK",
        "Noto Sans CJK SC",
        ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf"),
        "Chinese, Japanese and Korean",
        CJK,
        cff=True,
    ),
    FallbackFont(
        "Symbola",
        "Symbola",
        ("Symbola_hint.ttf", "Symbola.ttf"),
        "emoji and symbols",
        ((0x2000, 0x2BFF), (0x1F000, 0x1FAFF)),
    ),
)

#: Where fonts are looked for when there is no fontconfig (Windows, macOS, a bare container).
_FONT_FOLDERS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/Library/Fonts",
    "~/Library/Fonts",
    "C:/Windows/Fonts",
)

_RTL_CLASSES = {"R", "AL"}
_LTR_CLASSES = {"L"}


@dataclass
class _Loaded:
    """A fallback font once looked for: its reportlab font, or None when it is missing."""

    font: Any


_loaded: dict[str, _Loaded] = {}
_missing_scripts: set[str] = set()


def _fc_file(family: str) -> tuple[Path, int] | None:
    """The (file, face index) fontconfig lists for exactly `family`, if it has one."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        listed = subprocess.run(
            [fc_list, f"{family}:style=Regular", "file", "index", "family"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for line in sorted(listed.splitlines()):
        # "/usr/share/fonts/x.ttc: Noto Sans CJK SC,Noto Sans CJK SC Regular:index=2"
        path, _, rest = line.partition(": ")
        families, _, index = rest.rpartition(":index=")
        if family in [f.strip() for f in families.split(",")] and index.strip().isdigit():
            return Path(path), int(index)
    return None


def _folder_file(names: tuple[str, ...]) -> Path | None:
    """The first of `names` found under the usual font folders."""
    for folder in _FONT_FOLDERS:
        root = Path(folder).expanduser()
        if not root.is_dir():
            continue
        for name in names:
            found = next(root.rglob(name), None)
            if found is not None:
                return found
    return None


def locate(fallback: FallbackFont) -> tuple[Path, int] | None:
    """Where `fallback` is on this machine: (file, face index), or None.

    CHAPTERDESK_FONT_DIRS (folders separated by the path separator) is looked
    in first, so a packaged application can carry its own copies.
    """
    for folder in filter(None, os.environ.get("CHAPTERDESK_FONT_DIRS", "").split(os.pathsep)):
        for name in fallback.files:
            if (Path(folder) / name).is_file():
                return Path(folder) / name, 0
    found = _fc_file(fallback.family)
    if found is not None:
        return found
    path = _folder_file(fallback.files)
    return (path, 0) if path is not None else None


def _load(fallback: FallbackFont) -> Any:
    """The registered reportlab font for `fallback`, or None when it cannot be had."""
    state = _loaded.get(fallback.name)
    if state is not None:
        return state.font
    font = None
    where = locate(fallback)
    if where is not None:
        path, index = where
        try:
            if fallback.cff:
                from chapterdesk.reports.cjk import truetype_copy

                path, index = truetype_copy(path, index, fallback.ranges), 0
            font = TTFont(fallback.name, str(path), subfontIndex=index)
            pdfmetrics.registerFont(font)
            # one face for every style, so a fallback run inside bold text still prints
            pdfmetrics.registerFontFamily(
                fallback.name,
                normal=fallback.name,
                bold=fallback.name,
                italic=fallback.name,
                boldItalic=fallback.name,
            )
        except Exception as error:
            print(f"ChapterDesk: the font {path} cannot be used: {error}", file=sys.stderr)
            font = None
    _loaded[fallback.name] = _Loaded(font)
    return font


def _in(ranges: tuple[tuple[int, int], ...], code: int) -> bool:
    return any(low <= code <= high for low, high in ranges)


def _font_for(char: str, base: str) -> str:
    """The name of the font that prints `char` when the text is set in `base`."""
    code = ord(char)
    # Arabic goes to Noto, whose joined forms are complete
    if not _in(ARABIC, code) and code in pdfmetrics.getFont(base).face.charToGlyph:
        return base
    for fallback in FALLBACKS:
        if _in(fallback.ranges, code) or fallback is FALLBACKS[-1]:
            font = _load(fallback)
            if font is not None and code in font.face.charToGlyph:
                return str(font.fontName)
            if _in(fallback.ranges, code) and font is None:
                _missing_scripts.add(fallback.script)
    return base  # nothing has it: the base font's empty box shows something is there


#: base font -> character -> the font that prints it (a chapter uses a few thousand characters)
_char_fonts: dict[str, dict[str, str]] = {}

_JOINERS = {"\u200d", "\ufe0f", "\ufe0e"}  # stay with the character before them


def _split(text: str, base: str) -> list[tuple[str, str]]:
    """`text` (already in visual order) as (font name, text) runs."""
    fonts = _char_fonts.setdefault(base, {})
    names: list[str] = []
    parts: list[list[str]] = []
    last = ""
    for char in text:
        # a joiner or a combining mark stays with its letter, where that letter's font has it
        if last and (
            char in _JOINERS
            or (
                unicodedata.combining(char)
                and ord(char) in pdfmetrics.getFont(last).face.charToGlyph
            )
        ):
            parts[-1].append(char)
            continue
        if char == " " and last:
            font = last  # a space stays in the run it is in
        else:
            found = fonts.get(char)
            font = found if found is not None else fonts.setdefault(char, _font_for(char, base))
        if font == last:
            parts[-1].append(char)
        else:
            names.append(font)
            parts.append([char])
            last = font
    return [(font, "".join(part)) for font, part in zip(names, parts, strict=True)]


@functools.lru_cache(maxsize=65_536)
def is_rtl(text: str) -> bool:
    """True when the first letter with a direction is right-to-left (read from the right)."""
    if text.isascii():
        return False
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in _RTL_CLASSES:
            return True
        if kind in _LTR_CLASSES:
            return False
    return False


@functools.lru_cache(maxsize=65_536)
def visual(text: str, direction: str | None = None) -> str:
    """`text` in the order its characters are drawn left to right (HarfBuzz joins Arabic).

    `direction` ("L" or "R") is the paragraph's when `text` is one line of it: the
    full stop after a line of Arabic in an English paragraph then ends the line on the
    right. Without it, the line's own first letter with a direction decides.
    """
    if text.isascii() or not any(unicodedata.bidirectional(c) in _RTL_CLASSES for c in text):
        return text
    return str(get_display(text, base_dir=direction))


@functools.lru_cache(maxsize=65_536)
def runs(text: str, base: str, direction: str | None = None) -> tuple[tuple[str, str], ...]:
    """`text` as (font name, text) runs in visual order, `base` wherever it has the glyph."""
    if text.isascii():
        return ((base, text),)
    return tuple(_split(visual(text, direction), base))


#: The fallback fonts whose runs HarfBuzz shapes (letters that change form and place).
SHAPED_FONTS = frozenset({"NotoSansArabic", "NotoSansDevanagari", "NotoSansThai"})
#: Of those, the ones whose runs are right to left: a run comes in drawing order (reversed),
#: and is shaped in the order it was typed (HarfBuzz gives the glyphs in drawing order).
_RIGHT_TO_LEFT = frozenset({"NotoSansArabic"})
#: HarfBuzz's default features (marks, conjuncts, contextual forms) plus kerning and the
#: standard ligatures; not the discretionary ones, which would print what nobody typed.
_FEATURES = {"kern": True, "liga": True}


@functools.lru_cache(maxsize=65_536)
def _shaped(part: str, font: str) -> tuple[str, float]:
    """`part` as drawn in `font`, and its width at 1 pt: HarfBuzz's glyphs where it shapes.

    The glyphs come back as reportlab's `ShapedStr` (each glyph with HarfBuzz's
    advance and offset; glyphs that no character maps to get a private-use
    code in the embedded subset), which `PDFTextObject` draws glyph by glyph.
    """
    plain = float(pdfmetrics.stringWidth(part, font, 1.0))
    if font not in SHAPED_FONTS:
        return part, plain
    typed = part[::-1] if font in _RIGHT_TO_LEFT else part
    try:
        word = shapeFragWord(
            [plain * 1000.0, (ABag(fontName=font, fontSize=1000.0), typed)], _FEATURES
        )
    except (ImportError, OSError, ValueError) as error:  # HarfBuzz missing or unusable
        print(f"ChapterDesk: {font} text is printed unshaped: {error}", file=sys.stderr)
        return part, plain
    glyphs = word[1][1]
    if glyphs is typed:  # HarfBuzz changed nothing (or is not installed): as it comes
        return part, plain
    return glyphs, float(word[0]) / 1000.0


@dataclass(frozen=True)
class Laid:
    """A text ready to draw: its runs, its width, and what a reader copying it should get.

    `parts` are (font name, string to draw, width at 1 pt) in drawing order (left to
    right); `actual` is the PDF marked-content operator that gives the text as
    typed, or "" when the text is drawn as it is, in one font.
    """

    parts: tuple[tuple[str, str, float], ...]
    width: float  # at 1 pt
    actual: str


@functools.lru_cache(maxsize=65_536)
def laid_out(text: str, base: str, direction: str | None = None) -> Laid:
    """`text` split, reordered, shaped and measured once (names recur on every report)."""
    parts = tuple((font, *_shaped(part, font)) for font, part in runs(text, base, direction))
    width = sum(part[2] for part in parts)
    if len(parts) == 1 and parts[0][0] == base and parts[0][1] == text:
        return Laid(parts, width, "")
    actual = _actual(text).encode("utf-16-be").hex().upper()
    return Laid(parts, width, f"/Span <</ActualText <FEFF{actual}>>> BDC")


def drawn_line_by_line(text: str, base: str) -> bool:
    """True when a paragraph of `text` must be laid out line by line through the chain.

    reportlab's `Paragraph` draws its words as they come: it cannot shape a run
    (Arabic letters would not join, a Devanagari conjunct would fall apart) and
    it would wrap right-to-left text after reordering the whole of it, so its
    lines would come in the wrong order. Text with such runs goes to `Lines`.
    """
    if text.isascii():
        return False
    if any(unicodedata.bidirectional(char) in _RTL_CLASSES for char in text):
        return True
    return any(font in SHAPED_FONTS for font, _ in runs(text, base))


def in_base_font(text: str, base: str) -> bool:
    """True when `text` is drawn as it is, all in `base` (no fallback font, no reordering)."""
    return text.isascii() or not laid_out(text, base).actual


def text_width(text: str, base: str, size: float, direction: str | None = None) -> float:
    """The width of `text` in points, each run measured in its own font, shaped runs as shaped."""
    if text.isascii():
        return float(pdfmetrics.stringWidth(text, base, size))
    return laid_out(text, base, direction).width * size


def _poppler_class(char: str) -> str:
    """How PDF text extractors (poppler) class a character when they order a line: R, L or N.

    Digits and the separators around them (",", ".", ":", "-", "+", "/") end a
    right-to-left stretch, as letters written left to right do.
    """
    kind = unicodedata.bidirectional(char)
    if kind in _RTL_CLASSES:
        return "R"
    if kind in _LTR_CLASSES or kind in ("EN", "AN", "CS", "ES", "ET"):
        return "L"
    return "N"


def _actual(text: str) -> str:
    """What the PDF says `text` is, so that a reader extracting it gets it as typed.

    Extractors read right-to-left letters back into reading order themselves:
    on a left-to-right line (the page's usual one) poppler reverses each
    stretch that starts at a right-to-left letter and runs up to the next
    left-to-right letter or number, wherever it lies. So each such stretch of
    the typed text is given reversed, and the stretches in the typed order:
    "לוי, מיכל" (last name, comma, first name) is extracted as typed, whole,
    where the plain visual order would come back as "מיכל,לוי". A space
    between such a stretch and a Latin word or a number that follows it is
    given as a no-break space (poppler would move a plain one to the front).
    """
    if text.isascii() or not any(unicodedata.bidirectional(c) in _RTL_CLASSES for c in text):
        return text
    out: list[str] = []
    start, length = 0, len(text)
    while start < length:
        end = start
        while end < length and _poppler_class(text[end]) != "R":
            end += 1
        out.append(text[start:end])
        start = end
        while end < length and _poppler_class(text[end]) != "L":
            end += 1
        stretch = text[start:end].rstrip()
        out.append(stretch[::-1])
        # a space between the stretch and a following Latin word or number would come back
        # before the stretch: a no-break space, read as part of the word, stays in place
        out.append("\u00a0" * (end - start - len(stretch)) if end < length else "")
        start = end
    return "".join(out)


def draw_runs(
    text_object: Any,
    text: str,
    base: str,
    size: float,
    leading: float,
    direction: str | None = None,
) -> None:
    """Write `text` into a reportlab text object at its cursor, switching font run by run.

    Text set in more than one font, shaped, or reordered for right-to-left
    reading, is marked with the PDF's ActualText, so that copying or extracting
    it gives the letters as typed (Arabic in its plain letters, a Devanagari
    conjunct as its letters, a Chinese name with its space), not the glyphs in
    the forms they are drawn. The text object is left in `base`, its cursor
    after the text in the PDF (reportlab's own record of it, used by nothing
    here, is not moved: every caller sets the origin of each text).
    """
    laid = laid_out(text, base, direction)
    if not laid.actual:
        text_object.textOut(text)  # one font, drawn in reading order: extracts as it is
        return
    # reportlab has no API for marked content inside a text object
    code = text_object._code
    code.append(laid.actual)
    for font, glyphs, _ in laid.parts:
        text_object.setFont(font, size, leading)
        code.append(text_object._formatText(glyphs))  # what textOut writes, without re-measuring
    code.append("EMC")
    text_object.setFont(base, size, leading)


def draw_string(
    canvas: Any,
    x: float,
    y: float,
    text: str,
    base: str,
    size: float,
    direction: str | None = None,
) -> None:
    """`text` on `canvas` with its left end at (x, y), run by run; the canvas font is `base`.

    `direction`: the paragraph's ("L" or "R") when `text` is one of its lines (`visual`).
    """
    canvas.setFont(base, size)
    if text.isascii():
        canvas.drawString(x, y, text)
        return
    text_object = canvas.beginText(x, y)
    text_object.setFont(base, size)
    draw_runs(text_object, text, base, size, size * 1.2, direction)
    canvas.drawText(text_object)


def markup(text: str, base: str) -> str:
    """`text` as Paragraph markup: escaped, in visual order, runs in fallback fonts tagged."""

    def escape(part: str) -> str:
        return part.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    if text.isascii():
        return escape(text)
    return "".join(
        escape(part) if font == base else f'<font face="{font}">{escape(part)}</font>'
        for font, part in runs(text, base)
    )


def font_problems() -> list[str]:
    """One sentence per script that was asked for and printed as boxes, saying what to install."""
    return [
        f"Names in {script} print as empty boxes: its Noto font is missing. Install the Noto "
        "fonts (on Debian or Ubuntu: sh scripts/ensure-fonts, or apt-get install "
        "fonts-noto-core fonts-noto-cjk fonts-symbola) and print again."
        for script in sorted(_missing_scripts)
    ]
