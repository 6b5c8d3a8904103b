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


@pytest.fixture
def runner() -> Any:
    """A task runner, shut down (its worker joined) after the test."""
    made = TaskRunner()
    yield made
    made.shutdown()


def test_the_event_loop_keeps_turning_while_a_job_runs(
    qtbot: QtBot, asked: Asked, runner: TaskRunner
) -> None:
    ticks: list[float] = []
    timer = QTimer(interval=20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    seen: dict[str, Any] = {}

    def job(progress: Any, cancelled: Any) -> str:
        seen["thread"] = threading.get_ident()
        for step in range(10):
            progress("Working", step, 10)
            time.sleep(0.12)
        return "done"

    results: list[str] = []
    task = runner.run(job, title="A long job", on_done=results.append)
    qtbot.waitUntil(lambda: task.dialog is not None, timeout=3000)  # shown after 600 ms
    assert task.dialog.labelText().startswith("A long job")
    qtbot.waitUntil(lambda: results == ["done"], timeout=5000)
    timer.stop()
    assert seen["thread"] != threading.get_ident()
    assert len(ticks) >= 20  # the UI thread kept serving its timer for the whole 1.2 s
    assert not runner.busy()


def test_a_quick_job_shows_no_progress_dialog(
    qtbot: QtBot, asked: Asked, runner: TaskRunner
) -> None:
    results: list[int] = []
    task = runner.run(lambda _p, _c: 42, title="Quick", on_done=results.append)
    qtbot.waitUntil(lambda: results == [42])
    qtbot.wait(700)
    assert not task.running and task.dialog is None


def test_cancel_stops_the_job_and_reports_nothing(
    qtbot: QtBot, asked: Asked, runner: TaskRunner
) -> None:
    results: list[str] = []

    def job(_progress: Any, cancelled: Any) -> str:
        for _ in range(200):
            if cancelled():
                raise Cancelled
            time.sleep(0.02)
        return "finished"

    task = runner.run(job, title="Cancellable", on_done=results.append)
    qtbot.waitUntil(lambda: task.dialog is not None, timeout=3000)
    qtbot.mouseClick(task.dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not runner.busy(), timeout=3000)
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
