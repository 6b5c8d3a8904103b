"""A banner over the window while the shared database is out of reach; it retries on its own.

When a service call fails because the server went away
(`chapterdesk.data.engine.is_disconnect`), the window calls
`connection_lost()`. The banner shows "Lost connection to the shared database
— retrying…", tries the database again off the UI thread after 1 s, 2 s,
4 s … (at most 30 s, with a little jitter so a room of laptops does not knock
at once), and hides itself and emits `restored` once it answers. It touches no
form, so whatever the officer was typing stays where it is; "Retry now" tries
at once.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from chapterdesk.ui.background import run_off_ui_thread
from chapterdesk.ui.widgets import warning_colours

MESSAGE = "Lost connection to the shared database — retrying…"


class ConnectionBanner(QFrame):
    """Shown while the database is unreachable; retries `probe` with backoff until it succeeds."""

    #: The database answered again; the banner is hidden.
    restored = Signal()
    #: An attempt failed: (attempt number, seconds until the next one).
    attempt_failed = Signal(int, float)

    def __init__(
        self,
        probe: Callable[[], None],
        parent: QWidget | None = None,
        *,
        first_delay_ms: int = 1000,
        max_delay_ms: int = 30_000,
    ) -> None:
        super().__init__(parent)
        self.probe = probe
        self.first_delay_ms = first_delay_ms
        self.max_delay_ms = max_delay_ms
        self.attempts = 0
        self._delay_ms = first_delay_ms
        self._in_flight = False
        self.setObjectName("connectionBanner")
        warning = warning_colours()  # readable on a dark palette too
        self.setStyleSheet(
            f"#connectionBanner {{ background: {warning.background}; "
            f"border: 1px solid {warning.border}; }} "
            f"#connectionBanner QLabel {{ color: {warning.text}; }}"
        )
        self.label = QLabel(MESSAGE)
        self.label.setAccessibleName("Connection problem")
        self.detail = QLabel()
        self.retry_button = QPushButton("Retry &now")
        self.retry_button.clicked.connect(self.retry_now)
        layout = QHBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.detail, 1)
        layout.addWidget(self.retry_button)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._attempt)
        self.hide()

    @property
    def retrying(self) -> bool:
        """Whether the banner is up and trying to reach the database."""
        return not self.isHidden()

    def connection_lost(self) -> None:
        """Show the banner and start retrying (a second call while retrying changes nothing)."""
        if self.retrying:
            return
        self.attempts = 0
        self._delay_ms = self.first_delay_ms
        self.detail.setText("")
        self.show()
        self.timer.start(self._delay_ms)

    def retry_now(self) -> None:
        """Try at once instead of waiting for the next attempt."""
        self.timer.stop()
        self._attempt()

    def _attempt(self) -> None:
        if self._in_flight or not self.retrying:
            return
        self._in_flight = True
        self.attempts += 1
        run_off_ui_thread(self.probe, self._answered, self)

    def _answered(self, ok: bool, _value: Any) -> None:
        self._in_flight = False
        if not self.retrying:
            return
        if ok:
            self.hide()
            self.restored.emit()
            return
        self._delay_ms = min(self._delay_ms * 2, self.max_delay_ms)
        wait_ms = int(self._delay_ms * random.uniform(0.8, 1.0))
        self.detail.setText(f"attempt {self.attempts} failed; next in {wait_ms / 1000:.0f} s")
        self.timer.start(wait_ms)
        self.attempt_failed.emit(self.attempts, wait_ms / 1000)
