"""`chapterdesk report …` and `export …` as a treasurer scripting a month-end run uses them."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from chapterdesk.cli import main
from tests.conftest import PROJECT
from tests.reports_content.conftest import YEAR
from tests.reports_content.pdftext import pages_text


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The command line in this process (the subprocess tests below cover the entry point)."""
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_every_report_and_export_writes_its_file(
    capsys: pytest.CaptureFixture[str], ledger_path: Path, tmp_path: Path
) -> None:
    db = str(ledger_path)
    commands = [
        (["report", "dues", str(YEAR)], "dues.pdf"),
        (["report", "statements", str(YEAR)], "statements.pdf"),
        (["report", "roster"], "roster.pdf"),
        (["report", "compliance"], "compliance.pdf"),
        (["report", "labels", "--sheet", "L7160", "--all"], "labels.pdf"),
        (["report", "receipt", "1"], "receipt.pdf"),
        (["export", "roster"], "roster.csv"),
        (["export", "dues", "--year", str(YEAR)], "dues.xlsx"),
        (["export", "hq"], "to-hq.xlsx"),
    ]
    for args, name in commands:
        status, out, err = _run(capsys, *args, "--db", db, "-o", str(tmp_path / name))
        assert status == 0, err
        assert out.startswith(f"Wrote {tmp_path / name}")
        assert (tmp_path / name).stat().st_size > 0
    assert len(pages_text(tmp_path / "statements.pdf")) == 3


def test_json_reports_the_counts(cli: Any, ledger_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "statements.pdf"
    done = cli(
        "report", "statements", str(YEAR), "--db", str(ledger_path), "-o", str(target), "--json"
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"file": str(target), "statements": 3, "pages": 3}


def test_bad_suffix_and_missing_folder_exit_2_before_any_work(
    capsys: pytest.CaptureFixture[str], ledger_path: Path, tmp_path: Path
) -> None:
    db = str(ledger_path)
    status, _, err = _run(
        capsys, "report", "dues", str(YEAR), "--db", db, "-o", str(tmp_path / "d.xlsx")
    )
    assert status == 2 and "choose a file name ending in .pdf" in err
    status, _, err = _run(capsys, "export", "hq", "--db", db, "-o", str(tmp_path / "hq.csv"))
    assert status == 2 and "ending in .xlsx" in err
    missing = tmp_path / "no-such-folder" / "roster.pdf"
    status, _, err = _run(capsys, "report", "roster", "--db", db, "-o", str(missing))
    assert status == 2 and "does not exist" in err
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    status, _, err = _run(capsys, "export", "roster", "--db", db, "-o", str(blocker / "r.xlsx"))
    assert status == 2 and "does not exist" in err
    status, _, err = _run(
        capsys, "report", "receipt", "999", "--db", db, "-o", str(tmp_path / "r.pdf")
    )
    assert status == 2 and "no payment with receipt number 999" in err
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob("*.xlsx"))


def test_unreadable_output_folder_exits_2_in_a_subprocess(
    cli: Any, ledger_path: Path, tmp_path: Path
) -> None:
    done = cli("report", "dues", str(YEAR), "--db", str(ledger_path), "-o", str(tmp_path / "x.doc"))
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_interrupted_report_leaves_the_old_file(big_demo_template: Path, tmp_path: Path) -> None:
    db = tmp_path / "big.sqlite3"
    shutil.copyfile(big_demo_template, db)
    target = tmp_path / "roster.pdf"
    target.write_bytes(b"%PDF- last month's directory")
    env = dict(os.environ, PYTHONPATH=str(PROJECT))
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "chapterdesk",
            "report",
            "roster",
            "--db",
            str(db),
            "-o",
            str(target),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".roster.pdf.*.part")):
        assert process.poll() is None, "the report finished before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.002)
    process.send_signal(signal.SIGINT)  # Ctrl-C while the PDF is being written
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130 and "cancelled" in stderr
    assert target.read_bytes() == b"%PDF- last month's directory"
    assert not list(tmp_path.glob(".roster.pdf.*")), "the partial file is removed"
