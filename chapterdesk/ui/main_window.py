"""The main window: the roster of the open chapter, with its standing counts."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from chapterdesk.data.engine import Database
from chapterdesk.services import roster
from chapterdesk.services.chapter import chapter_info, hq_data_status
from chapterdesk.standing import Standing
from chapterdesk.ui.roster_model import RosterTableModel


class MainWindow(QMainWindow):
    """Shows the chapter roster with search, standings and HQ data age."""

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        info = chapter_info(db)
        self.setWindowTitle(f"{info.name} — ChapterDesk")
        self.model = RosterTableModel()

        central = QWidget(self)
        layout = QVBoxLayout(central)
        self.heading = QLabel(f"<h2>{info.name}</h2>")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search name, HQ ID, e-mail or employer  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search the roster")
        self.search.textChanged.connect(self.refresh)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Chapter roster")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.heading)
        layout.addWidget(self.search)
        layout.addWidget(self.table)
        self.setCentralWidget(central)

        find = QAction("&Find", self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(lambda: self.search.setFocus(Qt.FocusReason.ShortcutFocusReason))
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(quit_action)
        edit_menu = self.menuBar().addMenu("&Edit")
        edit_menu.addAction(find)

        self.counts_label = QLabel()
        self.age_label = QLabel()
        self.statusBar().addWidget(QLabel(db.location.display()))
        self.statusBar().addPermanentWidget(self.counts_label)
        self.statusBar().addPermanentWidget(self.age_label)
        self.refresh()
        self._restore_geometry()

    def refresh(self) -> None:
        """Re-read the roster (filtered by the search box) and the status bar figures."""
        entries = roster.list_members(self.db, search=self.search.text() or None)
        self.model.set_entries(entries)
        self.table.resizeColumnsToContents()
        counts = roster.standing_counts(self.db)
        self.counts_label.setText(
            "  ".join(f"{s.label}: {counts[s]}" for s in Standing)
            + f"   ({len(entries)} shown)"
        )
        age = hq_data_status(self.db, dt.date.today())
        self.age_label.setText(age.describe())
        self.age_label.setStyleSheet("color: #b3261e; font-weight: bold;" if age.stale else "")

    def _restore_geometry(self) -> None:
        geometry = QSettings().value("main_window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1200, 760)

    def closeEvent(self, event: object) -> None:
        QSettings().setValue("main_window/geometry", self.saveGeometry())
        super().closeEvent(event)  # type: ignore[arg-type]
