"""Writing HQ exports for the import tests from HQ records (as HQ's own system would)."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import xlsxwriter
from sqlalchemy import select

from chapterdesk.data.engine import Database
from chapterdesk.data.models import HqAffiliation, HqMember
from chapterdesk.hq_fields import HQ_FIELDS

HEADERS = {
    "hq_id": "Member ID", "prefix": "Prefix", "first_name": "First Name",
    "middle_name": "Middle Name", "last_name": "Last Name", "suffix": "Suffix",
    "company": "Company", "title": "Title", "email": "Email", "phone": "Phone",
    "address1": "Address 1", "address2": "Address 2", "city": "City",
    "state": "State/Province", "postal_code": "Postal Code", "country": "Country",
    "member_type": "Member Type", "join_date": "Join Date", "paid_through": "Paid Through",
    "hq_status": "Status", "chapters": "Chapter",
}  # fmt: skip


def hq_records(db: Database) -> list[dict[str, object]]:
    """Every HQ record present in the latest export, as field → value."""
    with db.reading() as session:
        rows = session.scalars(
            select(HqMember).where(HqMember.in_latest_export.is_(True)).order_by(HqMember.hq_id)
        )
        return [{name: getattr(r, name) for name in ("hq_id", *HQ_FIELDS)} for r in rows]


def hq_content(db: Database) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """All HQ data (records and affiliations) as sorted tuples, to compare before and after."""
    names = ("hq_id", *HQ_FIELDS, "in_latest_export", "last_batch_id")
    with db.reading() as session:
        members = sorted(
            tuple(getattr(r, n) for n in names) for r in session.scalars(select(HqMember))
        )
        affiliations = sorted(
            (a.hq_id, a.chapter_key, a.chapter_name) for a in session.scalars(select(HqAffiliation))
        )
    return members, affiliations


def write_export(
    path: Path,
    records: Sequence[dict[str, object]],
    *,
    title: str | None = "Member Roster Report",
    headers: dict[str, str] | None = None,
) -> Path:
    """An HQ export in the reference layout (or with `headers` renamed); xlsx or csv by suffix."""
    names = dict(HEADERS, **(headers or {}))
    fields = list(HEADERS)
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([names[f] for f in fields])
            for record in records:
                writer.writerow([_text(record.get(f)) for f in fields])
        return path
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Roster")
    dates = workbook.add_format({"num_format": "yyyy-mm-dd"})
    row = 0
    if title:
        sheet.write_string(0, 0, title)
        row = 2
    for col, f in enumerate(fields):
        sheet.write_string(row, col, names[f])
    for record in records:
        row += 1
        for col, f in enumerate(fields):
            value = record.get(f)
            if isinstance(value, dt.date):
                sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), dates)
            elif f == "hq_id":
                sheet.write_number(row, col, float(str(value)))
            else:
                sheet.write_string(row, col, _text(value))
    sheet.write_string(row + 1, 0, f"Total: {len(records)}")
    workbook.close()
    return path


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
