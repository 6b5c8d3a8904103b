"""Shared fixtures: a private data directory, fresh databases per test, the CLI in a subprocess."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never touch the real user's data or settings: every test session gets its own home.
_SESSION_HOME = Path(tempfile.mkdtemp(prefix="chapterdesk-tests-"))
os.environ["XDG_DATA_HOME"] = str(_SESSION_HOME / "data")
os.environ["XDG_CONFIG_HOME"] = str(_SESSION_HOME / "config")
os.environ.pop("CHAPTERDESK_DB", None)

from chapterdesk.data.engine import Database  # noqa: E402 - after the environment is set
from chapterdesk.data.migrate import open_database  # noqa: E402
from chapterdesk.demo import build_demo  # noqa: E402
from chapterdesk.services.chapter import init_chapter  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
# The demo is built around today, so the command line (which judges standing today) agrees.
DEMO_DAY = dt.date.today()


@pytest.fixture(scope="session")
def template_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrated template databases, made once per session and copied per test."""
    folder = tmp_path_factory.mktemp("templates")
    empty = open_database(folder / "empty.sqlite3", create=True)
    empty.dispose()
    chapter = open_database(folder / "chapter.sqlite3", create=True)
    init_chapter(chapter, "Test Chapter")
    chapter.dispose()
    demo = open_database(folder / "demo.sqlite3", create=True)
    build_demo(demo, members=120, today=DEMO_DAY)
    demo.dispose()
    for name in ("empty", "chapter", "demo"):
        # Fold the WAL into the main file so a plain copy is the whole database.
        con = sqlite3.connect(folder / f"{name}.sqlite3")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
    return folder


def _copy(template_dir: Path, name: str, target: Path) -> Path:
    shutil.copyfile(template_dir / f"{name}.sqlite3", target)
    os.chmod(target, 0o600)
    return target


@pytest.fixture
def db_path(tmp_path: Path, template_dir: Path) -> Path:
    """The path of a fresh database holding an initialised, empty chapter."""
    return _copy(template_dir, "chapter", tmp_path / "chapter.sqlite3")


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    """A fresh, open database with an empty chapter called "Test Chapter"."""
    database = open_database(db_path)
    yield database
    database.dispose()


@pytest.fixture
def demo_path(tmp_path: Path, template_dir: Path) -> Path:
    """The path of a fresh copy of a 120-member demo chapter built for DEMO_DAY."""
    return _copy(template_dir, "demo", tmp_path / "demo.sqlite3")


@pytest.fixture
def demo_db(demo_path: Path) -> Iterator[Database]:
    """A fresh, open copy of the 120-member demo chapter."""
    database = open_database(demo_path)
    yield database
    database.dispose()


@pytest.fixture
def cli(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Run `python -m chapterdesk ARGS` in a subprocess; returns the CompletedProcess."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(PROJECT)
    env.pop("QT_QPA_PLATFORM", None)

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "chapterdesk", *args],
            capture_output=True,
            text=True,
            env=env,
            input=stdin,
            timeout=120,
            cwd=tmp_path,
        )

    return run
