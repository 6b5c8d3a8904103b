"""A table model over the chapter roster (read through the roster service)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from chapterdesk.services.roster import RosterEntry
from chapterdesk.standing import Standing

COLUMNS = ("HQ ID", "Name", "Category", "Standing", "Paid through", "E-mail", "Employer")
STANDING_COLOURS = {
    Standing.GOOD: None,
    Standing.GRACE: QColor("#fff4d6"),
    Standing.LAPSED: QColor("#fde2e1"),
    Standing.NOT_IN_HQ: QColor("#ececec"),
}
EntryRole = Qt.ItemDataRole.UserRole + 1

_Index = QModelIndex | QPersistentModelIndex


class RosterTableModel(QAbstractTableModel):
    """Rows are roster entries; columns are what an officer scans a roster for."""

    def __init__(self, entries: list[RosterEntry] | None = None) -> None:
        super().__init__()
        self._entries: list[RosterEntry] = list(entries or [])

    def set_entries(self, entries: list[RosterEntry]) -> None:
        """Replace every row (a new query result)."""
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if role == Qt.ItemDataRole.DisplayRole and horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            hq = entry.hq
            values = (
                hq.hq_id,
                hq.sort_name,
                entry.category.name if entry.category else hq.member_type,
                entry.standing.label,
                hq.paid_through.isoformat() if hq.paid_through else "",
                hq.email,
                hq.company,
            )
            return values[column] if 0 <= column < len(values) else None
        if role == Qt.ItemDataRole.BackgroundRole:
            colour = STANDING_COLOURS.get(entry.standing)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.ToolTipRole and entry.privileges.reasons:
            return "Privileges: " + "; ".join(entry.privileges.reasons)
        if role == EntryRole:
            return entry
        return None
