"""Every command, given every kind of wrong place and number, answers in one line with 0, 2 or 3.

The argparse tree is walked, so a new command is covered the day it is
added (a command missing from `ARGUMENTS` fails the completeness test). Each
command runs in-process against a copy of the demo chapter with, in turn, its
database and each of its file arguments replaced by: a missing file, a folder,
a named pipe, a device node (/dev/null), a 0-byte file and unsupported URLs;
and each of its numbers by one too large for any database. Whatever it says,
it exits 0, 2 or 3, in at most one line on stderr with no traceback, and a
refused command leaves the database byte for byte as it was.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import hashlib
import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from chapterdesk.cli import build_parser, main

HUGE = "99999999999999999999"
# Each command's arguments with placeholders: {db} the chapter, {file} an input file the
# command reads, {out} a file it writes, {pass} a passphrase file, {n} a number.
ARGUMENTS: dict[str, list[str]] = {
    "init": ["--chapter", "Fault Chapter", "--db", "{db}"],
    "demo": ["--members", "{n:5}", "--db", "{db}"],
    "members add": ["{n:100000}", "--db", "{db}"],
    "members list": ["--db", "{db}"],
    "members show": ["{n:100000}", "--db", "{db}"],
    "members leave": ["{n:100000}", "--db", "{db}"],
    "members voters": ["--db", "{db}"],
    "members correct": ["{n:100000}", "email", "a@example.org", "--db", "{db}"],
    "conflicts list": ["--db", "{db}"],
    "conflicts settle": ["{n:100000}", "email", "--keep-local", "--db", "{db}"],
    "officers set": ["{n:100000}", "Treasurer", "--from", "2026-01-01", "--db", "{db}"],
    "officers end": ["{n:100000}", "Treasurer", "--on", "2026-01-01", "--db", "{db}"],
    "officers list": ["--db", "{db}"],
    "categories list": ["--db", "{db}"],
    "categories add": ["Fault", "--db", "{db}"],
    "categories set": ["Regular", "--db", "{db}"],
    "categories map": ["Full Member", "Regular", "--db", "{db}"],
    "categories unmap": ["Full Member", "--db", "{db}"],
    "import": ["{file}", "--db", "{db}"],
    "imports list": ["--db", "{db}"],
    "imports undo": ["{n:1}", "--db", "{db}"],
    "db copy": ["--from", "{db}", "--to", "{out}"],
    "backup": ["-o", "{out}", "--db", "{db}"],
    "restore": ["{file}", "--db", "{db}"],
    "handover export": ["-o", "{out}", "--passphrase-file", "{pass}", "--db", "{db}"],
    "handover import": ["{file}", "--passphrase-file", "{pass}", "--db", "{db}"],
    "audit list": ["--limit", "{n:10}", "--db", "{db}"],
    "audit export": ["-o", "{out}", "--db", "{db}"],
    "audit officer": ["--db", "{db}"],
    "dues rate set": ["{n:2026}", "Regular", "{n:150}", "--db", "{db}"],
    "dues rate list": ["{n:2026}", "--db", "{db}"],
    "dues rules set": ["{n:2026}", "--enterprise-after", "{n:3}", "--db", "{db}"],
    "dues rules show": ["{n:2026}", "--db", "{db}"],
    "dues org list": ["--db", "{db}"],
    "dues org nonprofit": ["Acme", "--db", "{db}"],
    "dues assess": ["{n:2026}", "--dry-run", "--db", "{db}"],
    "dues pay": ["{n:100000}", "{n:5}", "--method", "visa", "--db", "{db}"],
    "dues reverse": ["{n:1}", "--reason", "fault test", "--db", "{db}"],
    "dues waive": ["{n:100000}", "{n:2026}", "--reason", "fault test", "--db", "{db}"],
    "dues credit": ["{n:100000}", "{n:5}", "--reason", "fault test", "--db", "{db}"],
    "dues balance": ["{n:100000}", "--db", "{db}"],
    "dues list": ["--year", "{n:2026}", "--db", "{db}"],
    "report dues": ["{n:2026}", "-o", "{out}", "--db", "{db}"],
    "report statements": ["{n:2026}", "-o", "{out}", "--db", "{db}"],
    "report roster": ["-o", "{out}", "--db", "{db}"],
    "report compliance": ["-o", "{out}", "--db", "{db}"],
    "report voters": ["-o", "{out}", "--db", "{db}"],
    "report labels": ["-o", "{out}", "--db", "{db}"],
    "report receipt": ["{n:1}", "-o", "{out}", "--db", "{db}"],
    "report year-end": ["{n:2026}", "-o", "{out}", "--db", "{db}"],
    "export roster": ["-o", "{out}", "--db", "{db}"],
    "export dues": ["-o", "{out}", "--db", "{db}"],
    "export hq": ["-o", "{out}", "--db", "{db}"],
    "payments import": ["{file}", "--db", "{db}"],
    "payments list": ["--db", "{db}"],
    "payments undo": ["{n:1}", "--db", "{db}"],
    "mail setup": [
        "--host", "127.0.0.1", "--port", "{n:2525}", "--from", "t@chapter.example",
        "--password-file", "{file}", "--db", "{db}",
    ],
    "mail show": ["--db", "{db}"],
    "mail test": ["t@chapter.example", "--db", "{db}"],
    "mail template show": ["statement", "--db", "{db}"],
    "mail template set": ["statement", "--text-file", "{file}", "--db", "{db}"],
    "mail statements": ["{n:2026}", "--dry-run", "--print-missing", "{out}", "--db", "{db}"],
    "mail reminders": ["{n:2026}", "--dry-run", "--db", "{db}"],
    "mail receipts": ["--dry-run", "--db", "{db}"],
    "mail outbox": ["--db", "{db}"],
    "mail send": ["--db", "{db}"],
}  # fmt: skip
OUT_SUFFIX = {"export roster": ".csv", "export dues": ".csv", "export hq": ".xlsx"}
PLACES = ("missing", "folder", "fifo", "device", "empty", "mysql", "foo")


def command_names(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> Iterator[str]:
    """The name of every command that runs (`dues rate set`, …), walking the argparse tree."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield " ".join(path)
        return
    for name, child in subs[0].choices.items():
        yield from command_names(child, (*path, name))


