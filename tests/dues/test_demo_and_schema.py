"""The demo chapter's dues ledger, and the ledger schema's migration both ways."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from alembic import command
from sqlalchemy import CheckConstraint, inspect

from chapterdesk.data.engine import Database
from chapterdesk.data.ledger_models import LedgerEntry
from chapterdesk.data.migrate import alembic_config, head_revision, open_database, upgrade
from chapterdesk.demo import build_demo
from chapterdesk.services import dues
from tests.conftest import DEMO_DAY

LEDGER_TABLES = {
    "ledger_entry",
    "dues_rate",
    "dues_year_rule",
    "dues_proration_step",
    "organisation",
}


def test_the_demo_has_dues_for_every_screen(demo_db: Database) -> None:
    this_year = dues.dues_year(demo_db, today=DEMO_DAY).year
    rates = dues.list_rates(demo_db, this_year)
    assert {r.category_code for r in rates} == {"REG", "ASSOC", "ACAD", "EMER"}
    assert dues.year_rules(demo_db, this_year).enterprise_full_count == 5
    assert any(o.nonprofit and o.members for o in dues.list_organisations(demo_db))
    report = dues.balances(demo_db, DEMO_DAY)
    entries = [e for m in report.members for e in dues.member_balance(demo_db, m.hq_id).entries]
    kinds = {e.kind for e in entries}
    assert {"charge", "payment", "reversal", "waiver"} <= kinds
    methods = {e.method for e in entries if e.kind == "payment"}
    assert "check" in methods and methods & {"visa", "mastercard", "amex"}
    assert all(e.reference for e in entries if e.method == "check")
    assert {e.dues_year for e in entries if e.kind == "charge"} == {this_year - 1, this_year}
    t = report.totals
    assert t.outstanding > 0 and t.credit > 0 and t.paid > 0
    assert t.assessed - t.paid - t.credits - t.waived == t.outstanding - t.credit
    assert dues.who_has_not_paid(demo_db, this_year, DEMO_DAY)


def test_the_demo_ledger_is_deterministic(tmp_path: Path) -> None:
    rows = []
    for name in ("a", "b"):
        db = open_database(tmp_path / f"{name}.sqlite3", create=True)
        build_demo(db, members=40, today=dt.date(2026, 3, 15))
        db.dispose()
        con = sqlite3.connect(tmp_path / f"{name}.sqlite3")
        columns = (
            "id, kind, hq_id, dues_year, amount_cents, posted_on, method, reference, receipt_no"
        )
        rows.append(con.execute(f"SELECT {columns} FROM ledger_entry ORDER BY id").fetchall())
        con.close()
    assert rows[0] == rows[1] and len(rows[0]) > 40


def test_the_ledger_migration_goes_down_and_up_again(tmp_path: Path) -> None:
    path = tmp_path / "updown.sqlite3"
    db = open_database(path, create=True)
    try:
        with db.engine.begin() as connection:
            command.downgrade(alembic_config(connection), "0002")
        with db.engine.connect() as connection:
            assert not LEDGER_TABLES & set(inspect(connection).get_table_names())
        upgrade(db)
        with db.engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) >= LEDGER_TABLES
            triggers = connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            ).scalars()
            assert set(triggers) == {"ledger_entry_no_update", "ledger_entry_no_delete"}
            assert (
                connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
                == head_revision()
            )
    finally:
        db.dispose()


def test_the_migration_names_the_same_checks_as_the_model(db_path: Path) -> None:
    con = sqlite3.connect(db_path)
    try:
        (sql,) = con.execute("SELECT sql FROM sqlite_master WHERE name = 'ledger_entry'").fetchone()
    finally:
        con.close()
    names = {
        str(c.name) for c in LedgerEntry.__table__.constraints if isinstance(c, CheckConstraint)
    }
    assert len(names) == 13
    assert {n for n in names if f"CONSTRAINT {n} CHECK" in sql} == names
