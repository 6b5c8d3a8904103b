"""The log: private, rotated, and free of member data even when an import fails on a bug."""

from __future__ import annotations

import logging
import sqlite3
import stat
from pathlib import Path

from chapterdesk.data.engine import Database, resolve_location
from chapterdesk.logs import PrivateRotatingFileHandler, log_file
from tests.hqimport.exports import hq_records, write_export


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_failed_import_logs_its_traceback_but_no_names_or_emails(
    cli, db_path: Path, demo_path: Path, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    demo = Database(resolve_location(demo_path))
    try:
        records = hq_records(demo)
    finally:
        demo.dispose()
    export = write_export(tmp_path / "hq-roster.csv", records)
    # A real SQLite failure in the middle of the import's INSERTs, whose parameters are the
    # members' names and e-mails: what a bug in a statement would leave in its message.
    con = sqlite3.connect(db_path)
    con.execute(
        "CREATE TRIGGER refuse_members BEFORE INSERT ON hq_member "
        "BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END"
    )
    con.commit()
    con.close()
    done = cli("import", str(export), "--db", str(db_path))
    assert done.returncode == 1, done.stderr
    assert str(log_file()) in done.stderr
    logged = log_file().read_text(encoding="utf-8")
    assert "refused by a test trigger" in logged and "Traceback" in logged
    assert "SQL parameters hidden" in logged
    for record in records:
        for value in (record["email"], record["last_name"], record["first_name"]):
            if value and len(str(value)) > 3:
                assert str(value) not in logged, value
                assert str(value) not in done.stderr, value
    assert mode(log_file()) == 0o600


def test_the_log_rotates_and_every_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "chapterdesk.log"
    handler = PrivateRotatingFileHandler(path, maxBytes=2_000, backupCount=2, encoding="utf-8")
    logger = logging.getLogger("chapterdesk.test-rotation")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        for number in range(200):
            logger.warning("line %d of a long session", number)
    finally:
        logger.removeHandler(handler)
        handler.close()
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["chapterdesk.log", "chapterdesk.log.1", "chapterdesk.log.2"]
    assert all(mode(tmp_path / name) == 0o600 for name in files)
    assert all((tmp_path / name).stat().st_size <= 2_000 for name in files)
