"""The one seam through which every modal dialog is shown.

Pages never call QMessageBox, QFileDialog, QInputDialog or `dialog.exec()`
directly: they call these functions, which tests replace (pytest-qt's
note_dialogs pattern) so a flow runs to the end without a human.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox, QWidget

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

TITLE = "ChapterDesk"


def inform(parent: QWidget | None, text: str, title: str = TITLE) -> None:
    """Tell the officer something happened."""
    QMessageBox.information(parent, title, text)


def warn(parent: QWidget | None, text: str, title: str = TITLE) -> None:
    """Tell the officer why an action was refused or could not be done."""
    QMessageBox.warning(parent, title, text)


def error(parent: QWidget | None, text: str, title: str = TITLE) -> None:
    """Report an unexpected failure."""
    QMessageBox.critical(parent, title, text)


def confirm(parent: QWidget | None, text: str, title: str = TITLE) -> bool:
    """Ask a yes/no question; True for yes."""
    answer = QMessageBox.question(parent, title, text)
    return answer == QMessageBox.StandardButton.Yes


def save_changes(parent: QWidget | None, text: str, title: str = TITLE) -> str:
    """Ask what to do with unsaved edits: "save", "discard" or "cancel" (stay with them)."""
    buttons = QMessageBox.StandardButton
    answer = QMessageBox.question(
        parent, title, text, buttons.Save | buttons.Discard | buttons.Cancel, buttons.Save
    )
    return {buttons.Save: "save", buttons.Discard: "discard"}.get(answer, "cancel")


def text(parent: QWidget | None, label: str, value: str = "", title: str = TITLE) -> str | None:
    """Ask for one line of text; None when cancelled."""
    result, ok = QInputDialog.getText(parent, title, label, text=value)
    return result if ok else None


def open_file(parent: QWidget | None, caption: str, folder: str, filters: str) -> Path | None:
    """Ask for an existing file to open; None when cancelled."""
    name, _ = QFileDialog.getOpenFileName(parent, caption, folder, filters)
    return Path(name) if name else None


def save_file(parent: QWidget | None, caption: str, suggested: str, filters: str) -> Path | None:
    """Ask where to save a file; None when cancelled."""
    name, _ = QFileDialog.getSaveFileName(parent, caption, suggested, filters)
    return Path(name) if name else None


def run_dialog(dialog: QDialog) -> bool:
    """Show one of ChapterDesk's own dialogs modally; True when it was accepted."""
    return dialog.exec() == QDialog.DialogCode.Accepted


def print_dialog(parent: QWidget | None, printer: QPrinter) -> bool:
    """Let the officer choose a printer, pages and copies for `printer`; True to print."""
    from PySide6.QtPrintSupport import QPrintDialog  # loaded when first printing

    return QPrintDialog(printer, parent).exec() == QDialog.DialogCode.Accepted
