"""A modal dialog whose OK makes a change on the database worker, not on the UI thread.

On OK the dialog locks its buttons (and whatever else would start the change
again), hands the service call to the worker (`AppContext.change`) and stays
open: it closes when the change is committed, or shows the refusal inline, in
the service's own sentence, with everything the officer typed still there.
While a change is on its way the dialog cannot be cancelled or closed: the
change will land either way, and the page must hear of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QWidget

from chapterdesk.errors import ChapterDeskError
from chapterdesk.ui.tasks import Task
from chapterdesk.ui.widgets import message_label, show_message

T = TypeVar("T")


class Changer(Protocol):
    """What runs a change on the worker: the window's `AppContext` (or its `TaskRunner`)."""

    def change(
        self,
        parent: QWidget | None,
        title: str,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[ChapterDeskError], None] | None = None,
    ) -> Task: ...


class ChangeDialog(QDialog):
    """A dialog that saves through the worker: locked while saving, refusals shown inline."""

    def __init__(self, changer: Changer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.changer = changer
        self.message: QLabel = message_label()
        self.saving = False
        self._locked: list[QWidget] = []
        self._was_enabled: list[bool] = []
        self._focus: QWidget | None = None

    def lock_while_saving(self, *widgets: QWidget) -> None:
        """The widgets disabled while a change is on its way (the buttons, say)."""
        self._locked.extend(widgets)

    def save_on_worker(
        self, title: str, work: Callable[[], T], on_done: Callable[[T], None]
    ) -> Task:
        """Run `work` (a service call) on the worker; `on_done(result)` then runs here.

        A refusal is shown in the dialog's message line and the dialog stays open.
        """
        self._set_saving(True)
        task = self.changer.change(self, title, work, on_done, self.refuse)
        task.done.connect(lambda: self._set_saving(False))
        return task

    def refuse(self, exc: ChapterDeskError | str) -> None:
        """Show why the change was refused, in the dialog (nothing was written)."""
        text = exc if isinstance(exc, str) else exc.message
        show_message(self.message, text, error=True)
        self.adjustSize()

    def _set_saving(self, saving: bool) -> None:
        if saving == self.saving:
            return
        self.saving = saving
        if saving:
            focus = QApplication.focusWidget()
            self._focus = focus if focus is not None and self.isAncestorOf(focus) else None
            self._was_enabled = [w.isEnabled() for w in self._locked]
            for widget in self._locked:
                widget.setEnabled(False)
        else:
            for widget, enabled in zip(self._locked, self._was_enabled, strict=True):
                widget.setEnabled(enabled)
            if self._focus is not None and self._focus.isEnabled():
                self._focus.setFocus()  # where the officer was, as disabling moved it

    def reject(self) -> None:
        if not self.saving:  # a change on its way lands anyway: wait for it
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.saving:
            event.ignore()
            return
        super().closeEvent(event)
