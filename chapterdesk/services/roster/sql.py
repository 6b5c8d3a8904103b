"""The roster query, defined once: which members, which columns, searched and sorted how.

Every reader of the current roster (the command line, the window's paging
and its start-up read, the exports, the PDF reports and the dues assessment)
asks `roster_select` for the columns it needs; nothing else writes roster SQL.
The definition is plain Python on purpose, with no SQLAlchemy: the window's
first screen runs it through the standard library's `sqlite3` before
SQLAlchemy has loaded, and `services.roster.query` runs the very same text
through SQLAlchemy for everyone else. Parameters are named (`:name`), which
both understand.

Search is one rule for every caller: the text is split into words (commas
count as spaces) and a member is found when every word appears in their
folded name, e-mail or employer, or when the whole text starts their HQ ID.
A word of one letter ("J", or "J." as typed) is an initial: it is found only
at the start of a word of the member's first, middle or last name, so
"J Baker" finds Joshua Baker and not Benjamin Ojala of Baker & Co. The
haystack makes that one substring test on both paths: it starts with a space,
its name words are separated by spaces, and the spaces of the e-mail and
employer are the unit separator (U+001F, which no search word can contain),
so " j" occurs only where a name word starts with "j".
Folding (`fold`) lower-cases and takes accents off, so "bjork" and "BJÖRK"
find "Björk", and "Baker, Mary" finds Mary Baker as "Mary Baker" does; "ß",
"æ", "œ", "þ" are spelled out ("strasse" finds "Straße"), and digits of other
scripts are ASCII digits ("١٢٣" starts the ID 123). The fold is one
character table: Python applies it with `str.translate`, PostgreSQL with
`translate()` (and `replace()` for the letters spelled out), and SQLite
through the same Python function registered on each connection as
`chapterdesk_fold` (`register_fold`).
"""

from __future__ import annotations

import datetime as dt
import functools
import sqlite3
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from chapterdesk.hq_fields import HQ_FIELDS
from chapterdesk.standing import ENDED_STATUSES, Standing

SQLITE = "sqlite"

#: Current chapter members joined to their HQ records.
CURRENT_MEMBERS = (
    " FROM chapter_membership AS cm JOIN hq_member AS h ON h.hq_id = cm.hq_id"
    " WHERE cm.left_on IS NULL"
)

#: HQ's facts about a member, in the order of HQ's reference layout after the ID.
HQ_FACTS = HQ_FIELDS

#: Every plain column a caller may ask for, by name, with its SQL.
COLUMNS: dict[str, str] = {
    "membership_id": "cm.id",
    "chapter_joined_on": "cm.chapter_joined_on",
    "left_on": "cm.left_on",
    "leave_reason": "cm.leave_reason",
    "notes": "cm.notes",
    "employment_ended_on": "cm.employment_ended_on",
    "hq_id": "h.hq_id",
    **{name: f"h.{name}" for name in HQ_FACTS},
    "in_latest_export": "h.in_latest_export",
}
#: Columns computed for the day asked about (`standing`, as `international_standing`).
COMPUTED = ("standing",)
DATE_COLUMNS = frozenset(
    {"chapter_joined_on", "left_on", "employment_ended_on", "join_date", "paid_through"}
)
BOOL_COLUMNS = frozenset({"in_latest_export"})

SORT_KEYS = (
    "name",
    "hq_id",
    "category",
    "standing",
    "paid_through",
    "joined",
    "email",
    "company",
    "city",
)

# --- folding ---------------------------------------------------------------------------------

_COMBINING = "".join(chr(c) for c in range(0x300, 0x370))
_EXTRA = {
    "ł": "l",
    "Ł": "l",
    "ø": "o",
    "Ø": "o",
    "đ": "d",
    "Đ": "d",
    "ħ": "h",
    "Ħ": "h",
    "ı": "i",
    "ŧ": "t",
    "Ŧ": "t",
}


