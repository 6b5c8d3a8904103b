"""Start-up: the roster is painted from the stdlib read, before SQLAlchemy, and then fills in."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from chapterdesk.data.engine import Database
from chapterdesk.errors import ChapterDeskError
from chapterdesk.services.roster import query as roster_query
from chapterdesk.services.roster.query import RosterFilter
from chapterdesk.ui import settings
from chapterdesk.ui.main_window import MainWindow
from chapterdesk.ui.roster_model import PAGE_SIZE, RosterModel
from tests.conftest import PROJECT
from tests.ui.conftest import Asked, settle, trace_roster_reads

# The window as `chapterdesk --db FILE` opens it. Until the roster is painted with rows, the
# UI thread may not import SQLAlchemy or Alembic at all (it would fail) and any other thread
# that tries waits; then the script reports what the status bar said once the rest was read.
OPEN_THE_WINDOW = """
import sys, threading
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
from chapterdesk.ui import app as ui_app, first_screen, settings

painted = threading.Event()
begun = first_screen.start
def start(db, page_size):
    print("first screen read begun before the window was imported:",
          "chapterdesk.ui.main_window" not in sys.modules)
    begun(db, page_size)
first_screen.start = start

class NotBeforeThePaint:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("sqlalchemy", "alembic") and not painted.is_set():
            if threading.current_thread() is threading.main_thread():
                print("the UI thread imported", name, "before the roster was painted")
                raise ImportError(name)
            painted.wait()
        return None

sys.meta_path.insert(0, NotBeforeThePaint())
made = ui_app.make_application
def make_application(argv=None):
    application = made(argv)
    settings.LAST_PAGE.set("roster")
    application.installEventFilter(watcher)
    return application
ui_app.make_application = make_application

class Watcher(QObject):
    def eventFilter(self, obj, event):
        if (not painted.is_set() and event.type() == QEvent.Type.Paint
                and obj.objectName() == "qt_scrollarea_viewport"
                and obj.parent().accessibleName() == "Chapter roster"
                and obj.parent().model().rowCount() > 0):
            print("painted", obj.parent().model().rowCount(), "rows")
            painted.set()
            QTimer.singleShot(0, self.wait_for_the_rest)
        return False
    def wait_for_the_rest(self):
        window = next(w for w in QApplication.topLevelWidgets() if hasattr(w, "tasks"))
        if window.tasks.busy():
            QTimer.singleShot(20, self.wait_for_the_rest)
            return
        print("status:", window.counts_label.text().strip())
        QApplication.instance().quit()
watcher = Watcher()
sys.argv = ["chapterdesk", "--db", sys.argv[1]]
from chapterdesk.__main__ import main
main()
"""


def test_the_roster_is_painted_before_sqlalchemy_is_loaded(demo_path: Path, tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    done = subprocess.run(
        [sys.executable, "-c", OPEN_THE_WINDOW, str(demo_path)],
        capture_output=True, text=True, cwd=PROJECT, env=env, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:3] == [
        "first screen read begun before the window was imported: True",
        "painted 120 rows",
        f"status: {status_line(demo_path)}",  # read afterwards, through SQLAlchemy
    ]


def status_line(path: Path) -> str:
    from chapterdesk.data.migrate import open_database
    from chapterdesk.services.roster.members import standing_counts
    from chapterdesk.standing import Standing

    db = open_database(path, read_only=True)
    try:
        counts = standing_counts(db)
    finally:
        db.dispose()
    return "   ".join(f"{s.label}: {counts[s]:,}" for s in Standing)


def test_the_first_screen_shows_its_first_page_then_every_row(
    qtbot: QtBot, asked: Asked, demo_db: Database
) -> None:
    settings.LAST_PAGE.set("roster")
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.show()
    page = window.pages["roster"]
    seen: list[tuple[int, int]] = []
    page.model.modelReset.connect(lambda: seen.append((page.model.rowCount(), len(page.model.ids))))
    settle(qtbot, window)
    assert seen[0] == (120, 120)  # the demo's 120 fit the first page: nothing left to read
    ids = roster_query.ordered_ids(demo_db, RosterFilter())
    assert page.model.ids == ids
    assert page.panel.title.text() == "Select a member to see their details."
    window.tasks.shutdown()


def test_the_first_screen_read_as_the_window_starts_is_the_one_shown(
    qtbot: QtBot, asked: Asked, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`run_window` begins the roster's first read before the window's code is imported."""
    from chapterdesk.services.roster import first_view
    from chapterdesk.ui import first_screen

    reads: list[int] = []
    read = first_view.roster_start

    def counted(db: Database, page_size: int) -> first_view.RosterStart:
        reads.append(page_size)
        return read(db, page_size)

    monkeypatch.setattr(first_view, "roster_start", counted)
    first_screen.start(demo_db, PAGE_SIZE)
    settings.LAST_PAGE.set("roster")
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.show()
    settle(qtbot, window)
    assert page_rows(window) == 120 and reads == [PAGE_SIZE]  # taken over, not read again
    assert first_screen.take(demo_db, PAGE_SIZE) is None  # once only
    window.tasks.shutdown()


