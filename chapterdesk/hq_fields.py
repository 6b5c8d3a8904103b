"""The HQ field list: what HQ tells the chapter about a member, defined once.

HQ's reference layout (DESIGN.md "HQ exports") names each fact a member
record carries: its column in the database, its heading in an HQ export,
whether it holds text, a date or chapter names, how long its text may be, how
wide the roster export shows it, and whether an officer may correct it
locally. Reading an export (`hqsync`), comparing it with the stored records
and applying it (`services.hq`), writing the roster and the report to HQ
(`exports`) and correcting a field by hand all derive their lists from
`REFERENCE_LAYOUT`; `HqMember`, `HqRecord` and `ExportMember` spell the same
fields out for the type checker, and a test holds them to this list.
Plain Python: no Qt, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "DATE_FIELDS",
    "EDITABLE_FIELDS",
    "HEADERS",
    "HQ_FIELDS",
    "REFERENCE_LAYOUT",
    "TEXT_LIMITS",
    "HqField",
]

FieldKind = Literal["text", "date", "chapters"]


@dataclass(frozen=True)
class HqField:
    """One fact of HQ's member record."""

    name: str  #: the database column and the name the code uses
    header: str  #: its heading in HQ's reference layout
    kind: FieldKind = "text"
    max_length: int | None = None  #: the longest text it holds (the column's size)
    width: float | None = None  #: its column's width in the roster export (None: by kind)
    editable: bool = False  #: an officer may correct it locally (contact details)


#: HQ's reference layout, in its order: the member ID, then the HQ-owned fields.
REFERENCE_LAYOUT: tuple[HqField, ...] = (
    HqField("hq_id", "Member ID", max_length=20, width=11),
    HqField("prefix", "Prefix", max_length=40, width=7, editable=True),
    HqField("first_name", "First Name", max_length=100, width=16, editable=True),
    HqField("middle_name", "Middle Name", max_length=100, width=12, editable=True),
    HqField("last_name", "Last Name", max_length=100, width=18, editable=True),
    HqField("suffix", "Suffix", max_length=40, width=7, editable=True),
    HqField("company", "Company", max_length=200, width=28, editable=True),
    HqField("title", "Title", max_length=200, width=22, editable=True),
    HqField("email", "Email", max_length=254, width=34, editable=True),
    HqField("phone", "Phone", max_length=60, width=16, editable=True),
    HqField("address1", "Address 1", max_length=200, width=24, editable=True),
    HqField("address2", "Address 2", max_length=200, width=14, editable=True),
    HqField("city", "City", max_length=100, width=16, editable=True),
    HqField("state", "State/Province", max_length=100, width=10, editable=True),
    HqField("postal_code", "Postal Code", max_length=20, width=11, editable=True),
    HqField("country", "Country", max_length=100, width=16, editable=True),
    HqField("member_type", "Member Type", max_length=100, width=14),
    HqField("join_date", "Join Date", "date"),
    HqField("paid_through", "Paid Through", "date"),
    HqField("hq_status", "Status", max_length=40, width=10),
    HqField("chapters", "Chapter", "chapters", max_length=500, width=30),
)

#: The HQ-owned fields (all but the member ID), compared and stored in this order.
HQ_FIELDS: tuple[str, ...] = tuple(f.name for f in REFERENCE_LAYOUT[1:])
#: Fields that hold dates; every other field holds text (`chapters`: names joined by "; ").
DATE_FIELDS: frozenset[str] = frozenset(f.name for f in REFERENCE_LAYOUT if f.kind == "date")
#: Each field's heading in HQ's reference layout ("paid_through" → "Paid Through").
HEADERS: dict[str, str] = {f.name: f.header for f in REFERENCE_LAYOUT}
#: The longest text each HQ-owned text field may hold, in characters.
TEXT_LIMITS: dict[str, int] = {
    f.name: f.max_length for f in REFERENCE_LAYOUT[1:] if f.max_length is not None
}
#: The contact fields an officer may correct locally, with their longest text.
EDITABLE_FIELDS: dict[str, int] = {
    f.name: f.max_length for f in REFERENCE_LAYOUT if f.editable and f.max_length is not None
}