def _fold_pairs() -> tuple[str, str]:
    """Every accented Latin letter (both cases) and the lower-case ASCII letter it folds to."""
    source, target = [], []
    for code in range(0xC0, 0x250):
        char = chr(code)
        parts = unicodedata.normalize("NFKD", char)
        base = "".join(c for c in parts if not unicodedata.combining(c))
        plain = _EXTRA.get(char, base)
        if len(plain) == 1 and plain.isascii() and plain.isalpha() and plain.lower() != char:
            source.append(char)
            target.append(plain.lower())
    return "".join(source), "".join(target)


def _digit_pairs() -> tuple[str, str]:
    """Every decimal digit of another script ('١', '１', '५', …) and the ASCII digit it is."""
    source = [chr(c) for c in range(0x80, 0x10000) if chr(c).isdecimal()]
    return "".join(source), "".join(str(unicodedata.decimal(c)) for c in source)


#: Letters a reader spells with two ("Straße" is found by "strasse"): after the table,
#: as replace() on PostgreSQL (translate() maps one character to one).
FOLD_EXPAND = {"ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "þ": "th",
               "Þ": "th"}  # fmt: skip
#: What PostgreSQL's translate() deletes (characters past the end of the fold's target):
#: combining accents.
FOLD_DELETE = _COMBINING


@functools.cache
def fold_pairs() -> tuple[str, str]:
    """The fold's one-to-one table: each character, and the one it folds to at that place.

    Built the first time a search needs it (it looks through 65,000 characters,
    which every start-up would otherwise pay for).
    """
    source, target = (a + b for a, b in zip(_fold_pairs(), _digit_pairs(), strict=True))
    return source, target


@functools.cache
def _fold_table() -> dict[int, str | int | None]:
    return str.maketrans(*fold_pairs(), FOLD_DELETE) | str.maketrans(FOLD_EXPAND)


def fold(text: str) -> str:
    """Text as search compares it: lower case, accents taken off."""
    low = text.lower()
    return low if low.isascii() else low.translate(_fold_table())


def register_fold(connection: sqlite3.Connection) -> None:
    """Give an SQLite connection the search's fold (see the module text).

    `chapterdesk_fold(text)` folds one text; `chapterdesk_haystack(first,
    middle, last, email, company)` is `haystack`, what the search looks in.
    """
    connection.create_function("chapterdesk_fold", 1, _fold_or_none, deterministic=True)
    connection.create_function("chapterdesk_haystack", 5, haystack, deterministic=True)


def _fold_or_none(text: str | None) -> str | None:
    return None if text is None else fold(text)


def search_words(text: str) -> list[str]:
    """The folded words of a search text (commas count as spaces)."""
    return fold(text.replace(",", " ")).split()


#: What stands between the haystack's name and its e-mail and employer, and for each space in
#: those two: a character `str.split` takes as a space, so no search word ever contains it.
SEPARATOR = "\x1f"  # written out in `haystack`, the hot path

#: What a member's search words are looked for in, before folding (`:sep` is `SEPARATOR`).
HAYSTACK = (
    "' ' || h.first_name || ' ' || h.middle_name || ' ' || h.last_name || :sep"
    " || replace(h.email, ' ', :sep) || :sep || replace(h.company, ' ', :sep)"
)


#: The haystack's columns, as `haystack` takes them.
HAYSTACK_COLUMNS = "h.first_name, h.middle_name, h.last_name, h.email, h.company"


@functools.lru_cache(maxsize=1 << 16)
def _fold_part(text: str) -> str:
    """`fold` of one field (names and employers repeat, so each is folded once)."""
    return fold(text)


@functools.lru_cache(maxsize=1 << 16)
def _fold_other(text: str) -> str:
    """`fold` of an employer with its spaces made `SEPARATOR` (no initial is found in it)."""
    return fold(text).replace(" ", SEPARATOR)


def haystack(first: str, middle: str, last: str, email: str, company: str) -> str:
    """A member's folded search text: `fold` of `HAYSTACK`, a field at a time.

    Folding is a character at a time, so folding each field and joining them
    gives what folding the joined text gives; the parts repeat from member to
    member, and a cache folds each distinct one once.
    """
    part = _fold_part
    mail = fold(email)
    if " " in mail:  # seldom: an address has no spaces
        mail = mail.replace(" ", SEPARATOR)
    return f" {part(first)} {part(middle)} {part(last)}\x1f{mail}\x1f{_fold_other(company)}"


