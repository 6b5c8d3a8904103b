"""Measuring what a worksheet really holds, as python-calamine will hold it.

calamine loads a sheet into one dense grid: 32 bytes for every cell between
A1 and the last real cell (the furthest row times the furthest column), plus
a copy of a shared string for every cell that uses it. A 5 KB file with one
real cell at SF2000000 asks for 32 GB and aborts the process; 1,500 cells
pointing to one 2 MB shared string take 3 GB. So before calamine sees a
sheet, its XML is scanned in bounded chunks here and what calamine would
allocate is computed from the cells that are really there:

* a cell counts when it can hold a value (`<c r="U7">…</c>`); an empty,
  self-closing `<c r="XFD1048576" s="0"/>` (Gnumeric writes those) makes
  calamine allocate nothing, and neither does a declared `<dimension>`, which
  is only a hint;
* a cell without a reference (allowed by the format) is placed after the one
  before it in its row, so such a sheet is measured row by row;
* every use of a shared string costs its length: the long ones (over
  `LONG_STRING_BYTES`) are counted use by use, the rest at their longest.

A sheet is written in order, so each scanned piece is taken at its last
cells and only searched, in one pass, for a reference that goes further; a
piece where one does is measured reference by reference (`measure_sheet`).

`SheetExtent.cost()` is what the reader may spend; over `MAX_GRID_CELLS` or
`MAX_STRING_BYTES` the file is refused before any parser allocates anything.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter

#: calamine's grid cells a sheet may span (the reference layout's 21 columns by
#: 500,000 members is 10.5 million; 32 bytes each is about 430 MB at this cap).
MAX_GRID_CELLS = 13_500_000
#: bytes of shared text calamine may copy into cells (one copy per use)
MAX_STRING_BYTES = 256 * 1024**2
#: a shared string longer than this is counted use by use, not at the longest length
LONG_STRING_BYTES = 1024
#: the most long shared strings tracked one by one; past it every use costs the longest
MAX_LONG_STRINGS = 64
#: the longest a single tag may be (a real one is under 200 bytes)
MAX_TAG_BYTES = 1024 * 1024

_TIDY = bytes.maketrans(b"\t\n\r'", b'   "')  #: whitespace to spaces, quotes to double quotes
_CELL_REF = re.compile(rb' r="([A-Za-z]{1,3})(\d{1,10})"[^>]*(?<!/)>')  #: a cell that holds
_ROW_NUMBER = re.compile(rb'<(?:[\w.-]+:)?row\b[^>]*? r="(\d{1,10})"')
_SHARED_USE = re.compile(rb'<(?:[\w.-]+:)?c [^>]*?t="s"[^>]*(?<!/)>\s*<(?:[\w.-]+:)?v>\s*(\d+)')
_SI = re.compile(rb"<(?:[\w.-]+:)?si[ >]")
_LETTERS, _DIGITS = itemgetter(0), itemgetter(1)


def column_number(letters: bytes | str) -> int:
    """A column's 1-based number from its letters ("A" → 1, "U" → 21, "AA" → 27)."""
    number = 0
    for letter in letters.upper() if isinstance(letters, str) else letters.decode("ascii").upper():
        number = number * 26 + ord(letter) - 64
    return number


