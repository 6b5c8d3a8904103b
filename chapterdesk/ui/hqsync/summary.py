"""The wizard's last step (what the import did, with "Undo this import") and the import history.

The history lists every batch, newest first, with its date, file, rows,
counts, officer and whether it was undone; "Undo latest batch" puts HQ data
back as it was before the latest batch still in force.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from chapterdesk.services.hq.apply import BatchView, ImportResult
from chapterdesk.services.hq.plan import ImportPlan
from chapterdesk.ui.hqsync.models import HistoryModel
from chapterdesk.ui.hqsync.widgets import message_label, show_message, step_heading, table_view

COUNT_LABELS = (
    ("new", "New HQ records"),
    ("changed", "Changed"),
    ("lapsed", "Newly lapsed"),
    ("renewed", "Renewed"),
    ("missing", "Missing from HQ"),
    ("conflicts", "Conflicts"),
    ("unchanged", "Unchanged"),
)


def latest_in_force(batches: list[BatchView]) -> BatchView | None:
    """The newest batch not undone: the only one that can be undone."""
    return next((b for b in batches if b.undone_at is None), None)


class SummaryStep(QWidget):
    """Step 5: the batch number, what was applied, what was held back, and undo."""

    undo_requested = Signal(int)
    another_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.batch_id: int | None = None
        self.undone = False
        self.title = step_heading("")
        self.title.setAccessibleName("Import result")
        self.details = QLabel()
        self.details.setWordWrap(True)
        box = QGroupBox("What the import did")
        box.setMaximumWidth(box.fontMetrics().horizontalAdvance("M") * 22)
        self.grid = QGridLayout(box)
        self.grid.setHorizontalSpacing(24)
        self.figures: dict[str, QLabel] = {}
        for row, (key, text) in enumerate(COUNT_LABELS):
            figure = QLabel("0")
            figure.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            figure.setAccessibleName(text)
            font = figure.font()
            font.setBold(True)
            figure.setFont(font)
            self.grid.addWidget(QLabel(text), row, 0)
            self.grid.addWidget(figure, row, 1)
            self.figures[key] = figure
        self.grid.setColumnStretch(2, 1)
        self.held = QLabel()
        self.held.setWordWrap(True)
        self.held.setAccessibleName("Held back")
        self.skipped = QLabel()
        self.skipped.setWordWrap(True)
        self.skipped.setAccessibleName("Rows skipped")
        self.undo_button = QPushButton("&Undo this import")
        self.undo_button.clicked.connect(self._undo)
        self.another_button = QPushButton("Import &another file…")
        self.another_button.clicked.connect(self.another_requested)
        self.message = message_label()
        buttons = QHBoxLayout()
        buttons.addWidget(self.undo_button)
        buttons.addWidget(self.another_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.details)
        layout.addSpacing(8)
        layout.addWidget(box)
        layout.addSpacing(8)
        layout.addWidget(self.held)
        layout.addWidget(self.skipped)
        layout.addSpacing(8)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addStretch(1)

    def show_result(self, plan: ImportPlan, result: ImportResult) -> None:
        """Show what an applied import did."""
        self.batch_id = result.batch_id
        self.undone = False
        self.message.setVisible(False)
        if result.batch_id is None:
            self.title.setText("Nothing to import")
            self.details.setText(
                f"{plan.path.name} was already imported as batch "
                f"{result.already_imported_batch}; nothing was changed."
            )
        else:
            self.title.setText(f"Imported as batch {result.batch_id}")
            self.details.setText(
                f"{plan.path.name}: {plan.parsed.row_count:,} member rows, HQ data as of "
                f"{plan.as_of.isoformat()}. Every chapter member's standing now follows it."
            )
        for key, figure in self.figures.items():
            figure.setText(f"{result.counts.get(key, 0):,}")
        if result.held:
            shown = ", ".join(result.held[:12]) + (" …" if len(result.held) > 12 else "")
            self.held.setText(
                f"Held back as you chose, {len(result.held):,} HQ records keep what ChapterDesk "
                "had (rejected changes wholly; unticked conflicts in the disputed fields, or "
                f"wholly when the ID names someone else): {shown}."
            )
        else:
            self.held.setText("Every change was applied.")
        invalid = plan.parsed.invalid_rows
        self.skipped.setText(
            f"{invalid:,} invalid rows of the file were skipped." if invalid else ""
        )
        self.skipped.setVisible(bool(invalid))
        self.undo_button.setEnabled(self.can_undo())

    def can_undo(self) -> bool:
        """Whether the batch on show was applied and is not undone yet."""
        return self.batch_id is not None and not self.undone

    def show_undone(self, batch: BatchView) -> None:
        """The batch on show was undone."""
        if batch.batch_id == self.batch_id:
            self.undone = True
            self.undo_button.setEnabled(False)
            show_message(
                self.message,
                f"Batch {batch.batch_id} was undone; HQ data is as it was before it.",
                error=False,
            )

    def _undo(self) -> None:
        if self.batch_id is not None:
            self.undo_requested.emit(self.batch_id)


class HistoryView(QWidget):
    """Every import batch, newest first, and undo of the latest one still in force."""

    undo_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = HistoryModel(parent=self)
        self.table = table_view(
            self.model,
            "Import history",
            widths={0: 5, 1: 14, 2: 20, 3: 6, 4: 5, 5: 6, 6: 5, 7: 6, 8: 6, 9: 6, 10: 10},
        )
        self.undo_button = QPushButton("&Undo latest batch…")
        self.undo_button.clicked.connect(self._undo)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.message = message_label()
        row = QHBoxLayout()
        row.addWidget(self.caption, 1)
        row.addWidget(self.undo_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)

    def set_batches(self, batches: list[BatchView]) -> None:
        """Show the history; the undo button names the batch it would undo."""
        self.model.set_items(batches)
        latest = latest_in_force(batches)
        self.undo_button.setEnabled(latest is not None)
        if latest is None:
            self.caption.setText(
                "No import is in force." if batches else "No HQ export has been imported yet."
            )
        else:
            self.caption.setText(
                f"{len(batches):,} imports. The latest in force is batch {latest.batch_id} "
                f"({latest.file_name}, {latest.imported_at:%Y-%m-%d %H:%M}); only it can be "
                "undone."
            )

    def latest(self) -> BatchView | None:
        """The batch "Undo latest batch" would undo, if any."""
        return latest_in_force(self.model.items)

    def _undo(self) -> None:
        latest = self.latest()
        if latest is not None:
            self.undo_requested.emit(latest.batch_id)
