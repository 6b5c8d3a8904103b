"""The big reports run with Python's cycle collector paused, and leave it as they found it."""

from __future__ import annotations

import gc
from pathlib import Path

from chapterdesk.data.engine import Database
from chapterdesk.reports.dues import write_dues_report
from chapterdesk.reports.mailing import write_labels
from chapterdesk.reports.statements import write_statements
from tests.reports_content.conftest import YEAR


def test_statements_dues_and_labels_pause_the_collector_and_restore_it(
    ledger_db: Database, tmp_path: Path
) -> None:
    seen: list[bool] = []

    def progress(*_args: object) -> None:
        seen.append(gc.isenabled())

    assert gc.isenabled()
    write_statements(ledger_db, YEAR, tmp_path / "statements.pdf", progress=progress)
    write_dues_report(ledger_db, YEAR, tmp_path / "dues.pdf", progress=progress)
    write_labels(ledger_db, tmp_path / "labels.pdf", progress=progress)
    assert seen and not any(seen)  # paused while each one reads and writes
    assert gc.isenabled()  # and running again after
    assert all((tmp_path / name).stat().st_size > 1000 for name in ("statements.pdf", "dues.pdf"))
    gc.disable()
    try:  # paused by someone else: left paused
        write_labels(ledger_db, tmp_path / "labels-again.pdf")
        assert not gc.isenabled()
    finally:
        gc.enable()
