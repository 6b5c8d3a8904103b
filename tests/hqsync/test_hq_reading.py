"""Reading real-looking HQ exports: every format round-trips into the same member rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from hqfiles import REFERENCE_HEADERS, member, table

from chapterdesk.hqsync import ImportCancelled, read_hq_export

EXPECTED_FIRST = {
    "hq_id": "100001", "prefix": "Ms.", "first_name": "Ann1", "middle_name": "",
    "last_name": "Lee1", "suffix": "", "company": "Acme", "title": "Engineer",
    "email": "ann1@example.com", "phone": "512-555-0100", "address1": "1 Main St",
    "address2": "", "city": "Austin", "state": "TX", "postal_code": "78701", "country": "USA",
    "member_type": "Professional", "join_date": dt.date(2015, 3, 1),
    "paid_through": dt.date(2026, 12, 31), "hq_status": "Active", "chapters": ("Austin",),
}  # fmt: skip


def test_xlsx_round_trip_gives_every_field(roster_xlsx: Callable[..., Path]) -> None:
    path = roster_xlsx(table([member(1), member(2)]))
    parsed = read_hq_export(path)
    assert parsed.file_format == "xlsx"
    assert parsed.sheet_name == "Roster"
    assert parsed.header_row == 1
    assert parsed.problems == []
    assert [row.row for row in parsed.rows] == [2, 3]
    assert parsed.rows[0].values == EXPECTED_FIRST
    assert parsed.total_rows == 2 and parsed.invalid_rows == 0
    assert parsed.delimiter is None and parsed.encoding is None


def test_format_is_decided_by_content_not_name(roster_xlsx: Callable[..., Path]) -> None:
    path = roster_xlsx(table([member(1)]), name="roster.csv")
    assert read_hq_export(path).file_format == "xlsx"


def test_report_titles_blank_rows_and_totals_row_are_skipped(
    roster_xlsx: Callable[..., Path],
) -> None:
    rows = table([member(1), member(2)])
    rows.insert(2, [])  # a blank row between members
    rows.append(["", "Total", 2])
    rows.append(["Totals: 2"])
    path = roster_xlsx(rows, before=["Chapter 42 Member Roster", "Run 2026-01-05", ""])
    parsed = read_hq_export(path)
    assert parsed.header_row == 4
    assert [row.values["hq_id"] for row in parsed.rows] == ["100001", "100002"]
    assert [row.row for row in parsed.rows] == [5, 7]  # spreadsheet row numbers
    assert parsed.problems == [] and parsed.total_rows == 2


def test_a_member_without_id_is_reported_not_mistaken_for_totals(
    roster_xlsx: Callable[..., Path],
) -> None:
    parsed = read_hq_export(roster_xlsx(table([member(1), member(2, **{"Member ID": ""})])))
    assert [str(p) for p in parsed.problems] == [
        "row 3, Member ID: the member ID is empty; every member row needs HQ's member ID."
    ]


def test_ids_stored_as_numbers_read_as_digits(roster_xlsx: Callable[..., Path]) -> None:
    path = roster_xlsx(table([member(1, **{"Member ID": 123456.0}),
                              member(2, **{"Member ID": "00654321"})]))  # fmt: skip
    assert [r.values["hq_id"] for r in read_hq_export(path).rows] == ["123456", "654321"]


@pytest.mark.parametrize(("date1904", "serial"), [(False, 46387), (True, 44925)])
def test_serial_numbers_in_a_date_column_honour_the_date_system(
    roster_xlsx: Callable[..., Path], date1904: bool, serial: int
) -> None:
    """46387 is 2026-12-31 in Excel's 1900 system; 44925 is the same day in the 1904 system."""
    rows = table([member(1, **{"Paid Through": serial, "Join Date": dt.date(2015, 3, 1)})])
    parsed = read_hq_export(roster_xlsx(rows, date1904=date1904))
    assert parsed.rows[0].values["paid_through"] == dt.date(2026, 12, 31)
    assert parsed.rows[0].values["join_date"] == dt.date(2015, 3, 1)  # a date cell, either way


def test_formulas_give_their_cached_value(roster_xlsx: Callable[..., Path]) -> None:
    parsed = read_hq_export(roster_xlsx(table([member(1, Company='=UPPER("acme")')])))
    assert parsed.rows[0].values["company"] == "42"  # what Excel cached, never re-evaluated


def test_hidden_sheets_are_passed_over(roster_xlsx: Callable[..., Path]) -> None:
    parsed = read_hq_export(roster_xlsx(table([member(1)]), hidden_sheet_first=True))
    assert parsed.sheet_name == "Roster" and len(parsed.rows) == 1


