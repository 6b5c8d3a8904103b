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
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from chapterdesk.errors import ChapterDeskError
from chapterdesk.paths import data_dir
from chapterdesk.services.safety import audit as audit
from chapterdesk.ui import ask, settings
from chapterdesk.ui.audit_model import PAGE_SIZE, AuditModel, RecordRole, recorded_values
from chapterdesk.ui.member_picker import MemberPicker
from chapterdesk.ui.pages.base import AppContext, Page, heading, message_label, show_message
from chapterdesk.ui.widgets import edited_date, no_match_text

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
        # The one member picker: a name ("Baker, Mary", "M. Baker", any case or accents),
        # an e-mail or an HQ ID; the member chosen stands in its text box as an HQ ID.
        self.picker = MemberPicker(ctx, parent=self, show_balance=False)
        self.picker.picked.connect(lambda _id: self.refresh())
        self.picker.looked_up.connect(self._member_looked_up)
        self.member = self.picker.member
        self.member.setAccessibleName("Member filter: a name, an e-mail or an HQ ID")
        self.member.setPlaceholderText("any member (a name, an e-mail or an HQ ID)")
        self.member.textChanged.connect(self._member_typed)
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
        # The chosen change's sentence in full, beside the count: a narrow window cuts the
        # table's, and a keyboard cannot hover for the tooltip.
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setAccessibleName("The change chosen, in full")
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_current())
        self.model.dataChanged.connect(lambda *_: self._show_current())  # its page came in
        self.model.modelReset.connect(self._show_current)

        filters = QHBoxLayout()
        member_label = QLabel("&Member:")
        member_label.setBuddy(self.member)
        # Level with the text box it names (the matches open below both).
        member_label.setMinimumHeight(self.member.sizeHint().height())
        top = Qt.AlignmentFlag.AlignTop
        filters.addWidget(member_label, 0, top)
        # As wide as a long name and its HQ ID; the matches open under it.
        self.picker.setFixedWidth(self.fontMetrics().horizontalAdvance("M" * 34))
        filters.addWidget(self.picker, 0, top)
        filters.addSpacing(12)
        for widget in (self.use_since, self.since, self.filter_button, self.clear_button):
            filters.addWidget(widget, 0, top)
        filters.addStretch(1)
        below = QHBoxLayout()
        below.addWidget(self.shown, 0, top)
        below.addSpacing(12)
        below.addWidget(self.detail, 1)
        below.addWidget(self.export_button, 0, top)
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
        self._filtered_member: str | None = None  # the HQ ID the trail shown is filtered by
        self._choosing = False  # Filter pressed on a name: choose once it is looked up
        ctx.on_changes(self, (), lambda _c: self._data_changed())  # every change is audited

    def _show_current(self) -> None:
        """Show the change chosen in the table in full (nothing when none is, or not yet read)."""
        index = self.table.currentIndex()
        record = index.siblingAtColumn(1).data(RecordRole) if index.isValid() else None
        if record is None:
            self.detail.clear()
            self.detail.setToolTip("")
            return
        self.detail.setText(record.sentence)
        self.detail.setToolTip(f"Recorded values: {recorded_values(record)}")

    def _data_changed(self) -> None:
        if self.isVisible():  # the trail shown, again (a name being typed waits for its choice)
            self._read(self._filtered_member)

    def _since_toggled(self, on: bool) -> None:
        self.since.setEnabled(on)
        self.refresh()

    def activate(self, target: Any = None) -> None:
        """Open the page; a target HQ ID (from a member's history) filters to that member."""
        if isinstance(target, str):
            self.member.setText(target)
        self.refresh()

    def _member_typed(self, text: str) -> None:
        """The member filter emptied (its clear button): the whole trail again."""
        if not text.strip() and self._filtered_member is not None:
            self.refresh()

    def _member_looked_up(self) -> None:
        """What was typed is looked up: after Filter on a name, choose its one match or ask."""
        if not self._choosing:
            return
        self._choosing = False
        text = self.picker.text()
        if not text or text.isdigit():
            self.refresh()
            return
        matches = self.picker.matches
        if matches.count() == 1:  # one member: that is who the officer means
            self.member.setText(str(matches.item(0).data(Qt.ItemDataRole.UserRole)))
            self.refresh()
        elif not matches.count():
            show_message(self.message, no_match_text(text), error=True)
        else:
            show_message(self.message, f"“{text}” matches {matches.count():,} members: choose "
                         "one in the list under the search (↓ then Enter), or type an HQ ID.",
                         error=True)

    def filters(self) -> tuple[str | None, dt.datetime | None]:
        """The member and the start time the officer asked for (None: no such filter).

        The member is the one chosen in the picker (an HQ ID); a name not yet
        chosen from the matches is no filter (`refresh` asks for the choice).
        """
        text = self.picker.text()
        hq_id = text if text.isdigit() else None
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
        """Re-read which changes match the filters, off the UI thread.

        A name typed and not yet chosen: the one member it matches is chosen, or the
        officer is asked to choose among the matches (the trail is not filtered by a
        guess).
        """
        text = self.picker.text()
        if text and not text.isdigit():
            self._choose_member()
            return
        self._read(self.filters()[0])

    def _read(self, hq_id: str | None) -> None:
        """Read the changes of `hq_id` (None: everyone's) since the date asked for, if any."""
        since = self.filters()[1]
        self._filtered_member = hq_id
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

    def _choose_member(self) -> None:
        """Filter by a name typed: look it up, then choose its one match (`_member_looked_up`)."""
        self._choosing = True
        self.picker.look_up()

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
        hq_id, since = self._filtered_member, self.filters()[1]  # the trail shown
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
