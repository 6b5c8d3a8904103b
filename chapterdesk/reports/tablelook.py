"""How a long table looks, and the page-sized `Table` that draws each piece of it.

`tables.add_table` cuts a long table into one chunk per page; everything the
chunks have in common (widths, headings, fonts, stripes, rules) is computed
once here as a `TableLook`, and each chunk is a `ChunkTable`: a reportlab
`Table` that shares those styles instead of building its own per cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Union

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle
from reportlab.platypus.tables import CellStyle

from chapterdesk.reports.fontchain import draw_runs, in_base_font, is_rtl, text_width
from chapterdesk.reports.styles import (
    BODY_FONT,
    BOLD_FONT,
    GRID_GREY,
    HEADER_FILL,
    ZEBRA_FILL,
    escape_markup,
    register_fonts,
)

__all__ = [
    "FONT_SIZE",
    "PAD_X",
    "PAD_Y",
    "ROW_HEIGHT",
    "Cell",
    "ChunkTable",
    "TableLook",
    "make_look",
]

Cell = Union[str, Flowable]  # noqa: UP007 -- a runtime alias; Flowable is untyped
FONT_SIZE = 9.0
LEADING = 11.0
PAD_X = 4.0
PAD_Y = 2.5
ROW_HEIGHT = 14.0


def _cell_style(name: str, font: str, right: bool) -> Any:
    """One shared reportlab CellStyle (never mutated per cell)."""
    style = CellStyle(name)
    style.fontname = font
    style.fontsize = FONT_SIZE
    style.leading = LEADING
    style.leftPadding = style.rightPadding = PAD_X
    style.topPadding = style.bottomPadding = PAD_Y
    style.valign = "MIDDLE"
    style.alignment = "RIGHT" if right else "LEFT"
    return style


@dataclass(frozen=True)
class TableLook:
    """Everything the chunks of one table share: widths, headings, styles."""

    col_widths: tuple[float, ...]
    text_room: tuple[float, ...]
    header: list[Cell]
    header_height: float
    header_styles: list[Any]
    body_styles: list[Any]
    totals_styles: list[Any]
    plain: TableStyle
    with_totals: TableStyle


def make_look(header: Sequence[str], col_widths: Sequence[float], numeric: set[int]) -> TableLook:
    """Precompute the shared styles and the header row for one table."""
    register_fonts()
    widths = tuple(float(w) for w in col_widths)
    room = tuple(w - 2 * PAD_X for w in widths)
    bold = pdfmetrics.getFont(BOLD_FONT)
    header_cells: list[Cell] = []
    header_height = ROW_HEIGHT
    for index, text in enumerate(header):
        if bold.stringWidth(text, FONT_SIZE) <= room[index]:
            header_cells.append(text)
            continue
        style = ParagraphStyle(
            "TableHeading",
            fontName=BOLD_FONT,
            fontSize=FONT_SIZE,
            leading=LEADING,
            alignment=TA_RIGHT if index in numeric else 0,
        )
        paragraph = Paragraph(escape_markup(text), style)
        _, height = paragraph.wrap(room[index], 10_000)
        header_height = max(header_height, height + 2 * PAD_Y)
        header_cells.append(paragraph)
    common = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, GRID_GREY),
    ]
    plain = TableStyle(
        [
            *common,
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, ZEBRA_FILL]),
            ("LINEBELOW", (0, -1), (-1, -1), 0.4, GRID_GREY),
        ]
    )
    with_totals = TableStyle(
        [
            *common,
            ("ROWBACKGROUNDS", (0, 1), (-1, -2), [None, ZEBRA_FILL]),
            ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
        ]
    )
    columns = range(len(widths))
    return TableLook(
        col_widths=widths,
        text_room=room,
        header=header_cells,
        header_height=header_height,
        header_styles=[_cell_style("head", BOLD_FONT, i in numeric) for i in columns],
        body_styles=[_cell_style("body", BODY_FONT, i in numeric) for i in columns],
        totals_styles=[_cell_style("total", BOLD_FONT, i in numeric) for i in columns],
        plain=plain,
        with_totals=with_totals,
    )


class ChunkTable(Table):  # type: ignore[misc]  # reportlab is untyped
    """One page's rows: a reportlab `Table` that draws its plain-string cells fast.

    `Table.draw` starts a new PDF text object, and re-derives the cell's
    alignment, for every cell. A chunk here has no spans, no shadows and shared
    cell styles, so all its strings go into one text object, positioned cell by
    cell; backgrounds, rules and any `Paragraph` cells are drawn by `Table`'s
    own methods.
    """

    def draw(self) -> None:
        """Backgrounds, then every string cell in one text object, then flowables and rules."""
        canvas = self.canv
        canvas.saveState()
        self._curweight = self._curcolor = self._curcellstyle = None
        self._makeRoundedCornersClip()  # none here, but `_drawLines` expects its state
        self._drawBkgrnd()
        text = canvas.beginText()
        text.setFillColor(colors.black)
        font = None
        flowables = []
        for row, row_styles, row_y, row_height in zip(
            self._cellvalues,
            self._cellStyles,
            self._rowpositions[1:],
            self._rowHeights,
            strict=True,
        ):
            for value, style, col_x, col_width in zip(
                row, row_styles, self._colpositions[:-1], self._colWidths, strict=True
            ):
                if not isinstance(value, str):
                    flowables.append((value, style, (col_x, row_y), (col_width, row_height)))
                    continue
                if not value:
                    continue
                if style.fontname is not font:
                    font = style.fontname
                    text.setFont(font, style.fontsize, style.leading)
                lines = value.split("\n")  # a wrapped cell is already broken into lines
                # the first baseline, as Table places it for valign MIDDLE
                top = (
                    row_y
                    + (
                        style.bottomPadding + row_height - style.topPadding
                        + len(lines) * style.leading
                    ) / 2.0
                    - style.fontsize
                )
                right = style.alignment == "RIGHT"
                for number, line in enumerate(lines):
                    if right or is_rtl(line):  # amounts, and text read from the right
                        x = (
                            col_x
                            + col_width
                            - style.rightPadding
                            - text_width(line, font, style.fontsize)
                        )
                    else:
                        x = col_x + style.leftPadding
                    text.setTextOrigin(x, top - number * style.leading)
                    if line.isascii() or in_base_font(line, font):
                        text.textLine(line)
                    else:
                        draw_runs(text, line, font, style.fontsize, style.leading)
                        text._code.append("T*")  # as textLine ends a cell's line
        canvas.drawText(text)
        for value, style, position, size in flowables:
            self._drawCell(value, style, position, size)
        self._drawLines()
        canvas.restoreState()
