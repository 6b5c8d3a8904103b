"""ChapterDesk works with no network and never opens one: a socket fails the test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT

GUARD = """
import os, sys

_EVENTS = {
    "socket.__new__", "socket.connect", "socket.bind", "socket.getaddrinfo",
    "socket.gethostbyname", "socket.gethostbyaddr", "socket.sendto", "socket.sendmsg",
}


def _no_network(event, args):
    if event in _EVENTS:
        with open(os.environ["NETWORK_LOG"], "a", encoding="utf-8") as log:
            log.write(f"{event} {args!r}\\n")
        raise RuntimeError(f"ChapterDesk tried to use the network: {event}")


sys.addaudithook(_no_network)
"""


def test_representative_commands_open_no_socket(tmp_path: Path) -> None:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    log = tmp_path / "network.log"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join((str(hooks), str(PROJECT))),
        "NETWORK_LOG": str(log),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }

    def run(*args: str) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "chapterdesk", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, (args, done.stderr)

    secret = tmp_path / "pass.txt"
    secret.write_text("an offline handover passphrase\n", encoding="utf-8")
    run("init", "--db", "new.sqlite3", "--chapter", "Offline Chapter")
    run("demo", "--db", "demo.sqlite3", "--members", "40")
    run("members", "list", "--db", "demo.sqlite3", "--json")
    run("audit", "list", "--db", "demo.sqlite3")
    run("backup", "-o", "backup.sqlite3", "--db", "demo.sqlite3")
    run("restore", "backup.sqlite3", "--db", "demo.sqlite3")
    run(
        "handover",
        "export",
        "-o",
        "h.cdh",
        "--passphrase-file",
        str(secret),
        "--db",
        "demo.sqlite3",
    )
    run("handover", "import", "h.cdh", "--passphrase-file", str(secret), "--db", "laptop.sqlite3")
    assert not log.exists(), log.read_text(encoding="utf-8")

    # The guard itself works: a socket in the same environment is caught and logged.
    probe = subprocess.run(
        [sys.executable, "-c", "import socket; socket.socket()"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert probe.returncode != 0 and "socket.__new__" in log.read_text(encoding="utf-8")
