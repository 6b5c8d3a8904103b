"""Invariants of payments import: any interleaving of overlapping files posts each source line
once; imports and undos in any order keep every ledger row audited and nothing posted twice."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from chapterdesk.data.audit_models import AuditEntry
from chapterdesk.data.engine import Database
from chapterdesk.data.ledger_models import LedgerEntry
from chapterdesk.data.migrate import open_database
from chapterdesk.data.payment_models import PaymentLine
from chapterdesk.errors import RuleRefusedError
from chapterdesk.services.payments import post_reviewed, review_payments, undo_payment_import
from chapterdesk.services.payments.imports import live_posted
from tests.payments import samples as s
from tests.payments.conftest import PEOPLE, chapter_with_members

POOL = [
    s.Paid(f"ch_prop_{i:03d}", dt.date(2026, 11, 1 + i % 20), Decimal(25 + 5 * i),
           Decimal("1.05"), "", "", f"Dues member {PEOPLE[i % len(PEOPLE)][0]}")
    for i in range(10)
]  # fmt: skip
#: Layouts sharing source keys: a Stripe export and its payouts report; OFX v1 and v2.
LAYOUTS: dict[str, Callable[[Path, list[s.Paid]], Path]] = {
    "stripe": s.write_stripe,
    "payouts": s.write_stripe_payouts,
    "ofx1": s.write_ofx_v1,
    "ofx2": s.write_ofx_v2,
}
FAMILY = {"stripe": "stripe", "payouts": "stripe", "ofx1": "ofx", "ofx2": "ofx"}
windows = st.tuples(st.sampled_from(sorted(LAYOUTS)), st.integers(0, 9), st.integers(1, 10))


@pytest.fixture(scope="module")
def members_template(tmp_path_factory: pytest.TempPathFactory, template_dir: Path) -> Path:
    """A chapter file with PEOPLE owing 2026 dues, copied for each example."""
    path = tmp_path_factory.mktemp("payments") / "members.sqlite3"
    shutil.copyfile(template_dir / "chapter.sqlite3", path)
    db = open_database(path)
    chapter_with_members(db)
    db.dispose()
    import sqlite3

    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return path


def _fresh(template: Path, folder: Path, name: str) -> Database:
    target = folder / f"{name}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, target)
    return open_database(target)


def _import(db: Database, folder: Path, layout: str, start: int, end: int) -> int | None:
    lines = POOL[start:max(start + 1, end)]
    path = LAYOUTS[layout](folder / f"{layout}-{start}-{end}.dat", lines)
    return post_reviewed(db, review_payments(db, path)).batch_id


def _key(family: str, paid: s.Paid) -> str:
    if family == "stripe":
        return f"stripe:{paid.ident}"
    return f"ofx:121000248:4417123456:{paid.ident}"


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(files=st.lists(windows, min_size=1, max_size=6))
def test_any_interleaving_of_overlapping_files_posts_each_source_line_once(
    files: list[tuple[str, int, int]], members_template: Path, tmp_path: Path
) -> None:
    db = _fresh(members_template, tmp_path, "interleaving")
    try:
        expected: set[str] = set()
        for layout, start, end in files:
            _import(db, tmp_path, layout, start, end)
            expected |= {_key(FAMILY[layout], p) for p in POOL[start:max(start + 1, end)]}
        with db.reading() as session:
            per_key = dict(
                session.execute(
                    select(PaymentLine.source_key, func.count()).group_by(PaymentLine.source_key)
                ).all()
            )
            payments = session.scalar(select(func.count()).where(LedgerEntry.kind == "payment"))
        assert per_key == dict.fromkeys(expected, 1)
        assert payments == len(expected)
    finally:
        db.dispose()


class ImportAndUndo(RuleBasedStateMachine):
    """Imports of overlapping files and undos of their batches, in any order."""

    batches = Bundle("batches")
    template: Path
    folder: Path

    def __init__(self) -> None:
        super().__init__()
        self.db = _fresh(self.template, self.folder, "machine")
        self.live: set[str] = set()
        self.keys_of: dict[int, set[str]] = {}
        self.undone: set[int] = set()

    def teardown(self) -> None:
        self.db.dispose()

    @rule(target=batches, window=windows)
    def import_file(self, window: tuple[str, int, int]) -> int:
        layout, start, end = window
        keys = {_key(FAMILY[layout], p) for p in POOL[start:max(start + 1, end)]}
        batch = _import(self.db, self.folder, layout, start, end)
        new = keys - self.live
        if new:
            assert batch is not None
            self.keys_of[batch] = new
            self.live |= new
            return batch
        assert batch is None  # nothing new: nothing posted, no empty batch
        return -1

    @rule(batch=consumes(batches))
    def undo(self, batch: int) -> None:
        if batch < 0:
            return
        if batch in self.undone:
            with pytest.raises(RuleRefusedError):
                undo_payment_import(self.db, batch)
            return
        undo_payment_import(self.db, batch)
        self.undone.add(batch)
        self.live -= self.keys_of[batch]

    @invariant()
    def each_source_line_is_live_once_and_every_ledger_row_is_audited(self) -> None:
        every = {_key(f, p) for f in ("stripe", "ofx") for p in POOL}
        with self.db.reading() as session:
            assert set(live_posted(session, every)) == self.live
            kinds = dict(
                session.execute(
                    select(LedgerEntry.kind, func.count()).group_by(LedgerEntry.kind)
                ).all()
            )
            ids = set(session.scalars(select(LedgerEntry.id)))
            audited = {
                int(k)
                for k in session.scalars(
                    select(AuditEntry.row_key).where(AuditEntry.table_name == "ledger_entry")
                )
            }
        assert ids <= audited
        # every payment not reversed is exactly one live source line
        assert kinds.get("payment", 0) - kinds.get("reversal", 0) == len(self.live)


def test_imports_and_undos_in_any_order_keep_the_ledger_honest(
    members_template: Path, tmp_path: Path
) -> None:
    ImportAndUndo.template = members_template
    ImportAndUndo.folder = tmp_path
    run_state_machine_as_test(
        ImportAndUndo,
        settings=settings(max_examples=8, stateful_step_count=8, deadline=None),
    )
