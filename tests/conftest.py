"""Shared fixtures: a private data directory, fresh databases per test, the CLI in a subprocess.

`db` and `demo_db` are parametrised over the two supported engines: every test
that takes them runs on a SQLite file and on the session's throwaway
PostgreSQL server (tests/postgres_server.py), each from a migrated template.
Tests that take a file (`db_path`, `demo_path`) are SQLite-only by nature.
"""

from __future__ import annotations

import atexit
import datetime as dt
import itertools
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never touch the real user's data or settings: every test session gets its own home.
_SESSION_HOME = Path(tempfile.mkdtemp(prefix="chapterdesk-tests-"))
atexit.register(shutil.rmtree, _SESSION_HOME, ignore_errors=True)  # one per worker, every run
os.environ["XDG_DATA_HOME"] = str(_SESSION_HOME / "data")
os.environ["XDG_CONFIG_HOME"] = str(_SESSION_HOME / "config")
os.environ.pop("CHAPTERDESK_DB", None)
# Never probe the desktop's password store from a test; tests/pg sets its own keyring.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"

from chapterdesk.data.engine import Database  # noqa: E402 - after the environment is set
from chapterdesk.data.migrate import open_database  # noqa: E402
from chapterdesk.demo import build_demo  # noqa: E402
from chapterdesk.services.chapter import init_chapter  # noqa: E402
from tests.postgres_server import PostgresServer  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
# The demo is built around today, so the command line (which judges standing today) agrees.
DEMO_DAY = dt.date.today()
# The engines the data and service tests run on; `-m "not postgres"` runs SQLite only.
ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
_DATABASE_NUMBERS = itertools.count(1)


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


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """The session's throwaway PostgreSQL cluster, started on first use, stopped at the end."""
    server = PostgresServer()
    atexit.register(server.stop)  # also when the session dies before its finalizers run
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pg_templates(pg_server: PostgresServer) -> dict[str, str]:
    """Migrated template databases on the server, as the SQLite templates; name → database."""
    names = {}
    for name in ("empty", "chapter", "demo"):
        database = f"template_{name}"
        db = open_database(pg_server.create_database(database))
        try:
            if name == "chapter":
                init_chapter(db, "Test Chapter")
            elif name == "demo":
                build_demo(db, members=120, today=DEMO_DAY)
        finally:
            db.dispose()
        names[name] = database
    return names


@pytest.fixture
def pg_database(
    request: pytest.FixtureRequest, pg_server: PostgresServer, pg_templates: dict[str, str]
) -> Iterator[Callable[[str], str]]:
    """Make fresh PostgreSQL databases from a template by name; each is dropped afterwards."""
    made: list[str] = []

    def make(template: str) -> str:
        name = f"test_{os.getpid()}_{next(_DATABASE_NUMBERS)}"
        made.append(name)
        return pg_server.create_database(name, pg_templates[template])

    yield make
    for name in made:
        pg_server.drop_database(name)


@pytest.fixture(params=ENGINES)
def engine_name(request: pytest.FixtureRequest) -> str:
    """The engine a parametrised test runs on: "sqlite" or "postgresql"."""
    return str(request.param)


def _fresh_database(
    request: pytest.FixtureRequest, engine_name: str, template: str, tmp_path: Path
) -> Database:
    if engine_name == "sqlite":
        folder = request.getfixturevalue("template_dir")
        return open_database(_copy(folder, template, tmp_path / f"{template}.sqlite3"))
    make = request.getfixturevalue("pg_database")
    return open_database(make(template))


@pytest.fixture
def db(request: pytest.FixtureRequest, engine_name: str, tmp_path: Path) -> Iterator[Database]:
    """A fresh, open database with an empty chapter called "Test Chapter" (both engines)."""
    database = _fresh_database(request, engine_name, "chapter", tmp_path)
    yield database
    database.dispose()


@pytest.fixture
def demo_path(tmp_path: Path, template_dir: Path) -> Path:
    """The path of a fresh copy of a 120-member demo chapter built for DEMO_DAY."""
    return _copy(template_dir, "demo", tmp_path / "demo.sqlite3")


@pytest.fixture
def demo_db(
    request: pytest.FixtureRequest, engine_name: str, tmp_path: Path
) -> Iterator[Database]:
    """A fresh, open copy of the 120-member demo chapter (both engines)."""
    database = _fresh_database(request, engine_name, "demo", tmp_path)
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
