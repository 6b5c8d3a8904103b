"""Matching incoming payment lines to the chapter's members.

In order, the first rule that points anywhere decides:

1. an HQ member ID (or "receipt N", a receipt the member was given) in the memo;
2. the payer's e-mail address;
3. the payer's name, accent- and case-insensitive as the roster search folds it
   (`services.roster.sql.fold`), written "First Last", "Last, First" or with the
   first name as an initial ("J. Smith", "Smith, J");
4. the amount against what members owe, to choose between several people a
   name (or e-mail) found, or to offer the one member who owes exactly that
   amount when nothing else pointed anywhere.

A line is `matched` (one member), `ambiguous` (several candidates, or only the
amount pointed: the officer chooses), `unmatched` (nobody), or `posted` (its
source line is already in the ledger and is never posted twice).
"""

from __future__ import annotations

import functools
import operator
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from chapterdesk.money import to_cents
from chapterdesk.names import display_name
from chapterdesk.payments.lines import IncomingLine
from chapterdesk.services.roster.sql import fold

MATCHED, AMBIGUOUS, UNMATCHED, POSTED = "matched", "ambiguous", "unmatched", "posted"
CLASSES = (MATCHED, AMBIGUOUS, UNMATCHED, POSTED)
MOST_CANDIDATES = 8

_ID_IN_MEMO = re.compile(r"(?<![\w\-/.:,$])(\d{3,12})(?![\w\-/.:,])")
_RECEIPT = re.compile(r"\b(?:receipt|rcpt|rct)\s*(?:no\.?|number|#)?\s*(\d{1,9})\b", re.IGNORECASE)
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "prof", "jr", "sr", "ii", "iii", "iv", "esq"})
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


@dataclass(frozen=True)
class Candidate:
    """A member a line may be from."""

    hq_id: str
    name: str


@dataclass(frozen=True)
class MatchedLine:
    """An incoming line and what matching found for it."""

    line: IncomingLine
    status: str  #: matched, ambiguous, unmatched or posted
    hq_id: str | None  #: the member (matched, or posted: the member it was posted to)
    name: str
    rule: str  #: which rule decided: memo id, receipt, e-mail, name, name + amount, amount
    candidates: tuple[Candidate, ...] = ()
    posted_import: int | None = None  #: the batch that posted it (status posted)


@dataclass
class MemberIndex:
    """The chapter's members, looked up every way matching needs (built once per import).

    Built for a whole chapter (50,000 members) per import, so a member costs a
    few dictionary operations: names are folded and split once per distinct
    first and last name (names repeat), only members a line can find by name
    or e-mail are indexed so, and a display name is made only for the members
    a line names. What a key finds is worked out once and shared by every
    line that looks it up (`found`).
    """

    #: hq_id → (hq_id, first, middle, last, suffix, email), as read
    parts: dict[str, Sequence[str]] = field(default_factory=dict)
    owed: dict[str, int] = field(default_factory=dict)  #: hq_id → cents owed
    by_email: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_name: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    by_initial: dict[tuple[str, str], list[str]] = field(
        default_factory=lambda: defaultdict(list)
    )
    by_owed: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    receipts: dict[int, str] = field(default_factory=dict)  #: receipt number → hq_id
    _names: dict[str, str] = field(default_factory=dict)  #: display names made so far
    #: (table, key) → the members found under it, shared by the lines that look it up
    found: dict[tuple[str, object], _Found] = field(default_factory=dict)
    cents: dict[Decimal, int] = field(default_factory=dict)  #: amounts paid, in cents

    def add_all(
        self,
        rows: Iterable[Sequence[str]],
        emails: Collection[str] | None = None,
        surnames: Collection[str] | None = None,
    ) -> None:
        """Index members given as (hq_id, first, middle, last, suffix, email) rows.

        `emails` and `surnames` (folded), when given, are all the lines can look
        for: a member is indexed under an e-mail or a name only if a line may
        find them by it, which keeps a 50,000-member chapter's index small. The
        test is made once per distinct last name (names repeat), so a member the
        lines cannot find by name costs a set lookup, not a fold.
        """
        rows = rows if isinstance(rows, list) else list(rows)
        self.parts.update({row[0]: row for row in rows})  # names made only for those shown
        by_email, by_name, by_initial = self.by_email, self.by_name, self.by_initial
        for key, hq_id in [
            (key, row[0]) for row in rows
            if row[5] and ((key := row[5].casefold()) in emails if emails is not None else True)
        ]:  # fmt: skip
            by_email[key].append(hq_id)
        named = rows
        if surnames is not None:
            wanted = {last for last in {row[3] for row in rows} if _wanted(last, surnames)}
            named = [row for row in rows if row[3] in wanted]
        # names are folded once per distinct (first, last): a chapter repeats its names
        same_name: dict[tuple[str, str], list[str]] = defaultdict(list)
        for hq_id, first, _middle, last, _suffix, _email in named:
            same_name[(first, last)].append(hq_id)
        for (first, last), ids in same_name.items():
            lasts = _name_words(last or "")
            if not lasts:
                continue
            surname = "".join(lasts)
            firsts = _name_words(first or "")
            if len(lasts) > 1 and (surnames is None or lasts[0] in surnames):
                # "Ana García López" also paid as "Ana García"
                by_name[(firsts[0] if firsts else "", lasts[0])].extend(ids)
            if firsts and (surnames is None or surname in surnames):
                by_name[(firsts[0], surname)].extend(ids)
                by_initial[(firsts[0][0], surname)].extend(ids)

    def name(self, hq_id: str) -> str:
        """A member's name as read in a sentence."""
        found = self._names.get(hq_id)
        if found is None:
            _id, first, middle, last, suffix, _email = self.parts[hq_id]
            found = display_name(first or "", middle or "", last or "", suffix or "")
            self._names[hq_id] = found
        return found

    def set_owed(self, owed: Mapping[str, int]) -> None:
        """What each member owes, in cents (only those who owe something)."""
        for hq_id, cents in owed.items():
            if cents > 0 and hq_id in self.parts:
                self.owed[hq_id] = cents
                self.by_owed[cents].append(hq_id)


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(fold(text)) if w.replace("'", "") not in _TITLES]


