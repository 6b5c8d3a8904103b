"""Which column of an HQ export holds which member field.

HQ systems name their columns differently and change them over time, so a
column is matched by its header with case, spacing and punctuation ignored and
common synonyms understood ("Member #", "Paid Thru Date", "E-mail Address").
The result is a `Mapping` the officer can confirm or correct in the UI; the
caller remembers a confirmed mapping under `header_signature(headers)`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from chapterdesk.errors import BadInputError
from chapterdesk.hq_fields import HEADERS, HQ_FIELDS

#: The canonical fields, in reference-layout order; they are database column names.
FIELDS: tuple[str, ...] = ("hq_id", *HQ_FIELDS)

#: Fields an export must have a column for, and every member row a value in.
#: First name is not required: some members (and some HQ systems) carry a
#: single name in the last-name column.
REQUIRED: tuple[str, ...] = ("hq_id", "last_name", "paid_through")

#: How each field is named to the officer (the reference layout's header).
DISPLAY_NAMES: dict[str, str] = HEADERS

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "hq_id": ("ID", "Member ID", "Member #", "Member No", "Member Number", "Customer ID",
              "Constituent ID", "HQ ID", "Membership ID", "Membership Number", "Record ID"),
    "prefix": ("Prefix", "Salutation", "Honorific", "Name Prefix"),
    "first_name": ("First", "First Name", "Given Name", "Forename", "FName"),
    "middle_name": ("Middle", "Middle Name", "Middle Initial", "MI"),
    "last_name": ("Last", "Last Name", "Surname", "Family Name", "LName"),
    "suffix": ("Suffix", "Name Suffix", "Designation"),
    "company": ("Company", "Organization", "Organisation", "Employer", "Firm",
                "Company Name", "Organization Name", "Organisation Name"),
    "title": ("Title", "Job Title", "Position"),
    "email": ("Email", "E-mail", "Email Address", "E-mail Address", "Primary Email"),
    "phone": ("Phone", "Telephone", "Phone Number", "Work Phone", "Primary Phone"),
    "address1": ("Address", "Address 1", "Address1", "Address Line 1", "Street",
                 "Street Address", "Mailing Address"),
    "address2": ("Address 2", "Address2", "Address Line 2", "Street 2"),
    "city": ("City", "Town", "City/Town"),
    "state": ("State", "Province", "State/Province", "Region", "State or Province"),
    "postal_code": ("Zip", "Zip Code", "Postcode", "Postal Code", "Zip/Postal Code"),
    "country": ("Country", "Country Name", "Nation"),
    "member_type": ("Member Type", "Member Type Code", "Membership Type", "Category",
                    "Membership Category", "Member Category"),
    "join_date": ("Join Date", "Member Since", "Original Join Date", "Date Joined", "Joined",
                  "Original Join", "Orig Join Date"),
    "paid_through": ("Paid Through", "Paid Thru", "Paid Thru Date", "Paid Through Date",
                     "Expiration Date", "Expires", "Expiry Date", "Dues Paid Through",
                     "Dues Paid Thru", "Membership Expiration Date", "Membership Expires"),
    "hq_status": ("Status", "Member Status", "Membership Status", "Mbr Status"),
    "chapters": ("Chapter", "Chapters", "Chapter Affiliation", "Chapter(s)",
                 "Chapter Affiliations", "Chapter Name"),
}  # fmt: skip


def normalise_header(text: object) -> str:
    """A header reduced to lower-case letters and digits ("Member #" → "membernumber")."""
    raw = text if isinstance(text, str) else ("" if text is None else str(text))
    raw = raw.casefold().replace("#", "number")
    return "".join(ch for ch in raw if ch.isalnum())


#: Normalised header → field, built once from the synonym lists.
HEADER_FIELDS: dict[str, str] = {
    normalise_header(name): name_field
    for name_field, names in _SYNONYMS.items()
    for name in (*names, name_field)
}


@dataclass(frozen=True)
class Mapping:
    """Which column (0-based index into `headers`) each canonical field is read from.

    Build one with `detect_mapping`, or give one explicitly (the officer's
    corrected choice) with `Mapping(columns={...}, headers=...)`.
    """

    columns: dict[str, int]
    headers: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        seen: set[int] = set()
        for name, index in self.columns.items():
            if name not in DISPLAY_NAMES:
                raise ValueError(f"{name!r} is not a member field")
            if not 0 <= index < len(self.headers) or index in seen:
                raise ValueError(f"column {index} for {name!r} is out of range or used twice")
            seen.add(index)

    def header_for(self, name: str) -> str:
        """The header text of the column `name` is read from (its display name if unmapped)."""
        index = self.columns.get(name)
        if index is None:
            return DISPLAY_NAMES[name]
        return self.headers[index].strip() or DISPLAY_NAMES[name]

    @property
    def unmapped_headers(self) -> tuple[str, ...]:
        """Non-blank headers no field is read from: extra columns and duplicates."""
        used = set(self.columns.values())
        return tuple(
            text.strip() for i, text in enumerate(self.headers) if i not in used and text.strip()
        )

    def missing(self, required: Sequence[str] = REQUIRED) -> tuple[str, ...]:
        """The required fields this mapping has no column for."""
        return tuple(name for name in required if name not in self.columns)

    def by_header(self) -> dict[str, str]:
        """Field → header text, the form worth persisting with `header_signature`."""
        return {name: self.headers[index] for name, index in self.columns.items()}


def header_texts(cells: Sequence[object]) -> tuple[str, ...]:
    """A header row's cells as stripped text, trailing blank cells dropped."""
    texts = [cell_header_text(cell) for cell in cells]
    while texts and not texts[-1]:
        texts.pop()
    return tuple(texts)


