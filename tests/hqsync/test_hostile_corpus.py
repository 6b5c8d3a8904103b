"""Every hostile file of issue 15 handed to the real command line, in a child process.

Each must be refused the way a treasurer's script expects: exit status 2, one
line on stderr, nothing written, and the child's peak memory (VmHWM, read from
/proc just before it exits) under 500 MB. The child runs `chapterdesk import`
through a small wrapper whose atexit hook prints VmHWM.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hqfiles import hostile_xlsx, member, shared_string_bomb, table, write_csv, write_xlsx

from chapterdesk.data.migrate import open_database
from tests.hqimport.exports import hq_content

PROJECT = Path(__file__).resolve().parents[2]
PEAK_LIMIT_KB = 500 * 1024
_WRAPPER = """
import atexit, runpy, sys

def _peak():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                sys.stderr.write("VMHWM_KB " + line.split()[1] + "\\n")

atexit.register(_peak)
sys.argv = ["chapterdesk", *sys.argv[1:]]
runpy.run_module("chapterdesk", run_name="__main__", alter_sys=True)
"""


def _good(tmp: Path) -> Path:
    return write_xlsx(tmp / "good.xlsx", table([member(1), member(2)]))


def _utf8_with_a_stray_byte(tmp: Path) -> Path:
    text = write_csv(tmp / "u.csv", table([member(n, First_Name="José") for n in range(4)]))
    data = text.read_bytes()
    path = tmp / "stray-byte.csv"
    path.write_bytes(data[:-20] + b"\xff" + data[-20:])
    return path


def _ods_repeating_a_value(tmp: Path) -> Path:
    from test_package_formats import write_ods

    tail = (
        '<table:table-row table:number-rows-repeated="1000000">'
        '<table:table-cell table:number-columns-repeated="40" office:value-type="string">'
        "<text:p>x</text:p></table:table-cell></table:table-row>"
    )
    return write_ods(tmp / "repeats.ods", table([member(1)]), tail=tail)


def _header_only(tmp: Path) -> Path:
    return write_csv(tmp / "cut-short.csv", table([]))


def _fifo(tmp: Path) -> Path:
    path = tmp / "roster.csv"
    os.mkfifo(path)
    return path


CORPUS: dict[str, Callable[[Path], Path]] = {
    "cell at SF2000000": lambda t: hostile_xlsx(_good(t), t / "sf.xlsx", "SF2000000"),
    "cell at SF2000000, lying dimension": lambda t: hostile_xlsx(
        _good(t), t / "sf-dim.xlsx", "SF2000000", dimension="A1:U3"
    ),
    "cell at XFD1048576": lambda t: hostile_xlsx(_good(t), t / "xfd.xlsx", "XFD1048576"),
    "cell at XFD1048576, lying dimension": lambda t: hostile_xlsx(
        _good(t), t / "xfd-dim.xlsx", "XFD1048576", dimension="A1:B2"
    ),
    "cell at BH2000000": lambda t: hostile_xlsx(_good(t), t / "bh.xlsx", "BH2000000"),
    "real cell at U1048576": lambda t: hostile_xlsx(_good(t), t / "u.xlsx", "U1048576"),
    "1,500 uses of a 2 MB shared string": lambda t: shared_string_bomb(
        _good(t), t / "sst.xlsx", uses=1500, size=2 * 1024**2
    ),
    "UTF-8 with a stray byte": _utf8_with_a_stray_byte,
    "a FIFO": _fifo,
    "a header and no rows": _header_only,
    ".ods repeating a value 40 million times": _ods_repeating_a_value,
}


def run_import(path: Path, db: Path | str, *extra: str) -> tuple[int, list[str], int]:
    """Exit status, stderr lines (without the peak line) and peak memory in KB of one import."""
    env = dict(os.environ, PYTHONPATH=str(PROJECT))
    env.pop("QT_QPA_PLATFORM", None)
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, "import", str(path), "--db", str(db), *extra],
        capture_output=True, text=True, env=env, timeout=240, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    peaks = [int(line.split()[1]) for line in lines if line.startswith("VMHWM_KB ")]
    assert peaks, f"the child printed no peak (killed?): {done.returncode} {done.stderr[-500:]}"
    return done.returncode, [x for x in lines if not x.startswith("VMHWM_KB ")], peaks[-1]


def content(path: Path) -> object:
    return content_at(str(path))


def content_at(location: str) -> object:
    db = open_database(location)
    try:
        return hq_content(db)
    finally:
        db.dispose()


@pytest.mark.timeout(600)
@pytest.mark.parametrize("case", list(CORPUS))
def test_hostile_file_is_refused_in_one_line_within_500_mb(
    case: str, demo_path: Path, tmp_path: Path
) -> None:
    before = content(demo_path)
    path = CORPUS[case](tmp_path)
    status, lines, peak_kb = run_import(path, demo_path)
    assert status == 2, (case, lines)
    assert len(lines) == 1, (case, lines)
    assert "Traceback" not in lines[0]
    assert peak_kb < PEAK_LIMIT_KB, f"{case}: peak {peak_kb // 1024} MB"
    assert content(demo_path) == before


@pytest.mark.timeout(600)
def test_mass_missing_is_refused_on_postgresql_too(
    pg_database: Callable[[str], str], tmp_path: Path
) -> None:
    """The refusal that reads the database (how many would be marked) on the shared server."""
    url = pg_database("demo")
    before = content_at(url)
    status, lines, peak_kb = run_import(_header_only(tmp_path), url)
    assert status == 2 and len(lines) == 1, lines
    assert "has a header but no member rows: importing it would mark " in lines[0]
    assert peak_kb < PEAK_LIMIT_KB
    assert content_at(url) == before
