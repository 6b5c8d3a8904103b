"""kill -9 during an HQ import: the database is sound and holds all of the batch or none of it.

An officer's laptop can die at any moment of a long import: while the file is
read, while it is compared with the database, while the changes are written,
or while they are committed. Each round copies a database holding last month,
starts `chapterdesk import` on this month's export, kills it with SIGKILL at a
moment spread over the whole run (and, for some rounds, while it applies),
then checks `PRAGMA integrity_check` and that the HQ data, the batch and its
history equal either the database before the import or after a complete one.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.faults.conftest import (
    HqMonths,
    chapterdesk,
    cli_env,
    same_hq_content,
    sqlite_rows,
)


def run_and_kill(months: HqMonths, db: Path, data_home: Path, when: tuple[str, float]) -> bool:
    """Start an import and SIGKILL it `when` = ("at", seconds after start) or ("applying",
    seconds after its automatic backup is done, i.e. once the apply transaction began).

    Returns True when it was killed, False when it finished first.
    """
    backups = db.parent / f"{db.name}.backups"  # automatic backups are kept beside the database
    proc = subprocess.Popen(
        chapterdesk("import", str(months.export), "--db", str(db)),
        env=cli_env(data_home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    anchor, delay = when
    deadline = time.monotonic() + 600
    if anchor == "applying":
        while proc.poll() is None and time.monotonic() < deadline:
            if backups.is_dir() and any(backups.glob(f"{db.stem}-*.sqlite3")):
                break
            time.sleep(0.002)
    try:
        proc.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        return True


def kill_imports(months: HqMonths, tmp_path: Path, kills: int, while_applying: int) -> Counter[str]:
    """SIGKILL `kills` imports: most at stratified moments of reading and comparing the file,
    `while_applying` of them at random moments of the apply transaction and its commit.

    Returns how many killed rounds left none of the batch or all of it, and how many
    runs finished before their kill (they are run again with an earlier kill).
    """
    rng = random.Random(20261125 + months.rows)
    db, data_home = tmp_path / "chapter.sqlite3", tmp_path / "data"
    spread = kills - while_applying
    slots = [("at", months.applying_from * (i + rng.random()) / spread) for i in range(spread)]
    apply_time = max(months.seconds - months.applying_from, 0.05)
    slots += [("applying", rng.uniform(0, apply_time)) for _ in range(while_applying)]
    outcomes: Counter[str] = Counter()
    fresh = True
    for anchor, delay in slots:
        for attempt in range(4):
            if fresh:
                for suffix in ("-wal", "-shm"):
                    Path(f"{db}{suffix}").unlink(missing_ok=True)
                shutil.copyfile(months.base, db)
            # The automatic backups (90 MB each) and the data directory (the log).
            shutil.rmtree(db.parent / f"{db.name}.backups", ignore_errors=True)
            shutil.rmtree(data_home, ignore_errors=True)
            killed = run_and_kill(months, db, data_home, (anchor, delay * 0.6**attempt))
            assert sqlite_rows(db, "PRAGMA integrity_check") == [("ok",)]
            batches = sqlite_rows(db, "SELECT count(*) FROM import_batch")[0][0]
            if batches == 1:
                assert same_hq_content(db, months.base), f"half an import ({anchor} {delay:.2f} s)"
                fresh = False  # last month again: the next round reuses it, crash and all
            else:
                assert batches == 2
                assert same_hq_content(db, months.after), f"half an import ({anchor} {delay:.2f} s)"
                fresh = True
            if killed:
                outcomes["none" if batches == 1 else "all"] += 1
                break
            outcomes["finished before the kill"] += 1
    # After the last crash the import is simply run again: the stale writer lock is recovered.
    done = subprocess.run(
        chapterdesk("import", str(months.export), "--db", str(db)),
        env=cli_env(data_home),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert same_hq_content(db, months.after)
    assert outcomes["none"] + outcomes["all"] == kills, outcomes
    assert outcomes["none"] > 0, "no kill landed before the commit"
    return outcomes


def test_kill_9_during_an_hq_import_leaves_all_or_none(
    hq_months: Callable[[int], HqMonths], tmp_path: Path
) -> None:
    months = hq_months(20_000)
    kill_imports(months, tmp_path, kills=3, while_applying=1)


@pytest.mark.slow
@pytest.mark.timeout(900)  # twenty 100,000-row imports, each killed: minutes on a busy machine
def test_kill_9_twenty_times_during_a_100000_row_import(
    hq_months: Callable[[int], HqMonths], tmp_path: Path
) -> None:
    started = time.monotonic()
    months = hq_months(100_000)
    built = time.monotonic() - started
    outcomes = kill_imports(months, tmp_path, kills=20, while_applying=5)
    print(
        f"\n100,000-row import: whole run {months.seconds:.1f} s (apply from "
        f"{months.applying_from:.1f} s); files and databases built in {built:.1f} s; "
        f"20 kills in {time.monotonic() - started - built:.1f} s: {dict(outcomes)}"
    )
