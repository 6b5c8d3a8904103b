"""Cleaning and checking each member row before anything is written.

Every problem is collected (not just the first) with its spreadsheet row number
and column header, so the officer can fix the file in one pass. Blank rows and
a report's totals row are skipped. A row with any problem is kept out of the
valid rows; so are both rows of a duplicated member ID, since there is no
telling which of the two HQ meant.

An export can carry half a million rows, so rows are checked in blocks: a
clean block is checked a column at a time (`columns`), and only a block with
a problem in it is checked row by row to report each problem. Valid values
are kept column by column (one list per field, equal short texts and dates
shared), not as a dict per row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from itertools import compress
from operator import attrgetter, itemgetter

from chapterdesk.errors import BadInputError
from chapterdesk.hq_fields import DATE_FIELDS, HQ_FIELDS, TEXT_LIMITS
from chapterdesk.hqsync import columns as by_column
from chapterdesk.hqsync.dates import EMPTY_REQUIRED, CellProblem, make_date_reader
from chapterdesk.hqsync.lines import LineWriter
from chapterdesk.hqsync.mapping import FIELDS, REQUIRED, Mapping
from chapterdesk.hqsync.postal import restore_zip_codes
from chapterdesk.hqsync.results import Problem
from chapterdesk.values import normalise_hq_id

#: Fields whose values repeat a lot; equal texts are stored once.
_SHARED_TEXT_FIELDS = frozenset(
    {"prefix", "suffix", "company", "title", "city", "state", "country", "member_type",
     "hq_status"}
)  # fmt: skip
_TOTALS = re.compile(r"(grand\s*)?(totals?|count|record\s*count)\b", re.IGNORECASE)

Converter = Callable[[object], object]
_SHARE_LIMIT = 50_000  #: distinct texts shared per field; beyond it they are kept as they come


class MissingId(CellProblem):
    """The row has no member ID (it may be blank or a totals row)."""


def cell_text(value: object) -> str:
    """Any cell value as stripped text; whole numbers lose their ".0" (a ZIP stored as 2134.0)."""
    kind = value.__class__
    if kind is str:
        return value.strip()  # type: ignore[attr-defined, no-any-return]
    if kind is float:
        number: float = value  # type: ignore[assignment]
        return str(int(number)) if number.is_integer() else repr(number)
    if value is None:
        return ""
    if kind is bool:
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def read_hq_id(value: object) -> str:
    """The member ID in a cell, normalised (`123456.0`, `'00123456'` → `'123456'`).

    Raises:
        MissingId: the cell is empty.
        CellProblem: the cell is not a whole number of digits.
    """
    kind = value.__class__
    if kind is str:
        text: str = value.strip()  # type: ignore[attr-defined]
        if text.isdigit() and text.isascii() and text[0] != "0" and len(text) <= 18:
            return text
        if not text:
            raise MissingId("the member ID is empty; every member row needs HQ's member ID.")
    elif kind is float:
        number: float = value  # type: ignore[assignment]
        if number.is_integer() and 0 < number < 1e18:
            return str(int(number))
    elif kind is int:  # .xls stores small whole numbers as integers
        if 0 < value < 10**18:  # type: ignore[operator]
            return str(value)
    elif value is None:
        raise MissingId("the member ID is empty; every member row needs HQ's member ID.")
    try:
        return normalise_hq_id(value)
    except BadInputError as exc:
        raise CellProblem(exc.message) from None


#: A text cell holding a NUL (U+0000) is refused: no HQ field has one, only a damaged
#: binary workbook (.xls, .xlsb) can carry it, and the stored records' fingerprints
#: (`hq_compare.load_fingerprints`) end a text at one.
NUL_TEXT = "the text holds a NUL character (damaged binary data). Ask HQ to export the file again."


def _too_long(text: str, limit: int) -> CellProblem:
    return CellProblem(
        f"the text is {len(text)} characters long; at most {limit} fit. Shorten it in the file."
    )


def make_text_reader(limit: int, table: dict[str, str] | None, required: bool = False) -> Converter:
    """A converter to stripped text of at most `limit` characters (raising CellProblem).

    Args:
        limit: the most characters the field may hold.
        table: where equal texts are shared, or None for fields that rarely repeat.
        required: an empty cell is a problem.
    """

    def read_text(value: object) -> str:
        text = value.strip() if value.__class__ is str else cell_text(value)
        if len(text) > limit:
            raise _too_long(text, limit)
        if required and not text:
            raise CellProblem(EMPTY_REQUIRED)
        if "\x00" in text:
            raise CellProblem(NUL_TEXT)
        return text

    if table is None:
        return read_text
    shared: dict[str, str] = table

    def read_shared_text(value: object) -> str:
        text = value.strip() if value.__class__ is str else cell_text(value)
        if len(text) > limit:
            raise _too_long(text, limit)
        if "\x00" in text:
            raise CellProblem(NUL_TEXT)
        if len(shared) < _SHARE_LIMIT:
            return shared.setdefault(text, text)
        return text

    return read_shared_text


def make_chapters_reader(limit: int) -> Callable[[object], tuple[str, ...]]:
    """A converter from "Austin; Dallas" to ("Austin", "Dallas"), empty parts dropped."""
    table: dict[str, tuple[str, ...]] = {}

    def read_chapters(value: object) -> tuple[str, ...]:
        text = cell_text(value)
        known = table.get(text)
        if known is not None:
            return known
        if len(text) > limit:
            raise _too_long(text, limit)
        if "\x00" in text:
            raise CellProblem(NUL_TEXT)
        names = tuple(part.strip() for part in text.split(";") if part.strip())
        if len(table) < _SHARE_LIMIT:
            table[text] = names
        return names

    return read_chapters


def converters_for(name: str, date1904: bool) -> tuple[Converter, by_column.ColumnConverter]:
    """One field's cell converter and the column converter that agrees with it."""
    if name == "hq_id":
        return read_hq_id, by_column.id_column(read_hq_id)
    required = name in REQUIRED
    if name in DATE_FIELDS:
        read_date = make_date_reader(date1904, required)
        return read_date, by_column.date_column(read_date)
    if name == "chapters":
        read_chapters = make_chapters_reader(TEXT_LIMITS[name])
        return read_chapters, by_column.chapters_column(read_chapters)
    table: dict[str, str] | None = None
    if not required and name in _SHARED_TEXT_FIELDS:
        table = {}
    read_text = make_text_reader(TEXT_LIMITS[name], table, required=required)
    return read_text, by_column.text_column(read_text, TEXT_LIMITS[name], required, table)


