"""Small builders shared by the domain tests: HQ records written straight into a test database."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert

from chapterdesk.data.engine import Database
from chapterdesk.data.models import HqAffiliation, HqMember, ImportBatch
from chapterdesk.standing import normalise_key

TODAY = dt.date(2026, 11, 25)


def add_hq(
    db: Database,
    hq_id: str,
    *,
    first: str = "Ana",
    last: str = "García",
    member_type: str = "Regular",
    paid_through: dt.date | None = dt.date(2026, 12, 31),
    status: str = "Active",
    in_latest: bool = True,
    chapters: tuple[str, ...] = (),
    company: str = "Baker & Whitfield LLP",
    middle: str = "",
    email: str | None = None,
) -> None:
    """Write one HQ record as an import would, with its chapter affiliations.

    The e-mail is first and last name at example.org unless `email` is given.
    """
    with db.session() as session:
        session.execute(
            insert(HqMember),
            [
                {
                    "hq_id": hq_id,
                    "prefix": "",
                    "first_name": first,
                    "middle_name": middle,
                    "last_name": last,
                    "suffix": "",
                    "company": company,
                    "title": "",
                    "email": email
                    if email is not None
                    else f"{normalise_key(first + last)}@example.org",
                    "phone": "",
                    "address1": "",
                    "address2": "",
                    "city": "",
                    "state": "",
                    "postal_code": "",
                    "country": "",
                    "member_type": member_type,
                    "join_date": dt.date(2015, 3, 1),
                    "paid_through": paid_through,
                    "hq_status": status,
                    "chapters": "; ".join(chapters),
                    "in_latest_export": in_latest,
                }
            ],
        )
        for name in chapters:
            session.execute(
                insert(HqAffiliation),
                [{"hq_id": hq_id, "chapter_key": normalise_key(name), "chapter_name": name}],
            )


def add_batch(db: Database, as_of: dt.date) -> None:
    """Record an HQ import batch whose data is as of `as_of`."""
    with db.session() as session:
        session.add(
            ImportBatch(
                file_name="hq.xlsx",
                sha256="0" * 64,
                data_as_of=as_of,
                row_count=0,
                mapping_json="{}",
                counts_json="{}",
                officer="test",
            )
        )
