"""The member panel's "Correct…" dialog: the chapter's value for one HQ contact field, and why.

HQ owns a member's contact facts, but an officer sometimes knows better first.
The dialog shows HQ's value, takes the chapter's value and a reason, and checks
both as the service will (`services.hq.edits.clean_value`), so a value the
service would refuse is said inline before anything is sent to the worker.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from chapterdesk.errors import BadInputError
from chapterdesk.hq_fields import EDITABLE_FIELDS, HEADERS
from chapterdesk.services.hq.edits import clean_value
from chapterdesk.services.roster.entries import Correction, HqRecord
from chapterdesk.ui.widgets import message_label, show_message


class CorrectFieldDialog(QDialog):
    """Ask for the chapter's value of one HQ field (chosen from the correctable ones)."""

    def __init__(
        self,
        record: HqRecord,
        corrections: tuple[Correction, ...],
        field: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Correct HQ data of {record.display_name}")
        self.record = record
        self.corrections = {c.field: c for c in corrections}
        self.field_box = QComboBox()
        self.field_box.setAccessibleName("Field to correct")
        for name in EDITABLE_FIELDS:
            self.field_box.addItem(HEADERS[name], name)
        self.hq_says = QLabel()
        self.hq_says.setWordWrap(True)
        self.value = QLineEdit()
        self.value.setAccessibleName("The chapter's value")
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason")
        self.reason.setPlaceholderText("e.g. the member told us at the meeting")
        self.message = message_label()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("C&orrect")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("&Field:", self.field_box)
        form.addRow("HQ says:", self.hq_says)
        form.addRow("Chapter's &value:", self.value)
        form.addRow("&Reason:", self.reason)
        form.addRow(self.message)
        form.addRow(buttons)
        self.field_box.currentIndexChanged.connect(lambda _i: self._show_field())
        self.field_box.setCurrentIndex(max(self.field_box.findData(field), 0))
        self._show_field()
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 36)

    def field(self) -> str:
        """The field chosen."""
        return str(self.field_box.currentData())

    def _show_field(self) -> None:
        name = self.field()
        fix = self.corrections.get(name)
        current = str(getattr(self.record, name) or "")
        hq_value = fix.hq_value if fix is not None else current
        self.hq_says.setText(repr(hq_value) if hq_value else "(nothing)")
        self.value.setText(current)
        self.reason.setText(fix.reason if fix is not None else "")
        show_message(self.message, "", error=False)
        self.adjustSize()

    def accept(self) -> None:
        """Close only on a value the service will take; otherwise say why inline."""
        try:
            clean_value(self.field(), self.value.text())
        except BadInputError as refused:
            show_message(self.message, refused.message, error=True)
            self.adjustSize()  # the sentence may take two lines
            return
        super().accept()
