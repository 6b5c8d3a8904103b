"""ChapterDesk's own dialogs: add a member, leave the chapter, start a new chapter.

Each dialog makes its change through the services on the database worker
(`ChangeDialog`) and shows a refusal inline, in the service's own sentence, so
the officer can correct it without losing what they typed; it closes once the
change is committed and says what it made (`added`, `left`). Dialogs are shown
through `ask.run_dialog` (the test seam).
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from chapterdesk.data.engine import Database
from chapterdesk.errors import ChapterDeskError
from chapterdesk.names import in_sentence
from chapterdesk.services.chapter import ChapterInfo, init_chapter
from chapterdesk.services.roster import members as roster
from chapterdesk.services.roster.members import HqRecord, Membership, RosterEntry
from chapterdesk.standing import Standing
from chapterdesk.ui.change_dialog import ChangeDialog, Changer
from chapterdesk.ui.colours import scheme
from chapterdesk.ui.context import AppContext
from chapterdesk.ui.widgets import edited_date, past_date_edit, qdate, show_message

CURRENCIES = ("USD", "CAD", "GBP", "EUR", "AUD", "NZD", "CHF", "ZAR", "SGD", "HKD")


def hq_record_html(record: HqRecord, standing: Standing) -> str:
    """HQ's record of a member as a short block of rich text."""
    e = html.escape
    paid = record.paid_through.isoformat() if record.paid_through else "no date"
    colour = scheme().standing[standing]
    lines = [
        f"<b>{e(record.display_name)}</b> &nbsp;·&nbsp; HQ ID {e(record.hq_id)}",
        e(" — ".join(p for p in (record.title, record.company) if p)) or "&nbsp;",
        f"Member type: {e(record.member_type or 'not given')} &nbsp;·&nbsp; "
        f"HQ status: {e(record.hq_status or 'not given')} &nbsp;·&nbsp; paid through {paid}",
        f"International standing: <b style='color:{colour}'>{e(standing.label)}</b>",
    ]
    if record.email:
        lines.insert(2, e(record.email))
    return "<br>".join(lines)


class AddMemberDialog(ChangeDialog):
    """Asks for an HQ ID, shows HQ's record and standing, then adds the member if allowed.

    `added(entry)` is emitted once the member is added, before the dialog closes.
    """

    added = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.db = ctx.db
        self.entry: RosterEntry | None = None
        self.setWindowTitle("Add a chapter member")
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 90)
        intro = QLabel(
            "Every chapter member must be a member of the international association in good "
            "standing. Enter their HQ member ID to see what the latest HQ data says."
        )
        intro.setWordWrap(True)
        self.hq_id = QLineEdit()
        self.hq_id.setPlaceholderText("e.g. 104233")
        self.hq_id.setAccessibleName("HQ member ID")
        self.lookup_button = QPushButton("&Look up")
        self.lookup_button.setAccessibleName("Look up the HQ record")
        self.lookup_button.clicked.connect(self.look_up)
        self.hq_id.returnPressed.connect(self.look_up)
        id_row = QHBoxLayout()
        id_row.addWidget(self.hq_id, 1)
        id_row.addWidget(self.lookup_button)
        self.record = QLabel("No HQ record looked up yet.")
        self.record.setWordWrap(True)
        self.record.setAccessibleName("HQ record")
        self.record.setStyleSheet(
            "QLabel { border: 1px solid palette(mid); border-radius: 4px; padding: 8px; }"
        )
        self.joined = past_date_edit("Chapter join date")
        form = QFormLayout()
        form.addRow("&HQ member ID:", id_row)
        form.addRow("Chapter &join date:", self.joined)
        form.itemAt(0, QFormLayout.ItemRole.LabelRole).widget().setBuddy(self.hq_id)  # type: ignore[union-attr]
        form.itemAt(1, QFormLayout.ItemRole.LabelRole).widget().setBuddy(self.joined)  # type: ignore[union-attr]
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.add_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.add_button.setText("&Add to chapter")
        self.add_button.setEnabled(False)
        self.buttons.accepted.connect(self.add)
        self.buttons.rejected.connect(self.reject)
        self.hq_id.textEdited.connect(lambda _t: self.add_button.setEnabled(False))
        self.lock_while_saving(self.buttons, self.hq_id, self.lookup_button, self.joined)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.record)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    def look_up(self) -> None:
        """Show HQ's record and standing for the ID typed."""
        show_message(self.message, "", error=False)
        try:
            record, standing = roster.lookup_hq(self.db, self.hq_id.text())
        except ChapterDeskError as exc:
            self.record.setText("No HQ record to show.")
            show_message(self.message, exc.message, error=True)
            self.add_button.setEnabled(False)
            self.adjustSize()
            return
        self.record.setText(hq_record_html(record, standing))
        if not standing.is_current:
            show_message(
                self.message,
                f"{in_sentence(record.display_name)} is {standing.label} at HQ; the bylaws do "
                "not allow adding them until HQ shows them in good standing.",
                error=True,
            )
        self.add_button.setEnabled(True)
        self.add_button.setDefault(True)
        self.adjustSize()

    def add(self) -> None:
        """Add the member on the worker; a refusal stays in the dialog as a message."""
        if self.saving:
            return
        db, hq_id, joined = self.db, self.hq_id.text(), edited_date(self.joined)
        self.save_on_worker(
            "Adding the member",
            lambda: roster.add_member(db, hq_id, chapter_joined_on=joined),
            self._added,
        )

    def _added(self, entry: RosterEntry) -> None:
        self.entry = entry
        self.added.emit(entry)
        self.accept()


