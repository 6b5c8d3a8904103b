"""Stand-ins for the main-window framework's seams, kept in this one file so swapping is easy.

The HQ Sync page needs three things the application framework provides: the
`ask` seam through which every modal dialog goes (tests replace it), a task
runner that runs a job off the UI thread with a progress dialog shown after
600 ms and Cancel, and the remembered import folder. Their interfaces are
those of the framework's `chapterdesk.ui.ask` and `chapterdesk.ui.tasks`
(TaskRunner.run(job, title=, on_done=, parent=, on_error=), jobs called as
`job(progress, cancelled)`, `Cancelled`, `report_unexpected`), so once the
framework is merged this file becomes::

    from chapterdesk.ui import ask
    from chapterdesk.ui.tasks import Cancelled, Task, TaskRunner, report_unexpected
    from chapterdesk.ui.widgets import heading, message_label, show_message

plus the `LAST_IMPORT_FOLDER` setting (moved into chapterdesk.ui.settings).
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QSettings, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QVBoxLayout,
    QWidget,
)

from chapterdesk.cli import log_unexpected
from chapterdesk.errors import ChapterDeskError

SHOW_PROGRESS_AFTER_MS = 600
Progress = Callable[[str, int, int], None]
Job = Callable[[Progress, Callable[[], bool]], Any]
TITLE = "ChapterDesk"


class ask:  # lower case: it stands in for the framework's `chapterdesk.ui.ask` module
    """The one seam through which the page shows modal dialogs (tests replace these)."""

    @staticmethod
    def inform(parent: QWidget | None, text: str, title: str = TITLE) -> None:
        """Tell the officer something happened."""
        QMessageBox.information(parent, title, text)

    @staticmethod
    def warn(parent: QWidget | None, text: str, title: str = TITLE) -> None:
        """Tell the officer why an action was refused or could not be done."""
        QMessageBox.warning(parent, title, text)

    @staticmethod
    def error(parent: QWidget | None, text: str, title: str = TITLE) -> None:
        """Report an unexpected failure."""
        QMessageBox.critical(parent, title, text)

    @staticmethod
    def confirm(parent: QWidget | None, text: str, title: str = TITLE) -> bool:
        """Ask a yes/no question; True for yes."""
        answer = QMessageBox.question(parent, title, text)
        return answer == QMessageBox.StandardButton.Yes

    @staticmethod
    def open_file(parent: QWidget | None, caption: str, folder: str, filters: str) -> Path | None:
        """Ask for an existing file to open; None when cancelled."""
        name, _ = QFileDialog.getOpenFileName(parent, caption, folder, filters)
        return Path(name) if name else None


class LAST_IMPORT_FOLDER:  # upper case: it stands in for a framework `Setting` declaration
    """The folder the officer last took an HQ export from (QSettings)."""

    key = "files/hq_import_folder"

    @classmethod
    def get(cls) -> str:
        """The remembered folder, or "" when none is."""
        value = QSettings().value(cls.key, "")
        return value if isinstance(value, str) else ""

    @classmethod
    def set(cls, value: str) -> None:
        """Remember a folder."""
        QSettings().setValue(cls.key, value)


class Cancelled(Exception):
    """Raised by a job that noticed `cancelled()`; the runner reports nothing."""


def report_unexpected(parent: QWidget | None, exc: BaseException) -> str:
    """Log a bug with its traceback and tell the officer where the log is; returns the path."""
    try:
        where = log_unexpected(exc)
    except OSError:
        where = "(the log file could not be written)"
        traceback.print_exception(exc)
    ask.error(
        parent,
        f"Something went wrong inside ChapterDesk ({type(exc).__name__}: {exc}). Nothing "
        f"more was changed. The details were written to {where}; please send that file "
        "with a note of what you were doing.",
    )
    return where


class _Signals(QObject):
    progress = Signal(str, int, int)
    finished = Signal(object)
    failed = Signal(object)


class _Runnable(QRunnable):
    def __init__(self, job: Job, signals: _Signals, stop: threading.Event) -> None:
        super().__init__()
        self.job, self.signals, self.stop = job, signals, stop

    def run(self) -> None:
        def progress(phase: str, done: int, total: int) -> None:
            self.signals.progress.emit(phase, int(done), int(total))

        try:
            result = self.job(progress, self.stop.is_set)
        except BaseException as exc:  # every failure goes back to the UI thread
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)


class Task(QObject):
    """One running job: its delayed progress dialog, its cancel flag, its callbacks."""

    done = Signal()

    def __init__(
        self,
        runner: TaskRunner,
        title: str,
        parent_widget: QWidget | None,
        on_done: Callable[[Any], None],
        on_error: Callable[[ChapterDeskError], None] | None,
        show_progress: bool,
    ) -> None:
        super().__init__(runner)
        self.title, self.parent_widget = title, parent_widget
        self.on_done, self.on_error = on_done, on_error
        self.stop = threading.Event()
        self.running = True
        self.signals = _Signals(self)
        self.signals.progress.connect(self._progress)
        self.signals.finished.connect(self._finished)
        self.signals.failed.connect(self._failed)
        self.dialog: QProgressDialog | None = None
        self._last = ("", 0, 0)
        if show_progress:
            QTimer.singleShot(SHOW_PROGRESS_AFTER_MS, self, self._show_dialog)

    def cancel(self) -> None:
        """Ask the job to stop at its next `cancelled()` check."""
        self.stop.set()

    def _show_dialog(self) -> None:
        if not self.running or self.dialog is not None:
            return
        dialog = QProgressDialog(self.title, "&Cancel", 0, 0, self.parent_widget)
        dialog.setWindowTitle(TITLE)
        dialog.setAccessibleName(f"Progress: {self.title}")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self.cancel)
        self.dialog = dialog
        self._progress(*self._last)
        dialog.show()

    def _progress(self, phase: str, done: int, total: int) -> None:
        self._last = (phase, done, total)
        if self.dialog is not None:
            self.dialog.setLabelText(f"{self.title}\n{phase}" if phase else self.title)
            self.dialog.setMaximum(max(total, 0))
            self.dialog.setValue(min(done, total) if total > 0 else 0)

    def _close(self) -> None:
        self.running = False
        if self.dialog is not None:
            self.dialog.canceled.disconnect(self.cancel)
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None

    def _finished(self, result: Any) -> None:
        self._close()
        try:
            self.on_done(result)
        finally:
            self.done.emit()
            self.deleteLater()

    def _failed(self, exc: BaseException) -> None:
        self._close()
        try:
            if isinstance(exc, Cancelled):
                return
            if isinstance(exc, ChapterDeskError):
                if self.on_error is not None:
                    self.on_error(exc)
                else:
                    ask.warn(self.parent_widget, exc.message)
                return
            report_unexpected(self.parent_widget, exc)
        finally:
            self.done.emit()
            self.deleteLater()


class TaskRunner(QObject):
    """Runs jobs one at a time on a single worker thread (one writer for SQLite)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.active: set[Task] = set()

    def run(
        self,
        job: Job,
        *,
        title: str,
        on_done: Callable[[Any], None],
        parent: QWidget | None = None,
        on_error: Callable[[ChapterDeskError], None] | None = None,
        show_progress: bool = True,
    ) -> Task:
        """Start `job` off the UI thread; `on_done(result)` runs on the UI thread when it ends."""
        task = Task(self, title, parent, on_done, on_error, show_progress)
        self.active.add(task)
        task.done.connect(lambda: self.active.discard(task))
        self.pool.start(_Runnable(job, task.signals, task.stop))
        return task

    def busy(self) -> bool:
        """Whether any job is still running or waiting."""
        return bool(self.active)

    def shutdown(self, timeout_ms: int = 30_000) -> None:
        """Ask every job to stop and wait for the worker (before the database closes)."""
        for task in list(self.active):
            task.cancel()
        self.pool.waitForDone(timeout_ms)


