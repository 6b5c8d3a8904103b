"""The Audit trail page: every recorded change, newest first, filtered by member and date.

The trail is written by the services themselves in the same transaction as
each change; this page only reads it (`services.safety.audit`), pages through it in
`AuditModel`, and exports what it shows as CSV. There is no edit path: the
view is read-only and no service can change a recorded entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from chapterdesk.errors import ChapterDeskError
from chapterdesk.paths import data_dir
from chapterdesk.services.safety import audit as audit
from chapterdesk.ui import ask, settings
from chapterdesk.ui.audit_model import PAGE_SIZE, AuditModel
from chapterdesk.ui.pages.base import AppContext, Page, heading, message_label, show_message
from chapterdesk.ui.widgets import edited_date

CSV_FILTER = "CSV file (*.csv);;All files (*)"


def utc_start_of(day: dt.date) -> dt.datetime:
    """The UTC time (naive, as the trail stores it) at which the officer's local `day` begins."""
    local_midnight = dt.datetime.combine(day, dt.time()).astimezone()
    return local_midnight.astimezone(dt.UTC).replace(tzinfo=None)


class AuditPage(Page):
    """Who changed what, and when, with the old and new values; read-only, exportable."""

    key = "audit"
    title = "Audit trail"
    icon_name = "audit"
    order = 65

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model = AuditModel(ctx.db, self, run=self._read_page)
        self.member = QLineEdit()
        self.member.setAccessibleName("Member HQ ID filter")
        self.member.setPlaceholderText("any member")
        self.member.setClearButtonEnabled(True)
        self.member.returnPressed.connect(self.refresh)
        self.use_since = QCheckBox("&Since:")
        self.use_since.toggled.connect(self._since_toggled)
        self.since = QDateEdit(QDate.currentDate().addMonths(-1))
        self.since.setAccessibleName("Since date")
        self.since.setCalendarPopup(True)
        self.since.setDisplayFormat("yyyy-MM-dd")
        self.since.setEnabled(False)
        self.since.dateChanged.connect(lambda _d: self.refresh())
        self.filter_button = QPushButton("Fi&lter")
        self.filter_button.clicked.connect(self.refresh)
        self.clear_button = QPushButton("Show &all")
        self.clear_button.clicked.connect(self.clear_filters)
        self.export_button = QPushButton("E&xport…")
        self.export_button.setToolTip("Write the changes shown to a CSV file, oldest first.")
        self.export_button.clicked.connect(self.export)
        self.shown = QLabel()
        self.shown.setAccessibleName("Changes shown")
        self.message = message_label()
        self.table = QTableView()
        self.table.setAccessibleName("Audit trail")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        # A sentence too long for the window loses its middle, not who made the change.
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # The sentence takes the room; the time and the HQ ID keep their own width.
        when_width = self.fontMetrics().horizontalAdvance("2026-12-31 23:59") + 24
        header.resizeSection(0, when_width)
        header.resizeSection(2, self.fontMetrics().horizontalAdvance("HQ 0000000000") + 24)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

        filters = QHBoxLayout()
        member_label = QLabel("&Member HQ ID:")
        member_label.setBuddy(self.member)
        filters.addWidget(member_label)
        filters.addWidget(self.member)
        filters.addSpacing(12)
        filters.addWidget(self.use_since)
        filters.addWidget(self.since)
        filters.addWidget(self.filter_button)
        filters.addWidget(self.clear_button)
        filters.addStretch(1)
        below = QHBoxLayout()
        below.addWidget(self.shown)
        below.addStretch(1)
        below.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(
            "Audit trail",
            "Every change to the chapter's members, officers, settings and ledger: when, what, and "
            "by which officer (hover a row for the recorded values). Read-only; nobody can edit "
            "it.",
        ))
        layout.addLayout(filters)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addLayout(below)
        self._serial = 0
        ctx.on_changes(self, (), lambda _c: self._data_changed())  # every change is audited

    def _data_changed(self) -> None:
        if self.isVisible():
            self.refresh()

    def _since_toggled(self, on: bool) -> None:
        self.since.setEnabled(on)
        self.refresh()

    def activate(self, target: Any = None) -> None:
        """Open the page; a target HQ ID (from a member's history) filters to that member."""
        if isinstance(target, str):
            self.member.setText(target)
        self.refresh()

    def filters(self) -> tuple[str | None, dt.datetime | None]:
        """The member and the start time the officer asked for (None: no such filter)."""
        hq_id = self.member.text().strip() or None
        since = utc_start_of(edited_date(self.since)) if self.use_since.isChecked() else None
        return hq_id, since

    def clear_filters(self) -> None:
        """Show the whole trail again."""
        self.member.clear()
        self.use_since.blockSignals(True)
        self.use_since.setChecked(False)
        self.use_since.blockSignals(False)
        self.since.setEnabled(False)
        self.refresh()

    def refresh(self) -> None:
        """Re-read which changes match the filters, off the UI thread."""
        hq_id, since = self.filters()
        db = self.db
        self._serial += 1
        serial = self._serial

        def shown(read: tuple[list[int], list[audit.AuditRecord]]) -> None:
            if serial == self._serial:  # a later request supersedes this one
                self._show(*read)

        def work() -> tuple[list[int], list[audit.AuditRecord]]:
            ids = audit.audit_ids(db, hq_id=hq_id, since=since)
            return ids, audit.audit_records(db, ids[:PAGE_SIZE])

        self.ctx.tasks.run(
            lambda _p, _c: work(),
            title="Reading the audit trail", parent=self, on_done=shown,
            on_error=self._refused, show_progress=False,
        )

    def _read_page(self, work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        """The model's page reads, on the database worker."""
        self.ctx.read(self, "Reading the audit trail", work, done, self._refused)

    def _show(self, ids: list[int], first_page: list[audit.AuditRecord] | None = None) -> None:
        show_message(self.message, "", error=False)
        self.model.set_ids(ids, first_page)
        self.shown.setText(f"{len(ids):,} change{'s' if len(ids) != 1 else ''}")
        self.export_button.setEnabled(bool(ids))

    def _refused(self, exc: ChapterDeskError) -> None:
        self.model.set_ids([])
        self.shown.setText("")
        show_message(self.message, exc.message, error=True)

    def export(self) -> None:
        """Export… : the changes shown (same filters) to a CSV file the officer names."""
        folder = settings.LAST_EXPORT_FOLDER.get() or str(data_dir())
        path = ask.save_file(self, "Export the audit trail",
                             str(Path(folder) / "audit-trail.csv"), CSV_FILTER)
        if path is None:
            return
        if path.suffix == "":
            path = path.with_suffix(".csv")
        hq_id, since = self.filters()
        db = self.db
        settings.LAST_EXPORT_FOLDER.set(str(path.parent))

        def written(count: int) -> None:
            text = f"Wrote {count:,} recorded change{'s' if count != 1 else ''} to {path}."
            show_message(self.message, text, error=False)
            self.ctx.status_message.emit(text)

        self.ctx.tasks.run(
            lambda _p, _c: audit.export_audit_csv(db, path, hq_id=hq_id, since=since),
            title="Exporting the audit trail", parent=self, on_done=written,
            on_error=lambda exc: show_message(self.message, exc.message, error=True),
        )