class LeaveDialog(ChangeDialog):
    """Asks for the date and reason a member leaves the chapter, and records the leave.

    The date is today at the latest (a leave is recorded on or after its day,
    as the command line insists) and not before the member joined. `left(membership)`
    is emitted once the leave is recorded, before the dialog closes.
    """

    left = Signal(object)

    def __init__(
        self,
        ctx: AppContext,
        hq_id: str,
        name: str,
        joined_on: dt.date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, parent)
        self.db, self.hq_id = ctx.db, hq_id
        self.setWindowTitle("Leave the chapter")
        self.left_on: dt.date | None = None
        self.reason_text = ""
        self.membership: Membership | None = None
        intro = QLabel(
            f"{in_sentence(html.escape(name))} will leave the chapter. Nothing is deleted: the "
            "membership stays in their history, and any officer term ends on the same day. A "
            "leave is recorded on or after its day."
        )
        intro.setWordWrap(True)
        self.date = past_date_edit("Leave date")
        if joined_on is not None and joined_on <= dt.date.today():
            self.date.setMinimumDate(qdate(joined_on))
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems(["Moved away", "Retired", "Changed careers", "Resigned", "Deceased"])
        self.reason.setCurrentText("")
        self.reason.setAccessibleName("Reason for leaving")
        form = QFormLayout()
        form.addRow("Leave &date:", self.date)
        form.addRow("&Reason:", self.reason)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.leave_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.leave_button.setText("&Leave chapter")
        buttons.accepted.connect(self.record)
        buttons.rejected.connect(self.reject)
        self.lock_while_saving(buttons, self.date, self.reason)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)

    def record(self) -> None:
        """Record the leave on the worker; a refusal stays in the dialog as a message."""
        if self.saving:
            return
        db, hq_id = self.db, self.hq_id
        left_on, reason = edited_date(self.date), self.reason.currentText().strip()
        self.left_on, self.reason_text = left_on, reason
        self.save_on_worker(
            "Recording the leave",
            lambda: roster.leave_chapter(db, hq_id, left_on=left_on, reason=reason),
            self._recorded,
        )

    def _recorded(self, membership: Membership) -> None:
        self.membership = membership
        self.left.emit(membership)
        self.accept()


class NewChapterDialog(ChangeDialog):
    """Starts a chapter in a new database: name, currency and dues-year start.

    The database is created and the chapter written on the worker (there is no
    chapter context yet, so the window's task runner makes the change).
    """

    def __init__(self, path: Path, changer: Changer, parent: QWidget | None = None) -> None:
        super().__init__(changer, parent)
        self.path = path
        self.db: Database | None = None
        self.info: ChapterInfo | None = None
        self.setWindowTitle("Start a new chapter")
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 64)
        where = html.escape(str(path))
        intro = QLabel(f"The chapter's database will be created at<br><b>{where}</b>")
        intro.setWordWrap(True)
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Great Lakes Chapter")
        self.name.setAccessibleName("Chapter name")
        self.currency = QComboBox()
        self.currency.setEditable(True)
        self.currency.addItems(CURRENCIES)
        self.currency.setAccessibleName("Currency")
        self.year_start = QLineEdit("01-01")
        self.year_start.setPlaceholderText("MM-DD")
        self.year_start.setAccessibleName("Dues year starts on")
        form = QFormLayout()
        form.addRow("Chapter &name:", self.name)
        form.addRow("&Currency:", self.currency)
        form.addRow("Dues &year starts (MM-DD):", self.year_start)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Start chapter")
        buttons.accepted.connect(self.create_chapter)
        buttons.rejected.connect(self.reject)
        self.lock_while_saving(buttons, self.name, self.currency, self.year_start)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def create_chapter(self) -> None:
        """Create the database and the chapter on the worker; a malformed value is shown inline."""
        if self.saving:
            return
        path, name = self.path, self.name.text()
        currency, year_start = self.currency.currentText(), self.year_start.text()

        def work() -> tuple[Database, ChapterInfo]:
            from chapterdesk.data.migrate import open_database

            existed = path.exists()
            db = open_database(path, create=True)
            try:
                info = init_chapter(db, name, currency=currency, year_start=year_start)
            except ChapterDeskError:
                db.dispose()
                if not existed:
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{path}{suffix}").unlink(missing_ok=True)
                raise
            return db, info

        self.save_on_worker("Starting the chapter", work, self._created)

    def _created(self, made: tuple[Database, ChapterInfo]) -> None:
        self.db, self.info = made
        self.accept()