def cell_header_text(cell: object) -> str:
    """One header cell as text (a number written as a header, e.g. 2026, stays "2026")."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return "" if cell is None else str(cell).strip()


def detect_mapping(headers: Sequence[str]) -> Mapping:
    """Map each canonical field to the first column whose header names it.

    A second column naming a field already taken is left unmapped (and so is
    listed among the unmapped headers); unknown headers are ignored.
    """
    texts = tuple(cell_header_text(text) for text in headers)
    columns: dict[str, int] = {}
    for index, text in enumerate(texts):
        name = HEADER_FIELDS.get(normalise_header(text))
        if name is not None and name not in columns:
            columns[name] = index
    return Mapping(columns=columns, headers=texts)


def header_signature(headers: Sequence[str]) -> str:
    """A stable key for a header layout: a hash of the normalised header list.

    Two files with the same columns in the same order share a signature even if
    their headers differ in case, spacing or punctuation, so a mapping the
    officer confirmed once is found again for next month's export.
    """
    normalised = [normalise_header(text) for text in header_texts(headers)]
    digest = hashlib.sha256("\x1f".join(normalised).encode("utf-8"))
    return "v1-" + digest.hexdigest()[:32]


def header_score(mapping: Mapping) -> int:
    """How header-like a row is: the fields it maps, or 0 if it lacks an ID or a name."""
    cols = mapping.columns
    if "hq_id" not in cols or not ("last_name" in cols or "first_name" in cols):
        return 0
    return len(cols)


def require_columns(mapping: Mapping, file_name: str) -> None:
    """Refuse a file whose header lacks a required column, naming it and what was found.

    Raises:
        BadInputError: the first missing required column, with the headers found.
    """
    missing = mapping.missing()
    if not missing:
        return
    name = missing[0]
    found = ", ".join(text for text in mapping.headers if text) or "none"
    others = f" (and {', '.join(DISPLAY_NAMES[m] for m in missing[1:])})" if missing[1:] else ""
    looked_for = ", ".join(_SYNONYMS[name][:4])
    raise BadInputError(
        f"{file_name} has no {DISPLAY_NAMES[name]} column{others}; looked for a header such as "
        f"{looked_for}. Columns found: {found}. Choose the column in the column mapping, "
        "or ask HQ for an export that includes it."
    )
