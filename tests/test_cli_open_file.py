"""`chapterdesk FILE`: what the file manager's Open (Exec=chapterdesk %f) starts, as a real process.

The window is real (offscreen) and closes itself once it has shown what it was
asked to (`CHAPTERDESK_QUIT_WHEN_SHOWN`), printing one line about it; a
refusal shows a message box, which says what it shows and is closed.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from chapterdesk.cli import COMMAND_MODULE, window_arguments
from chapterdesk.errors import BadInputError
from chapterdesk.file_to_open import (
    FileKind,
    file_to_open,
    names_a_file,
    window_can_open,
    window_request,
)
from chapterdesk.services.safety import handover

PROJECT = Path(__file__).resolve().parent.parent
PASSPHRASE = "walnut harbour tinsel cobalt"


@pytest.fixture
def package(db_path: Path, tmp_path: Path) -> Path:
    """A real handover package of the test chapter (the cheapest scrypt cost, for speed)."""
    from chapterdesk.data.engine import resolve_location

    path = tmp_path / "for-next-year.cdh"
    handover.export_handover(resolve_location(str(db_path)), path, PASSPHRASE, log2n=15)
    return path


def start(
    folder: Path, *args: str, display: bool = True, quit_when_shown: bool = True
) -> subprocess.CompletedProcess[str]:
    """`python -m chapterdesk ARGS` in `folder`, with a home of its own (no remembered database)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}  # fmt: skip
    home = folder / "home"
    home.mkdir(exist_ok=True)
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
               XDG_DATA_HOME=str(home / ".local" / "share"), PYTHONPATH=str(PROJECT))  # fmt: skip
    env.pop("CHAPTERDESK_DB", None)
    if display:
        env["QT_QPA_PLATFORM"] = "offscreen"
    if quit_when_shown:
        env["CHAPTERDESK_QUIT_WHEN_SHOWN"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "chapterdesk", *args],
        cwd=folder, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


# --- the real process ----------------------------------------------------------------------


def test_a_handover_package_opens_the_window_with_its_dialog(package: Path, tmp_path: Path) -> None:
    done = start(tmp_path, str(package))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "window shown: ChapterDesk | WelcomePage | No chapter open"
        f" | dialog: Open a handover package ({package})"
    )
    assert "Traceback" not in done.stderr


def test_a_chapter_database_opens_the_window_on_it_as_db_does(
    db_path: Path, tmp_path: Path
) -> None:
    by_file = start(tmp_path, db_path.name)  # relative to the folder it is started in
    by_db = start(tmp_path, "--db", str(db_path))
    assert by_file.returncode == by_db.returncode == 0, (by_file.stderr, by_db.stderr)
    assert by_file.stdout == by_db.stdout
    assert by_file.stdout.startswith("window shown: Test Chapter — ChapterDesk | DashboardPage")
    assert str(db_path) in by_file.stdout


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("missing.cdh", None, "There is no file at"),
        ("notes.txt", b"minutes of the March meeting", "ChapterDesk does not open notes.txt"),
        ("fake.cdh", b"PK\x03\x04 a zip file", "fake.cdh is not a ChapterDesk handover package"),
        ("empty.sqlite3", b"", "empty.sqlite3 is empty (0 bytes)"),
        ("Thumbs.db", b"\xd0\xcf\x11\xe0 not sqlite", "is not an SQLite file"),
    ],
)
def test_what_cannot_be_opened_is_refused_in_a_message_box_and_exit_2(
    tmp_path: Path, name: str, content: bytes | None, said: str
) -> None:
    if content is not None:
        (tmp_path / name).write_bytes(content)
    done = start(tmp_path, name)
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert line.startswith("chapterdesk: ") and said in line
    # the same sentence in the message box, which is all the window shows
    assert done.stdout.splitlines() == [f"message shown: {line.removeprefix('chapterdesk: ')}"]


def test_another_program_s_sqlite_file_is_refused_by_the_window_and_left_as_it_was(
    tmp_path: Path,
) -> None:
    foreign = tmp_path / "places.sqlite"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE moz_places (url TEXT)")
    connection.close()
    before = foreign.read_bytes()
    done = start(tmp_path, foreign.name)
    assert done.returncode == 2, done.stderr
    assert done.stdout.splitlines() == [
        f"message shown: {foreign} is not a ChapterDesk database (it holds other tables: "
        "moz_places). Choose another file."
    ]
    assert foreign.read_bytes() == before
    assert not (tmp_path / "places.sqlite.lock").exists()  # nothing left beside it


