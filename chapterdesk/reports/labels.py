"""Mailing labels on standard Avery sheets, for the chapter's postal mailings.

Label stock is cut in advance, so the geometry must be exact: each sheet type
is described by its published dimensions and every address is drawn inside its
own label, in the order a mail merge fills them (left to right, then down). An
address longer than the label is wide is printed smaller rather than cut off,
down to a legible minimum, and only then shortened with "…".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import inch, mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from chapterdesk.atomic import atomic_path
from chapterdesk.reports.styles import BODY_FONT, register_fonts

__all__ = ["AVERY_5160", "AVERY_L7160", "LABEL_SHEETS", "LabelSheet", "draw_labels"]

MAX_LINES = 5
_MIN_FONT_SIZE = 6.0
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


def _block_size(lines: Sequence[str], sheet: LabelSheet) -> float:
    """The font size for the address: the sheet's own, smaller if the lines are too many."""
    room_h = sheet.label_height - sheet.padding
    return min(sheet.font_size, room_h / (max(len(lines), 1) * _LEADING))


def _line_size(line: str, block: float, room: float) -> float:
    """`block`, or the smaller size at which `line` fits `room` points (not below 6 pt).

    Only the long line shrinks, so a long firm name does not make the
    member's own name hard to read.
    """
    width_at_one = float(pdfmetrics.stringWidth(line, BODY_FONT, 1.0))
    if width_at_one * block <= room:
        return block
    return max(room / width_at_one, _MIN_FONT_SIZE)


def _shortened(line: str, size: float, room: float) -> str:
    """`line` cut with "…" if it is still too wide at the smallest font size."""
    if pdfmetrics.stringWidth(line, BODY_FONT, size) <= room:
        return line
    while line and pdfmetrics.stringWidth(line + "…", BODY_FONT, size) > room:
        line = line[:-1]
    return line.rstrip() + "…"


def _draw_one(
    canvas: Canvas, lines: Sequence[str], box: tuple[float, float, float, float], sheet: LabelSheet
) -> None:
    """One address, left-aligned and centred vertically inside its label."""
    x, y, width, height = box
    block = _block_size(lines, sheet)
    leading = block * _LEADING
    depth = leading * (len(lines) - 1) + block
    baseline = y + (height + depth) / 2 - block * 0.8  # first line's baseline
    room = width - 2 * sheet.padding
    for line in lines:
        size = _line_size(line, block, room)
        canvas.setFont(BODY_FONT, size)
        canvas.drawString(x + sheet.padding, baseline, _shortened(line, size, room))
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
        for index, address in enumerate(addresses):
            if index % sheet.per_page == 0:
                if index:
                    canvas.showPage()
                if outlines:
                    _draw_outlines(canvas, sheet)
            _draw_one(canvas, _address_lines(address), sheet.label_box(index), sheet)
        if index < 0 and outlines:
            _draw_outlines(canvas, sheet)
        pages = index // sheet.per_page + 1 if index >= 0 else 1
        canvas.showPage()
        canvas.save()
    return pages
