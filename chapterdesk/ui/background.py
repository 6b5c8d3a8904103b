"""Run one short blocking call (a connection test, a ping) off the UI thread.

The call runs on Qt's global thread pool; its outcome comes back to the UI
thread as a signal, so no widget is ever touched from the worker. Used by the
connect dialog and the lost-connection banner; longer jobs with progress and
cancel belong to the application's general background-operation helper.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class CallRelay(QObject):
    """Lives on the UI thread; carries the worker's outcome back as `finished(ok, value)`."""

    finished = Signal(bool, object)


class _Call(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: CallRelay) -> None:
        super().__init__()
        self.work = work
        self.relay = relay

    def run(self) -> None:
        try:
            value = self.work()
        except Exception as exc:  # handed to the UI thread, which decides what to show
            self.relay.finished.emit(False, exc)
        else:
            self.relay.finished.emit(True, value)


def run_off_ui_thread(
    work: Callable[[], Any], done: Callable[[bool, Any], None], parent: QObject
) -> CallRelay:
    """Start `work` on a pool thread; `done(ok, value_or_exception)` runs on the UI thread."""
    relay = CallRelay(parent)
    relay.finished.connect(done)
    relay.finished.connect(relay.deleteLater)
    QThreadPool.globalInstance().start(_Call(work, relay))
    return relay
