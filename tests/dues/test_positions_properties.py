"""Property test: the set-based dues reader gives exactly the old per-member figures.

`dues balance`, `dues list`, the Dues page and the dues report read the whole
ledger in one pass (`services.dues.positions`) instead of allocating each
member's entries one by one. A treasurer must not see a cent move: on random
ledgers (charges of several years posted out of order, payments, credits,
waivers, reversals of any of them, several members) every balance, aging
bucket, total, dues line and status equals the old computation's
(`tests.dues.per_member_oracle`), and so does one member's balance.
POSITIONS_EXAMPLES sets how many ledgers are tried (100 by default; run it
with thousands after touching `services.dues.positions`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chapterdesk.data.engine import Database
from chapterdesk.data.migrate import open_database
from chapterdesk.json_values import to_jsonable
from chapterdesk.services import dues
from chapterdesk.services.dues.balances import balances_jsonable, credit_held
from chapterdesk.services.dues.reports import dues_year_report
from tests.dues.per_member_oracle import (
    old_balances,
    old_credit_held,
    old_dues_lines,
    old_member_balance,
)
from tests.helpers import add_hq

MEMBERS = ("21", "22", "23", "24")
YEARS = (2024, 2025, 2026, 2027)
AS_OF = dt.date(2026, 5, 20)
FIRST_DAY = dt.date(2024, 1, 1)
LAST_DAY = FIRST_DAY + dt.timedelta(days=4 * 365)  #: the last day an entry is posted on
_EXAMPLES = itertools.count()

# One step of a treasurer's ledger: what kind, which member, how much, when, and a pick
# (which charge a waiver is for, which entry a reversal reverses).
Step = tuple[str, int, int, int, int, int]
steps = st.lists(
    st.tuples(
        st.sampled_from(["charge", "charge", "payment", "payment", "credit", "waiver", "reversal"]),
        st.integers(0, len(MEMBERS) - 1),
        st.integers(1, 30_000),
        st.integers(0, (LAST_DAY - FIRST_DAY).days),
        st.integers(0, len(YEARS) - 1),
        st.integers(0, 1_000),
    ),
    max_size=40,
)


def _ledger_rows(plan: list[Step]) -> list[tuple[object, ...]]:
    """Valid ledger rows (ids in posting order, dates in any order) for a plan of steps."""
    rows: list[tuple[object, ...]] = []
    seq: dict[tuple[str, int], int] = {}
    charges: dict[str, list[tuple[int, int]]] = {m: [] for m in MEMBERS}
    reversible: list[int] = []
    member_of: dict[int, str] = {}
    receipts = 0
    for kind, who, cents, day, year_pick, pick in plan:
        entry_id = len(rows) + 1
        hq_id = MEMBERS[who]
        posted = (FIRST_DAY + dt.timedelta(days=day)).isoformat()
        year = YEARS[year_pick]
        row: dict[str, object] = {
            "id": entry_id,
            "kind": kind,
            "hq_id": hq_id,
            "dues_year": None,
            "charge_seq": None,
            "amount_cents": cents,
            "posted_on": posted,
            "method": None,
            "reference": "",
            "receipt_no": None,
            "reverses_id": None,
            "charge_id": None,
            "reason": "",
            "detail": "",
        }
        if kind == "charge":
            seq[hq_id, year] = seq.get((hq_id, year), 0) + 1
            row.update(dues_year=year, charge_seq=seq[hq_id, year], detail=f"Rate {cents}")
            charges[hq_id].append((entry_id, cents))
        elif kind == "payment":
            receipts += 1
            row.update(method="check", reference=str(1000 + receipts), receipt_no=receipts)
        elif kind == "credit":
            row.update(reason="Board decision")
        elif kind == "waiver":
            if not charges[hq_id]:
                continue
            charge_id, charged = charges[hq_id][pick % len(charges[hq_id])]
            row.update(charge_id=charge_id, amount_cents=min(cents, charged), reason="Hardship")
        else:  # a reversal of an earlier entry that is neither a reversal nor reversed
            if not reversible:
                continue
            target = reversible.pop(pick % len(reversible))
            original = rows[target - 1]
            row.update(hq_id=member_of[target], amount_cents=original[5], reverses_id=target)
            row.update(reason="Keyed in error")
        if kind != "reversal":
            reversible.append(entry_id)
        member_of[entry_id] = str(row["hq_id"])
        rows.append(tuple(row.values()))
    return rows


@pytest.fixture(scope="module")
def ledger_file(tmp_path_factory: pytest.TempPathFactory, template_dir: Path) -> Path:
    """A chapter with four HQ members and no ledger; each example writes a copy's ledger."""
    path = tmp_path_factory.mktemp("positions") / "chapter.sqlite3"
    path.write_bytes((template_dir / "chapter.sqlite3").read_bytes())
    path.chmod(0o600)
    db = open_database(path)
    try:
        for number, hq_id in enumerate(MEMBERS):
            # two share a surname and given name: order falls back to the HQ ID
            add_hq(db, hq_id, first="Ana" if number < 2 else f"M{hq_id}", last="Zed")
    finally:
        db.dispose()
    con = sqlite3.connect(path)
    try:  # fold the WAL into the file, so a plain copy holds the members
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
    return path


