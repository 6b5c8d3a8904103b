"""The disk fills up while a report or an export is written: one clear sentence, the old file kept.

`OSError(ENOSPC)` is raised from inside the real write path, the way a full
disk shows itself: the PDF or spreadsheet library opens the temporary file by
name and its write fails part way (the bytes that fit are written first).
"""

from __future__ import annotations

import builtins
import errno
import gc
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chapterdesk.errors import BadInputError
from tests.faults.write_big import main as write_big

TEMPORARY = re.compile(r"^\..+\.part$")  # the names chapterdesk.atomic writes to


class FillingFile:
    """A file that takes `room` more characters or bytes, then fails like a full disk."""

    def __init__(self, real: Any, room: list[int]) -> None:
        self._real = real
        self._room = room

    def write(self, data: Any) -> int:
        if len(data) > self._room[0]:
            fits = self._room[0]
            self._real.write(data[:fits])
            self._room[0] = 0
            raise OSError(errno.ENOSPC, "No space left on device")
        self._room[0] -= len(data)
        return int(self._real.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def __enter__(self) -> FillingFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._real.close()


def opened_name(file: Any) -> str:
    """The path a file argument to `open` names (a descriptor is looked up in /proc)."""
    if isinstance(file, int):
        return os.readlink(f"/proc/self/fd/{file}")
    return os.fspath(file)


def refusal(kind: str, target: Path, rows: int) -> str:
    """The sentence a write that meets the full disk fails with.

    Once the exception is gone, what the failed write abandoned is collected
    here, so anything it complains of while being finalised is reported inside
    this test (under its own warning filter), not in whichever test runs next.
    """
    message = ""
    try:
        write_big(kind, target, rows)
    except BadInputError as error:
        assert error.exit_status == 2
        message = str(error)
    gc.collect()
    assert message, "the write did not fail"
    return message


@pytest.fixture
def disk_fills_after(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Writes to a temporary report file fail with ENOSPC once the room the test sets is used."""
    room = [1 << 40]  # plenty until the test says how much is left
    real_open = builtins.open

    def open_on_a_small_disk(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real_open(file, mode, *args, **kwargs)
        writing = any(flag in mode for flag in "wax+")
        if writing and TEMPORARY.match(Path(opened_name(file)).name):
            return FillingFile(handle, room)
        return handle

    monkeypatch.setattr(builtins, "open", open_on_a_small_disk)
    monkeypatch.setattr(io, "open", open_on_a_small_disk)  # zipfile, under xlsxwriter
    yield room


# xlsxwriter leaves its ZipFile open when a write fails; the ZipFile's __del__ then tries
# the write again on the discarded temporary file, which Python reports as unraisable.
XLSXWRITER_RETRIES_IN_DEL = pytest.mark.filterwarnings(
    "ignore::pytest.PytestUnraisableExceptionWarning"
)


@pytest.mark.parametrize(
    ("kind", "rows"),
    [("pdf", 300), pytest.param("xlsx", 3000, marks=XLSXWRITER_RETRIES_IN_DEL), ("csv", 3000)],
)
def test_disk_full_while_writing_a_report_keeps_the_old_file(
    tmp_path: Path, disk_fills_after: list[int], kind: str, rows: int
) -> None:
    target = tmp_path / f"dues.{kind}"
    write_big(kind, target, 20)
    good = target.read_bytes()
    disk_fills_after[0] = 20_000
    assert refusal(kind, target, rows) == (
        f"Could not write dues.{kind}: the disk is full. Free some space and try again; "
        "the previous file is unchanged."
    )
    assert disk_fills_after[0] == 0, "the write never reached the full disk"
    assert target.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no partial file left


@XLSXWRITER_RETRIES_IN_DEL
def test_disk_full_before_the_first_report_writes_nothing(
    tmp_path: Path, disk_fills_after: list[int]
) -> None:
    target = tmp_path / "roster.xlsx"
    disk_fills_after[0] = 1000
    assert refusal("xlsx", target, 3000) == (
        "Could not write roster.xlsx: the disk is full. Free some space and try again; "
        "no file was written."
    )
    assert list(tmp_path.iterdir()) == []
