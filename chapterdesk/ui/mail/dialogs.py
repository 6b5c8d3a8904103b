"""E-mail from the Dues page: preview and send statements, reminders or receipts; the outbox.

The preview (a dry run) and the sending both run on the database worker:
`services.mail.compose` plans and queues, `services.mail.outbox` sends, with
progress and Cancel (a cancelled run leaves the rest queued in the outbox).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from chapterdesk.money import format_money
from chapterdesk.services.mail import compose
from chapterdesk.services.mail.outbox import outbox, retry_uncertain, send_outbox
from chapterdesk.ui import ask
from chapterdesk.ui.pages.base import AppContext, message_label, show_message

KINDS = (("Statements", "statement"), ("Reminders", "reminder"), ("Receipts", "receipt"))


def _table(headers: tuple[str, ...], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setAccessibleName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[list[str]], right: tuple[int, ...] = ()) -> None:
    """Put `rows` in `table`; the columns `right` (amounts) aligned right."""
    table.setRowCount(len(rows))
    trailing = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setToolTip(text)  # a long subject or server reason is read whole here
            if c in right:
                item.setTextAlignment(trailing)
            table.setItem(r, c, item)


def _sent_sentence(result: Any) -> str:
    text = f"Sent {result.sent}"
    if result.failed:
        text += f", failed {result.failed}"
    if result.uncertain:
        text += f", uncertain {result.uncertain}"
    if result.left_queued:
        text += f", waiting in the outbox {result.left_queued}"
    text += "."
    return f"{text} {result.problem}".strip()


class MailDialog(QDialog):
    """E-mail statements, reminders or receipts: a preview list, then send with progress."""

    def __init__(self, ctx: AppContext, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.plan: compose.MailPlan | None = None
        self.result: Any = None
        self.setWindowTitle("E-mail statements / reminders")
        self.kind = QComboBox()
        for label, code in KINDS:
            self.kind.addItem(label, code)
        self.kind.setAccessibleName("What to send")
        self.year = QSpinBox()
        self.year.setRange(1900, 2999)
        self.year.setValue(year)
        self.year.setAccessibleName("Dues year")
        self.level = QComboBox()
        self.level.addItem("Highest level due", None)
        for n in (1, 2, 3):
            self.level.addItem(f"Level {n}", n)
        self.level.setAccessibleName("Reminder level")
        self.preview_button = QPushButton("&Preview")
        self.preview_button.clicked.connect(self.preview)
        self.send_button = QPushButton("&Send")
        self.send_button.setEnabled(False)
        self.send_button.clicked.connect(self.send)
        self.print_button = QPushButton("PDFs of members &without e-mail…")
        self.print_button.setEnabled(False)
        self.print_button.clicked.connect(self.print_missing)
        # The amount has a column of its own: every subject starts alike and a narrow
        # window cuts it before the amount it ends with.
        self.table = _table(("HQ ID", "Name", "E-mail", "Amount", "Subject"), "Messages to send")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.message = message_label()
        form = QFormLayout()
        form.addRow("&Send:", self.kind)
        form.addRow("Dues &year:", self.year)
        form.addRow("Reminder &level:", self.level)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.preview_button)
        row.addWidget(self.send_button)
        row.addWidget(self.print_button)
        row.addStretch(1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        layout.addLayout(row)
        self.kind.currentIndexChanged.connect(self._forget)
        self.level.currentIndexChanged.connect(self._forget)
        self.year.valueChanged.connect(self._forget)
        self.resize(760, 480)

    def _forget(self) -> None:
        self.plan = None
        self.send_button.setEnabled(False)
        self.print_button.setEnabled(False)
        self.table.setRowCount(0)
        self.summary.clear()

    def _make_plan(self) -> Any:
        db, kind = self.ctx.db, self.kind.currentData()
        year, level = self.year.value(), self.level.currentData()
        if kind == "statement":
            return lambda: compose.plan_statements(db, year)
        if kind == "reminder":
            return lambda: compose.plan_reminders(db, year, level=level)
        return lambda: compose.plan_receipts(db, since=dt.date.today() - dt.timedelta(days=30))

    def preview(self) -> None:
        """Plan on the worker (a dry run) and list who would get what."""
        self._forget()
        self.ctx.read(self, "Finding who to write to", self._make_plan(), self._show,
                      lambda exc: show_message(self.message, exc.message, error=True))

    def _show(self, plan: compose.MailPlan) -> None:
        self.plan = plan
        money = plan.currency
        _fill(self.table, [
            [p.hq_id, p.name, p.email,
             format_money(p.amount_paid if p.kind == "receipt" and p.amount_paid else p.amount_due,
                          money), p.subject]
            for p in plan.messages
        ], right=(3,))  # fmt: skip
        parts = [f"{len(plan.messages)} message(s) to send."]
        if plan.without_email:
            parts.append(f"{len(plan.without_email)} member(s) have no e-mail address: "
                         "save their PDFs to print and post.")
        if plan.already:
            parts.append(f"{len(plan.already)} already in the outbox.")
        self.summary.setText(" ".join(parts))
        self.send_button.setEnabled(bool(plan.messages))
        self.print_button.setEnabled(bool(plan.without_email))

    def print_missing(self) -> None:
        """Save the PDFs of the members without an e-mail address in one file, on the worker."""
        plan, db = self.plan, self.ctx.db
        if plan is None or not plan.without_email:
            return
        target = ask.save_file(self, "Save the PDFs to print", f"to-print-{plan.kind}s.pdf",
                               "PDF files (*.pdf)")
        if target is None:
            return
        self.ctx.tasks.run(
            lambda _p, _c: compose.print_missing(db, plan, target),
            title="Writing the PDFs to print", parent=self,
            on_done=lambda pages: show_message(
                self.message, f"Wrote {target.name} ({pages} pages) to print and post.",
                error=False),
            on_error=lambda exc: show_message(self.message, exc.message, error=True),
        )  # fmt: skip

    def send(self) -> None:
        """Queue the previewed messages and send them, on the worker with progress."""
        plan, db = self.plan, self.ctx.db
        if plan is None:
            return
        self.send_button.setEnabled(False)

        def job(progress: Any, cancelled: Any) -> Any:
            queued = compose.queue_plan(db, plan, progress=progress)
            return send_outbox(db, progress=progress, cancel=cancelled, only=list(queued.queued))

        def done(result: Any) -> None:
            self.result = result
            self.plan = None
            show_message(self.message, _sent_sentence(result),
                         error=bool(result.problem and not result.sent))

        def failed(exc: Any) -> None:
            show_message(self.message, exc.message, error=True)

        self.ctx.tasks.run(job, title="Sending e-mail", on_done=done, parent=self,
                           on_error=failed)


class OutboxDialog(QDialog):
    """The outbox: every message with its status and the server's reason; Retry."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[Any] = []
        self.setWindowTitle("Outbox")
        self.table = _table(("#", "Status", "Kind", "HQ ID", "To", "Subject", "Reason"), "Outbox")
        self.retry_button = QPushButton("&Retry")
        self.retry_button.setToolTip("Send what is queued or failed")
        self.retry_button.clicked.connect(lambda: self.retry(uncertain=False))
        self.uncertain_button = QPushButton("Resend &uncertain")
        self.uncertain_button.setToolTip(
            "Resend messages the server may already have (same Message-ID)"
        )
        self.uncertain_button.clicked.connect(lambda: self.retry(uncertain=True))
        self.message = message_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.retry_button)
        row.addWidget(self.uncertain_button)
        row.addStretch(1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(row)
        self.resize(860, 420)
        self.refresh()

    def refresh(self) -> None:
        """Read the outbox on the worker."""
        db = self.ctx.db
        self.ctx.read(self, "Reading the outbox", lambda: outbox(db), self._show)

    def _show(self, rows: list[Any]) -> None:
        self.rows = rows
        _fill(self.table, [[str(r.id), r.status, r.kind, r.hq_id or "", r.recipient, r.subject,
                            r.last_error] for r in rows])

    def retry(self, *, uncertain: bool) -> None:
        """Send what waits (and the uncertain, when asked) on the worker, then re-read."""
        db = self.ctx.db

        def job(progress: Any, cancelled: Any) -> Any:
            if uncertain:
                retry_uncertain(db)
            return send_outbox(db, progress=progress, cancel=cancelled)

        def done(result: Any) -> None:
            show_message(self.message, _sent_sentence(result),
                         error=bool(result.problem and not result.sent))
            self.refresh()

        def failed(exc: Any) -> None:
            show_message(self.message, exc.message, error=True)

        self.ctx.tasks.run(job, title="Sending e-mail", on_done=done, parent=self,
                           on_error=failed)
