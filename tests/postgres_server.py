"""A throwaway PostgreSQL cluster for the test session: initdb, pg_ctl, a unix socket, gone after.

The data and service tests run on SQLite and on a real PostgreSQL server. This
module finds the machine's PostgreSQL programs (PATH first, then Debian's
/usr/lib/postgresql/*/bin), creates a cluster in a temporary directory that
listens only on a unix socket in that directory (no TCP port, so parallel
test workers never collide), with fsync off because the data is thrown away,
and stops it with `pg_ctl stop -m immediate` when the session ends (also when
it fails). `make test` installs Debian's `postgresql` package first when the
programs are missing (scripts/ensure-postgresql).

PostgreSQL refuses to run as root. When the tests run as root, the cluster
runs as the `postgres` system user (created by the Debian package), or as a
dedicated `chapterdesk-pg` user created with useradd when there is none.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

SUPERUSER = "chapterdesk"
OFFICER = "officer"  # a password-authenticated role, for the connect dialog's tests
OFFICER_PASSWORD = "correct horse battery staple"
DEDICATED_USER = "chapterdesk-pg"


class PostgresUnavailable(RuntimeError):
    """The PostgreSQL server programs are missing or the cluster would not start."""


def find_bin_dir() -> Path:
    """The folder holding initdb and pg_ctl: from PATH, else the newest Debian install."""
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(os.path.realpath(initdb)).parent

    def version(found: str) -> int:
        name = Path(found).parent.parent.name
        return int(name) if name.isdigit() else 0

    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version)
    for found in reversed(candidates):
        folder = Path(found).parent
        if (folder / "pg_ctl").exists():
            return folder
    raise PostgresUnavailable(
        "PostgreSQL's initdb and pg_ctl were not found (PATH, /usr/lib/postgresql/*/bin); "
        "run `make test`, which installs Debian's postgresql package, or install PostgreSQL."
    )


def _run_as_user() -> str | None:
    """The unprivileged user the cluster runs as when we are root (None: run as ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", DEDICATED_USER):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", DEDICATED_USER],
        check=True,
        capture_output=True,
    )
    return DEDICATED_USER


class PostgresServer:
    """One running throwaway cluster; `url(dbname)` names a database on it."""

    def __init__(self) -> None:
        self.bin_dir = find_bin_dir()
        self.user = _run_as_user()
        self.root = Path(tempfile.mkdtemp(prefix="chapterdesk-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.running = False

    def _command(self, program: str, *args: str) -> list[str]:
        argv = [str(self.bin_dir / program), *args]
        if self.user is None:
            return argv
        return ["runuser", "-u", self.user, "--", *argv]

    def _run(self, program: str, *args: str) -> None:
        done = subprocess.run(
            self._command(program, *args), capture_output=True, text=True, timeout=120
        )
        if done.returncode != 0:
            raise PostgresUnavailable(
                f"{program} failed ({done.returncode}): {done.stderr.strip() or done.stdout}"
            )

    def start(self) -> None:
        """initdb a cluster in the temporary folder and start it on a unix socket there."""
        if self.user is not None:
            account = pwd.getpwnam(self.user)
            os.chown(self.root, account.pw_uid, account.pw_gid)
        os.chmod(self.root, 0o700)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "--auth-local=trust",
            "--auth-host=reject",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )
        # The superuser connects by trust; the officer role must give its password.
        hba = self.data / "pg_hba.conf"
        hba.write_text(
            f"local all {SUPERUSER} trust\nlocal all all scram-sha-256\n", encoding="utf-8"
        )
        self._start_postmaster()
        with self.admin() as conn:
            conn.execute(
                f"CREATE ROLE {OFFICER} LOGIN PASSWORD '{OFFICER_PASSWORD}'"  # test-only secret
            )

    def _start_postmaster(self) -> None:
        options = (
            f"-c listen_addresses='' -c unix_socket_directories='{self.root}' "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=120 -c shared_buffers=32MB"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")
        self.running = True

    def halt(self) -> None:
        """Stop the server abruptly but keep its data, as when the shared server goes away.

        Committed work is flushed first: a real server commits durably, this one
        (synchronous_commit=off for speed) would otherwise lose its last commits.
        """
        with self.admin() as conn:
            conn.execute("CHECKPOINT")
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        self.running = False

    def resume(self) -> None:
        """Start a halted server again on the same socket with the same data."""
        self._start_postmaster()

    def stop(self) -> None:
        """Stop the cluster at once (its data is thrown away) and remove the folder."""
        if self.running:
            self.running = False
            subprocess.run(
                self._command("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop"),
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str, user: str = SUPERUSER) -> str:
        """The SQLAlchemy URL of a database on this cluster, through its socket."""
        return f"postgresql+psycopg://{user}@/{database}?host={self.root}"

    def admin(self) -> psycopg.Connection[tuple[object, ...]]:
        """An autocommit connection to the `postgres` database, for CREATE/DROP DATABASE."""
        return psycopg.connect(
            host=str(self.root), dbname="postgres", user=SUPERUSER, autocommit=True
        )

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create a database (a copy of `template` when given); return its URL."""
        with self.admin() as conn:
            if template is None:
                conn.execute(f'CREATE DATABASE "{name}"')
            else:
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, closing any connection a failed test left open."""
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
