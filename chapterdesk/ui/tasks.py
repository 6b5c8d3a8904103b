"""Long work off the UI thread: one helper every page uses for jobs that may take a while.

A job is a plain callable that receives `progress(phase, done, total)` and
`cancelled()`; it runs on ChapterDesk's single database worker thread (one
worker, so jobs never contend for SQLite's writer), never touches a widget,
and its result or error comes back on the UI thread through signals. A
progress dialog with Cancel appears only if the job is still running after
600 ms. Officer-facing errors (`ChapterDeskError`) are shown as their sentence;
anything else is a bug: logged with its traceback to the data directory's log
file and reported in a dialog that says where the log is, except a lost
connection to a shared database, which the window's `lost_connection` hook
takes (the banner) when it is set.
"""

from __future__ import annotations

import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from chapterdesk.cli import log_unexpected
from chapterdesk.errors import ChapterDeskError
from chapterdesk.ui import ask

SHOW_PROGRESS_AFTER_MS = 600
Progress = Callable[[str, int, int], None]
Job = Callable[[Progress, Callable[[], bool]], Any]


class Cancelled(Exception):
    """Raised by a job that noticed `cancelled()`; the helper reports nothing."""


def report_unexpected(parent: QWidget | None, exc: BaseException) -> str:
    """Log a bug with its traceback and tell the officer where the log is; returns the log path.

    The dialog says what happened in one sentence, offers "Copy details" (the
    traceback) and names the log. The data is safe: a change runs in the door's
    one transaction, which the exception rolled back before it reached here.
    """
    details = "".join(traceback.format_exception(exc))
    try:
        where = log_unexpected(exc)
    except OSError:
        where = "(the log file could not be written)"
        traceback.print_exception(exc)
    summary = (str(exc).strip().splitlines() or [""])[0][:200]
    ask.error(
        parent,
        f"Something went wrong inside ChapterDesk ({type(exc).__name__}: {summary}) and nothing "
        f"more was changed; the details were written to {where}; please send that file with a "
        "note of what you were doing.",
        details=details,
    )
    return where


def install_excepthook(parent: Callable[[], QWidget | None]) -> None:
    """Report any exception that escapes a Qt slot, or ends a thread, as a failed job is."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if isinstance(exc, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        if isinstance(exc, ChapterDeskError):
            ask.warn(parent(), exc.message)
            return
        widget = parent()
        runner = getattr(widget.window(), "tasks", None) if widget is not None else None
        if isinstance(runner, TaskRunner) and runner.handled_as_lost_connection(exc):
            return
        exc.__traceback__ = tb
        report_unexpected(widget, exc)

    relay = _ThreadFailures(hook, QApplication.instance())
    relay.failed.connect(relay.deliver)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or isinstance(args.exc_value, SystemExit):
            return
        relay.failed.emit(args.exc_value)  # queued to the UI thread, where dialogs live

    sys.excepthook = hook
    threading.excepthook = thread_hook


class _ThreadFailures(QObject):
    """Carries an exception that ended a plain thread to the UI thread's excepthook."""

    failed = Signal(object)

    def __init__(self, hook: Callable[..., None], parent: QObject | None) -> None:
        super().__init__(parent)
        self._hook = hook

    @Slot(object)
    def deliver(self, exc: BaseException) -> None:
        """Report the exception on the UI thread (this object lives there)."""
        self._hook(type(exc), exc, exc.__traceback__)


class _Signals(QObject):
    progress = Signal(str, int, int)
    finished = Signal(object)
    failed = Signal(object)


