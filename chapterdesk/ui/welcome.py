"""The welcome page shown on first run, before any chapter database is open.

It offers every way in: start the officer's own chapter (then its first HQ
export, straight into the HQ Sync wizard), open a database file or a handover
package, connect to a shared database, or explore the demo chapter; and lists
the databases opened lately.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from chapterdesk.ui.icons import pixmap


class WelcomePage(QWidget):
    """Offers a new chapter, an existing database, a handover package, a server or the demo."""

    open_demo = Signal()
    new_chapter = Signal()
    open_existing = Signal()
    open_handover = Signal()
    connect_shared = Signal()
    open_recent = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Welcome page")
        logo = QLabel()
        size = self.fontMetrics().height() * 4
        logo.setPixmap(pixmap("app", size * 2))
        logo.setScaledContents(True)
        logo.setFixedSize(size, size)
        title = QLabel("Welcome to ChapterDesk")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 2)
        font.setBold(True)
        title.setFont(font)
        intro = QLabel(
            "Keep your chapter's roster, check every member's standing with the international "
            "association, and take in the spreadsheets HQ sends — all on this computer, "
            "online or not.\nHow would you like to start?"
        )
        intro.setWordWrap(True)
        intro.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.new_button = self._button(
            "&Start your chapter…",
            "Name your chapter, choose its currency and dues year, then bring in HQ's export.",
            self.new_chapter,
        )
        self.open_button = self._button(
            "&Open a database…", "A ChapterDesk database file on this computer.",
            self.open_existing,
        )
        self.handover_button = self._button(
            "Open a &handover package…",
            "The sealed package (.cdh) the previous officer handed over, and its passphrase.",
            self.open_handover,
        )
        self.connect_button = self._button(
            "&Connect to a shared database…",
            "The chapter's PostgreSQL server, shared by its officers.",
            self.connect_shared,
        )
        self.demo_button = self._button(
            "Explore a &demo chapter",
            "A made-up chapter of 600 members to explore safely.",
            self.open_demo,
        )
        self.recent_label = QLabel("&Recent databases")
        self.recent = QListWidget()
        self.recent.setAccessibleName("Recent databases")
        self.recent_label.setBuddy(self.recent)
        self.recent.itemActivated.connect(self._recent_chosen)
        width = self.fontMetrics().averageCharWidth() * 40
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(logo, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(12)
        layout.addWidget(title, 0, Qt.AlignmentFlag.AlignHCenter)
        intro.setFixedWidth(width * 2)
        # A wrapped label placed with an alignment gets its one-line height: give it all lines.
        intro.setFixedHeight(intro.heightForWidth(width * 2))
        layout.addWidget(intro, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(18)
        buttons = QGridLayout()
        buttons.setHorizontalSpacing(12)
        self.new_button.setMinimumWidth(width * 2 + 12)
        buttons.addWidget(self.new_button, 0, 0, 1, 2)
        buttons.addWidget(self.open_button, 1, 0)
        buttons.addWidget(self.handover_button, 1, 1)
        buttons.addWidget(self.connect_button, 2, 0)
        buttons.addWidget(self.demo_button, 2, 1)
        for button in (self.open_button, self.handover_button, self.connect_button,
                       self.demo_button):
            button.setMinimumWidth(width)
        layout.addLayout(buttons)
        layout.setAlignment(buttons, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(18)
        self.recent.setFixedWidth(width * 2 + 12)
        layout.addWidget(self.recent_label, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.recent, 0, Qt.AlignmentFlag.AlignHCenter)
        self.new_button.setDefault(True)
        layout.addStretch(3)
        self.show_recent([])

    def _button(self, text: str, tip: str, signal: SignalInstance) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.setMinimumHeight(self.fontMetrics().height() * 2 + 8)
        button.clicked.connect(signal)
        return button

    def show_recent(self, paths: list[Path]) -> None:
        """List the databases opened lately (the list and its label hide when there are none)."""
        self.recent.clear()
        for path in paths:
            item = QListWidgetItem(f"{path.name}  —  {path.parent}")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(str(path))
            self.recent.addItem(item)
        rows = min(len(paths), 6)  # as tall as the list (scrolling past six)
        line = self.recent.sizeHintForRow(0) if paths else 0
        self.recent.setFixedHeight(line * rows + 2 * self.recent.frameWidth() + 4)
        self.recent.setVisible(bool(paths))
        self.recent_label.setVisible(bool(paths))

    def _recent_chosen(self, item: QListWidgetItem) -> None:
        self.open_recent.emit(str(item.data(Qt.ItemDataRole.UserRole)))