def test_with_no_display_a_refusal_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("minutes", encoding="utf-8")
    done = start(tmp_path, "notes.txt", display=False, quit_when_shown=False)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == [
        "chapterdesk: ChapterDesk does not open notes.txt; open a chapter database (.sqlite3, "
        ".sqlite, .db) or a handover package (.cdh)."
    ]


def test_with_no_display_a_good_file_is_refused_not_an_abort(package: Path, tmp_path: Path) -> None:
    done = start(tmp_path, str(package), display=False, quit_when_shown=False)
    assert done.returncode == 2 and done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"chapterdesk: There is no display to open {package} on")


def test_a_command_name_wins_over_a_file_of_that_name(db_path: Path, tmp_path: Path) -> None:
    (tmp_path / "members").write_bytes(db_path.read_bytes())  # a database called "members"
    done = start(tmp_path, "members", "list", "--db", str(db_path))
    assert done.returncode == 0 and done.stdout.startswith("HQ ID"), done.stderr
    alone = start(tmp_path, "members")
    assert alone.returncode == 2 and "members: the following arguments are required" in (
        alone.stderr
    )
    # with a folder in front it is the file: refused for its name, not run as a command
    as_file = start(tmp_path, "./members")
    assert as_file.returncode == 2 and "ChapterDesk does not open members;" in as_file.stderr


def test_a_file_and_db_together_are_refused(package: Path, db_path: Path, tmp_path: Path) -> None:
    done = start(tmp_path, "--db", str(db_path), str(package))
    assert done.returncode == 2
    assert "Give a file to open or --db, not both" in done.stderr


# --- telling a file from a command, without a process ----------------------------------------


def test_a_lone_word_is_a_file_only_when_it_looks_like_one_and_names_no_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "members").write_text("", encoding="utf-8")
    (tmp_path / "minutes").write_text("", encoding="utf-8")
    commands = set(COMMAND_MODULE)
    assert not names_a_file("members", commands)  # exists, but it is a command
    assert names_a_file("./members", commands) and names_a_file("minutes", commands)
    assert names_a_file("x.cdh", commands) and names_a_file("/no/such/chapter", commands)
    assert not names_a_file("membrs", commands)  # a mistyped command: the parser answers it
    assert not names_a_file("--help", commands)
    assert window_arguments(["membrs"]) is None and window_arguments(["members"]) is None
    found = window_arguments(["x.cdh"])
    assert found is not None and found.file == "x.cdh"
    assert window_arguments(["x.cdh", "y.cdh"]) is None  # one file at a time: the parser says so


def test_file_to_open_tells_the_kinds_and_refuses_the_rest(
    db_path: Path, package: Path, tmp_path: Path
) -> None:
    assert file_to_open(str(package)).kind is FileKind.HANDOVER
    copied = tmp_path / "Chapter.DB"  # a suffix in capitals is the same suffix
    copied.write_bytes(db_path.read_bytes())
    assert file_to_open(str(copied)).kind is FileKind.DATABASE
    foreign = tmp_path / "places.sqlite"  # SQLite, but not ChapterDesk's: the window refuses it
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE moz_places (url TEXT)")
    assert file_to_open(str(foreign)).kind is FileKind.DATABASE
    (tmp_path / "folder.cdh").mkdir()
    with pytest.raises(BadInputError, match="is a folder, not a file"):
        file_to_open(str(tmp_path / "folder.cdh"))
    with pytest.raises(BadInputError, match="address, not a file") as refused:
        file_to_open("postgresql://pat:s3cret@db.example.org/lakes")
    assert "s3cret" not in refused.value.message
    cut = tmp_path / "cut.sqlite3"  # a copy that lost its end
    cut.write_bytes(db_path.read_bytes()[:5000])
    with pytest.raises(BadInputError, match=r"is cut short \(5,000 of "):
        file_to_open(str(cut))


def test_a_file_that_cannot_be_read_is_refused(tmp_path: Path) -> None:
    """/proc/self/mem is a regular file whose first bytes cannot be read (EIO), even by root."""
    unreadable = tmp_path / "unreadable.cdh"
    unreadable.symlink_to("/proc/self/mem")
    with pytest.raises(BadInputError, match=r"cannot be read \(Input/output error\)"):
        file_to_open(str(unreadable))


def test_a_message_box_only_where_a_window_can_open() -> None:
    assert not window_can_open({}, "linux")
    assert window_can_open({"DISPLAY": ":0"}, "linux")
    assert window_can_open({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert window_can_open({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert window_can_open({}, "win32") and window_can_open({}, "darwin")
    assert window_request("x.sqlite3", True, None).refused is None
    assert "not both" in (window_request(None, True, "x.cdh").refused or "")
