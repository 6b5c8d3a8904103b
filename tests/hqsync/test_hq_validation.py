"""Every row problem is reported with its spreadsheet row and column, and nothing is guessed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from hqfiles import member, table

from chapterdesk.hqsync import Problem, read_hq_export
from chapterdesk.hqsync.dates import CellProblem, parse_date_text, serial_to_date
from chapterdesk.hqsync.mapping import detect_mapping
from chapterdesk.hqsync.validate import RowChecker

DATE_ADVICE = "write dates as YYYY-MM-DD or MM/DD/YYYY"


def problems_for(path: Path) -> list[str]:
    return [str(problem) for problem in read_hq_export(path).problems]


@pytest.mark.parametrize(
    ("paid_through", "message"),
    [("31/12/2026", f"'31/12/2026' is not a month-first (US) date; {DATE_ADVICE}."),
     ("05/06/26", f"'05/06/26' is ambiguous (the year needs four digits); {DATE_ADVICE}."),
     ("2026-02-30", "'2026-02-30' is not a real calendar date."),
     ("2/30/2026", "'2/30/2026' is not a real calendar date."),
     ("next June", f"'next June' is not a date ChapterDesk can read; {DATE_ADVICE}.")],
)  # fmt: skip
def test_bad_dates_are_errors_for_their_row(
    roster_csv: Callable[..., Path], paid_through: str, message: str
) -> None:
    path = roster_csv(table([member(1), member(2, Paid_Through=paid_through)]))
    parsed = read_hq_export(path)
    assert [str(p) for p in parsed.problems] == [f"row 3, Paid Through: {message}"]
    assert [row.row for row in parsed.rows] == [2]
    assert (parsed.invalid_rows, parsed.total_rows) == (1, 2)


@pytest.mark.parametrize(
    ("text", "day"),
    [("2026-12-31", dt.date(2026, 12, 31)), ("12/31/2026", dt.date(2026, 12, 31)),
     ("1/5/2026", dt.date(2026, 1, 5)), ("2026-12-31 00:00:00", dt.date(2026, 12, 31)),
     ("2024-02-29", dt.date(2024, 2, 29))],
)  # fmt: skip
def test_readable_text_dates(text: str, day: dt.date) -> None:
    assert parse_date_text(text) == day


def test_excel_serial_numbers_and_the_1900_leap_bug() -> None:
    assert serial_to_date(1, False) == dt.date(1900, 1, 1)
    assert serial_to_date(59, False) == dt.date(1900, 2, 28)
    assert serial_to_date(61, False) == dt.date(1900, 3, 1)
    assert serial_to_date(46387.75, False) == dt.date(2026, 12, 31)  # time of day dropped
    assert serial_to_date(0, True) == dt.date(1904, 1, 1)
    with pytest.raises(CellProblem, match="not a real date"):
        serial_to_date(60, False)
    with pytest.raises(CellProblem, match="is a number, not a date"):
        serial_to_date(-3, False)


def test_id_problems_name_the_row(roster_xlsx: Callable[..., Path]) -> None:
    rows = table([member(1, **{"Member ID": "12A45"}), member(2, **{"Member ID": 12.5}),
                  member(3)])  # fmt: skip
    assert problems_for(roster_xlsx(rows)) == [
        "row 2, Member ID: '12A45' is not an HQ member ID; IDs are digits, like 104233.",
        "row 3, Member ID: 12.5 is not an HQ member ID; IDs are whole numbers.",
    ]


def test_duplicate_ids_are_reported_on_both_rows_and_neither_is_kept(
    roster_xlsx: Callable[..., Path],
) -> None:
    rows = table([member(1), member(2), member(3, **{"Member ID": "100001"}), member(4)])
    parsed = read_hq_export(roster_xlsx(rows))
    assert [str(p) for p in parsed.problems] == [
        "row 2, Member ID: member ID 100001 appears again on row 4; each member must appear "
        "once. Remove or correct one of the rows.",
        "row 4, Member ID: member ID 100001 is also on row 2; each member must appear once. "
        "Remove or correct one of the rows.",
    ]
    assert [row.row for row in parsed.rows] == [3, 5]
    assert (parsed.invalid_rows, parsed.total_rows) == (2, 4)


@pytest.mark.parametrize(
    ("header", "limit"),
    [("Last Name", 100), ("Prefix", 40), ("Company", 200), ("Email", 254), ("Phone", 60),
     ("City", 100), ("Postal Code", 20), ("Member Type", 100), ("Status", 40),
     ("Chapter", 500)],
)  # fmt: skip
def test_overlong_text(roster_csv: Callable[..., Path], header: str, limit: int) -> None:
    path = roster_csv(
        table([member(1, **{header: "x" * limit}), member(2, **{header: "y" * (limit + 1)})])
    )
    assert problems_for(path) == [
        f"row 3, {header}: the text is {limit + 1} characters long; at most {limit} fit. "
        "Shorten it in the file."
    ]


def test_every_problem_of_a_row_is_listed(roster_xlsx: Callable[..., Path]) -> None:
    row = member(1, **{"Member ID": "", "Join Date": "someday", "Paid Through": "13/01/2026"})
    parsed = read_hq_export(roster_xlsx(table([row])))
    assert [(p.row, p.column) for p in parsed.problems] == [
        (2, "Member ID"),
        (2, "Join Date"),
        (2, "Paid Through"),
    ]
    assert parsed.rows == [] and parsed.invalid_rows == 1


def test_text_is_cleaned_and_chapters_are_split(roster_xlsx: Callable[..., Path]) -> None:
    row = member(1, First_Name="  Ann  ", Middle_Name=None, Chapter=" Austin ;; Dallas ; ",
                 Postal_Code=2134.0, Join_Date="")  # fmt: skip
    values = read_hq_export(roster_xlsx(table([row]))).rows[0].values
    assert values["first_name"] == "Ann"
    assert values["middle_name"] == ""
    assert values["chapters"] == ("Austin", "Dallas")
    assert values["postal_code"] == "02134"  # a US ZIP stored as a number: its zero put back
    assert values["join_date"] is None


def test_problem_reads_as_a_sentence() -> None:
    assert str(Problem(12, "Paid Through", "'x' is not a date.")) == (
        "row 12, Paid Through: 'x' is not a date."
    )
    assert str(Problem(12, "", "odd")) == "row 12: odd"


def test_required_values_must_be_filled(roster_csv: Callable[..., Path]) -> None:
    rows = table([member(1, Last_Name="  "), member(2, Paid_Through=""), member(3)])
    parsed = read_hq_export(roster_csv(rows))
    assert [str(p) for p in parsed.problems] == [
        "row 2, Last Name: the cell is empty; every member row needs one.",
        "row 3, Paid Through: the cell is empty; every member row needs one.",
    ]
    assert [row.row for row in parsed.rows] == [4]


def test_a_csv_of_text_dates_reads_each_date_once_and_the_same(
    roster_csv: Callable[..., Path],
) -> None:
    members = [
        member(i, Paid_Through=f"{1 + i % 12}/{1 + i % 28}/2027",
               Join_Date="" if i % 3 else "2015-03-01")
        for i in range(1, 1200)
    ]  # fmt: skip
    parsed = read_hq_export(roster_csv(table(members)))
    assert not parsed.problems and parsed.total_rows == 1199
    paid = parsed.columns["paid_through"]
    joined = parsed.columns["join_date"]
    assert paid[:2] == [dt.date(2027, 2, 2), dt.date(2027, 3, 3)]
    assert joined[:3] == [None, None, dt.date(2015, 3, 1)]
    assert paid[0] is paid[12 * 28]  # equal dates are one object


@pytest.mark.parametrize("header", ["Last Name", "Company", "City", "Chapter"])
def test_a_text_holding_a_nul_is_refused_for_its_row(header: str) -> None:
    """Only a damaged binary workbook (.xls, .xlsb) carries one; no reader lets it in."""
    rows = table([member(n) for n in range(1, 601)])
    rows[300][rows[0].index(header)] = "Lee\x00"  # in a block that is otherwise clean
    checker = RowChecker(detect_mapping(rows[0]), date1904=False)
    checker.add_rows([(number, cells) for number, cells in enumerate(rows[1:], start=2)])
    checker.finish()
    assert [str(p) for p in checker.problems] == [
        f"row 301, {header}: the text holds a NUL character (damaged binary data). "
        "Ask HQ to export the file again."
    ]
    assert 301 not in checker.numbers and len(checker.numbers) == 599
