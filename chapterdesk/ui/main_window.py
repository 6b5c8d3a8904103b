"""The main window: a sidebar of pages, menus and shortcuts, and a status bar about the chapter.

With no database yet it shows the welcome page; once a chapter is open it
lists the registered pages (`chapterdesk.ui.pages.PAGES`) in the sidebar and
builds each one the first time it is opened (`LazyPages`), so start-up pays for
the page shown and nothing else. The status bar shows where the database is,
how old the HQ data is (in a warning colour when stale) and the standing
counts, re-read off the UI thread whenever the data changes; the first read
waits until the page shown has its own data on screen.
"""

from __future__ import annotations

import gc
import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from chapterdesk import __version__
from chapterdesk.data.engine import Database
from chapterdesk.data.migrate import open_database
from chapterdesk.errors import ChapterDeskError
from chapterdesk.paths import data_dir, demo_db_path
from chapterdesk.services.roster import first_view as first_view
from chapterdesk.standing import Standing
from chapterdesk.ui import ask, settings
from chapterdesk.ui.colours import scheme
from chapterdesk.ui.connection_watch import watch_connection
from chapterdesk.ui.icons import icon
from chapterdesk.ui.lazy_pages import LazyPages
from chapterdesk.ui.pages import PageEntry, page_entries
from chapterdesk.ui.pages.base import AppContext, Page
from chapterdesk.ui.recent import recent_databases, remember_database
from chapterdesk.ui.safety_actions import SafetyActions
from chapterdesk.ui.tasks import TaskRunner
from chapterdesk.ui.welcome import WelcomePage

if TYPE_CHECKING:
    from chapterdesk.services.chapter import HqDataAge
    from chapterdesk.services.chapter_values import ChapterInfo

DB_FILTER = "ChapterDesk database (*.sqlite3 *.sqlite *.db);;All files (*)"


def _may_leave(page: Any) -> bool:
    """Whether a page lets the officer leave it (`Page.may_leave`; a page without it: yes)."""
    leave = getattr(page, "may_leave", None)
    return leave is None or bool(leave())


