"""Table models of the dues screens: plain rows from the services, money right-aligned.

Every dues table (rates, assessment preview, ledger, balances, who hasn't
paid, organisations) is a `RecordsModel`: a list of the frozen dataclasses
a service returned and a column per field to show. The lists are the
services' own results (a chapter's balances, one member's ledger), so the
model sorts them in Python; nothing here reads the database. Editable tables
(rates, the non-profit flag) hand an edit to a callback that starts the
change through the services (on the database worker) and says whether it
did; the page shows the new row once the change has landed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from chapterdesk.ui.colours import scheme

RowRole = Qt.ItemDataRole.UserRole + 1
_Index = QModelIndex | QPersistentModelIndex
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class Col:
    """One column: its heading, how a row shows in it, how it sorts, whether it is money."""

    title: str
    text: Callable[[Any], str]
    sort_key: Callable[[Any], Any] | None = None
    money: bool = False
    tooltip: Callable[[Any], str] | None = None


class RecordsModel(QAbstractTableModel):
    """A sortable table over a list of plain rows."""

    def __init__(self, columns: Sequence[Col], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self.rows: list[Any] = []
        # Optional per-row look: "muted" (reversed entries), "owed" (red), "bold", or "".
        self.row_style: Callable[[Any], str] | None = None

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Show a new list of rows."""
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        """The plain row on a table row, or None."""
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(RIGHT if self.columns[section].money else LEFT)
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        if not 0 <= index.column() < len(self.columns):
            return None
        row, column = self.rows[index.row()], self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return column.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(RIGHT if column.money else LEFT)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip(row) if column.tooltip is not None else None
        if role == RowRole:
            return row
        style = self.row_style(row) if self.row_style is not None else ""
        if role == Qt.ItemDataRole.ForegroundRole and style in ("muted", "owed"):
            colours = scheme()
            return QBrush(QColor(colours.muted if style == "muted" else colours.error.text))
        if role == Qt.ItemDataRole.FontRole and style in ("muted", "bold"):
            font = QFont()
            font.setStrikeOut(style == "muted")
            font.setBold(style == "bold")
            return font
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        key = self.columns[column].sort_key or self.columns[column].text
        self.beginResetModel()
        self.rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self.endResetModel()


class EditableModel(RecordsModel):
    """A records model whose chosen columns are edited through a service callback.

    `on_edit(row, column, text)` starts the change through a service and returns
    whether it did (False: refused at once, the page shows why); the page shows
    the new row with `replace_row` once it is saved. `edit_text(row, column)` is
    what the editor opens with.
    """

    def __init__(
        self,
        columns: Sequence[Col],
        editable: set[int],
        edit_text: Callable[[Any, int], str],
        parent: Any = None,
    ) -> None:
        super().__init__(columns, parent)
        self.editable = editable
        self.edit_text = edit_text
        self.on_edit: Callable[[Any, int, str], Any] | None = None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() in self.editable:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.EditRole:
            if not index.isValid() or not 0 <= index.row() < len(self.rows):
                return None
            if index.column() not in self.editable:
                return None
            return self.edit_text(self.rows[index.row()], index.column())
        return super().data(index, role)

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        if index.column() not in self.editable or self.on_edit is None:
            return False
        if not 0 <= index.row() < len(self.rows):
            return False
        row = self.rows[index.row()]
        text = str(value if value is not None else "").strip()
        if text == self.edit_text(row, index.column()):
            return False
        return bool(self.on_edit(row, index.column(), text))

    def replace_row(self, number: int, row: Any) -> None:
        """Show a changed row (after an edit, an undo or a redo)."""
        self.rows[number] = row
        self.dataChanged.emit(self.index(number, 0), self.index(number, len(self.columns) - 1))


class CheckableModel(RecordsModel):
    """A records model whose first column is a check box changed through a service callback.

    `on_toggle(row, on)` starts the change and returns whether it did; the page
    shows the changed row (ticked or not) once the change has landed.
    """

    def __init__(
        self, columns: Sequence[Col], checked: Callable[[Any], bool], parent: Any = None
    ) -> None:
        super().__init__(columns, parent)
        self.checked = checked
        self.on_toggle: Callable[[Any, bool], Any] | None = None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.CheckStateRole:
            if not index.isValid() or index.column() != 0:
                return None
            if not 0 <= index.row() < len(self.rows):
                return None
            on = self.checked(self.rows[index.row()])
            return Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        return super().data(index, role)

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or index.column() != 0:
            return False
        if not 0 <= index.row() < len(self.rows) or self.on_toggle is None:
            return False
        on = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)
        return bool(self.on_toggle(self.rows[index.row()], on))
