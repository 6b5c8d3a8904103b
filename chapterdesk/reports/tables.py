"""Long tables in a PDF, laid out one page at a time.

A chapter of 50,000 members prints a roster of a thousand pages. One reportlab
`Table` over every row would measure and split the whole thing again on each
page, and hold it all in memory. Here the rows are a stream: when the page
layout asks for the next piece, `_StreamedTable` takes exactly the rows that
fit in the space left on the page and returns one small `Table` for them (with
the column headings repeated), followed by itself for the rest.

The fast path is plain strings: their row height is known without measuring
when they fit, they are broken into lines when too wide for their column (never
cut: an ID, an amount or a date is printed whole), every chunk shares the same cell and table styles
(`tablelook.TableLook`), and each page's strings are drawn in one PDF text
object (`tablelook.ChunkTable`). Text that must wrap is a `Wrapped` string:
it is broken into lines at spaces (each distinct text once per column) and
drawn on the same fast path, its row as tall as its lines. A `Paragraph`
cell (for marked-up text) is measured and makes its row taller; a single row
taller than a whole page is not supported.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable

from chapterdesk.reports.fontchain import text_width
from chapterdesk.reports.styles import BODY_FONT, BOLD_FONT
from chapterdesk.reports.tablelook import (
    FONT_SIZE,
    LEADING,
    PAD_Y,
    ROW_HEIGHT,
    Cell,
    ChunkTable,
    TableLook,
    make_look,
)

__all__ = ["Cell", "Wrapped", "add_table"]

class Wrapped(str):
    """A plain-text cell broken into lines to fit its column (not cut short like a `str`)."""

    __slots__ = ()


#: How much a space may shrink to keep a word on its line, as reportlab's `Paragraph` allows.
_SPACE_SHRINKAGE = 0.05

#: Where a word too long for its column may break: after these (an e-mail after "@" or ".").
_BREAK_AFTER = re.compile(r"(?<=[@./_+-])")


def _width(text: str, font: Any) -> float:
    """The width of `text` at the table's size, each script in its own font."""
    return text_width(text, font.fontName, FONT_SIZE)


def _wrap(text: str, room: float, font: Any) -> list[str]:
    """`text` broken at spaces into lines that fit `room` points; nothing is ever cut.

    Lines break where a `Paragraph` in the same column would break them: each
    space already on a line may shrink by `_SPACE_SHRINKAGE` of its width. A
    word wider than the column is broken at a sensible point (an e-mail
    address after its "@" or a "."), else between characters.
    """
    shrink = _SPACE_SHRINKAGE * font.stringWidth(" ", FONT_SIZE)
    lines: list[str] = []
    line, words = "", 0
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if _width(candidate, font) <= room + shrink * words:
            line, words = candidate, words + 1
            continue
        if line:
            lines.append(line)
        pieces = [word] if _width(word, font) <= room else _break_word(word, room, font)
        lines.extend(pieces[:-1])
        line, words = pieces[-1], 1
    if line or not lines:
        lines.append(line)
    return lines


def _break_word(word: str, room: float, font: Any) -> list[str]:
    """A word too wide for `room` as pieces that fit, broken after "@", ".", "-"... if possible."""
    pieces: list[str] = []
    line = ""
    for part in _BREAK_AFTER.split(word):
        if _width(line + part, font) <= room:
            line += part
            continue
        if line:
            pieces.append(line)
            line = ""
        for char in part:  # a part wider than the column: between characters
            if line and _width(line + char, font) > room:
                pieces.append(line)
                line = ""
            line += char
    pieces.append(line)
    return pieces


