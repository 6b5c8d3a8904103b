"""Property test: random assess / pay / credit / reverse / waive steps keep the ledger honest.

After every step: each member's balance is the sum of their entries (summed here
straight from the rows, independently of the services) and equals outstanding
minus credit; no posted row ever changes; receipts run 1..n without gaps; cash
received equals the payments recorded less those reversed; the dues report's
line for each member (read for the whole year at once) is their own balance; the
statements read for everyone who owes in one pass are those read member by member.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from chapterdesk.data.migrate import open_database
from chapterdesk.errors import RuleRefusedError
from chapterdesk.services import dues
from chapterdesk.services.dues.reports import (
    dues_year_report,
    owing_statements,
    statement_members,
    statements_for,
)
from chapterdesk.services.roster import members as roster
from tests.helpers import TODAY, add_hq

MEMBERS = ("11", "12", "13")
YEARS = (2025, 2026)
METHODS = ("visa", "mastercard", "amex", "check", "money-order")
SIGN = {"charge": 1, "payment": -1, "credit": -1, "waiver": -1}


class LedgerMachine(RuleBasedStateMachine):
    """A treasurer doing random things to three members' dues."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.db = open_database(path)
        for hq_id in MEMBERS:
            add_hq(self.db, hq_id, first=f"M{hq_id}")
            roster.add_member(self.db, hq_id, chapter_joined_on=dt.date(2020, 1, 1), as_of=TODAY)
        dues.set_rate(self.db, 2025, "REG", "100")
        dues.set_rate(self.db, 2026, "REG", "150.50")
        self.snapshot: dict[int, tuple[object, ...]] = {}
        self.payments: dict[int, int] = {}  # entry id -> cents
        self.reversed: set[int] = set()
        self.checks = 0

    def teardown(self) -> None:
        self.db.dispose()

    def _rows(self) -> list[tuple[object, ...]]:
        con = sqlite3.connect(self.path)
        try:
            return con.execute("SELECT * FROM ledger_entry ORDER BY id").fetchall()
        finally:
            con.close()

    def _kind_by_id(self) -> dict[int, str]:
        con = sqlite3.connect(self.path)
        try:
            return dict(con.execute("SELECT id, kind FROM ledger_entry").fetchall())
        finally:
            con.close()

    @rule(year=st.sampled_from(YEARS))
    def assess(self, year: int) -> None:
        before = {m: self._live_charge(m, year) for m in MEMBERS}
        result = dues.assess_dues(self.db, year, as_of=TODAY)
        charged = {line.hq_id for line in result.charged}
        assert charged == {m for m, live in before.items() if not live}
        assert dues.assess_dues(self.db, year, as_of=TODAY).charged == ()
        assert all(self._live_charge(m, year) for m in MEMBERS)

    def _live_charge(self, hq_id: str, year: int) -> bool:
        state = dues.member_balance(self.db, hq_id, TODAY)
        return any(c.dues_year == year for c in state.charges)

    @rule(
        hq_id=st.sampled_from(MEMBERS),
        cents=st.integers(min_value=1, max_value=40_000),
        method=st.sampled_from(METHODS),
    )
    def pay(self, hq_id: str, cents: int, method: str) -> None:
        self.checks += 1
        amount = Decimal(cents) / 100
        receipt = dues.record_payment(
            self.db, hq_id, f"{amount:,.2f}", method, str(1000 + self.checks), today=TODAY
        )
        assert receipt.amount == amount
        self.payments[receipt.entry_id] = cents

    @rule(hq_id=st.sampled_from(MEMBERS), cents=st.integers(min_value=1, max_value=20_000))
    def credit(self, hq_id: str, cents: int) -> None:
        amount = Decimal(cents) / 100
        entry = dues.post_credit(self.db, hq_id, f"{amount:,.2f}", "Board decision", today=TODAY)
        assert (entry.kind, entry.amount) == ("credit", amount)

    @rule(data=st.data(), reason=st.sampled_from(["Keyed in twice", "Bounced", "Wrong member"]))
    def reverse(self, data: st.DataObject, reason: str) -> None:
        kinds = self._kind_by_id()
        if not kinds:
            return
        entry_id = data.draw(st.sampled_from(sorted(kinds)))
        try:
            dues.reverse_entry(self.db, entry_id, reason, today=TODAY)
        except RuleRefusedError as refused:
            message = refused.message
            assert (
                (kinds[entry_id] == "reversal" and "itself a reversal" in message)
                or (entry_id in self.reversed and "already reversed" in message)
                or (kinds[entry_id] == "charge" and "live waiver" in message)
            ), message
            return
        assert kinds[entry_id] != "reversal" and entry_id not in self.reversed
        self.reversed.add(entry_id)

    @rule(hq_id=st.sampled_from(MEMBERS), year=st.sampled_from(YEARS))
    def waive(self, hq_id: str, year: int) -> None:
        state = dues.member_balance(self.db, hq_id, TODAY)
        charge = next((c for c in state.charges if c.dues_year == year), None)
        try:
            waiver = dues.waive_dues(self.db, hq_id, year, "Hardship", today=TODAY)
        except RuleRefusedError:
            assert charge is None or charge.open == 0
            return
        assert charge is not None and waiver.amount == charge.open > 0

    @invariant()
    def posted_rows_never_change(self) -> None:
        rows = self._rows()
        for row in rows:
            entry_id = int(row[0])  # type: ignore[call-overload]
            assert self.snapshot.setdefault(entry_id, row) == row
        assert len(rows) == len(self.snapshot)

    @invariant()
    def balances_are_the_sum_of_entries(self) -> None:
        con = sqlite3.connect(self.path)
        try:
            rows = con.execute(
                "SELECT e.hq_id, e.kind, e.amount_cents, r.kind FROM ledger_entry e "
                "LEFT JOIN ledger_entry r ON r.id = e.reverses_id"
            ).fetchall()
        finally:
            con.close()
        sums = dict.fromkeys(MEMBERS, 0)
        for hq_id, kind, cents, reversed_kind in rows:
            sums[hq_id] += cents * (SIGN[kind] if kind != "reversal" else -SIGN[reversed_kind])
        for hq_id in MEMBERS:
            state = dues.member_balance(self.db, hq_id, TODAY)
            assert state.balance == Decimal(sums[hq_id]) / 100
            assert state.balance == state.outstanding - state.credit
            assert state.outstanding >= 0 and state.credit >= 0
            for charge in state.charges:
                assert charge.open >= 0 and charge.paid >= 0 and charge.waived >= 0
                assert charge.open + charge.paid + charge.waived == charge.charged

    @invariant()
    def dues_report_gives_each_members_balance(self) -> None:
        for year in YEARS:
            report = dues_year_report(self.db, year, as_of=TODAY)
            owing = set(statement_members(self.db, year))
            for line in report.lines:
                state = dues.member_balance(self.db, line.hq_id, TODAY)
                charges = [c for c in state.charges if c.dues_year == year]
                assert charges, "only members with a live charge for the year are listed"
                assert (line.assessed, line.waived, line.paid, line.outstanding) == (
                    sum((c.charged for c in charges), Decimal("0.00")),
                    sum((c.waived for c in charges), Decimal("0.00")),
                    sum((c.paid for c in charges), Decimal("0.00")),
                    sum((c.open for c in charges), Decimal("0.00")),
                )
                assert line.credit == state.credit
                assert (line.hq_id in owing) == (line.outstanding > 0)
            listed = {line.hq_id for line in report.lines}
            for hq_id in set(MEMBERS) - listed:
                state = dues.member_balance(self.db, hq_id, TODAY)
                assert all(c.dues_year != year for c in state.charges)

    @invariant()
    def statements_read_in_one_pass_are_each_members(self) -> None:
        for year in YEARS:
            owing = statement_members(self.db, year)
            assert owing_statements(self.db, year) == statements_for(self.db, year, owing)

    @invariant()
    def cash_received_is_payments_less_reversed_ones(self) -> None:
        expected = sum(c for e, c in self.payments.items() if e not in self.reversed)
        totals = dues.balances(self.db, TODAY).totals
        assert totals.paid == Decimal(expected) / 100
        receipts = sorted(
            e.receipt_no
            for m in MEMBERS
            for e in dues.member_balance(self.db, m, TODAY).entries
            if e.receipt_no is not None
        )
        assert receipts == list(range(1, len(self.payments) + 1))


def test_random_treasurer_work_keeps_the_ledger_exact(
    template_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("ledger-machine")
    counter = iter(range(1_000_000))

    def fresh() -> LedgerMachine:
        path = folder / f"run{next(counter)}.sqlite3"
        shutil.copyfile(template_dir / "chapter.sqlite3", path)
        os.chmod(path, 0o600)
        return LedgerMachine(path)

    run_state_machine_as_test(
        fresh,
        settings=settings(
            max_examples=20,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