def initial(word: str) -> str | None:
    """The letter a search word stands for when it is an initial ("j" or "j."), else None."""
    letter = word[:-1] if word.endswith(".") else word
    return letter if len(letter) == 1 and letter.isalpha() else None


def needles(words: Sequence[str]) -> list[str]:
    """What each folded search word is looked for as, in a member's haystack.

    An initial is a space and its letter (the start of a name word: see the
    module text); any other word is itself, anywhere.
    """
    found = []
    for word in words:
        letter = initial(word)
        found.append(word if letter is None else f" {letter}")
    return found


def matches(needles: Sequence[str], id_prefix: str, hay: str, hq_id_folded: str) -> bool:
    """Whether a member is found: every needle in their haystack, or the text starts their ID.

    Args:
        needles: `needles` of the search's words.
    """
    return (bool(needles) and all(w in hay for w in needles)) or hq_id_folded.startswith(
        id_prefix
    )


def narrows(shorter: str, longer: str) -> bool:
    """Whether every member `longer` finds is one `shorter` finds (a search typed on).

    A search typed on usually finds fewer, so the window looks for the longer
    one among the shorter one's matches. Not when an initial grows into a word:
    "j" finds only names with a word starting with "j", "jo" also finds
    "Major", so "jo" must be looked for among everyone.
    """
    if not longer.startswith(shorter):
        return False
    if shorter.strip() and not search_words(shorter):
        # Text with no search words (",") finds no one, not everyone: what the
        # longer one finds was never among its matches.
        return False
    grown = search_words(longer)
    return all(
        initial(word) is None or initial(word) == initial(grown[n])
        for n, word in enumerate(search_words(shorter))
    )


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# --- standing ------------------------------------------------------------------------------


def standing_case(day: dt.date, grace_days: int) -> str:
    """`international_standing` as an SQL CASE over `hq_member AS h` (a `Standing` value text).

    Used to filter, sort and count in the database (a 50,000-member roster is
    never pulled into Python to count it); a test keeps it in agreement with the
    Python rule. The two dates are written as ISO literals, which SQLite compares
    as text and PostgreSQL reads as dates, so the text serves both.
    """
    status = "replace(replace(replace(lower(h.hq_status), ' ', ''), '-', ''), '_', '')"
    ended = ", ".join(f"'{s}'" for s in sorted(ENDED_STATUSES))
    as_of = f"'{day.isoformat()}'"
    grace_from = f"'{(day - dt.timedelta(days=grace_days)).isoformat()}'"
    return (
        f"CASE WHEN NOT h.in_latest_export THEN '{Standing.NOT_IN_HQ.value}'"
        f" WHEN {status} IN ({ended}) THEN '{Standing.LAPSED.value}'"
        " WHEN h.paid_through IS NULL THEN"
        f" CASE WHEN {status} = 'grace' THEN '{Standing.GRACE.value}'"
        f" WHEN {status} IN ('active', 'current', '') THEN '{Standing.GOOD.value}'"
        f" ELSE '{Standing.LAPSED.value}' END"
        f" WHEN h.paid_through >= {as_of} THEN '{Standing.GOOD.value}'"
        f" WHEN h.paid_through >= {grace_from} THEN '{Standing.GRACE.value}'"
        f" ELSE '{Standing.LAPSED.value}' END"
    )


# --- the query ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterSql:
    """One roster statement: its SQL text, named parameters, and the columns it returns."""

    sql: str
    params: dict[str, Any] = field(default_factory=dict)
    columns: tuple[str, ...] = ()


