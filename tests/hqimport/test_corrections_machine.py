"""A state machine over correct / import / settle / undo, on both engines.

Invariants: an import never overwrites a value the officer kept against that
same HQ value; every correction, settlement and import is audited; undoing an
import puts the HQ data, the corrections and the conflicts back exactly.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from chapterdesk.data.audit_models import AuditEntry
from chapterdesk.data.engine import Database
from chapterdesk.data.hq_models import HqConflict, HqLocalEdit
from chapterdesk.data.models import HqMember
from chapterdesk.errors import RuleRefusedError
from chapterdesk.services.hq.apply import apply_import, undo_batch
from chapterdesk.services.hq.conflicts import settle_conflict
from chapterdesk.services.hq.edits import edit_hq_field
from chapterdesk.services.hq.plan import plan_import
from tests.helpers import add_hq
from tests.hqimport.exports import hq_content, write_export

MEMBERS = ("501", "502", "503")
FIELDS = ("email", "phone")
VALUES = ("a@example.org", "b@example.org", "c@example.org")
PHONES = ("(555) 000-0001", "(555) 000-0002", "(555) 000-0003")


def pool(field: str) -> tuple[str, ...]:
    return VALUES if field == "email" else PHONES


def state(db: Database) -> object:
    """Everything an import and its undo may touch, as comparable values."""
    with db.reading() as session:
        edits = sorted(
            (e.hq_id, e.field, e.local_value, e.hq_value, e.reason, e.settled_hq_value, e.edited_at)
            for e in session.scalars(select(HqLocalEdit))
        )
        conflicts = sorted(
            (c.hq_id, c.field, c.local_value, c.hq_value, c.batch_id, c.settled, c.found_at)
            for c in session.scalars(select(HqConflict))
        )
    return hq_content(db), edits, conflicts


class CorrectionsMachine(RuleBasedStateMachine):
    """Officers correcting, HQ sending exports, conflicts settled, imports undone."""

    def __init__(self, db: Database, folder: Path) -> None:
        super().__init__()
        self.db, self.folder = db, folder
        self.files = itertools.count()
        for hq_id in MEMBERS:
            add_hq(self.db, hq_id, first=f"M{hq_id}", last="Member")
        with db.session() as session:  # a starting address and phone, as HQ's first export had
            for hq_id in MEMBERS:
                member = session.get(HqMember, hq_id)
                assert member is not None
                member.email, member.phone = VALUES[0], PHONES[0]
        #: what HQ's next export says, by member and field
        self.hq = {m: {"email": VALUES[0], "phone": PHONES[0]} for m in MEMBERS}
        #: (member, field) → (the chapter's value, HQ's value it was kept against)
        self.kept: dict[tuple[str, str], tuple[str, str]] = {}
        self.before_import: object | None = None
        self.last_batch: int | None = None

    def teardown(self) -> None:
        self.db.dispose()

    def audited(self) -> int:
        with self.db.reading() as session:
            return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)

    def value(self, hq_id: str, field: str) -> str:
        with self.db.reading() as session:
            member = session.get(HqMember, hq_id)
            assert member is not None
            return str(getattr(member, field))

    def records(self) -> list[dict[str, object]]:
        with self.db.reading() as session:
            rows = {m.hq_id: m for m in session.scalars(select(HqMember))}
            from chapterdesk.hq_fields import HQ_FIELDS

            found = []
            for hq_id in MEMBERS:
                record: dict[str, object] = {
                    "hq_id": hq_id,
                    **{name: getattr(rows[hq_id], name) for name in HQ_FIELDS},
                }
                record.update(self.hq[hq_id])
                found.append(record)
        return found

    @rule(
        hq_id=st.sampled_from(MEMBERS), field=st.sampled_from(FIELDS), pick=st.integers(0, 2)
    )
    def correct(self, hq_id: str, field: str, pick: int) -> None:
        value = pool(field)[pick]
        before, audits = self.value(hq_id, field), self.audited()
        edit_hq_field(self.db, hq_id, field, value, reason="machine")
        assert self.value(hq_id, field) == value
        if value != before:
            assert self.audited() > audits, "a correction was not audited"
        self.kept.pop((hq_id, field), None)
        self.before_import = None

    @rule(
        hq_id=st.sampled_from(MEMBERS), field=st.sampled_from(FIELDS), pick=st.integers(0, 2)
    )
    def hq_says(self, hq_id: str, field: str, pick: int) -> None:
        self.hq[hq_id][field] = pool(field)[pick]

    @rule(keep_all=st.booleans(), leave_out=st.sets(st.sampled_from(MEMBERS)))
    def import_export(self, keep_all: bool, leave_out: set[str]) -> None:
        before, audits = state(self.db), self.audited()
        path = write_export(self.folder / f"m{next(self.files)}.xlsx", self.records())
        plan = plan_import(self.db, path)
        held = [f"{c.hq_id}:{k.field}" for c in plan.changes for k in c.conflicts]
        keep = held if keep_all else []
        # Leave out the changes of some members: a whole one, or each plain field of another.
        whole = sorted(leave_out)[:1]
        fields = [
            f"{c.hq_id}:{f.field}"
            for c in plan.changes
            if c.hq_id in leave_out and c.hq_id not in whole
            for f in c.fields
            if f.field not in {k.field for k in c.conflicts}
        ]
        result = apply_import(self.db, plan, keep_local=keep, excluded=[*whole, *fields])
        for key in fields:
            hq_id, field = key.split(":")
            assert self.value(hq_id, field) != self.hq[hq_id][field], "a field left out was applied"
        if result.batch_id is None:
            return
        assert self.audited() > audits, "an import was not audited"
        for (hq_id, field), (local, hq_value) in self.kept.items():
            if self.hq[hq_id][field] == hq_value:
                assert self.value(hq_id, field) == local, "a kept value was overwritten"
        for key in keep:
            hq_id, field = key.split(":")
            if hq_id in whole:
                continue
            self.kept[(hq_id, field)] = (self.value(hq_id, field), self.hq[hq_id][field])
        self.before_import, self.last_batch = before, result.batch_id

    @rule(hq_id=st.sampled_from(MEMBERS), field=st.sampled_from(FIELDS), keep=st.booleans())
    def settle(self, hq_id: str, field: str, keep: bool) -> None:
        with self.db.reading() as session:
            waiting = session.get(HqConflict, (hq_id, field))
            hq_value = waiting.hq_value if waiting is not None else None
        if hq_value is None:
            return
        audits = self.audited()
        settle_conflict(self.db, hq_id, field, keep_local=keep)
        assert self.audited() > audits, "a settlement was not audited"
        if keep:
            self.kept[(hq_id, field)] = (self.value(hq_id, field), hq_value)
        else:
            assert self.value(hq_id, field) == hq_value
            self.kept.pop((hq_id, field), None)
        self.before_import = None

    @precondition(lambda self: self.before_import is not None)
    @rule()
    def undo(self) -> None:
        assert self.last_batch is not None
        try:
            undo_batch(self.db, self.last_batch)
        except RuleRefusedError:
            raise AssertionError("undo right after the import was refused") from None
        assert state(self.db) == self.before_import, "undo did not restore the exact state"
        self.before_import = None
        self.kept = {k: v for k, v in self.kept.items() if self._still_kept(*k, *v)}

    def _still_kept(self, hq_id: str, field: str, local: str, hq_value: str) -> bool:
        with self.db.reading() as session:
            edit = session.get(HqLocalEdit, (hq_id, field))
            return edit is not None and (edit.local_value, edit.settled_hq_value) == (
                local,
                hq_value,
            )

    @invariant()
    def corrections_hold_the_chapters_value(self) -> None:
        with self.db.reading() as session:
            for edit in session.scalars(select(HqLocalEdit)):
                member = session.get(HqMember, edit.hq_id)
                assert member is not None
                assert getattr(member, edit.field) == edit.local_value


@pytest.mark.timeout(600)
def test_corrections_imports_settlements_and_undo(
    request: pytest.FixtureRequest,
    engine_name: str,
    template_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder = tmp_path_factory.mktemp("corrections-machine")
    runs = itertools.count()

    def fresh() -> CorrectionsMachine:
        from chapterdesk.data.migrate import open_database
        from tests.conftest import _copy

        if engine_name == "sqlite":
            target = _copy(template_dir, "chapter", folder / f"run{next(runs)}.sqlite3")
            return CorrectionsMachine(open_database(target), folder)
        return CorrectionsMachine(
            open_database(request.getfixturevalue("pg_database")("chapter")), folder
        )

    run_state_machine_as_test(
        fresh,
        settings=settings(
            max_examples=20 if engine_name == "sqlite" else 5,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
