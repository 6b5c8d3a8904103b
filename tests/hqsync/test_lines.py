"""The lines the reader writes block by block are the lines of the rows it keeps.

`RowChecker` writes each valid row as one line while its block is checked
(`hqsync.lines`); rows dropped later (a member ID met again) and postal codes
given back their leading zeros at the end must leave exactly the lines that
writing the kept rows all at once gives (`file_fingerprints`), whatever the
blocks and problems. A row holding the separator gives them up (None).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from hqfiles import member, table
from hypothesis import given, settings
from hypothesis import strategies as st

from chapterdesk.hq_fields import HQ_FIELDS
from chapterdesk.hqsync.mapping import detect_mapping
from chapterdesk.hqsync.validate import RowChecker
from chapterdesk.services.hq.compare import file_fingerprints

#: (header, cell) twists of a member row: problems, repeats, lost zeros, the separator
TWISTS = st.sampled_from(
    [
        None,
        None,
        None,
        ("Postal Code", 2134),  # a US ZIP code that lost its zero: "02134" at the end
        ("Postal Code", "2134"),
        ("Postal Code", 21341234.0),
        ("Country", "Canada"),  # with "2134" below: left as it is
        ("Join Date", "someday"),  # a problem: the row is left out
        ("Paid Through", dt.date(2027, 1, 31)),
        ("Chapter", "Austin; Dallas"),
        ("Company", "Acme\x1fInc"),  # the separator: lines are given up
        ("Member ID", "100001"),  # a repeat of the first member: both rows left out
        ("Member ID", ""),  # no ID: a problem
    ]
)


@settings(max_examples=80, deadline=None)
@given(
    twists=st.lists(st.lists(TWISTS, max_size=2), max_size=40),
    cuts=st.lists(st.integers(1, 9), min_size=1, max_size=12),
)
def test_lines_follow_the_rows_kept(twists: list[list[Any]], cuts: list[int]) -> None:
    members = []
    for number, changes in enumerate(twists, start=1):
        row = member(number)
        for twist in changes:
            if twist is not None:
                row[twist[0]] = twist[1]
        members.append(row)
    rows = table(members)
    checker = RowChecker(detect_mapping(rows[0]), date1904=False, lines=True)
    numbered = list(enumerate(rows[1:], start=2))
    start, turn = 0, 0
    while start < len(numbered):  # blocks of the sizes drawn, over and over
        size = cuts[turn % len(cuts)]
        checker.add_rows(numbered[start : start + size])
        start, turn = start + size, turn + 1
    checker.finish()
    names = [name for name in HQ_FIELDS if name in checker.columns]
    whole = file_fingerprints(SimpleNamespace(columns=checker.columns), names)  # type: ignore[arg-type]
    if any(("Company", "Acme\x1fInc") in changes for changes in twists):
        assert checker.lines in (None, whole)  # given up: the plan writes them all at once
    else:
        assert checker.lines == whole
        assert whole is not None and len(whole) == len(checker.numbers)


def test_a_restored_zip_code_is_in_its_line() -> None:
    rows = table([member(1, **{"Postal Code": 2134}), member(2)])
    checker = RowChecker(detect_mapping(rows[0]), date1904=False, lines=True)
    checker.add_rows(list(enumerate(rows[1:], start=2)))
    checker.finish()
    assert checker.lines is not None
    assert "\x1f02134\x1f" in checker.lines[0]
    assert checker.lines[0].endswith("\x1f1")
