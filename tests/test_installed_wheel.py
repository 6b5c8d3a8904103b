"""The wheel works installed: built from the sources, installed into a fresh virtualenv outside the
checkout, and run from a folder of its own (no checkout on sys.path, no editable install).

The fresh virtualenv gets its third-party dependencies from the project's own
virtualenv through a `.pth` path (re-downloading PySide6 for each run would
take minutes); `pip check` then proves the wheel's declared requirements are
met by them. ChapterDesk itself comes only from the wheel: the test checks the
package imported is the installed copy, and that its fonts and Alembic scripts
are inside it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from chapterdesk import __version__
from chapterdesk.data.engine import Database, resolve_location
from tests.conftest import PROJECT
from tests.hqimport.exports import hq_records, write_export
from tests.installed import Installed, check_installed

pytestmark = [pytest.mark.installed, pytest.mark.timeout(600)]


def build_wheel(out: Path) -> Path:
    """`pip wheel` of a copy of the sources (the checkout is left untouched by the build)."""
    source = out / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(PROJECT / name, source / name)
    shutil.copytree(
        PROJECT / "chapterdesk", source / "chapterdesk",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(source)],
        check=True, timeout=300,
    )
    (wheel,) = out.glob(f"chapterdesk-{__version__}-*.whl")
    return wheel


def test_the_wheel_installed_in_a_fresh_venv_prints_imports_and_opens_the_window(
    tmp_path: Path, demo_path: Path
) -> None:
    wheel = build_wheel(tmp_path)
    packed = set(zipfile.ZipFile(wheel).namelist())
    assert "chapterdesk/resources/fonts/DejaVuSans.ttf" in packed
    assert "chapterdesk/resources/icons/chapterdesk.svg" in packed
    assert "chapterdesk/data/migrations/env.py" in packed
    assert "chapterdesk/data/migrations/versions/0001_chapter_settings.py" in packed
    venv = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "project-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python)]
    subprocess.run([*pip, "install", "--no-deps", "--quiet", str(wheel)], check=True, timeout=300)
    checked = subprocess.run([*pip, "check"], capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    app = Installed.make([str(venv / "bin" / "chapterdesk")], elsewhere, path="/usr/bin:/bin")
    where = subprocess.run(
        [str(python), "-c", "import chapterdesk, chapterdesk.paths as p; "
         "print(chapterdesk.__file__); print(p.resource('fonts', 'DejaVuSans.ttf'))"],
        cwd=elsewhere, env=app.env, capture_output=True, text=True, check=True,
    ).stdout.splitlines()
    assert all(line.startswith(str(site)) for line in where), where

    demo = Database(resolve_location(demo_path))
    try:
        records = hq_records(demo)
    finally:
        demo.dispose()
    export = write_export(tmp_path / "hq-roster.xlsx", records)
    check_installed(app, export, len(records))