def test_a_first_screen_read_for_another_database_is_not_taken(
    demo_db: Database, tmp_path: Path
) -> None:
    from chapterdesk.data.migrate import open_database
    from chapterdesk.ui import first_screen

    other = open_database(tmp_path / "other.sqlite3", create=True)
    first_screen.start(other, PAGE_SIZE)
    assert first_screen.take(demo_db, PAGE_SIZE) is None
    first_screen.start(demo_db, PAGE_SIZE)
    assert first_screen.take(demo_db, PAGE_SIZE // 2) is None  # another page size
    first_screen.start(other, PAGE_SIZE)
    started = first_screen.take(other, PAGE_SIZE)
    assert started is not None
    with pytest.raises(ChapterDeskError):  # no chapter yet: the page's worker says so
        started.result(timeout=15)
    other.dispose()


def page_rows(window: MainWindow) -> int:
    return int(window.pages["roster"].model.rowCount())


def test_rows_past_the_first_page_fill_in_when_every_key_arrives(
    qtmodeltester, demo_db: Database  # type: ignore[no-untyped-def]
) -> None:
    ids = roster_query.ordered_ids(demo_db, RosterFilter())
    first = roster_query.rows_for(demo_db, ids[:3])
    model = RosterModel(demo_db)
    model.show_start(len(ids), first)
    assert model.rowCount() == 120 and model.index(2, 0).data() == first[2].hq_id
    assert model.index(3, 0).data() is None  # not known yet: an empty line, not a wrong one
    qtmodeltester.check(model, force_py=True)
    changed: list[int] = []
    model.dataChanged.connect(lambda top, bottom, _roles: changed.append(bottom.row()))
    model.complete_keys(ids)
    assert changed == [119] and model.index(3, 0).data() == roster_query.rows_for(
        demo_db, ids[3:4])[0].hq_id
    qtmodeltester.check(model, force_py=True)


def test_keys_that_disagree_with_the_first_page_reset_the_view(demo_db: Database) -> None:
    ids = roster_query.ordered_ids(demo_db, RosterFilter())
    model = RosterModel(demo_db)
    model.show_start(len(ids) + 1, roster_query.rows_for(demo_db, ids[:2]))  # one left since
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(model.rowCount()))
    model.complete_keys(ids)
    assert resets == [120] and model.ids == ids


