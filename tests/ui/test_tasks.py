"""The background-operation helper: work off the UI thread, with progress, cancel and errors."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from chapterdesk.errors import RuleRefusedError
from chapterdesk.ui.tasks import Cancelled, TaskRunner
from tests.ui.conftest import Asked

WAIT_S = 15  # upper bounds only: every wait below ends as soon as its condition holds
WAIT_MS = WAIT_S * 1000


@pytest.fixture
def runner() -> Any:
    """A task runner, shut down (its worker joined) after the test."""
    made = TaskRunner()
    yield made
    made.shutdown()


def test_the_event_loop_keeps_turning_while_a_job_runs(
    qtbot: QtBot, asked: Asked, runner: TaskRunner
) -> None:
    # The job only finishes once the UI thread has served its timer several times and
    # shown the progress dialog: it could not, were the job blocking the event loop.
    ticks: list[int] = []
    turned, dialog_seen = threading.Event(), threading.Event()

    def tick() -> None:
        ticks.append(1)
        if len(ticks) >= 5:
            turned.set()

    timer = QTimer(interval=20)
    timer.timeout.connect(tick)
    timer.start()
    seen: dict[str, Any] = {}

    def job(progress: Any, cancelled: Any) -> str:
        seen["thread"] = threading.get_ident()
        progress("Working", 1, 10)
        seen["turned"] = turned.wait(WAIT_S)
        seen["dialog"] = dialog_seen.wait(WAIT_S)
        return "done"

    results: list[str] = []
    task = runner.run(job, title="A long job", on_done=results.append)
    qtbot.waitUntil(lambda: task.dialog is not None, timeout=WAIT_MS)  # shown after 600 ms
    assert task.dialog.labelText().startswith("A long job")
    dialog_seen.set()
    qtbot.waitUntil(lambda: results == ["done"], timeout=WAIT_MS)
    timer.stop()
    assert seen["turned"] and seen["dialog"]
    assert seen["thread"] != threading.get_ident()
    assert not runner.busy()


def test_a_quick_job_shows_no_progress_dialog(
    qtbot: QtBot, asked: Asked, runner: TaskRunner
) -> None:
    results: list[int] = []
    task = runner.run(lambda _p, _c: 42, title="Quick", on_done=results.append)
    # The dialog's 600 ms timer belongs to the task: once the finished task is deleted,
    # the timer is gone with it and no dialog can ever appear.
    with qtbot.waitSignal(task.destroyed, timeout=WAIT_MS):
        pass
    assert results == [42]
    assert not task.running and task.dialog is None
    assert not runner.busy()


def test_the_runner_says_when_it_is_idle(qtbot: QtBot, asked: Asked, runner: TaskRunner) -> None:
    gate = threading.Event()
    runner.run(lambda _p, _c: gate.wait(WAIT_S), title="First", on_done=lambda _r: None,
               show_progress=False)
    runner.run(lambda _p, _c: None, title="Second", on_done=lambda _r: None, show_progress=False)
    emitted: list[bool] = []
    runner.idle.connect(lambda: emitted.append(runner.busy()))
    with qtbot.waitSignal(runner.idle, timeout=WAIT_MS):
        gate.set()
    assert emitted == [False]  # once, after the second job, not after the first


def test_cancel_stops_the_job_and_reports_nothing(
    qtbot: QtBot, asked: Asked, runner: TaskRunner
) -> None:
    results: list[str] = []
    noticed = threading.Event()

    def job(_progress: Any, cancelled: Any) -> str:
        # runs until cancelled (bounded, so a broken Cancel fails the test instead of hanging it)
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            if cancelled():
                noticed.set()
                raise Cancelled
            noticed.wait(0.01)
        return "finished"

    task = runner.run(job, title="Cancellable", on_done=results.append)
    qtbot.waitUntil(lambda: task.dialog is not None, timeout=WAIT_MS)
    qtbot.mouseClick(task.dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not runner.busy(), timeout=WAIT_MS)
    assert noticed.is_set()
    assert results == [] and asked.messages == []


def test_a_refusal_is_shown_as_its_sentence(qtbot: QtBot, asked: Asked, runner: TaskRunner) -> None:

    def job(_p: Any, _c: Any) -> None:
        raise RuleRefusedError("Dues are not refundable; record a reversing entry instead.")

    runner.run(job, title="Refund", on_done=lambda _r: None)
    qtbot.waitUntil(lambda: not runner.busy())
    assert asked.texts("warn") == ["Dues are not refundable; record a reversing entry instead."]


def test_an_unexpected_error_is_logged_and_the_dialog_says_where(
    qtbot: QtBot, asked: Asked, runner: TaskRunner
) -> None:

    def job(_p: Any, _c: Any) -> None:
        raise ZeroDivisionError("a bug in the sums")

    runner.run(job, title="Sums", on_done=lambda _r: None)
    qtbot.waitUntil(lambda: not runner.busy())
    (text,) = asked.texts("error")
    assert "ZeroDivisionError: a bug in the sums" in text
    log = Path(text.split("were written to ")[1].split(";")[0])
    assert log.name == "chapterdesk.log"
    assert "ZeroDivisionError: a bug in the sums" in log.read_text(encoding="utf-8")
    assert "Traceback" in log.read_text(encoding="utf-8")


def test_the_gui_excepthook_logs_a_bug_and_shows_a_refusal_plainly(
    asked: Asked, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from chapterdesk.ui.tasks import install_excepthook

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    install_excepthook(lambda: None)
    try:
        raise KeyError("slot blew up")
    except KeyError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    (text,) = asked.texts("error")
    assert "KeyError" in text and "chapterdesk.log" in text
    refusal = RuleRefusedError("Purchase orders are not accepted; pay by card or check.")
    sys.excepthook(type(refusal), refusal, None)
    assert asked.texts("warn") == ["Purchase orders are not accepted; pay by card or check."]
