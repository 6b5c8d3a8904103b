"""Help → Keyboard shortcuts: every shortcut the window has, read from the window itself.

The list is not written by hand: it is every `QAction` and `QShortcut` in the
window that has a key sequence (menus, pages built so far, tables), so a new
shortcut is listed the day it is added and a removed one disappears. Keys are
shown in the platform's own words (Ctrl+Z, ⌘Z).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMenu,
    QMenuBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from chapterdesk.ui.widgets import heading


@dataclass(frozen=True)
class Shortcut:
    """One shortcut: where it works, what it does, its keys (`order`: as the menus list it)."""

    where: str
    what: str
    keys: str
    order: tuple[int, int] = (1 << 16, 0)


def _plain(text: str) -> str:
    """A menu text without its mnemonic marks or trailing dots: "&Import…" → "Import"."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def _where(owner: QWidget | None, window: QWidget) -> str:
    """The menu or page a shortcut belongs to, as the sidebar and the menu bar name them."""
    widget = owner
    while widget is not None and widget is not window:
        if isinstance(widget, QMenu):
            return f"{_plain(widget.title())} menu"
        title = getattr(widget, "title", None)
        if isinstance(title, str) and title and hasattr(widget, "key"):
            return f"{title} page"
        widget = widget.parentWidget()
    return "Everywhere"


def window_shortcuts(window: QWidget) -> list[Shortcut]:
    """Every shortcut of the window's actions and shortcut objects, menus first, by place."""
    found: dict[tuple[str, str], Shortcut] = {}
    bar = window.findChild(QMenuBar)
    menu_order = [a.menu() for a in bar.actions()] if bar is not None else []
    for action in window.findChildren(QAction):
        keys = [k for k in action.shortcuts() if not k.isEmpty()]
        if not keys or not action.text():
            continue
        menus = [w for w in action.associatedObjects() if isinstance(w, QMenu)]
        owner = menus[0] if menus else action.parent()
        where = _where(owner if isinstance(owner, QWidget) else None, window)
        text = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys)
        order = ((menu_order.index(menus[0]), menus[0].actions().index(action))
                 if menus and menus[0] in menu_order else (1 << 16, 0))
        found.setdefault((where, text), Shortcut(where, _plain(action.text()), text, order))
    for button in window.findChildren(QAbstractButton):
        key = button.shortcut()
        if key.isEmpty() or key == QKeySequence.mnemonic(button.text()):
            continue  # Alt+letter of the button's own text: see the note below the table
        where = _where(button, window)
        text = key.toString(QKeySequence.SequenceFormat.NativeText)
        what = button.accessibleName() or button.toolTip() or _plain(button.text())
        found.setdefault((where, text), Shortcut(where, what, text))
    for shortcut in window.findChildren(QShortcut):
        key = shortcut.key()
        what = shortcut.whatsThis()
        if key.isEmpty() or not what:
            continue
        parent = shortcut.parent()
        where = _where(parent if isinstance(parent, QWidget) else None, window)
        text = key.toString(QKeySequence.SequenceFormat.NativeText)
        found.setdefault((where, text), Shortcut(where, what, text))
    merged: dict[tuple[str, str], Shortcut] = {}  # one line per action: "Return, Enter"
    for item in found.values():
        same = merged.get((item.where, item.what))
        merged[(item.where, item.what)] = (
            item if same is None else Shortcut(item.where, item.what,
                                               f"{same.keys}, {item.keys}", same.order))
    return sorted(merged.values(), key=lambda s: (s.order, s.where, s.what))


class ShortcutsDialog(QDialog):
    """The keyboard shortcuts of the window, in a table the officer can read or print."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts")
        self.shortcuts = window_shortcuts(window)
        self.table = QTableWidget(len(self.shortcuts), 3)
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setHorizontalHeaderLabels(["Where", "What", "Keys"])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for row, item in enumerate(self.shortcuts):
            for column, text in enumerate((item.where, item.what, item.keys)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        note = QLabel(
            "Alt with an underlined letter presses that button or opens that menu; Tab and "
            "Shift+Tab move between controls; in a list, the arrow keys move and Enter opens."
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Keyboard shortcuts"))
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        char = self.fontMetrics().averageCharWidth()
        line = self.fontMetrics().lineSpacing()
        rows = (self.fontMetrics().height() + 6) * (len(self.shortcuts) + 1)
        self.resize(char * 90, min(rows + line * 8, line * 44))