class _Runnable(QRunnable):
    def __init__(self, job: Job, signals: _Signals, stop: threading.Event) -> None:
        super().__init__()
        self.job, self.signals, self.stop = job, signals, stop
        self.setAutoDelete(True)

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
    """One running job: its progress dialog, its cancel flag and its callbacks."""

    done = Signal()

    def __init__(
        self,
        runner: TaskRunner,
        title: str,
        parent_widget: QWidget | None,
        on_done: Callable[[Any], None],
        on_error: Callable[[ChapterDeskError], None] | None,
        show_progress: bool,
        cancellable: bool = True,
    ) -> None:
        super().__init__(runner)
        self.title, self.parent_widget = title, parent_widget
        self.cancellable = cancellable
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
        dialog.setWindowTitle("ChapterDesk")
        dialog.setAccessibleName(f"Progress: {self.title}")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if not self.cancellable:  # a change under way is finished, never left half done
            dialog.setCancelButton(None)
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
            runner = self.parent()
            if isinstance(runner, TaskRunner) and runner.handled_as_lost_connection(exc):
                return
            report_unexpected(self.parent_widget, exc)
        finally:
            self.done.emit()
            self.deleteLater()


class TaskRunner(QObject):
    """Runs jobs one at a time on a single worker thread and tracks those still running."""

    #: Emitted (on the UI thread) each time the last job ends and no work waits for the worker.
    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.active: set[Task] = set()
        self._when_idle: list[Callable[[], None]] = []
        #: Set by the window on a shared database: takes a failure that means the server
        #: went away (shows the lost-connection banner) and returns True, instead of a bug report.
        self.lost_connection: Callable[[BaseException], bool] | None = None

    def handled_as_lost_connection(self, exc: BaseException) -> bool:
        """Whether `exc` was a lost connection and the window took care of it (the banner)."""
        return self.lost_connection is not None and self.lost_connection(exc)

    def run(
        self,
        job: Job,
        *,
        title: str,
        on_done: Callable[[Any], None],
        parent: QWidget | None = None,
        on_error: Callable[[ChapterDeskError], None] | None = None,
        show_progress: bool = True,
        cancellable: bool = True,
    ) -> Task:
        """Start `job` off the UI thread; `on_done(result)` runs on the UI thread when it ends.

        `cancellable=False`: the progress dialog has no Cancel button.
        """
        task = Task(self, title, parent, on_done, on_error, show_progress, cancellable)
        self.active.add(task)
        task.done.connect(lambda: self._task_done(task))
        self.pool.start(_Runnable(job, task.signals, task.stop))
        return task

    def change(
        self,
        parent: QWidget | None,
        title: str,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[ChapterDeskError], None] | None = None,
    ) -> Task:
        """Make one change to the database on the worker (see `AppContext.change`).

        A change waits its turn behind the jobs already queued; once it starts it
        is finished (its progress dialog, shown after 600 ms, has no Cancel), and
        the door commits all of it or nothing.
        """

        def job(_progress: Progress, _cancelled: Callable[[], bool]) -> Any:
            return work()

        return self.run(job, title=title, on_done=on_done, parent=parent, on_error=on_error,
                        cancellable=False)

    def when_idle(self, start: Callable[[], None]) -> None:
        """Call `start` (on the UI thread) once no job is running and the window has repainted.

        For work that can wait behind what the officer is looking at, such as the
        status bar's counts at start-up: it begins after the page's own reads are
        shown, instead of competing with them for the worker and the interpreter.
        """
        self._when_idle.append(start)
        if not self.active:
            QTimer.singleShot(0, self, self._start_idle_work)

    def _task_done(self, task: Task) -> None:
        self.active.discard(task)
        if not self.active and self._when_idle:
            # A zero timer runs after the repaint the finished job's results asked for.
            QTimer.singleShot(0, self, self._start_idle_work)
        elif not self.busy():
            self.idle.emit()

    def _start_idle_work(self) -> None:
        while self._when_idle and not self.active:
            self._when_idle.pop(0)()
        if not self.busy():
            self.idle.emit()

    def busy(self) -> bool:
        """Whether any job is still running or waiting (or work is waiting for the worker)."""
        return bool(self.active) or bool(self._when_idle)

    def shutdown(self, timeout_ms: int = 30_000) -> None:
        """Ask every job to stop and wait for the worker (before the database closes)."""
        self._when_idle.clear()
        for task in list(self.active):
            task.cancel()
        self.pool.waitForDone(timeout_ms)
