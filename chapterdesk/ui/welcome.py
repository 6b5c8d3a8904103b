"""The welcome page shown on first run, before any chapter database exists."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from chapterdesk.ui.icons import pixmap


class WelcomePage(QWidget):
    """Offers the demo chapter, a new chapter, or an existing database."""

    open_demo = Signal()
    new_chapter = Signal()
    open_existing = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Welcome page")
        logo = QLabel()
        size = self.fontMetrics().height() * 5
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
        self.demo_button = QPushButton("Open the &demo chapter")
        self.demo_button.setToolTip("A made-up chapter of 600 members to explore safely.")
        self.new_button = QPushButton("Start a &new chapter…")
        self.new_button.setToolTip("Name your chapter, choose its currency and dues year.")
        self.open_button = QPushButton("&Open an existing database…")
        self.open_button.setToolTip("A ChapterDesk database another officer handed over.")
        self.demo_button.clicked.connect(self.open_demo)
        self.new_button.clicked.connect(self.new_chapter)
        self.open_button.clicked.connect(self.open_existing)
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
        for button in (self.new_button, self.demo_button, self.open_button):
            button.setMinimumWidth(width)
            button.setMinimumHeight(self.fontMetrics().height() * 2 + 8)
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.new_button.setDefault(True)
        layout.addStretch(3)