def test_a_search_before_every_key_arrived_reads_the_order_again(demo_db: Database) -> None:
    ids = roster_query.ordered_ids(demo_db, RosterFilter())
    model = RosterModel(demo_db)
    model.show_start(len(ids), roster_query.rows_for(demo_db, ids[:PAGE_SIZE // 100]))
    target = roster_query.rows_for(demo_db, ids[50:51])[0]
    model.show_loaded(model.load_job(RosterFilter(search=target.hq_id), "name", False)())
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == [target.hq_id]


def test_scrolling_to_the_next_page_reads_nothing_on_the_ui_thread(
    qtbot: QtBot, asked: Asked, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from chapterdesk.data.migrate import open_database
    from chapterdesk.demo import build_demo

    db = open_database(tmp_path / "bigger.sqlite3", create=True)
    build_demo(db, members=3 * PAGE_SIZE)
    on_ui_thread: list[str] = []

    def count(statement: str) -> None:
        if threading.current_thread() is threading.main_thread():
            on_ui_thread.append(statement)

    trace_roster_reads(monkeypatch, count)  # the pages are read with sqlite3 itself
    settings.LAST_PAGE.set("roster")
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.resize(1000, 700)
    window.show()
    settle(qtbot, window)
    page = window.pages["roster"]
    table, bar = page.table, page.table.verticalScrollBar()
    assert page.model.rowCount() == 3 * PAGE_SIZE
    on_ui_thread.clear()
    while table.rowAt(table.viewport().height() - 1) < PAGE_SIZE + 10:  # into the second page
        bar.setValue(bar.value() + bar.pageStep())
        table.viewport().repaint()
        settle(qtbot, window)  # the worker reads the next page meanwhile, as it would
    assert page.model.index(PAGE_SIZE + 5, 0).data()  # painted with its rows ...
    assert on_ui_thread == []  # ... read ahead by the worker, not on the UI thread
    bar.setValue(bar.maximum())  # a jump far ahead is read on the spot: it must not wait
    table.viewport().repaint()
    assert page.model.index(3 * PAGE_SIZE - 1, 0).data()
    window.tasks.shutdown()
    db.dispose()


def test_a_page_read_ahead_is_dropped_once_another_view_is_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read ahead still waiting for the worker would only slow the next view down."""
    from chapterdesk.data.migrate import open_database
    from chapterdesk.demo import build_demo

    db = open_database(tmp_path / "two-pages.sqlite3", create=True)
    build_demo(db, members=2 * PAGE_SIZE)
    model = RosterModel(db)
    asked: list[tuple[tuple[int, int], Callable[[], None]]] = []
    model.prefetch = lambda key, job: asked.append((key, job))
    model.show_loaded(model.load_job(RosterFilter(), "name", False)())
    assert model.row_at(0) is not None  # painting the first page asks for the second
    (key, job), = asked
    assert model.wants_page(key)
    model.replacing()  # the officer typed: a search is being read
    assert not model.wants_page(key)
    read: list[str] = []
    trace_roster_reads(monkeypatch, read.append)
    job()  # the worker reaches it: nothing is read
    assert read == []
    assert model.row_at(PAGE_SIZE) is not None  # (read on the spot, as a jump is)
    model.show_loaded(model.load_job(RosterFilter(), "hq_id", False)())  # re-sorted
    assert not model.wants_page(key)
    model.row_at(0)
    assert asked[-1][0] != key and model.wants_page(asked[-1][0])  # the new view reads ahead
    db.dispose()


OPEN_A_FILE_WITHOUT_A_CHAPTER = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from chapterdesk.ui import ask

def warn(_parent, text, _title=""):
    print("warned:", text.split(".")[0])
    def report():
        window = next(w for w in QApplication.topLevelWidgets() if hasattr(w, "welcome"))
        print("showing the welcome page:", window.stack.currentWidget() is window.welcome)
        QApplication.instance().quit()
    QTimer.singleShot(0, report)
ask.warn = warn
sys.argv = ["chapterdesk", "--db", sys.argv[1]]
from chapterdesk.__main__ import main
main()
"""


def test_a_file_without_a_chapter_opens_on_the_welcome_page_with_a_warning(
    template_dir: Path, tmp_path: Path
) -> None:
    import shutil

    empty = shutil.copyfile(template_dir / "empty.sqlite3", tmp_path / "empty.sqlite3")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    done = subprocess.run(
        [sys.executable, "-c", OPEN_A_FILE_WITHOUT_A_CHAPTER, str(empty)],
        capture_output=True, text=True, cwd=PROJECT, env=env, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "warned: This database has no chapter yet",
        "showing the welcome page: True",
    ]


def test_the_member_panel_takes_its_placeholders_room_without_moving_the_split(
    qtbot: QtBot, asked: Asked, demo_db: Database
) -> None:
    settings.LAST_PAGE.set("roster")
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.show()  # no events processed yet: the panel cannot have been built
    page = window.pages["roster"]
    assert page._panel is None
    before = page.splitter.sizes()
    settle(qtbot, window)
    assert page._panel is not None and page.splitter.widget(1) is page.panel
    assert page.splitter.sizes() == before and sum(before) > 0
    window.tasks.shutdown()
