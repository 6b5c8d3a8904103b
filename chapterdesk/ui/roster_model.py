"""The roster table's model: the ordered member keys of the current view, rows fetched in pages.

Filtering and sorting happen in SQL (`services.roster.query`); this model keeps
only the ordered membership keys (50,000 integers is a few hundred KB) and
fetches the rows the view paints, 200 at a time, keeping the most recent pages.
A search typed into the roster is answered from an in-memory search index
(`services.roster.search`, read once on the worker thread and dropped when the
data changes), keeping the already-ordered keys that match: a keystroke costs
no query and no re-sort, and one that extends the last search looks only
among its matches (unless an initial grew into a word: `sql.narrows`). A new view's
first page is read with its keys (on the worker thread, when the page loads it
there), so showing it reads nothing on the UI thread.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from chapterdesk.data.engine import Database
from chapterdesk.names import with_id
from chapterdesk.services.roster.sql import narrows
from chapterdesk.services.roster.values import RosterFilter, RosterRow
from chapterdesk.ui.colours import DARK, LIGHT, is_dark

if TYPE_CHECKING:
    from chapterdesk.services.roster.search import SearchIndex
    from chapterdesk.standing import Standing

PAGE_SIZE = 200
KEEP_PAGES = 60
RowRole = Qt.ItemDataRole.UserRole + 1
HqIdRole = Qt.ItemDataRole.UserRole + 2
_Index = QModelIndex | QPersistentModelIndex


def _date(value: Any) -> str:
    return value.isoformat() if value is not None else ""


@dataclass(frozen=True)
class Loaded:
    """A view as the worker read it: its keys in order, the search matches, its first page.

    `base_ids` are the ordered keys of the view without its search text (re-read
    only when the filters or the sort changed); `ids` those the view shows;
    `index` the search index the view was searched with (None: none read yet).
    """

    filter: RosterFilter
    sort_key: str
    descending: bool
    base_ids: list[int]
    ids: list[int]
    matched: set[int] | None
    first_page: list[RosterRow | None]
    index: SearchIndex | None = None


def fetch_page(db: Database, keys: list[int]) -> list[RosterRow | None]:
    """The rows of one page of keys, in order; a member who left since has no row (None)."""
    from chapterdesk.services.roster import query as roster_query

    found = {r.membership_id: r for r in roster_query.rows_for(db, keys)}
    return [found.get(k) for k in keys]


@dataclass(frozen=True)
class Column:
    """A roster column: its key (also its sort key), heading and how a row shows in it."""

    key: str
    title: str
    text: Callable[[RosterRow], str]
    sort_key: str | None


COLUMNS: tuple[Column, ...] = (
    Column("hq_id", "HQ ID", lambda r: r.hq_id, "hq_id"),
    Column("name", "Name", lambda r: r.name, "name"),
    Column("category", "Category", lambda r: r.category, "category"),
    Column("standing", "Standing", lambda r: r.standing.label, "standing"),
    Column("paid_through", "Paid through", lambda r: _date(r.paid_through), "paid_through"),
    Column("joined", "Chapter joined", lambda r: _date(r.chapter_joined_on), "joined"),
    Column("email", "E-mail", lambda r: r.email, "email"),
    Column("company", "Employer", lambda r: r.company, "company"),
    Column("city", "City", lambda r: r.city, "city"),
    Column("offices", "Office", lambda r: ", ".join(r.offices), None),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)
_TEXTS = tuple(c.text for c in COLUMNS)
_COLUMN_COUNT = len(COLUMNS)

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ROW, _HQ_ID = int(RowRole), int(HqIdRole)
_ANSWERED = frozenset((_DISPLAY, _ACCESSIBLE, _BACKGROUND, _FOREGROUND, _TOOLTIP, _ROW, _HQ_ID))
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


@functools.cache
def _tint_brushes(dark: bool, standing: Standing) -> tuple[QBrush, QBrush] | None:
    """A standing's row brushes (background, text) on a dark or light palette; None: no tint."""
    tint = (DARK if dark else LIGHT).rows.get(standing)
    if tint is None:
        return None
    return QBrush(QColor(tint.background)), QBrush(QColor(tint.text))