@dataclass
class _Builder:
    dialect: str
    params: dict[str, Any] = field(default_factory=dict)

    def value(self, name: str, value: Any) -> str:
        self.params[name] = value
        return f":{name}"

    def date(self, name: str, day: dt.date) -> str:
        place = self.value(name, day.isoformat())
        return place if self.dialect == SQLITE else f"CAST({place} AS DATE)"

    def haystack_sql(self) -> str:
        if self.dialect == SQLITE:
            return f"chapterdesk_haystack({HAYSTACK_COLUMNS})"
        self.value("sep", SEPARATOR)
        fold_from, fold_to = fold_pairs()
        source = self.value("fold_from", fold_from + FOLD_DELETE)
        target = self.value("fold_to", fold_to)
        folded = f"translate(lower({HAYSTACK}), {source}, {target})"
        for n, (letter, spelled) in enumerate(FOLD_EXPAND.items()):
            folded = f"replace({folded}, {self.value(f'fx{n}', letter)}, '{spelled}')"
        return folded

    def standing(self, day: dt.date, grace_days: int) -> str:
        return standing_case(day, grace_days)

    def search(self, text: str) -> str | None:
        words = search_words(text)
        prefix = fold(text.strip())
        if not prefix:
            return None
        tests = []
        if words:
            hay = self.haystack_sql()
            found = [
                f"{hay} LIKE {self.value(f'w{n}', f'%{_like_escape(w)}%')} ESCAPE '\\'"
                for n, w in enumerate(needles(words))
            ]
            tests.append("(" + " AND ".join(found) + ")")
        id_prefix = self.value("id_prefix", _like_escape(prefix) + "%")
        tests.append(f"lower(h.hq_id) LIKE {id_prefix} ESCAPE '\\'")
        return "(" + " OR ".join(tests) + ")"

    def in_office(self, day: dt.date) -> str:
        on = self.date("office_day", day)
        return (
            "EXISTS (SELECT 1 FROM officer_term AS t WHERE t.membership_id = cm.id"
            f" AND t.starts_on <= {on} AND (t.ends_on IS NULL OR t.ends_on >= {on}))"
        )

    def values(self, prefix: str, items: Sequence[Any]) -> str:
        return ", ".join(self.value(f"{prefix}{n}", v) for n, v in enumerate(items))


#: Members whose dues balance is owed: live (unreversed) entries summed, charges up, the rest
#: down; a reversal and the entry it reverses cancel, so both are left out.
OWING_SQL = (
    "cm.hq_id IN (SELECT l.hq_id FROM ledger_entry AS l WHERE l.kind <> 'reversal'"
    " AND NOT EXISTS (SELECT 1 FROM ledger_entry AS r WHERE r.reverses_id = l.id)"
    " GROUP BY l.hq_id"
    " HAVING sum(CASE WHEN l.kind = 'charge' THEN l.amount_cents ELSE -l.amount_cents END) > 0)"
)


