"""HQ Sync's Conflicts view: what imports held against the chapter's corrections, settled here.

Each row is one conflict (a field, or `identity` for an ID that now names
another person): the chapter's value against HQ's. The officer selects rows
and keeps the chapter's value or takes HQ's; the page settles them on the
worker through `services.hq.conflicts` and reads the list again.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from chapterdesk.services.hq.conflicts import ConflictView
from chapterdesk.ui.hqsync.models import ItemRole, _ListModel, field_name
from chapterdesk.ui.hqsync.widgets import message_label, table_view


class ConflictsModel(_ListModel):
    """The conflicts waiting for an officer, one per row."""

    def __init__(self, conflicts: list[ConflictView] | None = None, parent: Any = None) -> None:
        super().__init__(
            [
                ("HQ ID", lambda c: c.hq_id),
                ("Name", lambda c: c.name),
                ("Field", lambda c: field_name(c.field) if c.field != "identity" else "Person"),
                ("Chapter's value", lambda c: c.local_value),
                ("HQ's value", lambda c: c.hq_value),
                ("HQ's value when corrected", lambda c: c.hq_value_before),
                ("Batch", lambda c: c.batch_id),
            ],
            conflicts or (),
            parent,
        )


class ConflictsView(QWidget):
    """The conflicts list with "Keep the chapter's value" and "Take HQ's value"."""

    #: (the conflicts selected, keep the chapter's value?)
    settle_requested = Signal(list, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ConflictsModel(parent=self)
        self.table = table_view(
            self.model, "Conflicts to settle", widths={0: 7, 1: 16, 2: 9, 3: 20, 4: 20, 5: 18}
        )
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.keep_button = QPushButton("&Keep the chapter's value")
        self.keep_button.clicked.connect(lambda: self._settle(True))
        self.take_button = QPushButton("&Take HQ's value")
        self.take_button.clicked.connect(lambda: self._settle(False))
        self.message = message_label()
        buttons = QHBoxLayout()
        buttons.addWidget(self.caption, 1)
        buttons.addWidget(self.keep_button)
        buttons.addWidget(self.take_button)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        self.set_conflicts([])

    def set_conflicts(self, conflicts: list[ConflictView]) -> None:
        """Show the conflicts read from the database."""
        self.model.set_items(conflicts)
        if conflicts:
            self.caption.setText(
                f"<b>{len(conflicts):,} conflict{'s' if len(conflicts) != 1 else ''}</b> "
                f"{'wait' if len(conflicts) != 1 else 'waits'}: an import's value differs "
                "from the chapter's correction, or an ID now names someone else. Keeping the "
                "chapter's value holds for later imports until HQ's value changes again."
            )
        else:
            self.caption.setText("No conflicts wait to be settled.")
        self._enable()

    def selected(self) -> list[ConflictView]:
        """The conflicts selected in the table."""
        rows = self.table.selectionModel().selectedRows()
        return [row.data(ItemRole) for row in rows]

    def _enable(self) -> None:
        chosen = bool(self.table.selectionModel().selectedRows())
        self.keep_button.setEnabled(chosen)
        self.take_button.setEnabled(chosen)

    def _settle(self, keep_local: bool) -> None:
        chosen = self.selected()
        if chosen:
            self.settle_requested.emit(chosen, keep_local)
