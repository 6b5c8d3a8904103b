"""Every kind of file the HQ import refuses, through `chapterdesk import`: exit 2, nothing written.

A treasurer's month-end script must be able to rely on the command line: a
file that is not an HQ roster (or is built to hurt) ends with exit status 2
and the reason on stderr (one line; for rows with problems, the problems
listed under it), never a traceback, and the database is left exactly as it
was: the same HQ data, history and batches, and no new import batch.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.faults.conftest import chapterdesk, cli_env, fold_wal, same_hq_content
from tests.hqsync.hqfiles import (
    BILLION_LAUGHS,
    REFERENCE_HEADERS,
    member,
    rewrite_zip,
    table,
    write_xlsx,
)

Builder = Callable[[Path, Path], Path]


def _bytes(content: bytes, name: str) -> Builder:
    def build(folder: Path, _good: Path) -> Path:
        path = folder / name
        path.write_bytes(content)
        return path

    return build


def _truncated(folder: Path, good: Path) -> Path:
    data = good.read_bytes()
    path = folder / "cut.xlsx"
    path.write_bytes(data[: len(data) // 2])
    return path


def _not_a_workbook(folder: Path, _good: Path) -> Path:
    path = folder / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return path


def _zip_bomb(folder: Path, good: Path) -> Path:
    path = rewrite_zip(good, folder / "bomb.xlsx")
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/media/image1.bin", "w") as part,
    ):
        for _ in range(64):
            part.write(bytes(1024 * 1024))
    return path


def _entity_bomb(folder: Path, good: Path) -> Path:
    return rewrite_zip(
        good, folder / "laughs.xlsx", replace={"xl/sharedStrings.xml": BILLION_LAUGHS}
    )


def _absurd_dimension(folder: Path, good: Path) -> Path:
    def widen(name: str, data: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return data
        return re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', data)

    return rewrite_zip(good, folder / "huge.xlsx", edit=widen)


def _xlsx(name: str, rows: list[list[object]]) -> Builder:
    return lambda folder, _good: write_xlsx(folder / name, rows)


# name → (builder, what the reason says)
CORPUS: dict[str, tuple[Builder, str]] = {
    "empty": (_bytes(b"", "empty.xlsx"), "empty.xlsx is empty"),
    "random bytes": (
        _bytes(random.Random(7).randbytes(4096), "noise.csv"),
        "it holds binary data, not text",
    ),
    "a PDF renamed .xlsx": (
        _bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj" + bytes(200), "pdf.xlsx"),
        "it looks like a PDF",
    ),
    "a PNG renamed .xlsx": (
        _bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "png.xlsx"),
        "it looks like a PNG image",
    ),
    "a truncated download": (_truncated, "cut.xlsx is damaged or incomplete"),
    "a zip that is not a workbook": (_not_a_workbook, "it looks like a zip archive"),
    "a zip bomb": (_zip_bomb, "zip bomb"),
    "an entity bomb": (_entity_bomb, "its part xl/sharedStrings.xml declares a DOCTYPE"),
    # a declared extent is only a hint: the sheet is measured, read, and then its three
    # members are too few for this chapter (the real far cells are in hqsync's corpus)
    "a lying dimension": (_absurd_dimension, "leaves out more than half of the chapter"),
    "a CSV with NUL bytes": (
        _bytes(b"Member ID,Last Name,Paid Through\n1,Lee\x00,2026-12-31\n", "nul.csv"),
        "it holds binary data, not text",
    ),
    "a Word document renamed .xls": (
        _bytes(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600) + "WordDocument".encode("utf-16-le"),
            "word.xls",
        ),
        "it looks like a Word document",
    ),
    "a workbook with no header": (
        _xlsx("numbers.xlsx", [[1, 2, 3], [4, 5, 6]]),
        "has no header row ChapterDesk recognises",
    ),
    "a missing required column": (
        _xlsx(
            "nopaid.xlsx",
            table([member(1)], [h for h in REFERENCE_HEADERS if h != "Paid Through"]),
        ),
        "has no Paid Through column",
    ),
}


@pytest.fixture
def chapter(demo_path: Path, tmp_path: Path) -> tuple[Path, Path, Path]:
    """The demo chapter, an untouched copy to compare with, and a good export to spoil."""
    fold_wal(demo_path)
    reference = tmp_path / "reference.sqlite3"
    shutil.copyfile(demo_path, reference)
    good = write_xlsx(tmp_path / "good.xlsx", table([member(1), member(2)]))
    return demo_path, reference, good


def run_import(db: Path, export: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        chapterdesk("import", str(export), "--db", str(db)),
        env=cli_env(tmp_path / "data"),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_refused_file_exits_2_with_its_reason_and_writes_nothing(
    chapter: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    db, reference, good = chapter
    folder = tmp_path / "corpus"
    folder.mkdir()
    for kind, (build, reason) in CORPUS.items():
        done = run_import(db, build(folder, good), tmp_path)
        assert done.returncode == 2, (kind, done.stderr)
        assert done.stdout == "", kind
        assert "Traceback" not in done.stderr, kind
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("chapterdesk: "), (kind, lines)
        assert reason in lines[0], (kind, lines[0])
        assert same_hq_content(db, reference), f"{kind} changed the database"


def test_rows_with_problems_are_listed_and_nothing_is_imported(
    chapter: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    db, reference, _good = chapter
    rows = table([member(1, Paid_Through="someday"), member(2, **{"Member ID": ""}), member(3)])
    done = run_import(db, write_xlsx(tmp_path / "rows.xlsx", rows), tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        "chapterdesk: rows.xlsx has 2 problem(s) in 2 row(s); nothing was imported. Fix the "
        "file, or import the valid rows with --skip-invalid:",
        "  row 2, Paid Through: 'someday' is not a date ChapterDesk can read; write dates as "
        "YYYY-MM-DD or MM/DD/YYYY.",
        "  row 3, Member ID: the member ID is empty; every member row needs HQ's member ID.",
    ]
    assert same_hq_content(db, reference)