def test_the_sheet_with_the_header_is_found(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "two-sheets.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet("Summary").write(0, 0, "512 members")
    members = workbook.add_worksheet("Members")
    for r, row in enumerate(table([member(1)], ["Member ID", "Last Name", "Paid Through"])):
        members.write_row(r, 0, [v.isoformat() if isinstance(v, dt.date) else v for v in row])
    workbook.close()
    parsed = read_hq_export(path)
    assert parsed.sheet_name == "Members" and parsed.rows[0].values["last_name"] == "Lee1"


@pytest.mark.parametrize(
    ("encoding", "delimiter", "expected_encoding"),
    [("utf-8", ",", "utf-8"), ("utf-8-sig", ",", "utf-8-sig"), ("cp1252", ";", "cp1252"),
     ("utf-8", "\t", "utf-8"), ("utf-16", "\t", "utf-16")],
)  # fmt: skip
def test_csv_encodings_and_delimiters(
    roster_csv: Callable[..., Path], encoding: str, delimiter: str, expected_encoding: str
) -> None:
    rows = table([member(1, First_Name="Zoë", Last_Name="Núñez", Chapter="Austin; Dallas"),
                  member(2)])  # fmt: skip
    parsed = read_hq_export(roster_csv(rows, encoding=encoding, delimiter=delimiter))
    assert parsed.file_format == "csv"
    assert parsed.encoding == expected_encoding
    assert parsed.delimiter == delimiter
    values = parsed.rows[0].values
    assert (values["first_name"], values["last_name"]) == ("Zoë", "Núñez")
    assert values["chapters"] == ("Austin", "Dallas")
    assert values["paid_through"] == dt.date(2026, 12, 31)
    assert parsed.problems == []


def test_csv_with_title_lines_and_us_dates(roster_csv: Callable[..., Path]) -> None:
    rows = [["Chapter roster"], [], *table([member(1, Paid_Through="1/5/2027")])]
    parsed = read_hq_export(roster_csv(rows))
    assert parsed.header_row == 3
    assert parsed.rows[0].row == 4
    assert parsed.rows[0].values["paid_through"] == dt.date(2027, 1, 5)


def test_csv_text_guarded_against_formulas_reads_without_its_quote(
    roster_csv: Callable[..., Path],
) -> None:
    rows = table([
        member(1, Last_Name="'=HYPERLINK(\"x\")", Phone="'+44 20 7946 0000"),
        member(2, Last_Name="'Brien", Title="'-"),
    ])  # fmt: skip
    values = [row.values for row in read_hq_export(roster_csv(rows)).rows]
    assert (values[0]["last_name"], values[0]["phone"]) == ('=HYPERLINK("x")', "+44 20 7946 0000")
    assert (values[1]["last_name"], values[1]["title"]) == ("'Brien", "-"), "only a guard is taken"


def test_xls_round_trip(tmp_path: Path) -> None:
    import xlwt  # a test dependency (pyproject.toml), so this never skips

    path = tmp_path / "roster.xls"
    book = xlwt.Workbook()
    sheet = book.add_sheet("Roster")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for c, header in enumerate(["Member #", "First", "Surname", "Paid Thru", "Member Since"]):
        sheet.write(2, c, header)
    sheet.write(0, 0, "HQ roster export")
    sheet.write(3, 0, 123456.0)
    sheet.write(3, 1, "Zoë")
    sheet.write(3, 2, "Núñez")
    sheet.write(3, 3, dt.date(2026, 12, 31), date_style)
    sheet.write(3, 4, 42064)  # a serial number in a plain cell: 2015-03-01
    book.save(str(path))
    parsed = read_hq_export(path)
    assert parsed.file_format == "xls" and parsed.header_row == 3
    assert parsed.rows[0].row == 4
    assert parsed.rows[0].values == {
        "hq_id": "123456", "first_name": "Zoë", "last_name": "Núñez",
        "join_date": dt.date(2015, 3, 1), "paid_through": dt.date(2026, 12, 31),
    }  # fmt: skip


def test_progress_is_reported_and_cancel_stops(roster_csv: Callable[..., Path]) -> None:
    path = roster_csv(table([member(i) for i in range(1, 9000)]))
    phases: list[tuple[str, int, int | None]] = []
    parsed = read_hq_export(path, progress=lambda *call: phases.append(call))
    assert len(parsed.rows) == 8999
    assert {phase for phase, _, _ in phases} == {"checking", "reading", "validating"}
    assert phases[-1] == ("validating", 8999, 8999)
    with pytest.raises(ImportCancelled):
        read_hq_export(path, cancel=lambda: True)


def test_headers_are_reported_as_written(roster_csv: Callable[..., Path]) -> None:
    parsed = read_hq_export(roster_csv(table([member(1)])))
    assert parsed.headers == tuple(REFERENCE_HEADERS)
    assert parsed.unmapped_headers == ()
