"""One HQ field list: every reader, writer and record of HQ's facts follows `hq_fields`."""

from __future__ import annotations

import dataclasses

from sqlalchemy import String

from chapterdesk.data.models import HqMember
from chapterdesk.exports.roster import HQ_COLUMNS
from chapterdesk.hq_fields import (
    DATE_FIELDS,
    EDITABLE_FIELDS,
    HEADERS,
    HQ_FIELDS,
    REFERENCE_LAYOUT,
    TEXT_LIMITS,
)
from chapterdesk.hqsync.mapping import FIELDS, detect_mapping
from chapterdesk.services.roster.export import ExportMember
from chapterdesk.services.roster.members import RECORD_FIELDS, HqRecord

LAYOUT = ["hq_id", *HQ_FIELDS]


def test_the_database_holds_each_field_in_layout_order_with_its_length() -> None:
    columns = list(HqMember.__table__.columns)
    assert [c.name for c in columns[: len(LAYOUT)]] == LAYOUT
    for field in REFERENCE_LAYOUT:
        column = HqMember.__table__.columns[field.name]
        if field.kind == "date":
            assert not isinstance(column.type, String), field.name
        else:
            assert isinstance(column.type, String) and column.type.length == field.max_length


def test_the_plain_records_spell_out_the_same_fields() -> None:
    assert [f.name for f in dataclasses.fields(HqRecord)] == list(RECORD_FIELDS)
    assert list(RECORD_FIELDS) == [*LAYOUT, "in_latest_export"]
    assert list(ExportMember._fields[: len(LAYOUT)]) == LAYOUT


def test_the_reader_and_the_exports_use_the_layouts_headings() -> None:
    assert list(FIELDS) == LAYOUT
    assert [c.header for c in HQ_COLUMNS] == [HEADERS[name] for name in LAYOUT]
    assert [c.kind for c in HQ_COLUMNS if c.kind == "date"] == ["date"] * len(DATE_FIELDS)
    # An export written with the layout's headings is read back field for field.
    headers = [HEADERS[name] for name in LAYOUT]
    assert detect_mapping(headers).columns == {name: i for i, name in enumerate(LAYOUT)}


def test_limits_cover_every_text_field_and_only_contact_details_are_editable() -> None:
    assert set(TEXT_LIMITS) == set(HQ_FIELDS) - DATE_FIELDS
    assert {"join_date", "paid_through"} == DATE_FIELDS
    assert set(EDITABLE_FIELDS) < set(TEXT_LIMITS)
    assert not {"member_type", "hq_status", "chapters"} & set(EDITABLE_FIELDS)
