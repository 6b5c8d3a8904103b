"""Migration 0008 on a chapter file with a ledger: rows kept, the new methods accepted, the ledger
still immutable, and back down to 0006 while no row uses them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command

from chapterdesk.data.engine import Database, resolve_location
from chapterdesk.data.migrate import alembic_config, open_database
from chapterdesk.services import dues
from tests.conftest import _copy


def test_an_0006_chapter_with_a_ledger_upgrades_in_place(
    template_dir: Path, tmp_path: Path
) -> None:
    path = _copy(template_dir, "demo", tmp_path / "old.sqlite3")
    db = Database(resolve_location(str(path)))
    with db.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0006")
    db.dispose()
    with sqlite3.connect(path) as con:
        before = con.execute("SELECT count(*), sum(amount_cents) FROM ledger_entry").fetchone()
        with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
            con.execute(
                "INSERT INTO ledger_entry (kind, hq_id, amount_cents, posted_on, method, "
                "reference, receipt_no, reason, detail, created_at) SELECT 'payment', hq_id, 1, "
                "'2026-01-01', 'transfer', '', 999999, '', '', '2026-01-01' FROM hq_member LIMIT 1"
            )
    upgraded = open_database(path)  # upgraded on open, after a backup
    try:
        member = dues.balances(upgraded).members[0].hq_id
        receipt = dues.record_payment(upgraded, member, "10", "transfer", "", allow_date=True)
        assert receipt.method == "transfer"
    finally:
        upgraded.dispose()
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        after = con.execute(
            "SELECT count(*), sum(amount_cents) FROM ledger_entry WHERE method IS NOT 'transfer'"
        ).fetchone()
        assert after == before
        with pytest.raises(sqlite3.IntegrityError, match="immutable"):
            con.execute("UPDATE ledger_entry SET amount_cents = 1")
        with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
            con.execute(
                "INSERT INTO ledger_entry (kind, hq_id, amount_cents, posted_on, method, "
                "reference, receipt_no, reason, detail, created_at) SELECT 'payment', hq_id, 1, "
                "'2026-01-01', 'po', '', 999998, '', '', '2026-01-01' FROM hq_member LIMIT 1"
            )