class RosterModel(QAbstractTableModel):
    """A paged view of the chapter roster: sorted and filtered in SQL, searched in memory."""

    reloaded = Signal()

    def __init__(self, db: Database, parent: Any = None) -> None:
        super().__init__(parent)
        self.db = db
        self.filter = RosterFilter()
        self.sort_key = "name"
        self.descending = False
        self._ids: list[int] = []
        self._base_key: tuple[RosterFilter, str, bool] | None = None
        self._base_ids: list[int] = []
        self._last_search: tuple[str, set[int]] | None = None
        self._search_index: SearchIndex | None = None
        self._generation = 0  # counts re-reads after a data change (an older index is stale)
        # While the first screen shows only its first page's keys: how many rows there are.
        self._total: int | None = None
        # Set by a page that reads the database off the UI thread: called to re-sort.
        self.loader: Callable[[RosterFilter, str, bool], None] | None = None
        self._pages: OrderedDict[int, list[RosterRow | None]] = OrderedDict()
        # Set by a page that has a worker thread: runs a job there once the UI is idle
        # (reading a page ahead), if `wants_page` still says so then.
        self.prefetch: Callable[[tuple[int, int], Callable[[], None]], None] | None = None
        self._view = 0  # which order of keys the pages belong to (bumped by every reset)
        self._replacing = -1  # a view another is being read to replace: read nothing ahead for it
        self._ahead_lock = threading.Lock()  # the worker puts pages here, the UI thread takes them
        self._ahead: dict[tuple[int, int], list[RosterRow | None]] = {}
        self._asked: set[tuple[int, int]] = set()
        self._near = -1  # the page last painted from: its neighbours are read ahead

    # -- what the view shows ------------------------------------------------------------
    def set_filter(self, wanted: RosterFilter) -> None:
        """Show the members this filter selects, re-read at once (the page loads off-thread)."""
        self.show_loaded(self.load_job(wanted, self.sort_key, self.descending)())

    def reload(self, *, forget_order: bool = False) -> None:
        """Re-read the view at once (`forget_order`: the data changed, re-read the order too)."""
        job = self.load_job(self.filter, self.sort_key, self.descending, force=forget_order)
        self.show_loaded(job())

    def load_job(
        self, wanted: RosterFilter, sort_key: str, descending: bool, *, force: bool = False
    ) -> Callable[[], Loaded]:
        """The database reads a new view needs, as a job that may run on the worker thread.

        Only what changed is read: the ordered keys when the filters or sort
        changed (or `force`: the data changed, which also drops the search
        index); the search matches, from the index (read first if there is
        none yet), when there is search text, among the last matches when it
        extends the last search; then the first page of rows, so the view
        paints without reading on the UI thread.
        """
        base_key = (wanted.without_search(), sort_key, descending)
        need_base = force or base_key != self._base_key or self._total is not None
        known_base = self._base_ids
        text = wanted.search.strip()
        previous = self._last_search
        within = None
        if text and not need_base and previous is not None and narrows(previous[0], text):
            within = previous[1]  # never changed once made: safe to read on the worker
        index = None if force else self._search_index
        db = self.db

        def job() -> Loaded:
            from chapterdesk.services.roster import query as roster_query
            from chapterdesk.services.roster import search as roster_search

            base = (
                roster_query.ordered_ids(db, base_key[0], sort_key, descending)
                if need_base
                else known_base
            )
            matched = None
            ids = base
            searched_with = index
            if text:
                if searched_with is None:
                    searched_with = roster_search.search_index(db)
                matched = roster_search.matching_ids(db, searched_with, text, within)
                ids = [i for i in base if i in matched]
            first = fetch_page(db, ids[:PAGE_SIZE])
            return Loaded(wanted, sort_key, descending, base, ids, matched, first, searched_with)

        if force:  # the data changed: the index must be read again
            self._search_index = None
            self._generation += 1
        return job

    def search_index_job(self) -> Callable[[], tuple[int, SearchIndex]] | None:
        """A job that reads the search index ahead of the first keystroke (None: it is read)."""
        if self._search_index is not None:
            return None
        db, generation = self.db, self._generation

        def job() -> tuple[int, SearchIndex]:
            from chapterdesk.services.roster import search as roster_search

            return generation, roster_search.search_index(db)

        return job

    def keep_search_index(self, read: tuple[int, SearchIndex]) -> None:
        """Keep an index `search_index_job` read, unless the data changed since."""
        generation, index = read
        if generation == self._generation and self._search_index is None:
            self._search_index = index

    def show_start(self, total: int, first_page: list[RosterRow]) -> None:
        """Show the roster's first screen: `total` members by name, the first page of them known.

        The rows past the first page stay empty until `complete_keys` brings
        every member's key (a moment later, read on the worker thread).
        """
        keys = [row.membership_id for row in first_page]
        self._base_ids = keys
        self._base_key = (RosterFilter(), "name", False)
        self.filter, self.sort_key, self.descending = RosterFilter(), "name", False
        self._last_search = None
        self.beginResetModel()
        self._forget_pages()
        self._ids = keys
        self._total = total if total > len(keys) else None
        if keys:
            self._pages[0] = list(first_page)
        self.endResetModel()
        self.reloaded.emit()

    def complete_keys(self, ids: list[int]) -> None:
        """Every key of the first screen, in order: the rows past its first page can show."""
        if self._total is None:  # another view replaced the first screen meanwhile
            return
        known = len(self._ids)
        if len(ids) == self._total and ids[:known] == self._ids:
            self._ids = self._base_ids = ids
            self._total = None
            if len(self._pages.get(0, ())) < min(PAGE_SIZE, len(ids)):
                self._pages.pop(0, None)  # a short first page: read it whole when painted
            self.dataChanged.emit(self.index(known, 0), self.index(len(ids) - 1, len(COLUMNS) - 1))
            if self._near >= 0:
                self._read_ahead(self._near)
            return
        self.beginResetModel()
        self._forget_pages()  # the roster changed in between: show it as it is now
        self._ids = self._base_ids = ids
        self._total = None
        self.endResetModel()
        self.reloaded.emit()

    def show_loaded(self, loaded: Loaded) -> None:
        """Show a view whose reads `load_job` made (on the UI thread)."""
        self._base_ids = loaded.base_ids
        self._base_key = (loaded.filter.without_search(), loaded.sort_key, loaded.descending)
        self.filter = loaded.filter
        self.sort_key, self.descending = loaded.sort_key, loaded.descending
        self._last_search = (
            (loaded.filter.search.strip(), loaded.matched) if loaded.matched is not None else None
        )
        if loaded.index is not None:
            self._search_index = loaded.index
        self.beginResetModel()
        self._forget_pages()
        self._ids = loaded.ids
        self._total = None
        if loaded.ids:
            self._pages[0] = loaded.first_page
        self.endResetModel()
        self.reloaded.emit()

    def _forget_pages(self) -> None:
        """The keys change: every page read, or being read ahead, belongs to the old order."""
        self._view += 1
        self._near = -1
        self._pages.clear()
        self._asked.clear()
        with self._ahead_lock:
            self._ahead.clear()

    def row_of(self, membership_id: int) -> int:
        """The row showing a membership, or -1 when the view does not show it."""
        try:
            return self._ids.index(membership_id)
        except ValueError:
            return -1

    def loaded_rows(self) -> list[RosterRow]:
        """The rows already read (no read is made): what the columns are sized to."""
        return [row for page in self._pages.values() for row in page if row is not None]

    def row_at(self, row: int) -> RosterRow | None:
        """The roster row on a table row (fetching its page when needed)."""
        if not 0 <= row < len(self._ids):
            return None
        number = row // PAGE_SIZE
        page = self._pages.get(number)
        if page is None:
            with self._ahead_lock:
                page = self._ahead.pop((self._view, number), None)
            if page is None:  # not read ahead (a jump, or the first page): read it now
                start = number * PAGE_SIZE
                # A member who left since the keys were read has no row: that line stays empty.
                page = fetch_page(self.db, self._ids[start : start + PAGE_SIZE])
            self._pages[number] = page
            while len(self._pages) > KEEP_PAGES:
                dropped, _rows = self._pages.popitem(last=False)
                self._asked.discard((self._view, dropped))
        else:
            self._pages.move_to_end(number)
        if number != self._near:
            self._near = number
            self._read_ahead(number)
        offset = row - number * PAGE_SIZE
        return page[offset] if offset < len(page) else None

    def _read_ahead(self, number: int) -> None:
        """Have the worker read the pages either side of `number` before they are painted."""
        if self.prefetch is None:
            return
        for near in (number + 1, number - 1):
            start, key = near * PAGE_SIZE, (self._view, near)
            if near < 0 or start >= len(self._ids) or near in self._pages or key in self._asked:
                continue
            self._asked.add(key)
            self.prefetch(key, self._page_reader(key, self._ids[start : start + PAGE_SIZE]))

    def replacing(self) -> None:
        """A new view is being read: the pages of this one are no longer worth reading ahead.

        A read ahead still waiting for the worker would run beside the new view's
        read and its painting, and the interpreter runs one thread at a time.
        """
        self._replacing = self._view

    def wants_page(self, key: tuple[int, int]) -> bool:
        """Whether a page asked for ahead is still worth reading (same order, not read yet)."""
        return self._current(key[0]) and key[1] not in self._pages

    def _current(self, view: int) -> bool:
        """Whether `view` is the order shown and no other is being read to replace it."""
        return view == self._view and view != self._replacing

    def _page_reader(self, key: tuple[int, int], keys: list[int]) -> Callable[[], None]:
        """A job for the worker: read one page's rows and leave them for the UI thread."""
        db, lock, shelf = self.db, self._ahead_lock, self._ahead

        def job() -> None:
            if not self._current(key[0]):  # replaced while it waited for the worker
                return
            page = fetch_page(db, keys)  # plain rows; no Qt object is touched here
            with lock:
                shelf[key] = page

        return job

    def rows_at(self, rows: Sequence[int]) -> list[RosterRow]:
        """The roster rows on several table rows, fetched in as few queries as possible."""
        from chapterdesk.services.roster import query as roster_query

        keys = [self._ids[r] for r in sorted(set(rows)) if 0 <= r < len(self._ids)]
        found: list[RosterRow] = []
        for start in range(0, len(keys), 900):
            found += roster_query.rows_for(self.db, keys[start : start + 900])
        return found

    @property
    def ids(self) -> list[int]:
        """The ordered membership keys the view shows."""
        return list(self._ids)

    # -- Qt's model interface -----------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        if parent.isValid():
            return 0
        return self._total if self._total is not None else len(self._ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].title
        if role == Qt.ItemDataRole.ToolTipRole:
            column = COLUMNS[section]
            return f"Sort by {column.title.lower()}" if column.sort_key else None
        return None

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        # Called for every role of every painted cell (about 1,500 times a screen): the
        # roles are plain ints here, and a tint's brushes are made once per standing.
        if role not in _ANSWERED:
            return None
        column = index.column()
        if not 0 <= column < _COLUMN_COUNT:  # an invalid index's column is -1
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        if role in (_DISPLAY, _ACCESSIBLE):
            return _TEXTS[column](row)
        if role in (_BACKGROUND, _FOREGROUND):
            # The tint and its text for the palette in use: readable in dark mode too.
            brushes = _tint_brushes(is_dark(), row.standing)
            return None if brushes is None else brushes[role == _FOREGROUND]
        if role == _TOOLTIP:
            return f"{with_id(row.name, row.hq_id)}: {row.standing.label}"
        if role == _ROW:
            return row
        return row.hq_id

    def flags(self, index: _Index) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS) or COLUMNS[column].sort_key is None:
            return
        key = COLUMNS[column].sort_key or "name"
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self.sort_key, self.descending):
            return
        if self._base_key is None:  # not loaded yet: the first load sorts this way
            self.sort_key, self.descending = key, descending
        elif self.loader is not None:
            self.loader(self.filter, key, descending)
        else:
            self.show_loaded(self.load_job(self.filter, key, descending)())
