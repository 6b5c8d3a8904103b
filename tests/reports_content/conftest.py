"""A small chapter whose every figure is known: members from around the world, a dues ledger.

Standings and dues are set relative to today, so the command line (which
judges standing today) and the services agree. The expected figures are
written out below, worked by hand from the entries posted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import insert

from chapterdesk.data.engine import Database
from chapterdesk.data.migrate import open_database
from chapterdesk.data.models import ChapterMembership, HqAffiliation, HqMember
from chapterdesk.services import dues
from chapterdesk.services.roster.officers import set_officer
from chapterdesk.standing import normalise_key

TODAY = dt.date.today()
YEAR = TODAY.year
CHAPTER = "Test Chapter"
HOSTILE = '=HYPERLINK("http://evil.example","Click")'


@dataclass(frozen=True)
class Person:
    """One HQ record of the test chapter."""

    hq_id: str
    first: str
    last: str
    member_type: str
    standing: str  # good, grace, lapsed, missing
    on_roster: bool = True
    city: str = "Chicago"
    country: str = "United States"


PEOPLE = (
    Person("200001", "Łukasz", "Żółć", "Regular", "good", city="Kraków", country="Poland"),
    Person("200002", "Thị Ánh", "Nguyễn", "Associate", "good"),
    Person("200003", "Søren", "Ødegård", "Regular", "good", city="Oslo", country="Norway"),
    Person("200004", "Zoë", "O'Brien-Müller", "Academic", "grace"),
    Person("200005", "James", "Smith", "Regular", "lapsed"),
    Person("200006", "Mary", "Jones", "Emeritus", "good"),
    Person("200007", "Robert", "Brown", "Regular", "missing"),
    Person("200008", "Siobhán", "Unlisted", "Regular", "good", on_roster=False),
    Person("200009", "Eve", HOSTILE, "Regular", "good"),
)
EXPECTED = {
    "assessed": Decimal("625.00"),  # 150 + 100 + 150 + 50 + 25 + 150
    "waived": Decimal("50.00"),  # O'Brien-Müller's Academic dues
    "paid": Decimal("340.00"),  # Żółć 150, Nguyễn 40, Ødegård 150 of his 200
    "outstanding": Decimal("235.00"),  # Nguyễn 60, Jones 25, the bounced check's 150
    "credit": Decimal("50.00"),  # Ødegård paid 50 more than he owes
    "received": Decimal("390.00"),  # check 150 + Visa 40 + Amex 200 (bounced check excluded)
}
OWING = ["200009", "200006", "200002"]  # the hostile name, Jones, Nguyễn (by last name)


def _paid_through(standing: str) -> dt.date:
    return {
        "good": TODAY + dt.timedelta(days=300),
        "missing": TODAY + dt.timedelta(days=300),
        "grace": TODAY - dt.timedelta(days=20),
        "lapsed": TODAY - dt.timedelta(days=400),
    }[standing]


def _row(person: Person) -> dict[str, object]:
    return {
        "hq_id": person.hq_id,
        "prefix": "",
        "first_name": person.first,
        "middle_name": "",
        "last_name": person.last,
        "suffix": "",
        "company": "Baker & Whitfield LLP",
        "title": "Legal Administrator",
        "email": f"{normalise_key(person.first)}{person.hq_id}@example.org",
        "phone": "(312) 555-0100",
        "address1": "100 Lake St.",
        "address2": "Suite 200",
        "city": person.city,
        "state": "IL" if person.country == "United States" else "",
        "postal_code": "60601",
        "country": person.country,
        "member_type": person.member_type,
        "join_date": dt.date(2015, 3, 1),
        "paid_through": _paid_through(person.standing),
        "hq_status": {"grace": "Grace", "lapsed": "Lapsed"}.get(person.standing, "Active"),
        "chapters": CHAPTER,
        "in_latest_export": person.standing != "missing",
    }


def build_ledger_chapter(db: Database) -> None:
    """Write the people, their memberships, an officer and the year's dues ledger."""
    with db.session() as session:
        session.execute(insert(HqMember), [_row(p) for p in PEOPLE])
        session.execute(
            insert(HqAffiliation),
            [
                {"hq_id": p.hq_id, "chapter_key": normalise_key(CHAPTER), "chapter_name": CHAPTER}
                for p in PEOPLE
            ],
        )
        session.execute(
            insert(ChapterMembership),
            [
                {
                    "hq_id": p.hq_id,
                    "chapter_joined_on": dt.date(2020, 1, 15),
                    "leave_reason": "",
                    "notes": "",
                }
                for p in PEOPLE
                if p.on_roster
            ],
        )
    set_officer(db, "200001", "President", starts_on=dt.date(2021, 7, 1))
    set_officer(
        db, "200003", "Treasurer", starts_on=dt.date(2021, 7, 1), ends_on=dt.date(YEAR + 1, 6, 30)
    )
    for code, amount in (("REG", "150"), ("ASSOC", "100"), ("ACAD", "50"), ("EMER", "25")):
        dues.set_rate(db, YEAR, code, amount)
    assessed_on = max(dt.date(YEAR, 1, 1), TODAY - dt.timedelta(days=45))
    dues.assess_dues(db, YEAR, as_of=assessed_on)
    dues.record_payment(db, "200001", "150", "check", "1001", today=TODAY)
    dues.record_payment(db, "200002", "40", "visa", "auth 123456", today=TODAY)
    dues.record_payment(db, "200003", "200", "amex", "auth 654321", today=TODAY)
    bounced = dues.record_payment(db, "200009", "150", "check", "2002", today=TODAY)
    dues.reverse_entry(db, bounced.entry_id, "Check returned unpaid (NSF)", today=TODAY)
    dues.waive_dues(db, "200004", YEAR, "Board approved a hardship waiver", today=TODAY)


@pytest.fixture(scope="session")
def ledger_template(template_dir: Path) -> Path:
    """The test chapter with its ledger, built once per session and copied per test."""
    import shutil
    import sqlite3

    path = template_dir / "ledger.sqlite3"
    if not path.exists():
        shutil.copyfile(template_dir / "chapter.sqlite3", path)
        database = open_database(path)
        build_ledger_chapter(database)
        database.dispose()
        con = sqlite3.connect(path)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
    return path


@pytest.fixture
def ledger_path(tmp_path: Path, ledger_template: Path) -> Path:
    """The path of a fresh copy of the test chapter with its ledger."""
    import os
    import shutil

    target = tmp_path / "ledger.sqlite3"
    shutil.copyfile(ledger_template, target)
    os.chmod(target, 0o600)
    return target


@pytest.fixture
def ledger_db(ledger_path: Path) -> Iterator[Database]:
    """A fresh, open copy of the test chapter with its ledger."""
    database = open_database(ledger_path)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def big_demo_template(template_dir: Path) -> Path:
    """A 3,000-member demo chapter: big enough that writing its directory takes a moment."""
    import sqlite3

    from chapterdesk.demo import build_demo

    path = template_dir / "big-demo.sqlite3"
    if not path.exists():
        database = open_database(path, create=True)
        build_demo(database, members=3000, today=TODAY)
        database.dispose()
        con = sqlite3.connect(path)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
    return path
