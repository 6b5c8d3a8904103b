"""The "Changes (audit trail)" section of the roster's member panel: one member's recorded changes.

It lists the newest changes concerning the member (`services.safety.audit.audit_log`
with the member's HQ ID): when, which officer, what, and the old and new
values; "Show all in the audit trail" opens the Audit trail page filtered to
the member. Read-only, like the trail itself.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from chapterdesk.audit_sentences import local_minute
from chapterdesk.services.safety.audit import AuditRecord, audit_log
from chapterdesk.ui.context import AppContext, LatestRead

SHOWN = 15


class MemberHistoryBox(QGroupBox):
    """The newest recorded changes about one member, with a link to the whole trail."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Changes (audit trail)", parent)
        self.ctx = ctx
        self.hq_id: str | None = None
        self._reader: LatestRead[list[AuditRecord]] = LatestRead(
            ctx, self, "Reading the member's changes")
        self.entries = QLabel()
        self.entries.setAccessibleName("Member's recorded changes")
        self.entries.setWordWrap(True)
        self.entries.setTextFormat(Qt.TextFormat.RichText)
        self.entries.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.show_all = QPushButton("Show all in the audit &trail")
        self.show_all.clicked.connect(self._show_all)
        layout = QVBoxLayout(self)
        layout.addWidget(self.entries)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.show_all)
        layout.addLayout(row)

    @property
    def reading(self) -> bool:
        """Whether the member's changes are still being read."""
        return self._reader.pending

    def show_member(self, hq_id: str) -> None:
        """List the member's newest recorded changes."""
        self.hq_id = hq_id
        db = self.ctx.db
        self._reader.start(lambda: audit_log(db, hq_id=hq_id, limit=SHOWN + 1), self._show)

    def _show(self, records: list[AuditRecord]) -> None:
        """List the records read on the worker (the newest SHOWN of them)."""
        lines = [
            f"<b>{html.escape(local_minute(r.at))}</b> · {html.escape(r.sentence)}"
            for r in records[:SHOWN]
        ]
        if len(records) > SHOWN:
            lines.append("… older changes: see all of them in the audit trail.")
        self.entries.setText("<br>".join(lines) or "No recorded changes.")
        self.show_all.setEnabled(bool(records))

    def _show_all(self) -> None:
        if self.hq_id is not None:
            self.ctx.navigate.emit("audit", self.hq_id)