@functools.lru_cache(maxsize=1 << 16)
def _name_words(text: str) -> tuple[str, ...]:
    """`_words` of a member's first or last name (cached: names repeat across a chapter)."""
    return tuple(_words(text))


def _wanted(last: str | None, surnames: Collection[str]) -> bool:
    """Whether a member of this last name may be found by a line naming one of `surnames`."""
    lasts = _name_words(last or "")
    return bool(lasts) and ("".join(lasts) in surnames or (len(lasts) > 1 and lasts[0] in surnames))


@functools.lru_cache(maxsize=1 << 14)
def payer_keys(payer: str) -> tuple[tuple[str, str], ...]:
    """The (first word, surname) pairs a payer's name may stand for, most likely first.

    "Last, First" is turned round; a surname of two or three words is tried
    joined ("van der Berg" → "vanderberg") as the index keeps it. Cached: each
    line's payer is read twice (for the index's keys, then to match).
    """
    text = payer.strip()
    if "," in text:
        last, _, first = text.partition(",")
        words_first, words_last = _words(first), _words(last)
        if words_first and words_last:
            return ((words_first[0], "".join(words_last)),)
    words = _words(text)
    if len(words) < 2:
        return ()
    return tuple((words[0], "".join(words[k:])) for k in range(len(words) - 1, 0, -1))


class _Found:
    """Members a line points to (no repeats), with what is worked out from them.

    An index key's members are one `_Found` shared by every line that looks
    them up (a common name, an initial with a common surname), so sorting
    them, choosing by amount and naming the candidates happen once per key.
    """

    __slots__ = ("exact", "ids", "shown")

    def __init__(self, ids: tuple[str, ...]) -> None:
        self.ids = ids
        self.exact: dict[int, tuple[str, ...]] = {}  #: cents → those who owe exactly that
        self.shown: tuple[Candidate, ...] | None = None

    def owing(self, index: MemberIndex, cents: int) -> tuple[str, ...]:
        """Those of the members who owe exactly `cents`."""
        found = self.exact.get(cents)
        if found is None:
            owed = index.owed
            found = self.exact[cents] = tuple(i for i in self.ids if owed.get(i) == cents)
        return found

    def candidates(self, index: MemberIndex) -> tuple[Candidate, ...]:
        """The first candidates by last and first name (only those shown are named)."""
        if self.shown is None:
            parts = index.parts
            rows = [parts[i] for i in self.ids]
            try:
                rows.sort(key=_LAST_FIRST_ID)
            except TypeError:  # a name missing (None): sorted as empty, as it is shown
                rows.sort(key=lambda r: (r[3] or "", r[1] or "", r[0]))
            self.shown = tuple(Candidate(r[0], index.name(r[0])) for r in rows[:MOST_CANDIDATES])
        return self.shown


_NOBODY = _Found(())
#: a member's row → its place among candidates: by last name, first name, then HQ ID
_LAST_FIRST_ID = operator.itemgetter(3, 1, 0)


def _found(index: MemberIndex, table: str, key: tuple[str, str] | str | int) -> _Found:
    """The members an index table holds under `key` (one `_Found` per key)."""
    found = index.found.get((table, key))
    if found is None:
        members = getattr(index, table).get(key, ())
        # without repeats, in the index's order: the order decides nothing (candidates are
        # sorted by name and ID, a choice by amount counts the members who owe it)
        found = index.found[(table, key)] = _Found(tuple(dict.fromkeys(members)))
    return found


