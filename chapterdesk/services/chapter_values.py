"""The chapter's settings and membership categories as plain values, free of SQLAlchemy.

`chapterdesk.services.chapter` reads and writes them (and re-exports these
names); they live here so that code which only handles them, such as the
window's first read of an SQLite file (`services.roster.first_view`), can run before
SQLAlchemy is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass

from chapterdesk.standing import normalise_key

NO_CHAPTER_YET = (
    "This database has no chapter yet. Create one with "
    "`chapterdesk init --chapter NAME`, or open the demo with `chapterdesk --demo`."
)


@dataclass(frozen=True)
class ChapterInfo:
    """The chapter's settings as the rest of the program reads them."""

    name: str
    currency: str
    year_start_month: int
    year_start_day: int
    grace_days: int
    stale_after_days: int
    page_size: str
    officer_name: str | None
    #: Share of eligible voters that makes a quorum; None: a simple majority.
    quorum_percent: int | None = None

    @property
    def key(self) -> str:
        """The chapter name as HQ affiliations are matched against it."""
        return normalise_key(self.name)


@dataclass(frozen=True)
class Category:
    """A membership category and what it allows."""

    id: int
    code: str
    name: str
    may_vote: bool
    may_hold_office: bool
    eligible: bool
    description: str
    hq_types: tuple[str, ...] = ()


def split_hq_types(text: str) -> tuple[str, ...]:
    """The HQ member types stored with a category (one per line), blanks dropped."""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


class CategoryIndex:
    """Resolves HQ's member-type text to a category (case and punctuation aside).

    A type matches a category by its code, its name, or an HQ type an officer
    mapped to it; a code or name wins over a mapping.
    """

    def __init__(self, categories: list[Category]) -> None:
        self._by_key: dict[str, Category] = {}
        for category in categories:
            self._by_key.setdefault(normalise_key(category.code), category)
            self._by_key.setdefault(normalise_key(category.name), category)
        for category in categories:
            for hq_type in category.hq_types:
                self._by_key.setdefault(normalise_key(hq_type), category)
        # A name with no letter a-z or digit (in another script) has an empty key; it must
        # not make a blank member type count as that category.
        self._by_key.pop("", None)

    def resolve(self, member_type: str) -> Category | None:
        """The category HQ's member type names, or None when no category matches."""
        return self._by_key.get(normalise_key(member_type))
