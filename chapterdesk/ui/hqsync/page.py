"""The HQ Sync page: the import wizard and the import history, in one self-contained widget.

The wizard walks an officer from HQ's spreadsheet to an applied, undoable
batch: choose the file (button or drag and drop) → match its columns → check
its rows → review the difference and accept or reject each change → apply →
summary with undo. Reading, checking, applying and undoing run off the UI
thread through the task runner, with a progress dialog after 600 ms and
Cancel. Every mistake an officer can make is shown as the services' sentence
on the step where it happened; anything else is logged, with a dialog saying
where. `data_changed` fires after an apply or an undo.

The page stands alone (`HqSyncPage(db)`), and also slots into the main
window's page registry as it is: it carries the registry's `key`, `order` and
`icon_name`, accepts the framework's AppContext in place of the database
(then it uses the context's task runner and reports `data_changed` through
`ctx.changed`), and `activate(path)` starts an import of that file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from chapterdesk.data.engine import Database
from chapterdesk.errors import ChapterDeskError
from chapterdesk.services.hq.apply import BatchView, ImportResult, list_batches
from chapterdesk.services.hq.mass_missing import mass_missing
from chapterdesk.services.hq.plan import ImportPlan
from chapterdesk.ui.hqsync import jobs
from chapterdesk.ui.hqsync._framework import (
    LAST_IMPORT_FOLDER,
    Job,
    Task,
    TaskRunner,
    ask,
    heading,
)
from chapterdesk.ui.hqsync.review import ReviewStep, ValidationStep
from chapterdesk.ui.hqsync.steps import EXPORT_FILTERS, ChooseFileStep, MappingStep
from chapterdesk.ui.hqsync.summary import HistoryView, SummaryStep
from chapterdesk.ui.hqsync.widgets import show_message

STEPS = ("Choose file", "Match columns", "Check rows", "Review changes", "Done")
CHOOSE, MAP, CHECK, REVIEW, DONE = range(len(STEPS))
BUSY = "ChapterDesk is still working on the last step; wait for it or cancel it first."


class HqSyncPage(QWidget):
    """Take in HQ's roster export as a reviewed, undoable batch; see and undo past imports."""

    key = "hqsync"
    title = "HQ Sync"
    icon_name = "import"
    order = 30
    #: HQ data changed (an import was applied or undone): counts elsewhere need refreshing.
    data_changed = Signal()

    def __init__(
        self,
        db: Database | Any,
        parent: QWidget | None = None,
        *,
        tasks: TaskRunner | None = None,
    ) -> None:
        """Build the page on a database (or on the main window's AppContext, which holds one)."""
        super().__init__(parent)
        self.ctx = None if isinstance(db, Database) else db
        self.db: Database = db if self.ctx is None else self.ctx.db
        self.tasks = tasks or (self.ctx.tasks if self.ctx is not None else TaskRunner(self))
        if self.ctx is not None:
            self.data_changed.connect(lambda: self.ctx.changed("HQ data updated."))
        self.task: Task | None = None
        self.plan: ImportPlan | None = None
        self.path: Path | None = None
        self.setAccessibleName("HQ Sync page")
        self.setAcceptDrops(True)

        self.choose = ChooseFileStep()
        self.choose.choose_requested.connect(lambda: self.start_import())
        self.mapping = MappingStep()
        self.mapping.changed.connect(self._update_buttons)
        self.validation = ValidationStep()
        self.validation.changed.connect(self._update_buttons)
        self.review = ReviewStep()
        self.review.acceptance_changed.connect(self._update_buttons)
        self.summary = SummaryStep()
        self.summary.undo_requested.connect(self.undo_batch)
        self.summary.another_requested.connect(lambda: self.start_import())
        self.stack = QStackedWidget()
        for step in (self.choose, self.mapping, self.validation, self.review, self.summary):
            self.stack.addWidget(step)

        self.crumbs = [QLabel(f"{n + 1}  {name}") for n, name in enumerate(STEPS)]
        trail = QHBoxLayout()
        for n, crumb in enumerate(self.crumbs):
            if n:
                trail.addWidget(QLabel("›"))
            trail.addWidget(crumb)
        trail.addStretch(1)
        self.restart_button = QPushButton("Start &over")
        self.restart_button.clicked.connect(self.restart)
        self.back_button = QPushButton("< &Back")
        self.back_button.clicked.connect(self._back)
        self.next_button = QPushButton("&Next >")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self._next)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):  # Enter presses the default button
            enter = QShortcut(QKeySequence(key), self.stack)
            enter.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            enter.setWhatsThis("Press the step's default button (Next >)")
            enter.activated.connect(self.press_default)
        buttons = QHBoxLayout()
        buttons.addWidget(self.restart_button)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        wizard = QWidget()
        wizard_layout = QVBoxLayout(wizard)
        wizard_layout.addLayout(trail)
        wizard_layout.addWidget(self.stack, 1)
        wizard_layout.addLayout(buttons)

        self.history = HistoryView()
        self.history.undo_requested.connect(self.undo_batch)
        self.sections = QTabWidget()
        self.sections.setAccessibleName("HQ Sync sections")
        self.sections.addTab(wizard, "&Import an export")
        self.sections.addTab(self.history, "Import hi&story")
        layout = QVBoxLayout(self)
        layout.addWidget(
            heading(
                "HQ Sync",
                "Take in the roster export HQ sends: review every change before it is "
                "applied, and undo the latest import if it was the wrong file.",
            )
        )
        layout.addWidget(self.sections, 1)
        self._go(CHOOSE)
        self.refresh()

    # -- public -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the import history (and the last import shown first), on the worker."""
        db = self.db
        self.tasks.run(lambda _p, _c: list_batches(db), title="Reading the import history",
                       on_done=self._show_history, parent=self,
                       on_error=self._history_refused, show_progress=False)

    def _history_refused(self, exc: ChapterDeskError) -> None:
        show_message(self.history.message, exc.message, error=True)

    def _show_history(self, batches: list[BatchView]) -> None:
        """Show the import history read from the database."""
        self.history.set_batches(batches)
        latest = next((b for b in batches if b.undone_at is None), None)
        self.choose.last_import.setText(
            "No HQ export has been imported yet."
            if latest is None
            else f"Last import: batch {latest.batch_id}, {latest.file_name}, "
            f"{latest.imported_at:%Y-%m-%d %H:%M} by {latest.officer} "
            f"({latest.row_count:,} rows)."
        )

    def activate(self, target: Any = None) -> None:
        """The officer opened the page; a file path as `target` starts importing it."""
        self.refresh()
        if isinstance(target, str | Path):
            self.start_import(Path(target))

    def start_import(self, path: Path | None = None) -> None:
        """Begin an import: ask for the file (unless given), then read its header."""
        if self.task is not None:
            ask.warn(self, BUSY)
            return
        self.sections.setCurrentIndex(0)
        if path is None:
            path = ask.open_file(
                self, "Choose HQ's roster export", LAST_IMPORT_FOLDER.get(), EXPORT_FILTERS
            )
            if path is None:
                return
        path = Path(path)
        LAST_IMPORT_FOLDER.set(str(path.parent))
        self.plan = None
        self.choose.show_error("")
        self._go(CHOOSE)
        self._run(
            jobs.read_layout_job(self.db, path),
            f"Opening {path.name}",
            self._layout_read,
            self.choose.show_error,
        )

    def press_default(self) -> None:
        """Enter in the wizard presses the step's default button ("Next >"), as in a dialog."""
        step = self.stack.currentWidget()
        steps = step.findChildren(QPushButton) if step is not None else []
        for button in (self.next_button, *steps):
            if button.isDefault() and button.isVisible() and button.isEnabled():
                button.click()
                return

    def restart(self) -> None:
        """Leave the import on show (nothing is written) and go back to choosing a file."""
        self.plan = None
        self.choose.show_error("")
        self._go(CHOOSE)

    def undo_batch(self, batch_id: int) -> None:
        """Undo an import batch after the officer confirms; a refusal is shown as its sentence."""
        if self.task is not None:
            ask.warn(self, BUSY)
            return
        batch = next((b for b in self.history.model.items if b.batch_id == batch_id), None)
        about = (
            f" ({batch.file_name}, imported {batch.imported_at:%Y-%m-%d %H:%M})" if batch else ""
        )
        if not ask.confirm(
            self,
            f"Undo import batch {batch_id}{about}? HQ data goes back to what it was before "
            "that import, and every member's standing follows.",
        ):
            return
        self._run(
            self._named(jobs.undo_job(self.db, batch_id)),
            f"Undoing import batch {batch_id}",
            self._undone,
            lambda text: ask.warn(self, text),
        )

    # -- drag and drop ------------------------------------------------------------------------

    @staticmethod
    def dropped_file(mime: QMimeData) -> Path | None:
        """The one local file being dragged, if that is what it is."""
        urls = mime.urls() if mime.hasUrls() else []
        if len(urls) == 1 and urls[0].isLocalFile():
            return Path(urls[0].toLocalFile())
        return None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.task is None and self.dropped_file(event.mimeData()) is not None:
            event.acceptProposedAction()
            self.choose.highlight(True)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.choose.highlight(False)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self.task is None and self.dropped_file(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        self.choose.highlight(False)
        path = self.dropped_file(event.mimeData())
        if path is not None:
            event.acceptProposedAction()
            self.start_import(path)

    # -- the steps ----------------------------------------------------------------------------

    def _layout_read(self, layout: jobs.Layout) -> None:
        self.path = layout.path
        self.mapping.load(layout.path, layout.header_row, layout.mapping, layout.remembered)
        self._go(MAP)

    def _check(self) -> None:
        mapping = self.mapping.mapping()
        if mapping is None or self.path is None:
            return
        self.mapping.show_error("")
        self._run(
            jobs.plan_job(self.db, self.path, mapping),
            f"Checking {self.path.name}",
            self._planned,
            self.mapping.show_error,
            lambda: show_message(
                self.mapping.message,
                "Checking the file was cancelled; nothing was imported.",
                error=False,
            ),
        )

    def _planned(self, plan: ImportPlan) -> None:
        self.plan = plan
        if plan.problems:
            self.validation.show_plan(plan)
            self._go(CHECK)
        else:
            self.review.show_plan(plan)
            self._go(REVIEW)

    def _apply(self) -> None:
        if self.plan is None:
            return
        many = mass_missing(self.plan)
        if many is not None and not ask.confirm(
            self,
            many.sentence(self.plan.path.name) + " Import it anyway? Choose No if the file "
            "may be the wrong one or cut short.",
        ):
            return
        self._run(
            self._named(
                jobs.apply_job(
                    self.db,
                    self.plan,
                    self.review.rejected(),
                    self.review.accepted_conflicts(),
                    allow_mass_missing=many is not None,
                )
            ),
            f"Importing {self.plan.path.name}",
            self._applied,
            lambda text: show_message(self.review.message, text, error=True),
            lambda: show_message(
                self.review.message,
                "The import was cancelled and rolled back; nothing was changed.",
                error=False,
            ),
        )

    def _applied(self, result: ImportResult) -> None:
        assert self.plan is not None
        self.summary.show_result(self.plan, result)
        self._go(DONE)
        self.refresh()
        if result.batch_id is not None:
            undo = getattr(self.ctx, "undo", None)  # the window's stack, if it has one
            if self.ctx is not None and undo is not None:  # Edit → Undo "import N"
                from chapterdesk.ui.undo import UndoImport

                undo.push(UndoImport(self.ctx, result.batch_id, self.plan.path.name))
            self.data_changed.emit()

    def _undone(self, batch: BatchView) -> None:
        self.summary.show_undone(batch)
        self.refresh()
        show_message(
            self.history.message,
            f"Batch {batch.batch_id} ({batch.file_name}) was undone; HQ data is as it was "
            "before it.",
            error=False,
        )
        self.data_changed.emit()

    # -- navigation and the task runner ------------------------------------------------------

    def _named(self, job: Job) -> Job:
        """The job, first saving the officer's name when the window just asked for it."""
        first = self.ctx.before_change(self) if self.ctx is not None else None
        if first is None:
            return job

        def named(progress: Any, cancelled: Any) -> Any:
            first()
            return job(progress, cancelled)

        return named

    def _run(
        self,
        job: Job,
        title: str,
        on_done: Any,
        on_error: Any,
        on_cancel: Any = None,
    ) -> None:
        """Run a job off the UI thread; errors an officer caused go to `on_error(sentence)`."""
        outcome: list[str] = []

        def done(result: Any) -> None:
            outcome.append("done")
            on_done(result)

        def failed(exc: ChapterDeskError) -> None:
            outcome.append("failed")
            on_error(exc.message)

        task = self.tasks.run(job, title=title, on_done=done, parent=self, on_error=failed)
        self.task = task

        def ended() -> None:
            self.task = None
            if not outcome and task.stop.is_set() and on_cancel is not None:
                on_cancel()
            self._update_buttons()

        task.done.connect(ended)
        self._update_buttons()

    def _go(self, step: int) -> None:
        self.stack.setCurrentIndex(step)
        for n, crumb in enumerate(self.crumbs):
            text = f"{n + 1}  {STEPS[n]}"
            crumb.setText(f"<b>{text}</b>" if n == step else text)
            crumb.setEnabled(n <= step)
            crumb.setAccessibleName(f"Step {text}" + (", current" if n == step else ""))
        self._update_buttons()

    def _update_buttons(self) -> None:
        step, idle = self.stack.currentIndex(), self.task is None
        in_wizard = step in (MAP, CHECK, REVIEW)
        for button in (self.back_button, self.next_button, self.restart_button):
            button.setVisible(in_wizard)
            button.setEnabled(idle)
        self.choose.choose_button.setEnabled(idle)
        self.summary.undo_button.setEnabled(idle and self.summary.can_undo())
        self.history.undo_button.setEnabled(idle and self.history.latest() is not None)
        if step == MAP:
            self.next_button.setText("&Check the file >")
            self.next_button.setEnabled(idle and self.mapping.mapping() is not None)
        elif step == CHECK:
            self.next_button.setText("&Review the changes >")
            self.next_button.setEnabled(idle and self.validation.ready())
        elif step == REVIEW and self.plan is not None:
            count = self.review.accepted_count()
            nothing = self.plan.already_imported_batch is not None and not self.plan.changes
            self.next_button.setText(
                f"&Apply {count:,} change{'s' if count != 1 else ''}"
                if self.plan.changes
                else "&Record this import"
            )
            self.next_button.setEnabled(idle and not nothing)

    def _next(self) -> None:
        step = self.stack.currentIndex()
        if step == MAP:
            self._check()
        elif step == CHECK and self.plan is not None and self.validation.ready():
            self.review.show_plan(self.plan)
            self._go(REVIEW)
        elif step == REVIEW:
            self._apply()

    def _back(self) -> None:
        step = self.stack.currentIndex()
        if step == REVIEW and self.plan is not None and self.plan.problems:
            self._go(CHECK)
        elif step in (CHECK, REVIEW):
            self._go(MAP)
        elif step == MAP:
            self.restart()
