"""Table models behind the HQ Sync page: row problems, the difference, field changes, history.

Each holds plain values from the services (problems, `MemberChange`s, batch
views) and shows them as an officer reads them: dates as dates, standings in
words, empty values as a dash. The difference model also holds the officer's
accept/reject choice per member, as a check box in its first column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from chapterdesk.hqsync import DISPLAY_NAMES, Problem
from chapterdesk.services.hq.apply import BatchView
from chapterdesk.services.hq.plan import ChangeKind, MemberChange, Unlisted
from chapterdesk.ui.colours import scheme

Index = QModelIndex | QPersistentModelIndex
DISPLAY = Qt.ItemDataRole.DisplayRole
#: The role that returns the row's underlying value (a Problem, MemberChange, BatchView …).
ItemRole = Qt.ItemDataRole.UserRole + 1
#: The role that returns a value to sort by.
SortRole = Qt.ItemDataRole.UserRole + 2
NOT_SET = "—"


def shown(value: object) -> str:
    """A value as the officer reads it: a date as YYYY-MM-DD, nothing as a dash."""
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or value == "":
        return NOT_SET
    return str(value)


def field_name(name: str) -> str:
    """A member field's name as HQ's reference layout heads it ("paid_through" → "Paid Through")."""
    return DISPLAY_NAMES.get(name, name.replace("_", " ").capitalize())


class _ListModel(QAbstractTableModel):
    """A read-only table over a list of items, one row each, with columns as (header, getter)."""

    def __init__(
        self,
        columns: Sequence[tuple[str, Callable[[Any], object]]],
        items: Iterable[Any] = (),
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.items: list[Any] = list(items)

    def set_items(self, items: Iterable[Any]) -> None:
        """Show a new list of items."""
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if role == DISPLAY and horizontal and 0 <= section < len(self.columns):
            return self.columns[section][0]
        return None

    def value(self, index: Index) -> object:
        """The raw value of a cell (before it is turned into text)."""
        return self.columns[index.column()][1](self.items[index.row()])

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        if role == DISPLAY or role == Qt.ItemDataRole.ToolTipRole:
            return shown(self.value(index))
        if role == ItemRole:
            return self.items[index.row()]
        if role == SortRole:
            raw = self.value(index)
            return raw if isinstance(raw, int) else shown(raw)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        getter = self.columns[column][1]

        def key(item: Any) -> tuple[int, object]:
            raw = getter(item)
            return (0, raw) if isinstance(raw, int) else (1, shown(raw).casefold())

        self.layoutAboutToBeChanged.emit()
        self.items.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutChanged.emit()


class ProblemsModel(_ListModel):
    """Every problem the file has: row number, column and what is wrong."""

    def __init__(self, problems: Iterable[Problem] = (), parent: Any = None) -> None:
        super().__init__(
            [
                ("Row", lambda p: p.row),
                ("Column", lambda p: p.column),
                ("Problem", lambda p: p.message),
            ],
            problems,
            parent,
        )


def change_detail(change: MemberChange) -> str:
    """One line saying what the import would do to a member, field by field."""
    if change.conflicts:
        return "; ".join(c.reason for c in change.conflicts)
    if change.kind is ChangeKind.MISSING:
        return "Not in this export: marked as missing from HQ data (nothing is deleted)"
    if change.kind is ChangeKind.NEW:
        return "New HQ record"
    return "; ".join(
        f"{field_name(f.field)}: {shown(f.old)} → {shown(f.new)}" for f in change.fields
    )


def standing_move(change: MemberChange) -> str:
    """International standing before → after, in words."""
    after = change.standing_after.label
    if change.standing_before is None or change.standing_before is change.standing_after:
        return after
    return f"{change.standing_before.label} → {after}"


CHANGE_COLUMNS: list[tuple[str, Callable[[Any], object]]] = [
    ("Accept", lambda c: ""),
    ("HQ ID", lambda c: c.hq_id),
    ("Name", lambda c: c.name),
    ("Row", lambda c: c.row),
    ("On roster", lambda c: "Yes" if c.on_roster else "No"),
    ("Standing", standing_move),
    ("What changes", change_detail),
]


class ChangesModel(_ListModel):
    """One kind of change (new, changed, …), each member with an accept check box.

    Every change starts accepted except conflicts, which an officer must tick
    to settle in HQ's favour; `acceptance_changed` fires when a box changes.
    """

    acceptance_changed = Signal()

    def __init__(
        self,
        changes: Iterable[MemberChange] = (),
        accepted: set[str] | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(CHANGE_COLUMNS, changes, parent)
        self.accepted: set[str] = (
            set(accepted)
            if accepted is not None
            else {c.hq_id for c in self.items if c.kind is not ChangeKind.CONFLICT}
        )

    def set_items(self, items: Iterable[MemberChange]) -> None:
        """Show new changes, all accepted except conflicts."""
        self.beginResetModel()
        self.items = list(items)
        self.accepted = {c.hq_id for c in self.items if c.kind is not ChangeKind.CONFLICT}
        self.endResetModel()

    def is_accepted(self, hq_id: str) -> bool:
        """Whether the officer accepts this member's change."""
        return hq_id in self.accepted

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        change: MemberChange = self.items[index.row()]
        if index.column() == 0:
            if role == Qt.ItemDataRole.CheckStateRole:
                return (
                    Qt.CheckState.Checked
                    if change.hq_id in self.accepted
                    else Qt.CheckState.Unchecked
                )
            if role == Qt.ItemDataRole.AccessibleTextRole:
                state = "accepted" if change.hq_id in self.accepted else "rejected"
                return f"Change to {change.hq_id} {state}"
            if role in (ItemRole, SortRole):
                return change if role == ItemRole else int(change.hq_id in self.accepted)
            return None
        return super().data(index, role)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != 0 or role != Qt.ItemDataRole.CheckStateRole:
            return False
        hq_id = self.items[index.row()].hq_id
        if _checked(value):
            self.accepted.add(hq_id)
        else:
            self.accepted.discard(hq_id)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.acceptance_changed.emit()
        return True

    def set_accepted(self, hq_ids: Iterable[str], accepted: bool) -> None:
        """Accept (or reject) the changes of these members."""
        ids = set(hq_ids)
        if accepted:
            self.accepted |= ids
        else:
            self.accepted -= ids
        rows = [row for row, change in enumerate(self.items) if change.hq_id in ids]
        if rows:
            role = [Qt.ItemDataRole.CheckStateRole]
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), 0), role)
        self.acceptance_changed.emit()

    def set_all(self, accepted: bool) -> None:
        """Accept or reject every change in this table."""
        self.set_accepted([c.hq_id for c in self.items], accepted)


