"""The main window's pages by key, each built the first time something asks for it.

Building every page at start-up imported every page's module (charts, the PDF
viewer, reportlab, the spreadsheet writer) and read every page's figures before
the officer saw anything. The window now builds only the page it shows; the
others are built when first opened (or first asked for, e.g. by a menu action
that needs the Reports page), which costs a fraction of a second once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chapterdesk.ui.pages import PageEntry
    from chapterdesk.ui.pages.base import Page


class LazyPages(Mapping[str, "Page"]):
    """Every registered page key, in sidebar order; looking a key up builds its page once."""

    def __init__(self, entries: list[PageEntry], build: Callable[[PageEntry], Page]) -> None:
        self._entries = {entry.key: entry for entry in entries}
        self._build = build
        self._built: dict[str, Page] = {}

    def __getitem__(self, key: str) -> Page:
        page = self._built.get(key)
        if page is None:
            entry = self._entries[key]  # KeyError for a key no page has
            page = self._built[key] = self._build(entry)
        return page

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def entries(self) -> list[PageEntry]:
        """The registered pages, in sidebar order."""
        return list(self._entries.values())

    def built(self) -> dict[str, Page]:
        """The pages built so far, by key (nothing is built by asking)."""
        return dict(self._built)
