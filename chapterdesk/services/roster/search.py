"""Search-as-you-type over the roster in memory, with the answers of the SQL search.

`roster_query`'s search is four LIKE tests over every current member joined to
their HQ record: 40 to 80 ms on SQLite at 50,000 members, for every keystroke.
A roster table instead reads a `SearchIndex` once (on the worker thread) and
answers each keystroke from it in a few milliseconds; it drops the index when
the data changes and reads a new one.

The index answers exactly what the SQL does, because the database does the
case folding for both sides: each member's name (`first last`), e-mail and
employer are read already passed through the database's `lower()`, and so is
the text typed. SQLite's `lower()` folds ASCII letters only, as its LIKE does;
PostgreSQL's ILIKE compares `lower()` of both sides, as here. The HQ ID is
matched as a prefix, compared as LIKE compares it (folded on SQLite, as it is
on PostgreSQL). A test holds the index to `roster_query.matching_ids` on both.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, literal, select

from chapterdesk.data.engine import Database
from chapterdesk.data.models import ChapterMembership, HqMember

# Between the fields of one member's haystack; a search containing it is checked per field.
SEPARATOR = "\x1f"


@dataclass(frozen=True)
class SearchIndex:
    """Every current member's searchable text, as the database folds it.

    `members` maps a membership key to (its HQ ID as LIKE compares it, its
    name, e-mail and employer folded and joined by `SEPARATOR`); a search text
    never spans two fields, as it holds no `SEPARATOR`.
    """

    members: dict[int, tuple[str, str]]
    folds_hq_id: bool

    def matching(
        self, folded: str, raw: str, within: Collection[int] | None = None
    ) -> set[int]:
        """The keys whose name, e-mail or employer holds `folded`, or whose HQ ID starts so.

        Args:
            folded: the stripped search text, passed through the database's `lower()`.
            raw: the stripped search text as typed (the HQ ID test on PostgreSQL).
            within: only look among these keys (the matches of a shorter search).
        """
        if SEPARATOR in folded:
            raise ValueError("a search holding the field separator is answered in SQL")
        prefix = folded if self.folds_hq_id else raw
        members = self.members
        found = set()
        for key in members if within is None else within:
            entry = members.get(key)
            if entry is not None and (folded in entry[1] or entry[0].startswith(prefix)):
                found.add(key)
        return found


def search_index(db: Database) -> SearchIndex:
    """Read the search index of the current roster (one query; about 0.1 s at 50,000)."""
    folds_hq_id = db.dialect == "sqlite"
    hq_id = func.lower(HqMember.hq_id) if folds_hq_id else HqMember.hq_id
    query = (
        select(
            ChapterMembership.id,
            hq_id,
            func.lower(HqMember.first_name + " " + HqMember.last_name),
            func.lower(HqMember.email),
            func.lower(HqMember.company),
        )
        .join(HqMember, HqMember.hq_id == ChapterMembership.hq_id)
        .where(ChapterMembership.left_on.is_(None))
    )
    with db.reading() as session:
        rows = session.connection().execute(query).all()
    join = SEPARATOR.join
    return SearchIndex({key: (hq, join(fields)) for key, hq, *fields in rows}, folds_hq_id)


def fold(db: Database, text: str) -> str:
    """`text` stripped and passed through the database's `lower()`, as its LIKE compares it."""
    with db.reading() as session:
        return str(session.scalar(select(func.lower(literal(text.strip())))) or "")


def matching_ids(
    db: Database, index: SearchIndex, text: str, within: Collection[int] | None = None
) -> set[int]:
    """The current members a search text finds, as `roster_query.matching_ids` finds them."""
    stripped = text.strip()
    if SEPARATOR in stripped:  # would match across two fields in memory: ask SQL instead
        from chapterdesk.services.roster import query as roster_query

        found = roster_query.matching_ids(db, roster_query.RosterFilter(search=stripped))
        return found if within is None else found & set(within)
    return index.matching(fold(db, stripped), stripped, within)