def tag_aligned(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The same bytes, tidied (`_TIDY`) and cut so that no tag is split between two pieces.

    Raises:
        ValueError: one tag is longer than `MAX_TAG_BYTES` (no real sheet has one).
    """
    carry = b""
    for chunk in chunks:
        window = carry + chunk.translate(_TIDY)
        cut = window.rfind(b">") + 1
        carry = window[cut:]
        if cut:
            yield window[:cut]
        if len(carry) > MAX_TAG_BYTES:  # a long text: hand it on, keep only a tag begun after it
            opened = carry.rfind(b"<")
            if opened >= 0 and len(carry) - opened > MAX_TAG_BYTES:
                raise ValueError("a tag longer than a megabyte")
            text, carry = (carry, b"") if opened < 0 else (carry[:opened], carry[opened:])
            yield text
    if carry:
        yield carry


@dataclass
class SharedStrings:
    """How long each shared string is (markup included: an upper bound on its text)."""

    lengths: array[int] = field(default_factory=lambda: array("I"))
    long: dict[int, int] = field(default_factory=dict)  #: index → length, for long strings
    too_many_long: bool = False
    longest_short: int = 0
    longest: int = 0

    def add_part(self, pieces: Iterable[bytes]) -> None:
        """Measure a sharedStrings part, given as `tag_aligned` pieces."""
        start: int | None = None
        offset = 0
        for piece in pieces:
            for match in _SI.finditer(piece):
                self._close(start, offset + match.start())
                start = offset + match.start()
            offset += len(piece)
        self._close(start, offset)

    def _close(self, start: int | None, end: int) -> None:
        if start is None:
            return
        length = min(end - start, 2**32 - 1)
        index = len(self.lengths)
        self.lengths.append(length)
        self.longest = max(self.longest, length)
        if length <= LONG_STRING_BYTES:
            self.longest_short = max(self.longest_short, length)
        elif len(self.long) < MAX_LONG_STRINGS:
            self.long[index] = length
        else:
            self.too_many_long = True


@dataclass
class SheetExtent:
    """The furthest real cell of a sheet and what its shared-string cells will cost."""

    rows: int = 0
    columns: int = 0
    shared_uses: int = 0
    long_uses: dict[int, int] = field(default_factory=dict)  #: long string index → uses
    string_bytes: int | None = None  #: exact, when every use was counted

    @property
    def grid_cells(self) -> int:
        """The cells calamine's dense grid will hold (from A1: a conservative bound)."""
        return self.rows * self.columns

    def string_cost(self, strings: SharedStrings) -> int:
        """Bytes of shared text copied into this sheet's cells, bounded from above."""
        if self.string_bytes is not None:
            return self.string_bytes
        if strings.too_many_long:
            return self.shared_uses * strings.longest
        long_cost = sum(strings.long[i] * n for i, n in self.long_uses.items())
        return long_cost + (self.shared_uses - sum(self.long_uses.values())) * strings.longest_short


def measure_sheet(
    pieces: Iterable[bytes], strings: SharedStrings, prefix: bytes = b""
) -> SheetExtent:
    """Measure one worksheet from its `tag_aligned` pieces (see `SheetMeasure`).

    Args:
        pieces: the part's bytes, tidied and cut between tags.
        strings: the workbook's shared strings, measured first.
        prefix: the namespace prefix the sheet's elements carry (b"x:"), if any.
    """
    measure = SheetMeasure(strings, prefix)
    for piece in pieces:
        measure.feed(piece)
    return measure.extent


class SheetMeasure:
    """One worksheet measured piece by piece, its extent exact after every piece.

    A sheet as spreadsheets write it is in order: a piece's furthest cell is
    among its last. So each piece is first taken at its tail's furthest cell
    (and the furthest column seen before), and one search (`_beyond`) asks
    whether any reference in it goes further; only a piece where one does (or
    whose cells lack references) is measured reference by reference. Either
    way the extent is that of the cells the references name, so far.
    """

    def __init__(self, strings: SharedStrings, prefix: bytes = b"") -> None:
        self.extent = SheetExtent()
        #: a cell without a reference was seen: from there on the sheet is measured row by
        #: row, and its cells' places depend on the rows before them
        self.refless = False
        self._strings = strings
        self._prefix = prefix
        self._cell_open, self._cell_bare = b"<" + prefix + b"c ", b"<" + prefix + b"c>"
        self._any_c, self._cell_ref = b"<" + prefix + b"c", b"<" + prefix + b'c r="'
        self._row_open = b"<" + prefix + b"row "
        self._long_needles = {i: b">" + str(i).encode() + b"<" for i in strings.long}
        self._row_cells = self._row_number = 0  # for a sheet with cells without references

    def feed(self, piece: bytes) -> None:
        """Measure the next `tag_aligned` piece."""
        extent = self.extent
        # As spreadsheets write it, every tag starting "<c" is a cell whose reference
        # comes first: then all of them have one, and two counts tell it. Otherwise a
        # cell tag has none when there are more of them than references that are not rows'.
        tags = piece.count(self._any_c)
        all_referenced = tags == piece.count(self._cell_ref)
        if not all_referenced:
            tags = piece.count(self._cell_open) + piece.count(self._cell_bare)
            all_referenced = tags <= piece.count(b' r="') - piece.count(self._row_open)
        if self.refless or not _in_order(piece, all_referenced, extent):
            found = _CELL_REF.findall(piece)
            _reach(extent, found)
            # A cell tag the references did not count is empty (`<c r="B2" s="1"/>`) or has none.
            if self.refless or (tags > len(found) and not all_referenced):
                self.refless = True
                self._row_cells, self._row_number = _measure_refless(
                    piece, extent, self._prefix, self._row_cells, self._row_number
                )
        if not self._strings.longest:  # no shared text: a use costs nothing (calamine refuses it)
            return
        uses = piece.count(b't="s"')
        extent.shared_uses += uses
        if uses and self._long_needles:
            for index, needle in self._long_needles.items():
                if (count := piece.count(needle)) > 0:
                    extent.long_uses[index] = extent.long_uses.get(index, 0) + count


def _reach(extent: SheetExtent, found: list[tuple[bytes, bytes]]) -> None:
    """Stretch `extent` to the furthest of `found` references (letters, digits)."""
    if found:  # (map and itemgetter: `zip(*found)` unpacks 20,000 arguments, 8 times slower)
        letters, digits = set(map(_LETTERS, found)), set(map(_DIGITS, found))
        extent.columns = max(extent.columns, *map(column_number, letters))
        extent.rows = max(extent.rows, *map(int, digits))


def _in_order(piece: bytes, all_referenced: bool, extent: SheetExtent) -> bool:
    """Take an in-order piece's extent from its tail; False when it must be measured in full.

    True only when every cell tag has a reference and no reference anywhere in
    the piece (value cell or not) goes beyond the furthest row and column that
    real cells in its tail, or earlier pieces, reach: then those are its extent.
    """
    if not all_referenced:
        return False  # cells without references: measured row by row
    tail = piece.find(b"<", max(len(piece) - _TAIL_BYTES, 0))
    found = _CELL_REF.findall(piece, tail) if tail >= 0 else []
    if not found:
        return False
    reached = SheetExtent(extent.rows, extent.columns)
    _reach(reached, found)
    if _beyond(reached.columns, reached.rows).search(piece) is not None:
        return False
    extent.rows, extent.columns = reached.rows, reached.columns
    return True


_TAIL_BYTES = 8192  #: the end of a piece its furthest cell is looked for in


def column_letters(number: int) -> str:
    """A column's letters from its 1-based number (1 → "A", 21 → "U", 27 → "AA")."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _greater_digits(digits: str) -> str | None:
    """A pattern for the digit strings as long as `digits` and greater, else None."""
    choices = []
    if digits[0] != "9":
        choices.append(f"[{int(digits[0]) + 1}-9][0-9]{{{len(digits) - 1}}}")
    if len(digits) > 1 and (rest := _greater_digits(digits[1:])) is not None:
        choices.append(f"{digits[0]}(?:{rest})")
    return "|".join(choices) or None


def _greater_letters(letters: str) -> str | None:
    """A pattern for the column letters (either case) as many as `letters` and further."""
    choices = []
    first = letters[0]
    if first != "Z":
        after = chr(ord(first) + 1)
        choices.append(f"[{after}-Z{after.lower()}-z][A-Za-z]{{{len(letters) - 1}}}")
    if len(letters) > 1 and (rest := _greater_letters(letters[1:])) is not None:
        choices.append(f"[{first}{first.lower()}](?:{rest})")
    return "|".join(choices) or None


def _beyond(columns: int, rows: int) -> re.Pattern[bytes]:
    """A search for any cell reference past column `columns` or row `rows`.

    It finds more than `_CELL_REF` would count (a reference with four letters, an
    empty cell's): finding anything only sends the piece to the full measure.
    """
    letters, digits = column_letters(columns) or "A", str(rows)
    further = f"[A-Za-z]{{{len(letters) + 1}}}"
    if (greater := _greater_letters(letters)) is not None:
        further += f"|(?:{greater})[0-9]"
    lower = f"[0-9]{{{len(digits) + 1}}}"
    if (greater := _greater_digits(digits)) is not None:
        lower += f'|(?:{greater})"'
    return re.compile(f' r="(?:{further}|[A-Za-z]{{1,3}}(?:{lower}))'.encode())


def measure_shared_uses(pieces: Iterable[bytes], strings: SharedStrings) -> int:
    """The exact bytes of shared text a sheet's cells copy, use by use (the slow, sure count)."""
    lengths, count = strings.lengths, len(strings.lengths)
    total = 0
    for piece in pieces:
        for index in map(int, _SHARED_USE.findall(piece)):
            total += lengths[index] if index < count else 0  # calamine refuses a missing one
    return total


def _measure_refless(
    piece: bytes, extent: SheetExtent, prefix: bytes, row_cells: int, row_number: int
) -> tuple[int, int]:
    """Count cells row by row (a cell without a reference follows the one before it)."""
    rows = piece.split(b"<" + prefix + b"row")
    for position, row in enumerate(rows):
        if position:  # a new row starts here
            row_cells = 0
            found = _ROW_NUMBER.match(b"<" + prefix + b"row" + row)
            row_number = int(found.group(1)) if found else row_number + 1
        row_cells += row.count(b"<" + prefix + b"c ") + row.count(b"<" + prefix + b"c>")
        extent.columns = max(extent.columns, row_cells)
        extent.rows = max(extent.rows, row_number)
    return row_cells, row_number