def _prepared_rows(
    rows: Iterable[Sequence[Cell | None]], totals: Sequence[Cell | None] | None, look: TableLook
) -> Iterator[tuple[list[Cell], float, bool]]:
    """Each row as (cells, height, is_totals), with strings fitted to their columns."""
    ncols = len(look.col_widths)
    room = look.text_room
    regular = pdfmetrics.getFont(BODY_FONT)
    bold = pdfmetrics.getFont(BOLD_FONT)
    # An ASCII string short enough to fit even if every letter were the widest
    # one needs no measuring, and that is most cells (IDs, dates, amounts).
    widest = max(_widest_ascii(BODY_FONT), _widest_ascii(BOLD_FONT)) * FONT_SIZE
    safe = [int(r // widest) for r in room]
    wrapped: dict[tuple[str, int, bool], tuple[str, int]] = {}  # (text, column, bold) -> lines
    # widths of body text measured so far (organisations, cities and names repeat)
    measured: dict[str, float] = {}
    source: Iterable[tuple[Sequence[Cell | None], bool]] = ((row, False) for row in rows)
    if totals is not None:
        source = _chain(source, [(totals, True)])
    for number, (row, is_totals) in enumerate(source, start=1):
        if len(row) != ncols:
            raise ValueError(f"table row {number} has {len(row)} cells, expected {ncols}")
        font = bold if is_totals else regular
        cells: list[Cell] = []
        height = ROW_HEIGHT
        for index, value in enumerate(row):
            if value is None:
                cells.append("")
            elif isinstance(value, Wrapped):
                key = (str(value), index, is_totals)
                found = wrapped.get(key)
                if found is None:
                    lines = _wrap(value, room[index], font)
                    found = wrapped[key] = ("\n".join(lines), len(lines))
                height = max(height, found[1] * LEADING + 2 * PAD_Y)
                cells.append(found[0])
            elif isinstance(value, str):
                if len(value) > safe[index] or not value.isascii() or "\n" in value:
                    flat = value.replace("\n", " ") if "\n" in value else value
                    width = None if is_totals else measured.get(flat)
                    if width is None:
                        # ASCII is all in the base font: measured there directly
                        # (`text_width`'s own first step), one call instead of three
                        width = (
                            font.stringWidth(flat, FONT_SIZE)
                            if flat.isascii()
                            else _width(flat, font)
                        )
                        if not is_totals:
                            measured[flat] = width
                    if width <= room[index]:
                        value = flat
                    else:  # never cut: an ID, amount or date is printed whole
                        key = (flat, index, is_totals)
                        found = wrapped.get(key)
                        if found is None:
                            lines = _wrap(flat, room[index], font)
                            found = wrapped[key] = ("\n".join(lines), len(lines))
                        height = max(height, found[1] * LEADING + 2 * PAD_Y)
                        value = found[0]
                cells.append(value)
            else:
                _, needed = value.wrap(room[index], 100_000)
                height = max(height, needed + 2 * PAD_Y)
                cells.append(value)
        yield cells, height, is_totals


@functools.cache
def _widest_ascii(font_name: str) -> float:
    """The advance of the font's widest printable ASCII character, at size 1."""
    return max(float(pdfmetrics.stringWidth(chr(c), font_name, 1.0)) for c in range(32, 127))


def _chain(
    first: Iterable[tuple[Sequence[Cell | None], bool]],
    second: Iterable[tuple[Sequence[Cell | None], bool]],
) -> Iterator[tuple[Sequence[Cell | None], bool]]:
    """`itertools.chain`, typed."""
    yield from first
    yield from second


class _RowStream:
    """The prepared rows with one row of look-ahead, shared by a table's chunks."""

    def __init__(self, rows: Iterator[tuple[list[Cell], float, bool]]) -> None:
        self._rows = rows
        self._next: tuple[list[Cell], float, bool] | None = next(rows, None)

    def peek(self) -> tuple[list[Cell], float, bool] | None:
        """The next row, without taking it."""
        return self._next

    def take(self) -> None:
        """Move past the row `peek` returned."""
        self._next = next(self._rows, None)


class _StreamedTable(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """Asks to be split, then yields a page-sized `Table` and itself for the rest."""

    def __init__(self, stream: _RowStream, look: TableLook, lead: list[Flowable]) -> None:
        super().__init__()
        self._stream = stream
        self._look = look
        self._lead = lead  # headings that must stay on the page of the first rows

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Claim more height than there is, so that the frame calls `split`."""
        return sum(self._look.col_widths), availHeight + 1

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """The rows that fit in `availHeight` as one `Table`, then the rest of the stream."""
        look = self._look
        stream = self._stream
        room = availHeight - look.header_height - self._lead_height(availWidth, availHeight)
        data: list[list[Cell]] = [look.header]
        heights = [look.header_height]
        styles = [look.header_styles]
        used = 0.0
        totals = False
        row = stream.peek()
        while row is not None and used + row[1] <= room:
            cells, height, totals = row
            data.append(cells)
            heights.append(height)
            styles.append(look.totals_styles if totals else look.body_styles)
            used += height
            stream.take()
            row = stream.peek()
        if len(data) == 1 and (row is not None or room < 0):
            return []  # not even one row fits here: continue on the next page
        # (a table with no rows at all still prints its headings, once)
        table = ChunkTable(
            data,
            colWidths=list(look.col_widths),
            rowHeights=heights,
            style=look.with_totals if totals else look.plain,
            cellStyles=styles,
            normalizedData=1,
            hAlign="LEFT",
            repeatRows=1,
        )
        if row is None:
            return [*self._lead, table]
        return [*self._lead, table, _StreamedTable(stream, look, [])]

    def _lead_height(self, width: float, height: float) -> float:
        """The height the leading headings take, with their spacing (and a point to spare)."""
        if not self._lead:
            return 0.0
        total = 1.0
        for flowable in self._lead:
            _, needed = flowable.wrap(width, height)
            total += needed + flowable.getSpaceBefore() + flowable.getSpaceAfter()
        return total

    def draw(self) -> None:
        """Never drawn itself: only the chunks it splits into are."""


def add_table(
    story: list[Flowable],
    header: Sequence[str],
    rows: Iterable[Sequence[Cell | None]],
    col_widths: Sequence[float],
    *,
    numeric_cols: Iterable[int] = (),
    totals_row: Sequence[Cell | None] | None = None,
) -> None:
    """Append a table of any length to `story`, laid out one page at a time.

    Rows are read lazily while the document is built, so `rows` may be a
    generator over a database query. Each page gets one `Table` holding the
    rows that fit, under a repeated heading row, with zebra stripes.

    Args:
        story: the flowables of the document being written.
        header: the column headings.
        rows: the cells of each row: plain strings (fast; broken into lines when
            too wide), None for empty, or a `Paragraph` for marked-up text.
        col_widths: each column's width in points.
        numeric_cols: indexes of the columns to right-align (amounts, counts).
        totals_row: a last row printed bold under a rule, e.g. the sums.
    """
    if len(header) != len(col_widths):
        raise ValueError(f"{len(header)} headings but {len(col_widths)} column widths")
    look = make_look(header, col_widths, set(numeric_cols))
    stream = _RowStream(_prepared_rows(rows, totals_row, look))
    lead: list[Flowable] = []
    while story and story[-1].getKeepWithNext():
        lead.insert(0, story.pop())  # a heading keeps with the first rows, not the whole table
    story.append(_StreamedTable(stream, look, lead))
