"""A sheet's extent taken from each piece's tail is the extent every reference gives.

`measure_sheet` trusts an in-order piece's last cells and only searches it for
a reference that goes further (`_beyond`); these tests hold it to the slow,
sure measure (every reference of the whole sheet read) on generated sheets
with references out of order, empty cells far out, lower-case letters, leading
zeros, and pieces of every size.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from chapterdesk.hqsync.extent import (
    _CELL_REF,
    SharedStrings,
    _beyond,
    column_letters,
    column_number,
    measure_sheet,
    tag_aligned,
)


def _every_reference(xml: bytes) -> tuple[int, int]:
    """The furthest row and column any value cell's reference names (the slow measure)."""
    found = _CELL_REF.findall(xml.translate(bytes.maketrans(b"\t\n\r'", b'   "')))
    return max((int(d) for _, d in found), default=0), max(
        (column_number(c) for c, _ in found), default=0
    )


def _cell(column: int, row: int, lower: bool = False, zeros: int = 0, empty: bool = False) -> str:
    letters = column_letters(column)
    ref = f"{letters.lower() if lower else letters}{'0' * zeros}{row}"
    if empty:
        return f'<c r="{ref}" s="1"/>'
    return f'<c r="{ref}" t="inlineStr"><is><t>member {row}</t></is></c>'


@st.composite
def sheets(draw: st.DrawFn) -> bytes:
    """An in-order sheet of 1-400 rows of 1-30 cells, with a few strays dropped in."""
    rows = draw(st.integers(1, 400))
    width = draw(st.integers(1, 30))
    body = []
    for row in range(1, rows + 1):
        body.append(f'<row r="{row}">' + "".join(_cell(c, row) for c in range(1, width + 1)))
        body.append("</row>")
    strays = draw(
        st.lists(
            st.tuples(
                st.integers(0, len(body)),  # where
                st.integers(1, 18_278),  # column
                st.integers(1, 2_000_000),  # row
                st.booleans(),  # lower-case letters
                st.integers(0, 3),  # leading zeros
                st.booleans(),  # an empty (self-closing) cell: it does not count
            ),
            max_size=4,
        )
    )
    for where, column, row, lower, zeros, empty in sorted(strays, reverse=True):
        body.insert(where, _cell(column, row, lower, zeros, empty))
    return ("<worksheet><sheetData>" + "".join(body) + "</sheetData></worksheet>").encode()


@settings(max_examples=150, deadline=None)
@given(sheets(), st.integers(64, 40_000))
def test_the_extent_is_the_one_every_reference_gives(xml: bytes, chunk: int) -> None:
    pieces = tag_aligned(xml[i : i + chunk] for i in range(0, len(xml), chunk))
    extent = measure_sheet(pieces, SharedStrings())
    assert (extent.rows, extent.columns) == _every_reference(xml)


def test_a_far_reference_in_the_middle_of_a_long_piece_is_found() -> None:
    """The tail alone would say row 3,000 and column U; the stray in the middle goes further."""
    rows = [
        f'<row r="{r}">' + "".join(_cell(c, r) for c in range(1, 22)) + "</row>"
        for r in range(1, 3001)
    ]
    rows.insert(1500, _cell(3, 999_999))
    xml = ("<worksheet><sheetData>" + "".join(rows) + "</sheetData></worksheet>").encode()
    extent = measure_sheet(tag_aligned([xml]), SharedStrings())
    assert (extent.rows, extent.columns) == (999_999, 21)
    rows[1500] = _cell(703, 7)  # column AAA
    xml = ("<worksheet><sheetData>" + "".join(rows) + "</sheetData></worksheet>").encode()
    extent = measure_sheet(tag_aligned([xml]), SharedStrings())
    assert (extent.rows, extent.columns) == (3000, 703)


_COLUMNS, _ROWS = st.integers(1, 18_278), st.integers(0, 10**10)


@given(_COLUMNS, _ROWS, _COLUMNS, _ROWS)
def test_beyond_finds_exactly_the_references_past_the_bound(
    columns: int, rows: int, column: int, row: int
) -> None:
    found = _beyond(columns, rows).search(f' r="{column_letters(column)}{row}"'.encode())
    assert (found is not None) == (column > columns or row > rows)


def test_beyond_reads_lower_case_letters_and_leading_zeros_as_further_or_not() -> None:
    pattern = _beyond(21, 100_003)
    assert pattern.search(b' r="v1"') and pattern.search(b' r="aa1"')
    assert not pattern.search(b' r="u100003"')
    assert not pattern.search(b' r="A099999"')
    assert pattern.search(b' r="A0100000"')  # more digits: measured in full, whatever they say
    assert re.fullmatch(rb"[A-Z]+", column_letters(16_384).encode())