def is_totals_row(cells: Sequence[object]) -> bool:
    """True for a report's summary line ("Total", "Totals: 512", "Count 512").

    Only asked of rows without a valid member ID. The summary word must open
    the row's first filled cell and the row must be nearly empty, so a member
    whose ID is merely missing is still reported, not silently skipped.
    """
    texts = [text for text in map(cell_text, cells) if text]
    return bool(texts) and len(texts) <= 3 and _TOTALS.match(texts[0]) is not None


class RowChecker:
    """Collects the valid rows and every problem of one export, block by block.

    Valid rows are kept as columns: `numbers` holds their row numbers and
    `columns[field]` their values, in file order. With `lines`, each valid row is
    also written as one line of text (`hqsync.lines`) as its block is checked:
    `lines` holds them, parallel to `numbers`, or is None when a value holds the
    lines' separator.
    """

    def __init__(self, mapping: Mapping, date1904: bool, lines: bool = False) -> None:
        names = sorted(mapping.columns, key=FIELDS.index)  # "hq_id" first
        converters = [converters_for(name, date1904) for name in names]
        self._plan = tuple(
            (name, mapping.columns[name], cell)
            for name, (cell, _) in zip(names, converters, strict=True)
        )
        self._column_plan = tuple(
            (mapping.columns[name], column)
            for name, (_, column) in zip(names, converters, strict=True)
        )
        self._headers = {name: mapping.header_for(name) for name in names}
        self._width = max(mapping.columns.values()) + 1
        self._first_row: dict[str, int] = {}  # member ID → the row it first appeared on
        self._dropped: set[int] = set()  # rows already reported; any of them still valid is dropped
        self.numbers: list[int] = []
        self.columns: dict[str, list[object]] = {name: [] for name in names}
        self._lists = tuple(self.columns[name] for name in names)
        self.problems: list[Problem] = []
        self.invalid_rows = 0
        self.total_rows = 0
        self._writer = LineWriter([name for name in HQ_FIELDS if name in self.columns])
        self.lines: list[str] | None = [] if lines else None

    def add_rows(self, block: Sequence[tuple[int, Sequence[object]]]) -> None:
        """Check a block of rows (row number, cells): column by column when it is clean."""
        if block and not self._add_clean_block(block):
            for number, cells in block:
                self.add_row(number, cells)
        if self.lines is not None and len(self.lines) < len(self.numbers):
            written = self._writer.lines(self.columns, len(self.lines), len(self.numbers))
            if written is None:
                self.lines = None
            else:
                self.lines += written

    def _add_clean_block(self, block: Sequence[tuple[int, Sequence[object]]]) -> bool:
        """Take a block whose every cell is valid and whose IDs are new; False to go row by row."""
        rows = list(map(itemgetter(1), block))
        if min(map(len, rows)) < self._width:
            return False
        cells = list(zip(*rows))  # noqa: B905 -- every row is at least as wide as the mapping
        values: list[list[object]] = []
        for index, convert in self._column_plan:
            column = convert(cells[index])
            if column is None:
                return False
            values.append(column)
        numbers = list(map(itemgetter(0), block))
        ids: list[str] = values[0]  # type: ignore[assignment]
        fresh = dict(zip(ids, numbers, strict=True))
        if len(fresh) != len(numbers) or not self._first_row.keys().isdisjoint(fresh):
            return False
        self._first_row.update(fresh)
        self.total_rows += len(numbers)
        self.numbers += numbers
        for kept, column in zip(self._lists, values, strict=True):
            kept += column
        return True

    def add_row(self, number: int, cells: Sequence[object]) -> None:
        """Check one row; `number` is its 1-based row number in the file."""
        if len(cells) < self._width:
            cells = [*cells, *[""] * (self._width - len(cells))]
        try:
            values = [convert(cells[index]) for _, index, convert in self._plan]
        except CellProblem:
            self._add_faulty_row(number, cells)
            return
        self.total_rows += 1
        hq_id: str = values[0]  # type: ignore[assignment]
        first = self._first_row.setdefault(hq_id, number)
        if first != number:
            self._add_duplicate(number, hq_id, first)
            return
        self.numbers.append(number)
        for kept, value in zip(self._lists, values, strict=True):
            kept.append(value)

    def _add_faulty_row(self, number: int, cells: Sequence[object]) -> None:
        try:
            hq_id: str | None = read_hq_id(cells[self._plan[0][1]])
        except MissingId:
            if not any(map(cell_text, cells)) or is_totals_row(cells):
                return
            hq_id = None
        except CellProblem:
            if is_totals_row(cells):  # "Totals: 512" written in the ID column
                return
            hq_id = None
        self.total_rows += 1
        self.invalid_rows += 1
        for name, index, convert in self._plan:
            try:
                convert(cells[index])
            except CellProblem as exc:
                self.problems.append(Problem(number, self._headers[name], str(exc)))
        if hq_id is not None:
            first = self._first_row.setdefault(hq_id, number)
            if first != number:
                self.invalid_rows -= 1  # counted again by _add_duplicate
                self._add_duplicate(number, hq_id, first)
            else:
                self._dropped.add(number)  # already invalid: never name it twice

    def _add_duplicate(self, number: int, hq_id: str, first: int) -> None:
        header = self._headers["hq_id"]
        self.invalid_rows += 1
        self.problems.append(
            Problem(number, header, f"member ID {hq_id} is also on row {first}; "
                    "each member must appear once. Remove or correct one of the rows.")
        )  # fmt: skip
        if first not in self._dropped:
            self._dropped.add(first)
            self.invalid_rows += 1
            self.problems.append(
                Problem(first, header, f"member ID {hq_id} appears again on row {number}; "
                        "each member must appear once. Remove or correct one of the rows.")
            )  # fmt: skip

    @property
    def ids_seen(self) -> Iterable[str]:
        """Every member ID read from the file, on valid and invalid rows."""
        return self._first_row.keys()

    def finish(self) -> None:
        """Drop valid rows that turned out to share an ID, put problems in row order, and
        put back the leading zeros of US postal codes (`postal`); the lines follow suit."""
        if self.lines is not None and len(self.lines) != len(self.numbers):
            self.lines = None  # rows added one by one (`add_row`) without their lines
        if self._dropped:
            keep = [number not in self._dropped for number in self.numbers]
            self.numbers = list(compress(self.numbers, keep))
            for kept in self._lists:
                kept[:] = compress(kept, keep)
            if self.lines is not None:
                self.lines[:] = compress(self.lines, keep)
        self.problems.sort(key=attrgetter("row"))
        if "postal_code" in self.columns and "country" in self.columns:
            restored = restore_zip_codes(self.columns["postal_code"], self.columns["country"])
            self.lines = self._rewritten(self.lines, restored)

    def _rewritten(self, lines: list[str] | None, positions: list[int]) -> list[str] | None:
        """`lines` with the rows at `positions` written again (None if one holds the separator)."""
        if lines is None:
            return None
        for position in positions:
            line = self._writer.lines(self.columns, position, position + 1)
            if line is None:
                return None
            lines[position] = line[0]
        return lines