def _by_name(index: MemberIndex, payer: str) -> _Found:
    keys = payer_keys(payer)
    for first, surname in keys:
        if (first, surname) in index.by_name:
            return _found(index, "by_name", (first, surname))
    for first, surname in keys:  # "J. Smith", "Smith, J", or "Jo Smith" for "Joanne"
        if (first[0], surname) in index.by_initial:
            return _found(index, "by_initial", (first[0], surname))
    return _NOBODY


def match_line(
    index: MemberIndex, line: IncomingLine, posted: Mapping[str, tuple[str, int]]
) -> MatchedLine:
    """Classify one line (see the module text)."""
    done = posted.get(line.source_key)
    if done is not None:
        hq_id, batch = done
        name = index.name(hq_id) if hq_id in index.parts else ""
        return MatchedLine(line, POSTED, hq_id, name, "source", (), batch)
    cents = index.cents.get(line.gross)
    if cents is None:
        cents = index.cents[line.gross] = to_cents(line.gross)
    memo, found, rule = line.memo, _NOBODY, ""
    if memo:
        in_memo = _ID_IN_MEMO.findall(memo)
        if in_memo:
            parts = index.parts
            found = _Found(tuple(sorted({i for m in in_memo if (i := m.lstrip("0")) in parts})))
            rule = "memo id"
        if not found.ids and index.receipts:
            receipts = index.receipts
            numbers = [int(n) for n in _RECEIPT.findall(memo)]
            found = _Found(tuple(sorted({receipts[n] for n in numbers if n in receipts})))
            rule = "receipt"
    if not found.ids and line.email:
        key = line.email.strip().casefold()
        if key in index.by_email:
            found, rule = _found(index, "by_email", key), "e-mail"
    if not found.ids and line.payer:
        found, rule = _by_name(index, line.payer), "name"
    unique = found.ids
    if len(unique) > 1:
        owing = found.owing(index, cents)
        if len(owing) == 1:
            unique, rule = owing, f"{rule} + amount"
    if len(unique) == 1:
        hq_id = unique[0]
        return MatchedLine(line, MATCHED, hq_id, index.name(hq_id), rule)
    if unique:
        return MatchedLine(line, AMBIGUOUS, None, "", rule, found.candidates(index))
    by_amount = index.by_owed.get(cents)
    if by_amount and len(by_amount) <= MOST_CANDIDATES:
        found = _found(index, "by_owed", cents)
        return MatchedLine(line, AMBIGUOUS, None, "", "amount", found.candidates(index))
    return MatchedLine(line, UNMATCHED, None, "", "")


def match_lines(
    index: MemberIndex, lines: Sequence[IncomingLine], posted: Mapping[str, tuple[str, int]]
) -> list[MatchedLine]:
    """Classify every line of a file."""
    return [match_line(index, line, posted) for line in lines]


def build_index(
    members: Iterable[Sequence[str]],
    owed: Mapping[str, int],
    lines: Sequence[IncomingLine] = (),
    receipts: Mapping[int, str] | None = None,
) -> MemberIndex:
    """The index of `members` ((hq_id, first, middle, last, suffix, email) rows) for `lines`.

    Indexed by e-mail and name only as far as `lines` may look members up
    (every way when no lines are given); `owed` is what each owes in cents,
    `receipts` whose each receipt number is (current members only count).
    """
    index = MemberIndex()
    emails, surnames = wanted_keys(lines) if lines else (None, None)
    index.add_all(members, emails, surnames)
    index.set_owed(owed)
    # a receipt given to someone who has since left the chapter points nowhere (as their ID)
    index.receipts.update({n: h for n, h in (receipts or {}).items() if h in index.parts})
    return index


def wanted_keys(lines: Iterable[IncomingLine]) -> tuple[set[str], set[str]]:
    """The e-mail addresses and folded surnames the lines may find members by."""
    emails = {line.email.strip().casefold() for line in lines if line.email}
    surnames = {surname for line in lines for _first, surname in payer_keys(line.payer)}
    return emails, surnames


def wanted_receipts(lines: Iterable[IncomingLine]) -> set[int]:
    """The receipt numbers the lines' memos name (to look up whose they are)."""
    return {int(n) for line in lines for n in _RECEIPT.findall(line.memo)}


__all__ = [
    "AMBIGUOUS",
    "CLASSES",
    "MATCHED",
    "POSTED",
    "UNMATCHED",
    "Candidate",
    "MatchedLine",
    "MemberIndex",
    "build_index",
    "match_lines",
]
