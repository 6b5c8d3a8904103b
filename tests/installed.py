"""What an installed ChapterDesk must do, run against any installation: a wheel in a fresh
virtualenv (tests/test_installed_wheel.py) or the .deb's bundle (packaging/tests/test_deb.py).

From a folder outside the checkout and with a home of its own, the installed
`chapterdesk` command creates a chapter, imports an HQ export, prints the dues
report (in its DejaVu fonts) and the roster workbook, builds the demo, and opens
the window (offscreen), each checked by reading back what it wrote.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import openpyxl
from pypdf import PdfReader


@dataclass
class Installed:
    """One installed `chapterdesk` command, run with a clean environment of its own."""

    command: Sequence[str]
    workdir: Path
    env: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @classmethod
    def make(cls, command: Sequence[str], workdir: Path, path: str) -> Installed:
        """An empty HOME and XDG folders under `workdir`, `path` as the whole PATH."""
        home = workdir / "home"
        home.mkdir(parents=True)
        env = {
            "HOME": str(home),
            "PATH": path,
            "LANG": "C.UTF-8",
            "QT_QPA_PLATFORM": "offscreen",
            "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
        }
        return cls(command, workdir, env)

    def run(self, *args: str, env: dict[str, str] | None = None) -> str:
        """Run a command; fail with its output unless it exits 0; return its stdout."""
        started = time.perf_counter()
        done = subprocess.run(
            [*self.command, *args], cwd=self.workdir, env={**self.env, **(env or {})},
            capture_output=True, text=True, timeout=240,
        )
        self.timings[args[0] if args else "window"] = time.perf_counter() - started
        assert done.returncode == 0, (args, done.returncode, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr, done.stderr
        return done.stdout


def check_installed(app: Installed, export: Path, members: int) -> None:
    """The whole round an officer makes with a fresh installation; asserts each step's result.

    Args:
        export: an HQ export (xlsx) of `members` people.
    """
    from chapterdesk import __version__

    assert app.run("--version").strip() == f"ChapterDesk {__version__}"
    first = app.run(env={"CHAPTERDESK_QUIT_WHEN_SHOWN": "1"})  # no database yet
    assert first.startswith("window shown: ChapterDesk | WelcomePage |"), first
    db = "lakes.sqlite3"
    started = app.run("init", "--db", db, "--chapter", "Lakes Chapter", "--currency", "CAD")
    assert "Started Lakes Chapter (CAD" in started
    imported = app.run("import", str(export), "--db", db)
    assert f"{export.name}: {members:,} member rows" in imported, imported
    year = str(dt.date.today().year)
    app.run("report", "dues", year, "-o", "dues.pdf", "--db", db)
    pdf = PdfReader(app.workdir / "dues.pdf")
    fonts = {
        str(font["/BaseFont"])
        for page in pdf.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any(f.endswith("DejaVuSans") for f in fonts), fonts  # the shipped font, embedded
    assert "Dues report" in pdf.pages[0].extract_text() or year in pdf.pages[0].extract_text()
    app.run("demo", "--db", "demo.sqlite3", "--members", "40")
    app.run("export", "roster", "-o", "roster.xlsx", "--db", "demo.sqlite3")
    book = openpyxl.load_workbook(app.workdir / "roster.xlsx", read_only=True)
    try:
        sheet = book.active
        assert sheet is not None
        rows = [row for row in sheet.iter_rows(values_only=True) if any(row)]
    finally:
        book.close()
    assert len(rows) == 41, len(rows)  # the header and the demo's 40 members
    # a bank statement (OFX: ofxtools) and a card processor's CSV, matched without posting
    from tests.payments import samples

    paid = [samples.Paid("FIT-1", dt.date.today(), Decimal("150.00"), memo="Dues 999999")]
    for name, write in (("bank.ofx", samples.write_ofx_v2), ("stripe.csv", samples.write_stripe)):
        write(app.workdir / name, paid)
        found = json.loads(
            app.run("payments", "import", name, "--dry-run", "--json", "--db", "demo.sqlite3")
        )
        assert found["lines"], found
    app.run("report", "year-end", year, "-o", "year-end.pdf", "--db", "demo.sqlite3")
    assert "Year-end report" in PdfReader(app.workdir / "year-end.pdf").pages[0].extract_text()
    shown = app.run("--db", db, env={"CHAPTERDESK_QUIT_WHEN_SHOWN": "1"})
    assert shown.startswith("window shown: Lakes Chapter — ChapterDesk |"), shown
    # what the file manager does (Exec=chapterdesk %f): a database, then a handover package
    shown = app.run(str(app.workdir / db), env={"CHAPTERDESK_QUIT_WHEN_SHOWN": "1"})
    assert shown.startswith("window shown: Lakes Chapter — ChapterDesk |"), shown
    (app.workdir / "passphrase").write_text("a long enough passphrase\n", encoding="utf-8")
    app.run("handover", "export", "-o", "lakes.cdh", "--passphrase-file", "passphrase",
            "--db", db)
    shown = app.run(str(app.workdir / "lakes.cdh"), env={"CHAPTERDESK_QUIT_WHEN_SHOWN": "1"})
    assert shown.rstrip().endswith(
        f"| dialog: Open a handover package ({app.workdir / 'lakes.cdh'})"
    ), shown
    log_folder = Path(app.env["HOME"]) / ".local" / "share" / "ChapterDesk" / "logs"
    for log in log_folder.glob("*.log*"):
        assert os.stat(log).st_mode & 0o077 == 0, log