COMMANDS = sorted(command_names(build_parser()))


def test_every_command_has_its_fault_arguments() -> None:
    """A command added later is not silently left out of the fault runs."""
    assert sorted(ARGUMENTS) == COMMANDS


class FifoFeeder:
    """Open a named pipe's writing end whenever a reader opens it, then close it (EOF).

    A command that (wrongly) reads the pipe is given an empty file instead of
    blocking the suite; one that refuses it never opens it.
    """

    def __init__(self, fifo: Path) -> None:
        self.fifo = fifo
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._feed, daemon=True)

    def _feed(self) -> None:
        while not self.stop.is_set():
            try:
                fd = os.open(self.fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as exc:
                if exc.errno not in (errno.ENXIO, errno.ENOENT):
                    return
                self.stop.wait(0.01)
                continue
            os.close(fd)

    def __enter__(self) -> FifoFeeder:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=5)


def place(kind: str, folder: Path) -> str:
    """A path (or URL) of the given wrong kind."""
    if kind == "missing":
        return str(folder / "nowhere" / "missing.sqlite3")
    if kind == "folder":
        return str(folder)
    if kind == "fifo":
        return str(folder / "pipe")
    if kind == "device":
        return os.devnull
    if kind == "empty":
        target = folder / "empty.sqlite3"
        target.write_bytes(b"")
        return str(target)
    return {"mysql": "mysql://u@h/x", "foo": "foo://bar"}[kind]


def fill(template: list[str], values: dict[str, str], huge: int | None) -> list[str]:
    """The command line with its placeholders filled; number `huge` (by position) made huge."""
    argv, number = [], 0
    for arg in template:
        if arg.startswith("{n:"):
            argv.append(HUGE if number == huge else arg[3:-1])
            number += 1
        else:
            argv.append(arg.format(**values))
    return argv


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the command line in-process; returns exit status, stdout and stderr."""
    try:
        status = main(argv)
    except SystemExit as exc:  # only --help and --version exit this way
        status = int(exc.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


def digest(path: Path) -> str:
    """The database file's bytes, hashed."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("command", COMMANDS)
def test_wrong_places_and_numbers(
    command: str,
    tmp_path: Path,
    demo_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each slot given each wrong kind of place, each number made huge: 0/2/3 and one line."""
    monkeypatch.chdir(tmp_path)  # `-o foo://bar` is a relative path: written here
    template = ARGUMENTS[command]
    good_out = str(tmp_path / f"out{OUT_SUFFIX.get(command, '.pdf')}")
    good_pass = tmp_path / "passphrase.txt"
    good_pass.write_text("correct horse battery staple\n", encoding="utf-8")
    backup = tmp_path / "good.backup"
    shutil.copyfile(demo_path, backup)
    good_file = {"import": str(backup), "restore": str(backup)}.get(command, str(backup))
    slots = [s for s in ("db", "file", "out", "pass") if any(f"{{{s}}}" in a for a in template)]
    numbers = sum(a.startswith("{n:") for a in template)
    cases: list[tuple[str, str | None, int | None]] = [
        (slot, kind, None) for slot in slots for kind in PLACES
    ]
    cases += [("", None, index) for index in range(numbers)]
    fifo = tmp_path / "wrong" / "pipe"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    failures = []
    with FifoFeeder(fifo):
        for slot, kind, huge in cases:
            db = tmp_path / "chapter.sqlite3"
            shutil.copyfile(demo_path, db)
            for sidecar in ("-wal", "-shm"):
                Path(f"{db}{sidecar}").unlink(missing_ok=True)
            values = {"db": str(db), "file": good_file, "out": good_out, "pass": str(good_pass)}
            if kind is not None:
                values[slot] = place(kind, fifo.parent)
            argv = [*command.split(), *fill(template, values, huge)]
            before = digest(db)
            status, _out, err = run(argv, capsys)
            lines = err.strip().splitlines()
            problems = []
            if status not in (0, 2, 3):
                problems.append(f"exit {status}")
            if "Traceback" in err or len(lines) > 1:
                problems.append(f"stderr {err!r}")
            if status != 0 and digest(db) != before:
                problems.append("refused, yet the database changed")
            if problems:
                failures.append(f"{' '.join(argv)}: {'; '.join(problems)}")
            with contextlib.suppress(FileNotFoundError):
                (fifo.parent / "empty.sqlite3").unlink()
    assert not failures, "\n".join(failures)


def test_a_genuine_bug_exits_1_naming_the_log(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The one exit 1: what no sentence can explain (a table gone from under the code)."""
    import sqlite3

    con = sqlite3.connect(demo_path)
    try:
        con.execute("ALTER TABLE membership_category RENAME TO membership_category_gone")
        con.commit()
    finally:
        con.close()
    status, out, err = run(["categories", "list", "--json", "--db", str(demo_path)], capsys)
    assert status == 1 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    log = Path(err.split("The details were written to ")[1].split(";")[0])
    assert log.name == "chapterdesk.log" and "no such table" in log.read_text(encoding="utf-8")
    assert json.loads(out)["error"]["code"] == 1
