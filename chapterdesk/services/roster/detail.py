"""Everything the chapter knows about one HQ ID, read in one snapshot without SQLAlchemy.

`members show` and the window's member panel ask for one member: HQ's facts,
the membership spells and the officer terms. On an SQLite file that is three
small statements run by the standard library (`services.roster.reader`), so
the command costs little beyond starting Python; a server is read through
SQLAlchemy with the same statements.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from chapterdesk.errors import NotFoundError
from chapterdesk.services.roster import reader as roster_reader
from chapterdesk.services.roster import sql as roster_sql
from chapterdesk.services.roster.entries import (
    RECORD_FIELDS,
    Correction,
    EntryContext,
    HqRecord,
    MemberDetail,
    Membership,
    TermView,
)
from chapterdesk.values import normalise_hq_id

if TYPE_CHECKING:
    from chapterdesk.data.engine import Database

SPELL_COLUMNS = (
    "membership_id", "hq_id", "chapter_joined_on", "left_on", "leave_reason", "notes",
    "employment_ended_on",
)
HQ_SQL = "SELECT " + ", ".join(RECORD_FIELDS) + " FROM hq_member WHERE hq_id = :hq_id"
SPELLS_SQL = (
    "SELECT id, hq_id, chapter_joined_on, left_on, leave_reason, notes, employment_ended_on"
    " FROM chapter_membership WHERE hq_id = :hq_id ORDER BY chapter_joined_on, id"
)
TERMS_SQL = (
    "SELECT t.id, p.name, t.membership_id, t.starts_on, t.ends_on FROM officer_term AS t"
    " JOIN officer_position AS p ON p.id = t.position_id"
    " JOIN chapter_membership AS cm ON cm.id = t.membership_id"
    " WHERE cm.hq_id = :hq_id ORDER BY t.starts_on, t.id"
)

CORRECTIONS_SQL = (
    "SELECT e.field, e.local_value, e.hq_value, e.reason, c.hq_value FROM hq_local_edit AS e"
    " LEFT JOIN hq_conflict AS c ON c.hq_id = e.hq_id AND c.field = e.field AND c.settled = ''"
    " WHERE e.hq_id = :hq_id ORDER BY e.field"
)


def _day(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def member_detail(db: Database, hq_id: str, as_of: dt.date | None = None) -> MemberDetail:
    """HQ facts, standing, current membership, membership history and officer terms of one ID.

    Raises:
        NotFoundError: neither HQ data nor the chapter knows the ID.
    """
    clean = normalise_hq_id(hq_id)
    key = {"hq_id": clean}
    with roster_reader.reading(db, as_of) as reader:
        chapter = reader.chapter
        found = reader.run(roster_sql.RosterSql(HQ_SQL, key))
        if not found:
            raise NotFoundError(f"HQ member ID {clean} is not known to this chapter or HQ data.")
        spells = reader.run(roster_sql.RosterSql(SPELLS_SQL, key))
        terms = reader.run(roster_sql.RosterSql(TERMS_SQL, key))
        corrections = reader.run(roster_sql.RosterSql(CORRECTIONS_SQL, key))
    ctx = EntryContext(chapter.day, chapter.grace_days, chapter.info.name, chapter.index)
    record = HqRecord(*roster_sql.decoder(RECORD_FIELDS)(found[0]))
    spell = roster_sql.decoder(SPELL_COLUMNS)
    history = tuple(Membership(*spell(row)) for row in spells)
    current = next((m for m in history if m.left_on is None), None)
    by_key = {m.id: m for m in history}
    views = []
    for term_id, position, membership_id, starts, ends in terms:
        starts_on, ends_on = _day(starts), _day(ends)
        assert starts_on is not None, "starts_on is NOT NULL"
        why = ctx.term_ineligibility(record, by_key[membership_id], starts_on, ends_on)
        views.append(
            TermView(term_id, position, clean, record.display_name, starts_on, ends_on, why,
                     record.sort_name)
        )
    return MemberDetail(
        hq=record,
        category=ctx.categories.resolve(record.member_type),
        standing=ctx.standing(record),
        current=ctx.entry(current, record) if current else None,
        history=history,
        terms=tuple(views),
        corrections=tuple(
            Correction(str(name), str(local), str(hq), str(why), pending)
            for name, local, hq, why, pending in corrections
        ),
    )