def roster_select(
    columns: Sequence[str],
    *,
    dialect: str = SQLITE,
    day: dt.date | None = None,
    grace_days: int = 0,
    search: str = "",
    standings: Sequence[Standing] = (),
    member_types: Sequence[str] | None = None,
    officer: bool | None = None,
    owing: bool | None = None,
    ids: Sequence[int] | None = None,
    sort: str | None = "name",
    descending: bool = False,
    category_rank: Mapping[str, int] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> RosterSql:
    """The statement that reads `columns` of the current members a filter shows, in order.

    Args:
        columns: names from `COLUMNS` or `COMPUTED`, in the order wanted.
        day, grace_days: the day standings are judged on, and the chapter's grace.
        search: the search text (see the module text); "" for everyone.
        standings: only these standings (empty: every one).
        member_types: only these HQ member types (a category's; None: every type).
        officer: True for officers in office on `day`, False for everyone else.
        owing: True for members whose dues balance is owed, False for the rest.
        ids: only these membership keys.
        sort: one of `SORT_KEYS`, or None for no order (counting, matching).
        category_rank: each member type's place, for sorting by category.
    Raises:
        ValueError: an unknown column or sort key (a programming error).
    """
    when = day or dt.date.today()
    b = _Builder(dialect)
    selected = []
    for name in columns:
        if name in COMPUTED:  # "standing", the only one
            selected.append(f"{b.standing(when, grace_days)} AS standing")
        elif name in COLUMNS:
            selected.append(f"{COLUMNS[name]} AS {name}")
        else:
            raise ValueError(f"the roster has no column {name!r}")
    where = []
    if (test := b.search(search)) is not None:
        where.append(test)
    if standings:
        values = b.values("st", sorted(s.value for s in standings))
        where.append(f"{b.standing(when, grace_days)} IN ({values})")
    if member_types is not None:
        types = b.values("mt", sorted(member_types))
        where.append(f"h.member_type IN ({types})" if member_types else "1 = 0")
    if officer is not None:
        where.append(b.in_office(when) if officer else f"NOT {b.in_office(when)}")
    if owing is not None:
        where.append(OWING_SQL if owing else f"NOT {OWING_SQL}")
    if ids is not None:
        where.append(f"cm.id IN ({b.values('id', list(ids))})" if ids else "1 = 0")
    sql = "SELECT " + ", ".join(selected) + CURRENT_MEMBERS
    sql += "".join(f" AND {w}" for w in where)
    if sort is not None:
        sql += " ORDER BY " + _order(b, sort, descending, when, grace_days, category_rank or {})
    if limit is not None:
        size, skip = b.value("limit", max(limit, 0)), b.value("offset", max(offset, 0))
        sql += f" LIMIT {size} OFFSET {skip}"
    return RosterSql(sql, b.params, tuple(columns))


def _order(
    b: _Builder,
    sort: str,
    descending: bool,
    day: dt.date,
    grace_days: int,
    category_rank: Mapping[str, int],
) -> str:
    name = ["lower(h.last_name)", "lower(h.first_name)"]
    keys: list[str]
    if sort == "name":
        keys = name
    elif sort == "hq_id":
        keys = ["length(h.hq_id)"]
    elif sort == "category":
        ranks = " ".join(
            f"WHEN {b.value(f'ct{n}', t)} THEN {int(rank)}"
            for n, (t, rank) in enumerate(sorted(category_rank.items()))
        )
        keys = [f"CASE h.member_type {ranks} ELSE 100000 END" if ranks else "0", *name]
    elif sort == "standing":
        keys = [b.standing(day, grace_days), *name]
    elif sort == "paid_through":
        keys = ["CASE WHEN h.paid_through IS NULL THEN 0 ELSE 1 END", "h.paid_through", *name]
    elif sort == "joined":
        keys = ["cm.chapter_joined_on", *name]
    elif sort in ("email", "company", "city"):
        keys = [f"lower(h.{sort})", *name]
    else:
        raise ValueError(f"the roster cannot be sorted by {sort!r}")
    direction = " DESC" if descending else ""
    return ", ".join(f"{k}{direction}" for k in [*keys, "h.hq_id"])


def tally(inner: RosterSql, by: Sequence[str]) -> RosterSql:
    """How many rows of a roster statement (made with `sort=None`) share each value of `by`."""
    keys = ", ".join(by)
    return RosterSql(
        f"SELECT {keys}, count(*) FROM ({inner.sql}) AS shown GROUP BY {keys}",
        inner.params,
        (*by, "count"),
    )


def offices_select(keys: Sequence[int], day: dt.date, dialect: str = SQLITE) -> RosterSql:
    """The offices held on `day` by the given memberships: (membership key, position) rows."""
    b = _Builder(dialect)
    on = b.date("office_day", day)
    return RosterSql(
        "SELECT t.membership_id, p.name FROM officer_term AS t"
        " JOIN officer_position AS p ON p.id = t.position_id"
        f" WHERE t.membership_id IN ({b.values('k', list(keys))}) AND t.starts_on <= {on}"
        f" AND (t.ends_on IS NULL OR t.ends_on >= {on}) ORDER BY p.sort_order, t.id",
        b.params,
        ("membership_id", "position"),
    )


def decoder(columns: Sequence[str]) -> Any:
    """A function turning one raw row of `columns` into plain values (ISO text dates to dates).

    SQLite hands dates back as text and booleans as 0/1; PostgreSQL as dates and
    booleans. Either way the caller gets `datetime.date` and `bool`.
    """
    dates = [n for n, c in enumerate(columns) if c in DATE_COLUMNS]
    bools = [n for n, c in enumerate(columns) if c in BOOL_COLUMNS]
    if not dates and not bools:
        return tuple
    iso = dt.date.fromisoformat

    def decode(row: Sequence[Any]) -> tuple[Any, ...]:
        values = list(row)
        for n in dates:
            v = values[n]
            if v.__class__ is str:
                values[n] = iso(v)
        for n in bools:
            values[n] = bool(values[n])
        return tuple(values)

    return decode
