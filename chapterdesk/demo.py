"""The demo chapter: a realistic, deterministic chapter to explore and to test on.

The same seed and the same date give the same chapter. Names carry accents and
apostrophes (Łukasz, Nguyễn, O'Brien) because real rosters do; a few members
are in grace, lapsed or missing from the latest HQ export, a few HQ members
affiliated with the chapter are not on its roster, and the chapter has officers
and a dues ledger (see `chapterdesk.demo_dues`).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from chapterdesk.data.engine import Database
from chapterdesk.data.models import (
    ChapterMembership,
    HqAffiliation,
    HqMember,
    ImportBatch,
    OfficerPosition,
    OfficerTerm,
)
from chapterdesk.demo_dues import add_demo_dues
from chapterdesk.demo_world import WORLD_SHARE, world_person
from chapterdesk.services.chapter import init_chapter
from chapterdesk.services.door import change
from chapterdesk.standing import normalise_key

DEMO_CHAPTER = "Great Lakes Chapter"
OTHER_CHAPTERS = ("Capital Area", "Pacific Northwest", "Ontario", "Gulf Coast", "London")
FIRST_NAMES = (
    "Ana",
    "Łukasz",
    "Zoë",
    "Søren",
    "Thị Ánh",
    "José",
    "Renée",
    "Bjørn",
    "Siobhán",
    "Chloé",
    "Mary",
    "James",
    "Patricia",
    "Robert",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Daniel",
    "Nancy",
    "Matthew",
    "Lisa",
    "Anthony",
    "Betty",
    "Mark",
    "Margaret",
    "Paul",
    "Sandra",
    "Steven",
    "Ashley",
    "Andrew",
    "Kimberly",
    "Joshua",
    "Emily",
    "Kenneth",
    "Donna",
    "François",
    "Dagný",
    "Håkon",
    "Małgorzata",
    "Nguyễn",
    "Aoife",
    "Íñigo",
    "Zoltán",
    "Ngozi",
)
LAST_NAMES = (
    "O'Brien",
    "Żółć",
    "Nguyễn",
    "Ødegård",
    "Müller",
    "García",
    "D'Angelo",
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Miller",
    "Davis",
    "Rodríguez",
    "Martínez",
    "Hernández",
    "Lopez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Pérez",
    "Thompson",
    "White",
    "Harris",
    "Sánchez",
    "Clark",
    "Ramírez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Kowalski",
    "Van der Berg",
    "MacDonald",
    "St. John",
    "Lefèvre",
    "Ó Súilleabháin",
    "Björk",
    "Kovačević",
)
FIRMS = (
    "Baker & Whitfield LLP",
    "Hargrove Lyons PC",
    "Meridian Legal Group",
    "Stone, Park & Ruiz",
    "Lakeshore Law Partners",
    "Ashford Kline LLP",
    "Quill & Ledger Attorneys",
    "Northgate Legal",
    "Fairbanks Ortiz Law",
    "Crescent Advocates",
    "Harbor Point Legal",
    "Willow & Finch LLP",
    "State Public Defender",
    "Legal Aid Society of the Lakes",
    "University Law School",
)
CITIES = (
    ("Chicago", "IL", "606"),
    ("Milwaukee", "WI", "532"),
    ("Detroit", "MI", "482"),
    ("Cleveland", "OH", "441"),
    ("Toledo", "OH", "436"),
    ("Grand Rapids", "MI", "495"),
    ("Evanston", "IL", "602"),
    ("Madison", "WI", "537"),
    ("Gary", "IN", "464"),
)
TITLES = (
    "Legal Administrator",
    "Director of Administration",
    "Office Manager",
    "Executive Director",
    "Chief Operating Officer",
    "Finance Manager",
    "HR Manager",
    "Practice Manager",
)
# HQ member types and their weights for chapter members and other HQ records.
MEMBER_TYPES = (("Regular", 70), ("Associate", 14), ("Academic", 6), ("Emeritus", 6))
OTHER_TYPES = (("Regular", 60), ("Associate", 20), ("Business Partner", 10), ("Academic", 10))


def _weighted(rng: random.Random, choices: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def _hq_row(
    rng: random.Random, hq_id: int, today: dt.date, member_type: str, standing: str
) -> dict[str, object]:
    first = rng.choice(FIRST_NAMES)
    last = rng.choice(LAST_NAMES)
    city, state, zip3 = rng.choice(CITIES)
    firm = rng.choice(FIRMS)
    if standing == "good":
        paid = (
            dt.date(today.year, 12, 31)
            if rng.random() < 0.8
            else today + dt.timedelta(days=rng.randint(20, 300))
        )
        status = "Active"
    elif standing == "grace":
        paid = today - dt.timedelta(days=rng.randint(5, 60))
        status = "Grace"
    else:
        paid = today - dt.timedelta(days=rng.randint(120, 900))
        status = "Lapsed"
    joined = today - dt.timedelta(days=rng.randint(200, 9000))
    local = normalise_key(f"{first[0]}{last}") or "member"
    domain = normalise_key(firm)[:14] + ".example"
    return {
        "hq_id": str(hq_id),
        # No "Ms." or "Mr.": the first names are drawn without regard to them, and a demo
        # e-mail to "Ms. Andrew Adams" looks careless (six choices, as before: the same names).
        "prefix": rng.choice(("", "", "", "", "", "Dr.")),
        "first_name": first,
        "middle_name": rng.choice(("", "", "", "A.", "J.", "M.")),
        "last_name": last,
        "suffix": rng.choice(("",) * 12 + ("Jr.", "III")),
        "company": firm,
        "title": rng.choice(TITLES),
        "email": f"{local}{hq_id % 1000}@{domain}",
        "phone": f"({zip3}) 555-{rng.randint(0, 9999):04d}",
        "address1": f"{rng.randint(1, 9999)} {rng.choice(('Lake', 'Main', 'Oak', 'State'))} St.",
        "address2": rng.choice(("", "", f"Suite {rng.randint(100, 2400)}")),
        "city": city,
        "state": state,
        "postal_code": f"{zip3}{rng.randint(0, 99):02d}",
        "country": "United States",
        "member_type": member_type,
        "join_date": joined,
        "paid_through": paid,
        "hq_status": status,
        "chapters": "",
        "in_latest_export": True,
    }


def build_demo(
    db: Database,
    *,
    members: int = 600,
    seed: int = 2026,
    today: dt.date | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    international: bool = False,
) -> None:
    """Fill an empty database with the demo chapter.

    Args:
        members: chapter members to create (HQ records are about five times as many,
            at least 3,000).
        seed: the random seed; the same seed and date give the same chapter.
        today: the date the demo is built around (default today).
        international: about a third of the members live abroad and write their
            names in their own scripts (`demo_world`).
    """
    day = today or dt.date.today()
    rng = random.Random(seed)
    world = random.Random(seed + 1)  # its own draws: the Latin demo stays as it was
    abroad = 0
    init_chapter(db, DEMO_CHAPTER, currency="USD", year_start="01-01")
    hq_total = max(3000, members * 5 // 4 + 1000)
    hq_rows: list[dict[str, object]] = []
    affiliations: list[dict[str, object]] = []
    memberships: list[dict[str, object]] = []
    member_standings: list[str] = []
    for index in range(hq_total):
        hq_id = 100000 + index * 7 + rng.randint(0, 6)
        is_member = index < members
        unlisted = members <= index < members + 25
        if is_member or unlisted:
            member_type = _weighted(rng, MEMBER_TYPES)
            standing = rng.choices(("good", "grace", "lapsed", "missing"), weights=(86, 5, 6, 3))[0]
        else:
            member_type = _weighted(rng, OTHER_TYPES)
            standing = rng.choices(("good", "grace", "lapsed"), weights=(80, 5, 15))[0]
        row = _hq_row(rng, hq_id, day, member_type, "good" if standing == "missing" else standing)
        if international and world.random() < WORLD_SHARE:
            row.update(world_person(world, hq_id, abroad))
            abroad += 1
        if standing == "missing":
            row["in_latest_export"] = False
        chapters: list[str] = []
        if is_member or unlisted:
            chapters.append(DEMO_CHAPTER)
            if rng.random() < 0.08:
                chapters.append(rng.choice(OTHER_CHAPTERS))
        elif rng.random() < 0.7:
            chapters.append(rng.choice(OTHER_CHAPTERS))
        row["chapters"] = "; ".join(chapters)
        for name in chapters:
            affiliations.append(
                {"hq_id": row["hq_id"], "chapter_key": normalise_key(name), "chapter_name": name}
            )
        hq_rows.append(row)
        if is_member:
            join_date = row["join_date"]
            assert isinstance(join_date, dt.date)
            joined = max(join_date, day - dt.timedelta(days=rng.randint(30, 4000)))
            memberships.append(
                {
                    "hq_id": row["hq_id"],
                    "chapter_joined_on": joined,
                    "leave_reason": "",
                    "notes": "",
                }
            )
            member_standings.append(standing)
        if progress and index % 5000 == 0:
            progress("generating", index, hq_total)
    with change(db, "demo chapter", today=day) as uow:
        session = uow.session
        batch = ImportBatch(
            file_name="demo-hq-export.xlsx",
            sha256="0" * 64,
            data_as_of=day - dt.timedelta(days=12),
            row_count=len(hq_rows),
            mapping_json="{}",
            counts_json=f'{{"new": {len(hq_rows)}}}',
            officer="demo",
        )
        session.add(batch)
        session.flush()
        for row in hq_rows:
            row["last_batch_id"] = batch.id if row["in_latest_export"] else None
        for start in range(0, len(hq_rows), 5000):
            session.execute(insert(HqMember), hq_rows[start : start + 5000])
            if progress:
                progress("writing", start, len(hq_rows))
        session.execute(insert(HqAffiliation), affiliations)
        uow.insert_rows(
            ChapterMembership,
            memberships,
            batch_id=uow.start_batch(
                "demo", f"Demo chapter: {len(memberships):,} members", len(memberships)
            ),
        )
        # A few members who left the chapter, to show history.
        for row in hq_rows[members + 30 : members + 36]:
            left = day - dt.timedelta(days=rng.randint(60, 700))
            session.add(
                ChapterMembership(
                    hq_id=row["hq_id"],
                    chapter_joined_on=left - dt.timedelta(days=rng.randint(400, 3000)),
                    left_on=left,
                    leave_reason=rng.choice(("Moved away", "Retired", "Changed careers")),
                    notes="",
                )
            )
        session.flush()
        _appoint_officers(session, hq_rows, memberships, member_standings, day)
    if progress:
        progress("dues", 0, 0)
    add_demo_dues(db, today=day, seed=seed)


def _appoint_officers(
    session: Session,
    hq_rows: list[dict[str, object]],
    memberships: list[dict[str, object]],
    standings: list[str],
    day: dt.date,
) -> None:
    by_id = {row["hq_id"]: row for row in hq_rows}
    term_start = dt.date(day.year if day.month >= 7 else day.year - 1, 7, 1)
    eligible = [
        str(m["hq_id"])
        for m, standing in zip(memberships, standings, strict=True)
        if standing == "good"
        and by_id[m["hq_id"]]["member_type"] == "Regular"
        and m["chapter_joined_on"] <= term_start  # type: ignore[operator]
    ]
    ids = {
        hq_id: mid
        for hq_id, mid in session.execute(
            select(ChapterMembership.hq_id, ChapterMembership.id).where(
                ChapterMembership.left_on.is_(None)
            )
        )
    }
    term_end = dt.date(term_start.year + 1, 6, 30)
    positions = session.scalars(select(OfficerPosition).order_by(OfficerPosition.sort_order))
    plan = {"President": 1, "President-Elect": 1, "Treasurer": 1, "Secretary": 1, "Director": 3}
    pick = iter(eligible)
    for position in positions:
        for _ in range(plan.get(position.name, 0)):
            hq_id = next(pick, None)
            if hq_id is None:
                return
            session.add(
                OfficerTerm(
                    position_id=position.id,
                    membership_id=ids[hq_id],
                    starts_on=term_start,
                    ends_on=term_end,
                )
            )
