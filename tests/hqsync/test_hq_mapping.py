"""Columns are found by header whatever HQ calls them, and a missing one is named."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from hqfiles import member, table

from chapterdesk.errors import BadInputError
from chapterdesk.hqsync import (
    FIELDS,
    REQUIRED,
    Mapping,
    detect_mapping,
    header_signature,
    read_hq_export,
)

SYNONYMS = {
    "hq_id": ["ID", "Member ID", "Member #", "Member No", "member no.", "Member Number",
              "Customer ID", "Constituent ID", "MEMBER_ID"],
    "first_name": ["First", "Given Name", "First Name", "first-name"],
    "last_name": ["Last", "Surname", "Family Name", " Last  Name "],
    "company": ["Organization", "Organisation", "Company", "Employer", "Firm"],
    "email": ["E-mail", "Email Address", "E-mail Address", "EMAIL"],
    "postal_code": ["Zip", "Zip Code", "Postcode", "Postal Code", "ZIP/Postal Code"],
    "state": ["State", "Province", "State/Province", "Region"],
    "address1": ["Address", "Address 1", "Address Line 1", "Street"],
    "member_type": ["Member Type", "Member Type Code", "Membership Type", "Category"],
    "join_date": ["Join Date", "Member Since", "Original Join Date"],
    "paid_through": ["Paid Through", "Paid Thru", "Paid Thru Date", "Expiration Date",
                     "Expires", "Dues Paid Through"],
    "hq_status": ["Status", "Member Status", "Membership Status"],
    "chapters": ["Chapter", "Chapters", "Chapter Affiliation", "Chapter(s)"],
}  # fmt: skip


@pytest.mark.parametrize(
    ("header", "field"), [(h, f) for f, headers in SYNONYMS.items() for h in headers]
)
def test_synonyms_map_to_canonical_fields(header: str, field: str) -> None:
    assert detect_mapping(["Something else", header]).columns == {field: 1}


def test_field_names_are_the_database_columns() -> None:
    assert FIELDS == (
        "hq_id", "prefix", "first_name", "middle_name", "last_name", "suffix", "company",
        "title", "email", "phone", "address1", "address2", "city", "state", "postal_code",
        "country", "member_type", "join_date", "paid_through", "hq_status", "chapters",
    )  # fmt: skip
    assert set(REQUIRED) <= set(FIELDS)


def test_shuffled_renamed_and_extra_columns(roster_csv: Callable[..., Path]) -> None:
    headers = ["Paid Thru", "Notes", "Surname", "E-mail Address", "Member #", "Given Name",
               "Email", "Zip"]  # fmt: skip
    rows = [headers, ["12/31/2026", "VIP", "Lee", "ann@example.com", "104233", "Ann",
                      "other@example.com", "02134"]]  # fmt: skip
    parsed = read_hq_export(roster_csv(rows))
    assert parsed.rows[0].values == {
        "hq_id": "104233", "first_name": "Ann", "last_name": "Lee",
        "email": "ann@example.com", "postal_code": "02134",
        "paid_through": dt.date(2026, 12, 31),
    }  # fmt: skip
    # the second Email column loses to the first; Notes is extra
    assert parsed.unmapped_headers == ("Notes", "Email")
    assert parsed.mapping.columns["email"] == 3


def test_missing_required_column_is_named_with_the_headers_found(
    roster_xlsx: Callable[..., Path],
) -> None:
    headers = ["Member ID", "First Name", "Last Name", "Email"]
    path = roster_xlsx(table([member(1)], headers))
    with pytest.raises(BadInputError) as caught:
        read_hq_export(path)
    message = caught.value.message
    assert message.startswith("roster.xlsx has no Paid Through column;")
    assert "Columns found: Member ID, First Name, Last Name, Email." in message
    assert "Choose the column in the column mapping" in message


def test_no_header_row(roster_csv: Callable[..., Path]) -> None:
    path = roster_csv([["Name", "Amount"], ["Ann Lee", "12.50"]])
    with pytest.raises(BadInputError, match="has no header row ChapterDesk recognises"):
        read_hq_export(path)


def test_header_is_the_row_mapping_most_fields(roster_csv: Callable[..., Path]) -> None:
    rows = [["ID", "Last"], ["Report of ID and Last name changes"], *table([member(1)])]
    assert read_hq_export(roster_csv(rows)).header_row == 3


def test_signature_ignores_case_spacing_and_punctuation() -> None:
    a = header_signature(["Member ID", "Last Name", "Paid Through"])
    assert a == header_signature(["member id", "LAST-NAME", " Paid  Through", "", ""])
    assert a != header_signature(["Last Name", "Member ID", "Paid Through"])
    assert a.startswith("v1-")


def test_explicit_mapping_reads_a_column_no_synonym_knows(roster_csv: Callable[..., Path]) -> None:
    headers = ["Member ID", "Last Name", "Dues End", "Status"]
    path = roster_csv([headers, ["104233", "Lee", "2026-12-31", "Active"]])
    with pytest.raises(BadInputError, match="has no Paid Through column"):
        read_hq_export(path)
    detected = detect_mapping(headers)
    corrected = Mapping(columns={**detected.columns, "paid_through": 2}, headers=detected.headers)
    assert corrected.by_header()["paid_through"] == "Dues End"
    parsed = read_hq_export(path, mapping=corrected)
    assert parsed.rows[0].values["paid_through"] == dt.date(2026, 12, 31)
    assert parsed.problems == []


def test_saved_mapping_for_another_layout_is_refused(roster_csv: Callable[..., Path]) -> None:
    saved = detect_mapping(["Member ID", "Surname", "Paid Thru"])
    path = roster_csv(table([member(1)]))
    with pytest.raises(BadInputError, match="not the ones of the saved column mapping"):
        read_hq_export(path, mapping=saved)


def test_mapping_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="not a member field"):
        Mapping(columns={"shoe_size": 0}, headers=("Shoe",))
    with pytest.raises(ValueError, match="out of range or used twice"):
        Mapping(columns={"hq_id": 0, "last_name": 0}, headers=("ID", "Last"))
