"""kill -9 while the treasurer records a payment or writes a report: no half entry, no half file."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from chapterdesk.data.migrate import open_database
from chapterdesk.services import dues
from tests.conftest import PROJECT
from tests.faults.conftest import chapterdesk, cli_env, sqlite_rows
from tests.safety.conftest import digest

SIGN = {"charge": 1, "payment": -1, "credit": -1, "waiver": -1}


def kill_after(command: list[str], env: dict[str, str], seconds: float) -> bool:
    """Run `command`, SIGKILL it after `seconds` unless it ended; True when it was killed."""
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        proc.wait(timeout=seconds)
        return False
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        return True


def ledger_sums(path: Path) -> dict[str, int]:
    """Each member's balance in cents, summed straight from the ledger's rows."""
    entries = {
        entry_id: (kind, hq_id, cents, reverses)
        for entry_id, kind, hq_id, cents, reverses in sqlite_rows(
            path, "SELECT id, kind, hq_id, amount_cents, reverses_id FROM ledger_entry"
        )
    }
    sums: dict[str, int] = {}
    for kind, hq_id, cents, reverses in entries.values():
        sign = -SIGN[entries[reverses][0]] if kind == "reversal" else SIGN[kind]
        sums[hq_id] = sums.get(hq_id, 0) + sign * cents  # type: ignore[operator]
    return sums


def payments(path: Path) -> list[tuple[object, ...]]:
    return sqlite_rows(
        path, "SELECT receipt_no, hq_id, amount_cents FROM ledger_entry WHERE kind = 'payment'"
    )


def test_kill_9_during_dues_pay_leaves_no_half_entry(demo_path: Path, tmp_path: Path) -> None:
    db = open_database(demo_path)
    try:
        payer = next(m.hq_id for m in dues.balances(db).members if m.outstanding > 0)
    finally:
        db.dispose()
    env = cli_env(tmp_path / "data")
    command = chapterdesk("dues", "pay", payer, "12.34", "--method", "visa", "--db", str(demo_path))
    started = time.monotonic()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    whole = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    rng = random.Random(42)
    kills, landed = 5, 0
    for i in range(kills):
        before = payments(demo_path)
        killed = kill_after(command, env, whole * 1.1 * (i + rng.random()) / kills)
        assert sqlite_rows(demo_path, "PRAGMA integrity_check") == [("ok",)]
        after = payments(demo_path)
        new = sorted(set(after) - set(before))
        assert set(before) <= set(after) and len(new) <= 1  # the payment, whole, or nothing
        if new:
            landed += 1
            assert new == [(max(int(str(r[0])) for r in before) + 1, payer, 1234)]
        else:
            assert killed
        receipts = [r[0] for r in after]
        assert None not in receipts and len(set(receipts)) == len(receipts)
    db = open_database(demo_path)  # the killed process's writer lock is recovered
    try:
        sums = ledger_sums(demo_path)
        report = dues.balances(db)
        assert {m.hq_id: m.balance for m in report.members} == {
            hq_id: Decimal(cents) / 100 for hq_id, cents in sums.items()
        }
        paid = dues.member_balance(db, payer).paid
    finally:
        db.dispose()
    paid_cents = sum(int(str(r[2])) for r in payments(demo_path) if r[1] == payer)
    assert paid == Decimal(paid_cents) / 100


def _size(path: Path) -> int:
    """A file's size, 0 once it is gone (the writer may rename it between listing and asking)."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def write_command(kind: str, target: Path, rows: int) -> list[str]:
    return [sys.executable, "-m", "tests.faults.write_big", kind, str(target), str(rows)]


@pytest.mark.parametrize(("kind", "rows"), [("pdf", 4000), ("xlsx", 20000), ("csv", 40000)])
def test_kill_9_while_writing_a_report_leaves_the_old_file(
    tmp_path: Path, kind: str, rows: int
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    target = folder / f"dues.{kind}"
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    done = subprocess.run(write_command(kind, target, 50), env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    good = digest(target)
    temporary = re.compile(rf"^\.{re.escape(target.name)}\..+\.part$")  # chapterdesk.atomic's
    rng = random.Random(kind)
    mid_write = 0
    for _ in range(3):
        proc = subprocess.Popen(
            write_command(kind, target, rows),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            parts = [p for p in folder.iterdir() if temporary.match(p.name)]
            if any(_size(p) > 0 for p in parts):
                time.sleep(rng.uniform(0, 0.02))
                break
            time.sleep(0.001)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            mid_write += 1
        proc.wait()
        others = [p.name for p in folder.iterdir() if p != target]
        if digest(target) == good:  # killed: the old report, byte for byte ...
            assert all(temporary.match(name) for name in others), others  # ... hidden leftovers
            for name in others:  # so the next round watches for its own temporary file
                (folder / name).unlink()
        else:  # or it finished first: the new, whole report and nothing else
            assert others == [] and target.stat().st_size > 10_000
            good = digest(target)
    assert mid_write > 0, "no kill landed while the file was being written"


def test_the_next_export_removes_what_a_killed_one_left(tmp_path: Path) -> None:
    """xlsxwriter's working files and the half-written file go with the next export."""
    folder, system_tmp = tmp_path / "exports", tmp_path / "tmp"
    folder.mkdir()
    system_tmp.mkdir()
    target = folder / "roster.xlsx"
    env = {**os.environ, "PYTHONPATH": str(PROJECT), "TMPDIR": str(system_tmp)}

    def working_files() -> list[Path]:
        return [p for p in system_tmp.rglob("*") if p.is_file() and p.name != ".owner"]

    for _attempt in range(3):  # until a kill lands while the rows are being written
        with subprocess.Popen(write_command("xlsx", target, 100_000), env=env) as proc:
            deadline = time.monotonic() + 60
            while proc.poll() is None and time.monotonic() < deadline:
                if any(_size(p) > 100_000 for p in working_files()):
                    break
                time.sleep(0.005)
            killed = proc.poll() is None
            proc.kill()
        if killed:
            break
        target.unlink()
    assert killed, "no kill landed while the rows were being written"
    left = [*system_tmp.iterdir(), *(p for p in folder.iterdir() if p != target)]
    assert left and working_files()  # kill -9 removes nothing ...
    then = time.time() - 120  # ... and what it left is old by the time of the next export
    for path in [*left, *working_files()]:
        os.utime(path, (then, then))
    done = subprocess.run(write_command("xlsx", target, 50), env=env, capture_output=True)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in folder.iterdir()] == ["roster.xlsx"]
    assert list(system_tmp.iterdir()) == []
