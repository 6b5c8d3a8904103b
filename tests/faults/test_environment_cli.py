"""An unkind machine: a full disk, a read-only folder, a Windows console, a reader that left.

Each is met for real, by a `python -m chapterdesk` subprocess (the faults live
in the process's environment, not in Python objects to patch):

- a disk that is full, or fills during an HQ import, a payment and a report: a
  tmpfs of a few MB mounted in a private user and mount namespace
  (tests/faults/confined.py), or where that is not allowed a file-size limit
  (RLIMIT_FSIZE, which fails writes with EFBIG as a full disk fails them with
  ENOSPC);
- a read-only data folder: the folder bound onto itself read-only in the same
  kind of namespace. Tests run as root here, and root ignores a chmod, so a
  chmod is only the fallback for an ordinary user without namespaces;
- standard output in cp1252 or ASCII with CJK, emoji and terminal escapes in a
  member's name, and a pipe whose reader went away (`| head -1`).

Every command answers with exit 0, 2 or 3, one line on stderr and no
traceback, and a refused command leaves the database byte for byte as it was.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks.bench_import import HEADERS, make_records
from tests.conftest import PROJECT

CONFINED = Path(__file__).with_name("confined.py")


@functools.cache
def namespaces() -> bool:
    """Whether this machine lets an ordinary process make a user and mount namespace.

    CHAPTERDESK_TEST_NO_NAMESPACES=1 answers no, to exercise the fallbacks here.
    """
    if os.environ.get("CHAPTERDESK_TEST_NO_NAMESPACES") == "1":
        return False
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        return False
    done = subprocess.run(["unshare", "-rm", "true"], capture_output=True, timeout=30)
    return done.returncode == 0


def env(data_home: Path, **extra: str) -> dict[str, str]:
    """A subprocess environment with its own data folder (logs, automatic backups)."""
    return {
        **os.environ,
        "PYTHONPATH": str(PROJECT),
        "XDG_DATA_HOME": str(data_home),
        **extra,
    }


def confined(tmp_path: Path, plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Run a plan of commands on a tiny or read-only folder; returns each command's result."""
    plan = {**plan, "results": str(tmp_path / "results.json")}
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan), encoding="utf-8")
    command = [sys.executable, str(CONFINED), str(plan_file)]
    if plan["method"] in ("tmpfs", "ro-bind"):
        command = ["unshare", "-rm", *command]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=600, env=env(Path(plan["folder"]))
    )
    assert done.returncode == 0, done.stderr
    results: list[dict[str, Any]] = json.loads((tmp_path / "results.json").read_text())
    return results


def assert_one_sentence(result: dict[str, Any], *statuses: int) -> str:
    """The command exited with one of `statuses` and said so in one line; returns the line."""
    err = result["stderr"]
    assert result["status"] in statuses, (result["argv"], result["status"], err)
    assert "Traceback" not in err and len(err.strip().splitlines()) <= 1, err
    if result["status"] != 0:
        assert result["unchanged"], (result["argv"], "refused, yet the database changed")
    return str(err.strip())


