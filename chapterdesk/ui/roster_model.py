"""The roster table's model: the ordered member keys of the current view, rows fetched in pages.

Filtering and sorting happen in SQL (`services.roster_query`); this model keeps
only the ordered membership keys (50,000 integers is a few hundred KB) and
fetches the rows the view paints, 200 at a time, keeping the most recent pages.
A search typed into the roster asks SQL for the matching keys and keeps the
already-ordered keys that match, so a keystroke costs one filtering query and
no re-sort.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from chapterdesk.data.engine import Database
from chapterdesk.services import roster_query
from chapterdesk.services.roster_query import RosterFilter, RosterRow
from chapterdesk.standing import Standing

PAGE_SIZE = 200
NARROW_WITHIN = 2000  # look only among the previous matches when there are at most this many
KEEP_PAGES = 60
RowRole = Qt.ItemDataRole.UserRole + 1
HqIdRole = Qt.ItemDataRole.UserRole + 2
STANDING_COLOURS = {
    Standing.GOOD: None,
    Standing.GRACE: QColor("#fff1c9"),
    Standing.LAPSED: QColor("#fbdcda"),
    Standing.NOT_IN_HQ: QColor("#e6e6e6"),
}
_Index = QModelIndex | QPersistentModelIndex


def _date(value: Any) -> str:
    return value.isoformat() if value is not None else ""


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


class RosterModel(QAbstractTableModel):
    """A paged, SQL-sorted and SQL-filtered view of the current chapter roster."""

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
        self._pages: OrderedDict[int, list[RosterRow | None]] = OrderedDict()

    # -- what the view shows ------------------------------------------------------------
    def set_filter(self, wanted: RosterFilter) -> None:
        """Show the members this filter selects (re-queried at once)."""
        self.filter = wanted
        self.reload()

    def reload(self, *, forget_order: bool = False) -> None:
        """Re-read the keys for the current filter and sort (after a change to the data)."""
        base_key = (self.filter.without_search(), self.sort_key, self.descending)
        if forget_order or base_key != self._base_key:
            self._base_ids = roster_query.ordered_ids(
                self.db, base_key[0], self.sort_key, self.descending
            )
            self._base_key = base_key
        text = self.filter.search.strip()
        if text:
            # Typing on: the new text extends the old, so only the old matches can match.
            previous = self._last_search
            narrowing = (
                not forget_order
                and previous is not None
                and text.startswith(previous[0])
                and len(previous[1]) <= NARROW_WITHIN
            )
            within = previous[1] if narrowing and previous is not None else None
            search_only = RosterFilter(search=text)
            matched = roster_query.matching_ids(self.db, search_only, within=within)
            self._last_search = (text, matched)
            ids = [i for i in self._base_ids if i in matched]
        else:
            self._last_search = None
            ids = self._base_ids
        self.beginResetModel()
        self._ids = ids
        self._pages.clear()
        self.endResetModel()
        self.reloaded.emit()

    def search_plan(self, wanted: RosterFilter) -> tuple[str, set[int] | None] | None:
        """What to ask SQL for when only the search text differs from the view shown.

        Returns (text, keys to look within) for a search that can run off the UI
        thread and be shown with `show_search`; None when the filters or sort
        changed too (or the search is empty), which `set_filter` handles at once.
        """
        text = wanted.search.strip()
        if not text or self._base_key != (wanted.without_search(), self.sort_key, self.descending):
            return None
        previous = self._last_search
        if previous is not None and text.startswith(previous[0]) and (
            len(previous[1]) <= NARROW_WITHIN
        ):
            return text, previous[1]
        return text, None

    def show_search(self, wanted: RosterFilter, matched: set[int]) -> None:
        """Show the members of the loaded view that a search (run elsewhere) matched."""
        self.filter = wanted
        self._last_search = (wanted.search.strip(), matched)
        self.beginResetModel()
        self._ids = [i for i in self._base_ids if i in matched]
        self._pages.clear()
        self.endResetModel()
        self.reloaded.emit()

    def row_of(self, membership_id: int) -> int:
        """The row showing a membership, or -1 when the view does not show it."""
        try:
            return self._ids.index(membership_id)
        except ValueError:
            return -1

    def row_at(self, row: int) -> RosterRow | None:
        """The roster row on a table row (fetching its page when needed)."""
        if not 0 <= row < len(self._ids):
            return None
        number = row // PAGE_SIZE
        page = self._pages.get(number)
        if page is None:
            start = number * PAGE_SIZE
            keys = self._ids[start : start + PAGE_SIZE]
            # A member who left since the keys were read has no row: that line stays empty.
            found = {r.membership_id: r for r in roster_query.rows_for(self.db, keys)}
            page = [found.get(k) for k in keys]
            self._pages[number] = page
            while len(self._pages) > KEEP_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        offset = row - number * PAGE_SIZE
        return page[offset] if offset < len(page) else None

    def rows_at(self, rows: Sequence[int]) -> list[RosterRow]:
        """The roster rows on several table rows, fetched in as few queries as possible."""
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
        return 0 if parent.isValid() else len(self._ids)

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

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.column() < len(COLUMNS):
            return None
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.BackgroundRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.AccessibleTextRole,
            RowRole,
            HqIdRole,
        ):
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return COLUMNS[index.column()].text(row)
        if role == Qt.ItemDataRole.BackgroundRole:
            colour = STANDING_COLOURS.get(row.standing)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.name} ({row.hq_id}): {row.standing.label}"
        if role == RowRole:
            return row
        return row.hq_id

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS) or COLUMNS[column].sort_key is None:
            return
        key = COLUMNS[column].sort_key or "name"
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self.sort_key, self.descending) and self._base_key is not None:
            return
        self.sort_key, self.descending = key, descending
        if self._base_key is not None:  # not loaded yet: the first load sorts this way
            self.reload()