class MainWindow(QMainWindow):
    """ChapterDesk's one window."""

    def __init__(self, db: Database | None = None, *, welcome: bool = True) -> None:
        """The window on `db`, or on the welcome page (`welcome=False`: a chapter opens next)."""
        super().__init__()
        self.setWindowIcon(icon("app"))
        self.tasks = TaskRunner(self)
        self.ctx: AppContext | None = None
        self.pages = LazyPages([], self._build_page)
        self.sidebar = QListWidget()
        self.sidebar.setAccessibleName("Pages")
        self.sidebar.setIconSize(QSize(28, 28))
        self.sidebar.setSpacing(2)
        self.sidebar.setStyleSheet(
            "QListWidget { border: none; background: palette(window); padding-top: 8px; "
            "outline: 0; }"
            "QListWidget::item { padding: 8px 10px; border-radius: 6px; }"
            "QListWidget::item:selected { background: palette(highlight); "
            "color: palette(highlighted-text); }"
        )
        self.sidebar.currentRowChanged.connect(self._sidebar_changed)
        self.stack = QStackedWidget()
        self._welcome: WelcomePage | None = None  # built when first shown
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.connection_banner = watch_connection(self)
        self._build_menus()
        self.location_label = QLabel()
        self.location_label.setAccessibleName("Database location")
        self.age_label = QLabel()
        self.age_label.setAccessibleName("HQ data age")
        self.counts_label = QLabel()
        self.counts_label.setAccessibleName("Standing counts")
        self.statusBar().addWidget(self.location_label, 1)
        self.statusBar().addPermanentWidget(self.counts_label)
        self.statusBar().addPermanentWidget(self.age_label)
        self.hq_age: HqDataAge | None = None
        self._restore_geometry()
        if db is not None:
            self.set_database(db)
        elif welcome:
            self.show_welcome()

    # -- menus ----------------------------------------------------------------------
    def _action(self, text: str, slot: Any, shortcut: Any = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self._action("&New database…", self.new_database,
                                         QKeySequence.StandardKey.New))
        file_menu.addAction(self._action("&Open database…", self.open_existing,
                                         QKeySequence.StandardKey.Open))
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addAction(self._action("Open the &demo chapter", self.open_demo))
        file_menu.addSeparator()
        self.import_action = self._action("&Import an HQ export…", self.import_hq_export,
                                          QKeySequence("Ctrl+I"))
        file_menu.addAction(self.import_action)
        file_menu.addSeparator()
        self.print_action = self._action("&Print the report…", self.print_report,
                                         QKeySequence.StandardKey.Print)
        file_menu.addAction(self.print_action)
        self.safety = SafetyActions(self)
        self.safety.add_to(file_menu)
        file_menu.addSeparator()
        quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        file_menu.addAction(quit_action)

        edit_menu = bar.addMenu("&Edit")
        self.undo_action = self._action("&Undo", self.undo, QKeySequence.StandardKey.Undo)
        self.redo_action = self._action("&Redo", self.redo, QKeySequence("Ctrl+Shift+Z"))
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        self.find_action = self._action("&Find member", self.find_member,
                                        QKeySequence.StandardKey.Find)
        edit_menu.addAction(self.find_action)
        self.copy_emails_action = self._action("Copy e-&mails of the selection", self.copy_emails,
                                               QKeySequence("Ctrl+Shift+C"))
        edit_menu.addAction(self.copy_emails_action)
        self.view_menu = bar.addMenu("&View")
        help_menu = bar.addMenu("&Help")
        self.shortcuts_action = self._action("&Keyboard shortcuts", self.show_shortcuts,
                                             QKeySequence("Ctrl+/"))
        help_menu.addAction(self.shortcuts_action)
        help_menu.addAction(self._action("&About ChapterDesk", self.about))
        self.chapter_actions = [self.find_action, self.copy_emails_action, self.import_action,
                                self.print_action, *self.safety.chapter_actions]

    # -- databases ------------------------------------------------------------------
    @property
    def welcome(self) -> WelcomePage:
        """The first-run page (built the first time it is needed)."""
        if self._welcome is None:
            self._welcome = WelcomePage()
            self._welcome.open_demo.connect(self.open_demo)
            self._welcome.new_chapter.connect(self.start_chapter)
            self._welcome.open_existing.connect(self.open_existing)
            self._welcome.open_handover.connect(self.safety.open_handover)
            self._welcome.connect_shared.connect(self.safety.connect_shared)
            self._welcome.open_recent.connect(lambda path: self.open_path(Path(path)))
            self.stack.insertWidget(0, self._welcome)
        return self._welcome

    def show_welcome(self) -> None:
        """Show the first-run page (no chapter open)."""
        self.sidebar.setVisible(False)
        self.welcome.show_recent(recent_databases())
        self.stack.setCurrentWidget(self.welcome)
        self.setWindowTitle("ChapterDesk")
        self.location_label.setText("No chapter open")
        for action in self.chapter_actions:
            action.setEnabled(False)

    def set_database(self, db: Database) -> None:
        """Show a chapter database: build the pages on it and the status bar figures."""
        # Refuses a database with no chapter, before anything changes (no SQLAlchemy needed).
        info = first_view.chapter_info(db)
        old = self.ctx
        if old is not None:
            gc.unfreeze()  # the old chapter's pages may now be collected (see _settle)
            self.tasks.shutdown()
            old.detach()
            for page in self.pages.built().values():
                self.stack.removeWidget(page)
                page.deleteLater()
            old.deleteLater()
            if old.db is not db:
                old.db.dispose()
        self.ctx = ctx = AppContext(db, self.tasks, self)
        ctx.know_officer(info.officer_name)
        ctx.navigate.connect(self.go_to)
        # The counts, the HQ data's age and the chapter's name (in the title).
        ctx.on_changes(ctx, ("roster", "imports", "settings"), lambda _c: self.update_status())
        ctx.status_message.connect(self._status_message)
        ctx.undo.canUndoChanged.connect(self.undo_action.setEnabled)
        ctx.undo.canRedoChanged.connect(self.redo_action.setEnabled)
        ctx.undo.undoTextChanged.connect(self._undo_text)
        ctx.undo.redoTextChanged.connect(self._redo_text)
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)
        self.pages = LazyPages(page_entries(), self._build_page)
        last = settings.LAST_PAGE.get()
        first = last if last in self.pages else "dashboard"
        self.pages[first]  # built first: what it reads starts while the rest is built
        self.sidebar.blockSignals(True)
        self.sidebar.clear()
        self.view_menu.clear()
        for number, entry in enumerate(self.pages.entries(), start=1):
            item = QListWidgetItem(icon(entry.icon_name), entry.title)
            item.setData(Qt.ItemDataRole.UserRole, entry.key)
            item.setToolTip(f"{entry.title} (Ctrl+{number})" if number <= 9 else entry.title)
            self.sidebar.addItem(item)
            action = self._action(f"&{number} {entry.title}" if number <= 9 else entry.title,
                                  lambda _=False, k=entry.key: self.go_to(k))
            if number <= 9:
                action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.setIcon(icon(entry.icon_name))
            self.view_menu.addAction(action)
        self.sidebar.setFixedWidth(self.sidebar.sizeHintForColumn(0) + 36)
        self.sidebar.blockSignals(False)
        self.sidebar.setVisible(True)
        for action in self.chapter_actions:
            action.setEnabled(True)
        self.setWindowTitle(f"{info.name} — ChapterDesk")
        self.location_label.setText(f"Database: {db.location.display()}")
        if db.location.path is not None:
            settings.LAST_DATABASE.set(str(db.location.path))
            if db.location.path != demo_db_path():
                remember_database(db.location.path)
        self.go_to(first)
        # After the page shown has read what it shows: the counts can wait a moment.
        self.tasks.when_idle(self.update_status)
        self.tasks.when_idle(self._warm_up)
        self.tasks.when_idle(self._settle)

    def _warm_up(self) -> None:
        """Import the pages' modules on the worker while the officer looks at the first page.

        A page is built the first time it is opened, and building the Dues page
        imported the dues services and SQLAlchemy's models on the UI thread: over
        100 ms on a 2-core laptop before the page could show. Imported here, on the
        worker, once the first page has been read and painted, opening any page
        later only builds its widgets. Nothing is created: the modules' classes
        are built where they are first used, on the UI thread. Then the Dues
        page's first figures are read ahead (`AppContext.prefetched`, dropped by
        any change), so its first opening shows them without waiting.
        """
        modules = [entry.module for entry in page_entries() if entry.key not in self.pages.built()]
        ctx = self.ctx
        read_dues = ctx is not None and "dues" not in self.pages.built()
        seen = ctx.changes_seen if ctx is not None else 0

        def job(_progress: Any, cancelled: Any) -> Any:
            for name in modules:
                if cancelled():
                    return None
                importlib.import_module(name)
            if read_dues and ctx is not None and not cancelled():
                # the Dues page's first figures (the year, the rates and employers: about
                # 0.1 s at 50,000 members), so that opening it paints them at once
                return importlib.import_module("chapterdesk.ui.pages.dues").read_opening(ctx.db)
            return None

        def done(found: Any) -> None:
            if (found is not None and ctx is not None and ctx is self.ctx
                    and ctx.changes_seen == seen and "dues" not in self.pages.built()):
                ctx.prefetched["dues"] = found

        self.tasks.run(job, title="Preparing the pages", on_done=done,
                       parent=self, show_progress=False)

    def _settle(self) -> None:
        """Once the work of opening a chapter is done, spare it the cyclic garbage collector.

        By then some 90,000 long-lived objects (modules, classes, the pages) are
        loaded, and every full collection walked them all: 30-50 ms, a stall
        that landed on whichever scroll step or keystroke happened to trigger it.
        Frozen, a full collection takes well under a millisecond; objects made
        later (rows, search results) are collected as before, and reference
        counting frees frozen objects that are dropped as usual.
        """
        if self.tasks.busy():  # more of the opening's work is waiting: settle after it
            self.tasks.when_idle(self._settle)
            return
        gc.collect()
        gc.freeze()

    def _build_page(self, entry: PageEntry) -> Page:
        """Build a page the first time it is needed and put it in the stack."""
        assert self.ctx is not None, "pages exist only while a chapter is open"
        page = entry.page_class()(self.ctx)
        for view in page.findChildren(QAbstractItemView):
            view.setTabKeyNavigation(False)  # Tab leaves a table for the next control
        self.stack.addWidget(page)
        return page

    def open_path(self, path: Path) -> bool:
        """Open the chapter database at `path`; a problem is shown and False returned."""
        try:
            db = open_database(path)
        except ChapterDeskError as exc:
            ask.warn(self, exc.message)
            return False
        try:
            self.set_database(db)
        except ChapterDeskError as exc:
            db.dispose()
            ask.warn(self, exc.message)
            return False
        settings.LAST_DATABASE_FOLDER.set(str(path.parent))
        return True

    def may_close_chapter(self) -> bool:
        """Whether the chapter may be left (another database, quitting): unsaved edits asked."""
        return self.ctx is None or all(_may_leave(p) for p in self.pages.built().values())

    def open_existing(self) -> None:
        """File → Open database…"""
        if not self.may_close_chapter():
            return
        folder = settings.LAST_DATABASE_FOLDER.get() or str(data_dir())
        path = ask.open_file(self, "Open a chapter database", folder, DB_FILTER)
        if path is not None:
            self.open_path(path)

    def new_database(self) -> bool:
        """File → New database…: where to keep it, then the chapter's name and settings.

        Returns True when the new chapter is open.
        """
        if not self.may_close_chapter():
            return False
        folder = settings.LAST_DATABASE_FOLDER.get() or str(data_dir())
        path = ask.save_file(self, "Create a chapter database",
                             str(Path(folder) / "chapter.sqlite3"), DB_FILTER)
        if path is None:
            return False
        if path.suffix == "":
            path = path.with_suffix(".sqlite3")
        if path.exists() and path.stat().st_size > 0:
            ask.warn(self, f"{path} already exists; choose a new file name for a new chapter.")
            return False
        from chapterdesk.ui.dialogs import NewChapterDialog

        dialog = NewChapterDialog(path, self.tasks, self)
        if ask.run_dialog(dialog) and dialog.db is not None:
            settings.LAST_DATABASE_FOLDER.set(str(path.parent))
            self.set_database(dialog.db)
            return True
        return False

    def start_chapter(self) -> None:
        """Welcome → Start your chapter: a new chapter, then its first HQ export in HQ Sync."""
        if self.new_database():
            self.import_hq_export()

    def _fill_recent_menu(self) -> None:
        """File → Open Recent: the databases opened lately (filled each time it opens)."""
        self.recent_menu.clear()
        paths = recent_databases()
        for path in paths:
            self.recent_menu.addAction(
                self._action(str(path), lambda _=False, p=path: self.open_path(p))
            )
        if not paths:
            self.recent_menu.addAction("No recent databases").setEnabled(False)

    def open_demo(self) -> None:
        """Open the demo chapter (built off the UI thread the first time)."""
        from chapterdesk.ui.app import demo_database

        if not self.may_close_chapter():
            return
        self.tasks.run(
            lambda progress, _cancelled: demo_database(progress),
            title="Building the demo chapter", parent=self, on_done=self.set_database,
        )

    # -- navigation and status --------------------------------------------------------------
    def import_hq_export(self) -> None:
        """File → Import an HQ export (Ctrl+I): the HQ Sync page, starting with the file."""
        from chapterdesk.ui.hqsync import HqSyncPage  # loaded by go_to already

        self.go_to("hqsync")
        page = self.pages.get("hqsync")
        if isinstance(page, HqSyncPage):
            page.start_import()

    def go_to(self, key: str, target: Any = None) -> None:
        """Open a page (optionally telling it what to show)."""
        page = self.pages.get(key)
        if page is None:
            return
        shown = self.current_page()
        if shown is not None and shown is not page and not _may_leave(shown):
            self.sidebar.blockSignals(True)  # the officer stays, with their edits
            self.sidebar.setCurrentRow(list(self.pages).index(shown.key))
            self.sidebar.blockSignals(False)
            return
        row = list(self.pages).index(key)
        self.sidebar.blockSignals(True)
        self.sidebar.setCurrentRow(row)
        self.sidebar.blockSignals(False)
        self.stack.setCurrentWidget(page)
        settings.LAST_PAGE.set(key)
        page.activate(target)

    def current_page(self) -> Page | None:
        """The page shown (None on the welcome page)."""
        widget = self.stack.currentWidget()
        shown = [page for page in self.pages.built().values() if page is widget]
        return shown[0] if shown else None

    def _sidebar_changed(self, row: int) -> None:
        if 0 <= row < len(self.pages):
            self.go_to(list(self.pages)[row])

    def update_status(self) -> None:
        """Re-read the HQ data age and standing counts off the UI thread."""
        if self.ctx is None:
            return
        db = self.ctx.db

        def job(
            _progress: Any, _cancelled: Any
        ) -> tuple[HqDataAge, dict[Standing, int], ChapterInfo]:
            from chapterdesk.services.chapter import chapter_info, hq_data_status
            from chapterdesk.services.roster.members import standing_counts

            return hq_data_status(db), standing_counts(db), chapter_info(db)

        self.tasks.run(job, title="Counting members", parent=self, show_progress=False,
                       on_done=self._show_status)

    def _show_status(self, result: tuple[HqDataAge, dict[Standing, int], ChapterInfo]) -> None:
        age, counts, info = result
        self.setWindowTitle(f"{info.name} — ChapterDesk")
        if self.ctx is not None and info.officer_name:  # named in Settings meanwhile
            self.ctx.know_officer(info.officer_name)
        self.hq_age = age
        self.age_label.setText(age.describe())
        self.age_label.setStyleSheet(
            f"QLabel {{ color: {scheme().error.text}; font-weight: bold; }}" if age.stale else ""
        )
        self.age_label.setToolTip(
            "Import a newer HQ export to refresh standings." if age.stale else ""
        )
        self.counts_label.setText(
            "   ".join(f"{s.label}: {counts[s]:,}" for s in Standing) + "   "
        )

    def _status_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    # -- edit menu --------------------------------------------------------------------
    def _undo_text(self, text: str) -> None:
        self.undo_action.setText(f"&Undo {text}" if text else "&Undo")

    def _redo_text(self, text: str) -> None:
        self.redo_action.setText(f"&Redo {text}" if text else "&Redo")

    def undo(self) -> None:
        """Edit → Undo: take back the last change of this session (on the worker)."""
        if self.ctx is not None and self.ctx.undo.canUndo() and not self._still_stepping():
            self.ctx.undo.undo()

    def redo(self) -> None:
        """Edit → Redo."""
        if self.ctx is not None and self.ctx.undo.canRedo() and not self._still_stepping():
            self.ctx.undo.redo()

    def _still_stepping(self) -> bool:
        """Whether the last undo or redo is still on its way (the next one waits for it)."""
        if self.ctx is not None and self.ctx.stepping:
            self._status_message("Still making the last undo or redo; try again in a moment.")
            return True
        return False

    def find_member(self) -> None:
        """Edit → Find: the roster's search box."""
        self.go_to("roster")
        roster = self.pages.get("roster")
        if roster is not None:
            roster.focus_search()  # type: ignore[attr-defined]

    def copy_emails(self) -> None:
        """Edit → Copy e-mails of the members selected in the roster."""
        roster = self.pages.get("roster")
        if roster is not None:
            if self.current_page() is not roster:
                self.go_to("roster")
            roster.copy_emails()  # type: ignore[attr-defined]

    def print_report(self) -> None:
        """File → Print the report (Ctrl+P): print the report the Reports page shows."""
        reports = self.pages.get("reports")
        if reports is None:
            return
        if self.current_page() is not reports:
            self.go_to("reports")
        reports.print_report()  # type: ignore[attr-defined]

    def show_shortcuts(self) -> None:
        """Help → Keyboard shortcuts: every shortcut of the window, read from its actions."""
        from chapterdesk.ui.shortcuts_dialog import ShortcutsDialog

        ask.run_dialog(ShortcutsDialog(self))

    def about(self) -> None:
        """Help → About."""
        ask.inform(
            self,
            f"ChapterDesk {__version__}\n\nRun a chapter of a professional association: the "
            "roster, members' standing with HQ, officers, dues and reports — offline.",
            "About ChapterDesk",
        )

    # -- window state -------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        geometry = settings.WINDOW_GEOMETRY.get()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1280, 800)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.may_close_chapter():
            event.ignore()  # the officer chose to stay with unsaved edits
            return
        settings.WINDOW_GEOMETRY.set(self.saveGeometry())
        self.tasks.shutdown()
        if self.ctx is not None:
            self.ctx.detach()
        gc.unfreeze()  # what the window froze (see _settle) may be collected again
        super().closeEvent(event)