def write_export(path: Path, rows: int) -> Path:
    """An HQ export (CSV) of `rows` people."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for row in make_records(rows, 7):
            writer.writerow([v.isoformat() if isinstance(v, dt.date) else v for v in row])
    return path


def a_member(db: Path) -> str:
    """The HQ ID of a current chapter member of the demo."""
    con = sqlite3.connect(db)
    try:
        row = con.execute(
            "SELECT hq_id FROM chapter_membership WHERE left_on IS NULL ORDER BY hq_id"
        ).fetchone()
    finally:
        con.close()
    return str(row[0])


def test_a_full_disk_refuses_every_kind_of_command_in_a_sentence(
    tmp_path: Path, demo_path: Path
) -> None:
    """Filled before: reading, paying, reporting, importing, backing up; never exit 1."""
    folder = tmp_path / "disk"
    export = write_export(tmp_path / "hq.csv", 200)
    db = f"{folder}/chapter.sqlite3"
    member = a_member(demo_path)
    steps: list[Any] = [
        ["members", "list", "--db", db],
        ["members", "list", "--db", db, "--json"],
        ["dues", "pay", member, "5", "--method", "visa", "--db", db],
        ["report", "roster", "-o", f"{folder}/roster.pdf", "--db", db],
        ["import", str(export), "--db", db],
        ["backup", "-o", f"{folder}/copy.sqlite3", "--db", db],
        # The database on a disk with room, the output redirected onto the full one.
        {"argv": ["members", "list", "--db", str(demo_path)], "stdout": f"{folder}/r.txt"},
    ]
    method = "tmpfs" if namespaces() else "rlimit"
    results = confined(
        tmp_path,
        {
            "method": method,
            "folder": str(folder),
            "size_kb": 4096,
            "copy": {str(demo_path): "chapter.sqlite3"},
            "make_dirs": ["ChapterDesk/logs", "ChapterDesk/backups"],
            "database": "chapter.sqlite3",
            "steps": steps,
        },
    )
    for result in results:
        said = assert_one_sentence(result, 0, 2)
        if result["status"] == 2 and method == "tmpfs":
            assert "full" in said, said
    assert any(r["status"] == 2 for r in results)
    if method == "tmpfs":  # `members list > roster.txt` on the full disk
        assert results[-1]["status"] == 2 and "output" in results[-1]["stderr"]
    as_json = results[1]
    if as_json["status"] == 2:
        assert json.loads(as_json["stdout"])["error"]["code"] == 2


def test_the_disk_fills_during_an_import_a_payment_and_a_report(
    tmp_path: Path, demo_path: Path
) -> None:
    """Room for the automatic backup, not for the whole import: nothing of it is kept."""
    folder = tmp_path / "disk"
    export = write_export(tmp_path / "hq.csv", 3000)
    db = f"{folder}/chapter.sqlite3"
    member = a_member(demo_path)
    size = demo_path.stat().st_size
    steps = [
        ["import", str(export), "--db", db],
        ["dues", "pay", member, "5", "--method", "visa", "--db", db],
        ["report", "statements", str(dt.date.today().year), "-o", f"{folder}/s.pdf", "--db", db],
    ]
    results = confined(
        tmp_path,
        {
            "method": "tmpfs" if namespaces() else "rlimit",
            "folder": str(folder),
            "size_kb": (3 * size) // 1024 + 1024,
            "room": size + 256 * 1024,
            "copy": {str(demo_path): "chapter.sqlite3"},
            "make_dirs": ["ChapterDesk/logs", "ChapterDesk/backups"],
            "database": "chapter.sqlite3",
            "steps": steps,
        },
    )
    imported = results[0]
    assert_one_sentence(imported, 2)
    assert "full" in imported["stderr"] or "disk" in imported["stderr"]
    for result in results[1:]:
        assert_one_sentence(result, 0, 2)


def test_a_read_only_data_folder(tmp_path: Path, demo_path: Path) -> None:
    """Changes refused in a sentence naming --read-only, which then works; no advice to restore."""
    if not namespaces() and os.geteuid() == 0:
        pytest.skip("root ignores chmod, and this machine allows no mount namespace")
    folder = tmp_path / "shared"
    db = f"{folder}/chapter.sqlite3"
    member = a_member(demo_path)
    package = tmp_path / "handover.cdh"
    passphrase = tmp_path / "passphrase.txt"
    passphrase.write_text("\ufeffcorrect horse battery staple\r\n", encoding="utf-8")
    made = subprocess.run(
        [
            sys.executable, "-m", "chapterdesk", "handover", "export", "-o", str(package),
            "--passphrase-file", str(passphrase), "--db", str(demo_path),
        ],
        capture_output=True, text=True, env=env(tmp_path / "data"), timeout=120,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    steps = [
        ["members", "list", "--db", db],
        ["members", "list", "--read-only", "--db", db],
        ["dues", "pay", member, "5", "--method", "visa", "--db", db],
        ["report", "roster", "-o", f"{folder}/roster.pdf", "--read-only", "--db", db],
        ["handover", "import", str(package), "--passphrase-file", str(passphrase),
         "--db", f"{folder}/new.sqlite3"],
        ["handover", "import", str(package), "--passphrase-file", str(passphrase),
         "--db", f"{folder}/chapter.sqlite3", "--force"],
    ]  # fmt: skip
    results = confined(
        tmp_path,
        {
            "method": "ro-bind" if namespaces() else "chmod",
            "folder": str(folder),
            "copy": {str(demo_path): "chapter.sqlite3"},
            "database": "chapter.sqlite3",
            "steps": steps,
            "env": {"XDG_DATA_HOME": str(tmp_path / "data")},
        },
    )
    for result in results:
        said = assert_one_sentence(result, 0, 2, 3)
        assert "restore FILE --db" not in said, said
    assert results[0]["status"] == 2 and "--read-only" in results[0]["stderr"]
    assert results[1]["status"] == 0 and member in results[1]["stdout"]
    assert [r["status"] for r in results[2:]] == [2, 2, 2, 2]


def test_handover_import_onto_a_folder_with_force(tmp_path: Path, demo_path: Path) -> None:
    """`--force` replaces a database, never a folder."""
    package, passphrase = tmp_path / "h.cdh", tmp_path / "p.txt"
    passphrase.write_text("correct horse battery staple\n", encoding="utf-8")
    environment = env(tmp_path / "data")
    base = [sys.executable, "-m", "chapterdesk", "handover"]
    made = subprocess.run(
        [*base, "export", "-o", str(package), "--passphrase-file", str(passphrase),
         "--db", str(demo_path)],
        capture_output=True, text=True, env=environment, timeout=120,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    target = tmp_path / "a folder"
    target.mkdir()
    done = subprocess.run(
        [*base, "import", str(package), "--passphrase-file", str(passphrase),
         "--db", str(target), "--force"],
        capture_output=True, text=True, env=environment, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2 and "is a folder" in done.stderr, done.stderr
    assert target.is_dir() and not any(target.iterdir())


@pytest.fixture
def odd_names(demo_path: Path) -> tuple[Path, str]:
    """The demo with one member named in CJK and emoji, with ESC and BEL hidden in the name."""
    hq_id = a_member(demo_path)
    con = sqlite3.connect(demo_path)
    try:
        with con:
            con.execute(
                "UPDATE hq_member SET first_name = ?, last_name = ? WHERE hq_id = ?",
                ("\x1b[31m王\x07", "小明😀", hq_id),
            )
    finally:
        con.close()
    return demo_path, hq_id


@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
def test_a_console_that_cannot_show_a_name(
    encoding: str, odd_names: tuple[Path, str], tmp_path: Path
) -> None:
    """Replaced characters and no escapes, in the table and in JSON; never UnicodeEncodeError."""
    db, hq_id = odd_names
    environment = env(tmp_path / "data", PYTHONIOENCODING=encoding)
    for args in (["members", "list"], ["members", "show", hq_id, "--json"]):
        done = subprocess.run(
            [sys.executable, "-m", "chapterdesk", *args, "--db", str(db)],
            capture_output=True, env=environment, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0 and not done.stderr, done.stderr
        out = done.stdout.decode(encoding)
        assert hq_id in out and "\x1b" not in out and "\x07" not in out
    table = subprocess.run(
        [sys.executable, "-m", "chapterdesk", "members", "list", "--db", str(db)],
        capture_output=True, env=env(tmp_path / "data"), timeout=120,
    )  # fmt: skip
    assert "小明😀" in table.stdout.decode("utf-8")  # redirected: UTF-8, as `-X utf8` writes


@pytest.mark.parametrize("args", [["members", "list"], ["members", "list", "--json"]])
def test_a_reader_that_went_away(args: list[str], demo_path: Path, tmp_path: Path) -> None:
    """`chapterdesk members list | head -1`: the first line, exit 0, nothing on stderr."""
    done = subprocess.run(
        ["sh", "-c", '"$@" | head -1', "sh", sys.executable, "-m", "chapterdesk", *args,
         "--db", str(demo_path)],
        capture_output=True, text=True, env=env(tmp_path / "data"), timeout=120,
    )  # fmt: skip
    assert done.returncode == 0 and done.stdout.count("\n") == 1 and not done.stderr
    closed = subprocess.Popen(
        [sys.executable, "-m", "chapterdesk", *args, "--db", str(demo_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env(tmp_path / "data"),
    )  # fmt: skip
    assert closed.stdout is not None and closed.stderr is not None
    closed.stdout.close()  # gone before the first byte
    err = closed.stderr.read()
    closed.stderr.close()
    assert closed.wait(timeout=120) == 0 and not err, err
