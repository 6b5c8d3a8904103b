"""The audit trail's table model: the ids of the changes shown, rows read in cached pages.

The trail grows with every change a chapter ever made, so the model keeps only
the ordered ids (newest first, as `services.safety.audit.audit_ids` returns them) and
reads the rows the view paints, 200 at a time, keeping the most recent pages.
It is read-only: the trail cannot be edited through the application.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from chapterdesk.audit_sentences import local_minute
from chapterdesk.data.engine import Database
from chapterdesk.services.safety.audit import AuditRecord, audit_records

PAGE_SIZE = 200
KEEP_PAGES = 20
RecordRole = Qt.ItemDataRole.UserRole + 1
HEADERS = ("When", "What happened", "Member")
_Index = QModelIndex | QPersistentModelIndex


def recorded_values(record: AuditRecord) -> str:
    """The values the trail keeps for a change, for an auditor's tooltip: `notes: A → B`."""
    if record.action == "update":
        old, new = record.old or {}, record.new or {}
        return "; ".join(f"{k}: {_shown(old.get(k))} → {_shown(new.get(k))}" for k in sorted(new))
    values = (record.new if record.action == "insert" else record.old) or {}
    return "; ".join(f"{k}: {_shown(v)}" for k, v in sorted(values.items()) if v not in (None, ""))


def _shown(value: Any) -> str:
    return "(empty)" if value in (None, "") else str(value)


def cell_text(record: AuditRecord, column: int) -> str:
    """The text of one column for one recorded change."""
    if column == 0:
        return local_minute(record.at)
    if column == 1:
        return record.sentence
    return record.hq_id or ""


class AuditModel(QAbstractTableModel):
    """A paged, read-only view of recorded changes in the order of the ids given.

    Pages are read by `run(work, done)`: the window passes one that reads on
    its database worker and calls `done(result)` on the UI thread, so a row not
    yet read shows empty until its page arrives (`dataChanged`). Without one
    (a model on its own, as in the model tester) a page is read where asked.
    """

    def __init__(
        self,
        db: Database,
        parent: Any = None,
        run: Callable[[Callable[[], Any], Callable[[Any], None]], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self._run = run or (lambda work, done: done(work()))
        self._ids: list[int] = []
        self._pages: OrderedDict[int, list[AuditRecord | None]] = OrderedDict()
        self._asked: set[int] = set()
        self._generation = 0

    def set_ids(self, ids: list[int], first_page: list[AuditRecord] | None = None) -> None:
        """Show these changes (newest first), forgetting every cached row.

        `first_page`: the records of the first PAGE_SIZE ids, read with them, so
        the table is full the moment it is shown.
        """
        self.beginResetModel()
        self._generation += 1
        self._ids = list(ids)
        self._pages.clear()
        self._asked.clear()
        if first_page is not None:
            self._keep(0, first_page)
        self.endResetModel()

    def _keep(self, number: int, records: list[AuditRecord]) -> None:
        ids = self._ids[number * PAGE_SIZE : (number + 1) * PAGE_SIZE]
        by_id = {r.id: r for r in records}
        self._pages[number] = [by_id.get(i) for i in ids]
        self._asked.discard(number)
        while len(self._pages) > KEEP_PAGES:
            self._pages.popitem(last=False)

    def _ask(self, number: int) -> None:
        """Read one page (on the worker, when the window gave a runner)."""
        self._asked.add(number)
        generation, db = self._generation, self.db
        ids = self._ids[number * PAGE_SIZE : (number + 1) * PAGE_SIZE]

        def done(records: list[AuditRecord]) -> None:
            if generation != self._generation:
                return  # the ids changed meanwhile: this page is of an older list
            self._keep(number, records)
            first, last = number * PAGE_SIZE, number * PAGE_SIZE + len(ids) - 1
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(HEADERS) - 1))

        self._run(lambda: audit_records(db, ids), done)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(HEADERS)
        ):
            return HEADERS[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def record(self, row: int) -> AuditRecord | None:
        """The recorded change on a row; None while its page is being read."""
        if not 0 <= row < len(self._ids):
            return None
        number = row // PAGE_SIZE
        page = self._pages.get(number)
        if page is None:
            if number not in self._asked:
                self._ask(number)
            page = self._pages.get(number)  # read already, when read where asked
            if page is None:
                return None
        else:
            self._pages.move_to_end(number)
        return page[row % PAGE_SIZE]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.column() >= len(HEADERS):
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, RecordRole):
            return None
        record = self.record(index.row())
        if record is None:
            return None
        if role == RecordRole:
            return record
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{record.sentence}\n\nRecorded values: {recorded_values(record)}"
        return cell_text(record, index.column())