def heading(text: str, subtitle: str = "") -> QWidget:
    """A page heading: the title in a larger bold font (scaled from the system font)."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 4)
    layout.setSpacing(2)
    title = QLabel(text)
    font = title.font()
    font.setPointSizeF(font.pointSizeF() * 1.6)
    font.setBold(True)
    title.setFont(font)
    title.setObjectName("pageTitle")
    layout.addWidget(title)
    if subtitle:
        sub = QLabel(subtitle)
        sub.setObjectName("pageSubtitle")
        sub.setWordWrap(True)
        sub.setEnabled(False)
        layout.addWidget(sub)
    return box


def message_label() -> QLabel:
    """An inline message line for refusals and confirmations (hidden until used)."""
    label = QLabel()
    label.setWordWrap(True)
    label.setVisible(False)
    label.setAccessibleName("Message")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def show_message(label: QLabel, text: str, *, error: bool) -> None:
    """Show an inline message, red for a refusal, green for a confirmation."""
    label.setText(text)
    colour = "#a4262c" if error else "#1b6e3a"
    background = "#fdecea" if error else "#e7f4ea"
    label.setStyleSheet(
        f"QLabel {{ color: {colour}; background: {background}; border-radius: 4px; "
        "padding: 6px 8px; }"
    )
    label.setVisible(bool(text))
