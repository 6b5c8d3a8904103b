"""The list of reports and exports on the Reports page, as a small read-only list model."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from chapterdesk.ui.reports.catalogue import REPORTS, ReportKind

#: The catalogue key of a row (e.g. "dues"), for code that must not depend on the row order.
KEY_ROLE = Qt.ItemDataRole.UserRole + 1
#: Whether the row is a spreadsheet export (True) or a printed report (False).
EXPORT_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


class ReportListModel(QAbstractListModel):
    """Every report and export in the catalogue: its title, with its description as a tooltip."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.kinds: tuple[ReportKind, ...] = REPORTS

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(self.kinds)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.kinds):
            return None
        kind = self.kinds[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return kind.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return kind.description
        if role == KEY_ROLE:
            return kind.key
        if role == EXPORT_ROLE:
            return kind.is_export
        return None

    def kind_at(self, row: int) -> ReportKind | None:
        """The catalogue entry on a row (None off the list)."""
        return self.kinds[row] if 0 <= row < len(self.kinds) else None

    def row_of(self, key: str) -> int:
        """The row of a catalogue key (-1 when unknown)."""
        return next((row for row, kind in enumerate(self.kinds) if kind.key == key), -1)