def _checked(value: Any) -> bool:
    if isinstance(value, Qt.CheckState):
        return value == Qt.CheckState.Checked
    return int(value) == Qt.CheckState.Checked.value


class UnlistedModel(_ListModel):
    """HQ members the export affiliates with the chapter who are not on its roster."""

    def __init__(self, unlisted: Iterable[Unlisted] = (), parent: Any = None) -> None:
        super().__init__(
            [
                ("HQ ID", lambda u: u.hq_id),
                ("Name", lambda u: u.name),
                ("Standing", lambda u: u.standing.label),
            ],
            unlisted,
            parent,
        )


class FieldChangesModel(_ListModel):
    """The selected member's change field by field: now in ChapterDesk, and in this export."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            [
                ("Field", lambda r: r[0]),
                ("Now in ChapterDesk", lambda r: r[1]),
                ("In this export", lambda r: r[2]),
            ],
            (),
            parent,
        )

    def show_change(self, change: MemberChange | None) -> None:
        """Show one member's field changes and conflicts (nothing for None)."""
        rows: list[tuple[str, object, object]] = []
        if change is not None:
            rows = [(field_name(f.field), f.old, f.new) for f in change.fields]
            rows += [(f"{field_name(c.field)} (conflict)", c.local, c.hq) for c in change.conflicts]
        self.set_items(rows)


HISTORY_COLUMNS: list[tuple[str, Callable[[Any], object]]] = [
    ("Batch", lambda b: b.batch_id),
    ("Imported", lambda b: b.imported_at),
    ("File", lambda b: b.file_name),
    ("Rows", lambda b: b.row_count),
    *[
        (title, lambda b, k=key: int(b.counts.get(k, 0)))
        for title, key in (
            ("New", "new"),
            ("Changed", "changed"),
            ("Lapsed", "lapsed"),
            ("Renewed", "renewed"),
            ("Missing", "missing"),
            ("Conflicts", "conflicts"),
        )
    ],
    ("Officer", lambda b: b.officer),
    ("Undone", lambda b: b.undone_at),
]


class HistoryModel(_ListModel):
    """The import history, newest first: date, file, rows, counts, officer, undone."""

    def __init__(self, batches: Iterable[BatchView] = (), parent: Any = None) -> None:
        super().__init__(HISTORY_COLUMNS, batches, parent)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if (
            role == Qt.ItemDataRole.TextAlignmentRole
            and index.isValid()
            and isinstance(self.value(index), int)
        ):
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and index.isValid()
            and self.items[index.row()].undone_at is not None
        ):
            return QBrush(QColor(scheme().muted))  # an undone batch is history, not in force
        return super().data(index, role)
