"""A report or export either replaces the old file completely or leaves it as it was."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from chapterdesk.atomic import LEFTOVER_AGE_S, atomic_path, atomic_write, scratch_folder
from chapterdesk.errors import BadInputError
from tests.conftest import PROJECT


@pytest.fixture
def old_report(tmp_path: Path) -> Path:
    """A previous, good report.pdf that a failed write must not damage."""
    target = tmp_path / "report.pdf"
    target.write_bytes(b"%PDF last month's good report")
    return target


def _only(target: Path) -> list[str]:
    """The folder's contents: no temporary file may be left behind."""
    return sorted(p.name for p in target.parent.iterdir())


def test_successful_write_replaces_the_file(old_report: Path) -> None:
    with atomic_write(old_report) as handle:
        handle.write(b"%PDF new")
    assert old_report.read_bytes() == b"%PDF new"
    assert _only(old_report) == ["report.pdf"]


def test_new_file_is_private_and_existing_mode_is_kept(tmp_path: Path, old_report: Path) -> None:
    fresh = tmp_path / "fresh.csv"
    with atomic_write(fresh, "w") as handle:
        handle.write("Łukasz Żółć\n")
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    assert fresh.read_text(encoding="utf-8") == "Łukasz Żółć\n"
    os.chmod(old_report, 0o644)
    with atomic_write(old_report) as handle:
        handle.write(b"x")
    assert stat.S_IMODE(old_report.stat().st_mode) == 0o644


def test_interrupted_write_leaves_old_file_intact(old_report: Path) -> None:
    with pytest.raises(RuntimeError, match="crash"), atomic_write(old_report) as handle:
        handle.write(b"%PDF half a")
        raise RuntimeError("crash halfway")
    assert old_report.read_bytes() == b"%PDF last month's good report"
    assert _only(old_report) == ["report.pdf"]


def test_disk_full_during_write_is_explained(old_report: Path) -> None:
    with pytest.raises(BadInputError) as caught, atomic_write(old_report) as handle:
        handle.write(b"%PDF partial")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert str(caught.value) == (
        "Could not write report.pdf: the disk is full. Free some space and try again; "
        "the previous file is unchanged."
    )
    assert caught.value.exit_status == 2
    assert old_report.read_bytes() == b"%PDF last month's good report"
    assert _only(old_report) == ["report.pdf"]


def test_disk_full_in_a_library_writing_by_name(
    old_report: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A library that writes the temporary path itself hits ENOSPC on its third write."""
    real_write = os.write
    calls = {"n": 0}

    def failing_write(fd: int, data: bytes) -> int:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", failing_write)
    with pytest.raises(BadInputError, match="the disk is full"), atomic_path(old_report) as temp:
        assert temp.parent == old_report.parent
        fd = os.open(temp, os.O_WRONLY)
        try:
            for _ in range(5):
                os.write(fd, b"%PDF chunk ")
        finally:
            os.close(fd)
    assert old_report.read_bytes() == b"%PDF last month's good report"
    assert _only(old_report) == ["report.pdf"]


def test_disk_full_at_fsync_is_explained(old_report: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Some file systems only report a full disk when the data is flushed."""

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(BadInputError, match="disk is full"), atomic_write(old_report) as handle:
        handle.write(b"%PDF whole")
    assert old_report.read_bytes() == b"%PDF last month's good report"
    assert _only(old_report) == ["report.pdf"]


def test_unwritable_folder_is_explained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr("chapterdesk.atomic.tempfile.mkstemp", refused)
    target = tmp_path / "roster.xlsx"
    with pytest.raises(BadInputError) as caught, atomic_path(target):
        pass  # pragma: no cover - never reached
    assert "Could not write roster.xlsx" in str(caught.value)
    assert "no file was written" in str(caught.value)
    assert not target.exists()


def test_other_errors_are_not_disguised(old_report: Path) -> None:
    with pytest.raises(OSError) as caught, atomic_write(old_report) as handle:
        handle.write(b"x")
        raise OSError(errno.EIO, "Input/output error")
    assert not isinstance(caught.value, BadInputError)
    assert caught.value.errno == errno.EIO
    assert old_report.read_bytes() == b"%PDF last month's good report"
    assert _only(old_report) == ["report.pdf"]


def test_a_missing_input_inside_the_block_is_not_blamed_on_the_folder(old_report: Path) -> None:
    """A library failing to read some other file is a bug to show, not a 'folder' problem."""
    with pytest.raises(FileNotFoundError), atomic_write(old_report):
        raise FileNotFoundError(errno.ENOENT, "No such file", "logo.png")
    assert old_report.read_bytes() == b"%PDF last month's good report"
    assert _only(old_report) == ["report.pdf"]


# -- what a killed writer leaves behind ---------------------------------------------------

WRITER_THAT_WAITS = """
import sys
from pathlib import Path
from chapterdesk.atomic import atomic_write, scratch_folder
with scratch_folder() as folder, atomic_write(Path(sys.argv[1])) as handle:
    handle.write(b"half")
    handle.flush()
    print(folder, flush=True)
    sys.stdin.readline()
"""


def _aged(path: Path) -> Path:
    """`path`, its times put back past `LEFTOVER_AGE_S` (as if left there long ago)."""
    then = time.time() - LEFTOVER_AGE_S - 5
    os.utime(path, (then, then))
    return path


def _scratch_folders(root: Path) -> list[str]:
    return sorted(p.name for p in root.glob("chapterdesk-scratch-*"))


@pytest.fixture
def temp_root(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The system temporary directory, for this test only (here and in its processes)."""
    root = tmp_path_factory.mktemp("system-tmp")
    monkeypatch.setenv("TMPDIR", str(root))
    monkeypatch.setattr(tempfile, "tempdir", None)  # asked again, from TMPDIR
    return root


def test_the_next_write_removes_what_a_killed_writer_left_and_keeps_a_living_ones(
    old_report: Path, temp_root: Path
) -> None:
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    command = [sys.executable, "-c", WRITER_THAT_WAITS, str(old_report)]
    with (
        subprocess.Popen(command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         text=True) as killed,
        subprocess.Popen(command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         text=True) as living,
    ):  # fmt: skip
        assert killed.stdout is not None and living.stdout is not None and living.stdin
        folders = [Path(w.readline().strip()) for w in (killed.stdout, living.stdout)]
        parts = sorted(p for p in old_report.parent.iterdir() if p.name.endswith(".part"))
        assert len(parts) == 2 and all(f.is_dir() for f in folders)
        killed.kill()  # kill -9: nothing of its own is removed
        killed.wait()
        for leftover in [*parts, *folders]:
            _aged(leftover)  # both look old now; only one writer still lives
        young = old_report.parent / f".{old_report.name}.just-made.part"
        young.write_bytes(b"")  # being set up this moment by some writer: not touched
        with scratch_folder() as mine, atomic_write(old_report) as handle:
            handle.write(b"%PDF new")
            assert _scratch_folders(temp_root) == sorted([folders[1].name, mine.name])
        assert old_report.read_bytes() == b"%PDF new"
        living_parts = [p.name for p in parts if p.exists()]
        assert len(living_parts) == 1 and young.exists()  # the living writer's, the young one
        living.stdin.write("\n")  # the living writer finishes: its file replaces ours
        living.stdin.flush()
        assert living.wait(timeout=30) == 0
    assert old_report.read_bytes() == b"half"
    assert _scratch_folders(temp_root) == [] and _only(old_report) == [
        young.name, "report.pdf"]  # fmt: skip
