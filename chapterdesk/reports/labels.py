"""Mailing labels on standard Avery sheets, for the chapter's postal mailings.

Label stock is cut in advance, so the geometry must be exact: each sheet type
is described by its published dimensions and every address is drawn inside its
own label, in the order a mail merge fills them (left to right, then down). An
address longer than the label is wide is printed smaller rather than cut off,
down to a legible 7 pt; a name still too long is wrapped onto a second line,
then its given and middle names are abbreviated: the last name is always
printed whole. Only an organisation or street line that fits none of those
ways is shortened with "…".
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import inch, mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from chapterdesk.atomic import atomic_path
from chapterdesk.reports.fontchain import draw_runs, in_base_font, is_rtl, text_width
from chapterdesk.reports.recurring import Recurring
from chapterdesk.reports.styles import BODY_FONT, register_fonts

__all__ = ["AVERY_5160", "AVERY_L7160", "LABEL_SHEETS", "LabelSheet", "NameLine", "draw_labels"]

MAX_LINES = 5
_MIN_FONT_SIZE = 7.0  # the smallest a reader can read on a label
_LEADING = 1.2  # line height as a multiple of the font size


@dataclass(frozen=True)
class LabelSheet:
    """One kind of label stock: page size, grid, and where the first label sits.

    All lengths are in PDF points; `top` and `left` are the distances from the
    page's top-left corner to the first label's top-left corner, and the
    pitches are the distances from one label's corner to the next one's.
    """

    name: str
    page_size: tuple[float, float]
    columns: int
    rows: int
    label_width: float
    label_height: float
    top: float
    left: float
    horizontal_pitch: float
    vertical_pitch: float
    padding: float = 0.12 * inch
    font_size: float = 10.0

    @property
    def per_page(self) -> int:
        """How many labels one sheet holds."""
        return self.columns * self.rows

    def label_box(self, index: int) -> tuple[float, float, float, float]:
        """The (x, y, width, height) of label `index` on its page, y measured from the bottom.

        Labels fill each row left to right, then the next row down.
        """
        position = index % self.per_page
        row, column = divmod(position, self.columns)
        x = self.left + column * self.horizontal_pitch
        top_edge = self.page_size[1] - self.top - row * self.vertical_pitch
        return x, top_edge - self.label_height, self.label_width, self.label_height


AVERY_5160 = LabelSheet(
    name="Avery 5160 (US Letter, 30 per sheet)",
    page_size=LETTER,
    columns=3,
    rows=10,
    label_width=2.625 * inch,
    label_height=1.0 * inch,
    top=0.5 * inch,
    left=0.1875 * inch,
    horizontal_pitch=2.75 * inch,
    vertical_pitch=1.0 * inch,
    padding=0.12 * inch,
    font_size=9.5,
)

AVERY_L7160 = LabelSheet(
    name="Avery L7160 (A4, 21 per sheet)",
    page_size=A4,
    columns=3,
    rows=7,
    label_width=63.5 * mm,
    label_height=38.1 * mm,
    top=15.15 * mm,
    left=7.25 * mm,
    horizontal_pitch=66.04 * mm,
    vertical_pitch=38.1 * mm,
    padding=4 * mm,
    font_size=10.0,
)

#: The sheets a user can choose, by the code printed on the Avery box.
LABEL_SHEETS = {"5160": AVERY_5160, "L7160": AVERY_L7160}


def _address_lines(address: Sequence[str]) -> list[str]:
    """At most `MAX_LINES` non-blank lines; extra street lines are joined with ", "."""
    lines = [" ".join(line.split()) for line in address if line and line.strip()]
    while len(lines) > MAX_LINES:
        # name and organisation stay first, city and country last: merge street lines
        lines[2:4] = [f"{lines[2]}, {lines[3]}"]
    return lines


class NameLine(str):
    """An address's name line, with the shorter forms to fall back to on a narrow label.

    `shorter` holds the name with the given and middle names abbreviated, ever
    shorter, the last name always whole (`names.shorter_address_names`). It may
    be given as a function, called only when a label is too narrow for the name
    (most names fit: working out every member's shorter forms is wasted).
    """

    _shorter: tuple[str, ...] | Callable[[], Sequence[str]]

    def __new__(
        cls, name: str, shorter: Sequence[str] | Callable[[], Sequence[str]] = ()
    ) -> NameLine:
        line = super().__new__(cls, name)
        line._shorter = shorter if callable(shorter) else tuple(shorter)
        return line

    @property
    def shorter(self) -> tuple[str, ...]:
        """The shorter forms, worked out when first asked for."""
        if callable(self._shorter):
            self._shorter = tuple(self._shorter())
        return self._shorter


def _block_size(lines: Sequence[str], sheet: LabelSheet) -> float:
    """The font size for the address: the sheet's own, smaller if the lines are too many."""
    room_h = sheet.label_height - sheet.padding
    return min(sheet.font_size, room_h / (max(len(lines), 1) * _LEADING))


@functools.lru_cache(maxsize=16384)
def _width(text: str, size: float) -> float:
    """The width of a line at `size` (remembered: firm names and city lines recur, and
    laying out a label measures a line that may not fit at more than one step)."""
    return text_width(text, BODY_FONT, size)


@functools.cache
def _widest_ascii() -> float:
    """The advance of the body font's widest printable ASCII character, at size 1."""
    return max(float(pdfmetrics.stringWidth(chr(c), BODY_FONT, 1.0)) for c in range(32, 127))


def _fits_surely(line: str, size: float, room: float) -> bool:
    """True when `line` fits `room` at `size` even if every letter were the widest one.

    Most address lines are short ASCII: they need no measuring at all (the
    thousandth taken off covers the rounding of a measured width).
    """
    return line.isascii() and len(line) * _widest_ascii() * size <= room * 0.999


def _line_size(line: str, block: float, room: float) -> float:
    """`block`, or the smaller size at which `line` fits `room` points (not below 7 pt).

    Only the long line shrinks, so a long firm name does not make the
    member's own name hard to read.
    """
    width_at_one = _width(line, 1.0)
    if width_at_one * block <= room:
        return block
    return max(room / width_at_one, _MIN_FONT_SIZE)


def _wrapped(line: str, room: float) -> list[str]:
    """`line` broken at spaces into pieces that fit `room` at the smallest size (one piece if
    it fits already); a single word wider than the label is broken between letters."""
    if _fits_surely(line, _MIN_FONT_SIZE, room) or _width(line, _MIN_FONT_SIZE) <= room:
        return [line]
    pieces: list[str] = []
    current = ""
    for word in line.split():
        candidate = f"{current} {word}" if current else word
        if _width(candidate, _MIN_FONT_SIZE) <= room:
            current = candidate
            continue
        if current:
            pieces.append(current)
        current = ""
        for char in word:
            if current and _width(current + char, _MIN_FONT_SIZE) > room:
                pieces.append(current)
                current = ""
            current += char
    pieces.append(current)
    return pieces


def _laid_out(lines: Sequence[str], sheet: LabelSheet, room: float) -> list[str]:
    """The lines to print: a name too wide is wrapped, then its given and middle names
    abbreviated, so that the whole last name prints at 7 pt or more.

    Other lines too wide are wrapped while the label has room for more lines,
    and otherwise shrink and, past 7 pt, are shortened with "…".
    """
    name = lines[0] if lines else ""
    rest = list(lines[1:])

    def forms() -> Iterator[str]:
        yield name
        if isinstance(name, NameLine):
            yield from name.shorter  # worked out only when the name does not fit as it is

    last = name
    for form in forms():
        last = form
        candidate = [*_wrapped(form, room), *rest]
        name_lines = candidate[: len(candidate) - len(rest)]
        if _block_size(candidate, sheet) >= _MIN_FONT_SIZE and all(
            _fits_surely(piece, _MIN_FONT_SIZE, room) or _width(piece, _MIN_FONT_SIZE) <= room
            for piece in name_lines
        ):
            out = candidate
            break
    else:
        out = [last, *rest]
    wrapped_rest: list[str] = []
    head = len(out) - len(rest)
    for index, line in enumerate(rest):
        pieces = _wrapped(line, room)
        if (
            len(pieces) > 1
            and _block_size([*out[:head], *wrapped_rest, *pieces, *rest[index + 1 :]], sheet)
            >= _MIN_FONT_SIZE
        ):
            wrapped_rest.extend(pieces)
        else:
            wrapped_rest.append(line)
    return [*out[:head], *wrapped_rest]


def _shortened(line: str, size: float, room: float) -> str:
    """`line` cut with "…" if it is still too wide at the smallest font size."""
    if _width(line, size) <= room:
        return line
    while line and _width(line + "…", size) > room:
        line = line[:-1]
    return line.rstrip() + "…"


class _PageText:
    """One PDF text object for a page's labels, changing the font size only when it changes.

    A text object per line (`canvas.drawString`) costs more than placing each
    line in one object; what is printed, and where, is the same. Firm names and
    city lines recur on thousands of labels: `recurring` writes each line as it
    was written before.
    """

    def __init__(self, canvas: Canvas, recurring: Recurring) -> None:
        self.text = canvas.beginText()
        self._size = 0.0
        self.recurring = recurring

    def line(self, x: float, y: float, line: str, size: float) -> None:
        """`line` with its left end at (x, y), in the body font at `size`, run by run."""
        if size != self._size:
            self._size = size
            self.text.setFont(BODY_FONT, size, size * 1.2)
        self.text.setTextOrigin(x, y)
        if line.isascii() or in_base_font(line, BODY_FONT):
            # what textLine writes (not textOut, which measures the line to move on)
            self.recurring.write(self.text, line, " T*")
        else:
            draw_runs(self.text, line, BODY_FONT, size, size * 1.2)


def _draw_one(
    page: _PageText,
    lines: Sequence[str],
    box: tuple[float, float, float, float],
    sheet: LabelSheet,
) -> None:
    """One address, centred vertically in its label (right-aligned where read from the right)."""
    x, y, width, height = box
    room = width - 2 * sheet.padding
    lines = _laid_out(lines, sheet, room)
    block = max(_block_size(lines, sheet), _MIN_FONT_SIZE)
    leading = block * _LEADING
    depth = leading * (len(lines) - 1) + block
    baseline = y + (height + depth) / 2 - block * 0.8  # first line's baseline
    for line in lines:
        if _fits_surely(line, block, room):  # at its size, whole, from the left
            page.line(x + sheet.padding, baseline, line, block)
            baseline -= leading
            continue
        size = _line_size(line, block, room)
        text = _shortened(line, size, room)
        left = x + sheet.padding
        if is_rtl(text):
            left = x + width - sheet.padding - _width(text, size)
        page.line(left, baseline, text, size)
        baseline -= leading


def _draw_outlines(canvas: Canvas, sheet: LabelSheet) -> None:
    """Every label's edge in light grey, for a test print on plain paper."""
    canvas.saveState()
    canvas.setStrokeGray(0.7)
    canvas.setLineWidth(0.3)
    for index in range(sheet.per_page):
        canvas.roundRect(*sheet.label_box(index), radius=4, stroke=1, fill=0)
    canvas.restoreState()


def draw_labels(
    path: Path,
    addresses: Iterable[Sequence[str]],
    sheet: LabelSheet = AVERY_5160,
    *,
    outlines: bool = False,
) -> int:
    """Write a PDF of mailing labels for `addresses` on `sheet`; returns the page count.

    Each address is a list of lines (name, organisation, street, city line,
    country); blank lines are dropped and at most five are printed, joining
    street lines when there are more. `outlines` draws each label's edge, to
    check the alignment on plain paper before using label stock. The PDF
    replaces `path` atomically.

    Raises:
        BadInputError: the disk is full or the folder is not writable.
    """
    register_fonts()
    pages = 0
    with atomic_path(Path(path)) as temporary:
        canvas = Canvas(str(temporary), pagesize=sheet.page_size, initialFontName=BODY_FONT)
        canvas.setTitle(f"Mailing labels — {sheet.name}")
        canvas.setCreator("ChapterDesk")
        index = -1
        page: _PageText | None = None
        recurring = Recurring()
        for index, address in enumerate(addresses):
            if index % sheet.per_page == 0:
                if page is not None:
                    canvas.drawText(page.text)
                    canvas.showPage()
                if outlines:
                    _draw_outlines(canvas, sheet)
                page = _PageText(canvas, recurring)
            assert page is not None  # made at index 0
            _draw_one(page, _address_lines(address), sheet.label_box(index), sheet)
        if page is not None:
            canvas.drawText(page.text)
        if index < 0 and outlines:
            _draw_outlines(canvas, sheet)
        pages = index // sheet.per_page + 1 if index >= 0 else 1
        canvas.showPage()
        canvas.save()
    return pages