def _write_ledger(path: Path, rows: list[tuple[object, ...]]) -> None:
    con = sqlite3.connect(path)
    try:
        with con:
            con.executemany(
                "INSERT INTO ledger_entry (id, kind, hq_id, dues_year, charge_seq, amount_cents, "
                "posted_on, method, reference, receipt_no, reverses_id, charge_id, reason, "
                "detail, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?, '2026-01-01 00:00:00')",
                rows,
            )
    finally:
        con.close()


@settings(
    max_examples=int(os.environ.get("POSITIONS_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=steps)
def test_set_based_reads_equal_the_per_member_computation(
    ledger_file: Path, plan: list[Step]
) -> None:
    path = ledger_file.parent / "examples" / f"example{next(_EXAMPLES)}.sqlite3"
    path.parent.mkdir(exist_ok=True)
    shutil.copyfile(ledger_file, path)  # entries are immutable: a fresh file per example
    _write_ledger(path, _ledger_rows(plan))
    db: Database = open_database(path)
    try:
        assert dues.balances(db, AS_OF) == old_balances(db, AS_OF)
        assert credit_held(db, LAST_DAY) == old_balances(db, LAST_DAY).totals.credit
        for day in (FIRST_DAY - dt.timedelta(days=1), AS_OF, dt.date(2025, 12, 31)):
            assert credit_held(db, day) == old_credit_held(db, day)
        # `dues balance --json` writes the report built straight from the cents: the same
        # text (keys in the same order) as the walk over the old report's dataclasses
        assert json.dumps(balances_jsonable(db, AS_OF)) == json.dumps(
            to_jsonable(old_balances(db, AS_OF))
        )
        for year in (None, *YEARS):
            for unpaid in (False, True):
                assert dues.dues_lines(db, year=year, unpaid=unpaid, as_of=AS_OF) == (
                    old_dues_lines(db, year=year, unpaid=unpaid, as_of=AS_OF)
                )
        for hq_id in MEMBERS:
            assert dues.member_balance(db, hq_id, AS_OF) == old_member_balance(db, hq_id, AS_OF)
        for year in YEARS:
            report = dues_year_report(db, year, as_of=AS_OF)
            old: dict[str, list[Decimal]] = {}
            for d in old_dues_lines(db, year=year, unpaid=False, as_of=AS_OF):
                sums = old.setdefault(d.hq_id, [Decimal(0)] * 4)
                for i, amount in enumerate((d.charged, d.waived, d.paid, d.open)):
                    sums[i] += amount
            assert {
                line.hq_id: [line.assessed, line.waived, line.paid, line.outstanding]
                for line in report.lines
            } == old
    finally:
        db.dispose()
        path.unlink()
