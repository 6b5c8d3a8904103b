"""Every model behind the HQ Sync page passes pytest-qt's model tester, filled from a real plan."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from chapterdesk.data.engine import Database
from chapterdesk.services.hq.apply import apply_import, list_batches, undo_batch
from chapterdesk.services.hq.plan import ChangeKind, ImportPlan, plan_import
from chapterdesk.ui.hqsync.models import (
    ChangesModel,
    FieldChangesModel,
    HistoryModel,
    ProblemsModel,
    UnlistedModel,
)
from tests.hqimport.exports import hq_records, write_export
from tests.ui_hqsync.flow import good_members


@pytest.fixture
def plan(demo_db: Database, tmp_path: Path) -> ImportPlan:
    """A plan with a change of most kinds, a conflict, a bad row and unlisted affiliates."""
    records = hq_records(demo_db)
    by_id = {str(r["hq_id"]): r for r in records}
    good = good_members(demo_db)
    by_id[good[0]].update(paid_through=dt.date(2020, 6, 30), hq_status="Lapsed")
    by_id[good[1]].update(title="Partner", join_date=dt.date(2001, 2, 3))
    by_id[good[2]].update(first_name="Someone", last_name="Else", email="else@example.org")
    records.remove(by_id[good[3]])
    records[7]["email"] = "x" * 300
    return plan_import(demo_db, write_export(tmp_path / "m.xlsx", records), skip_invalid=True)


def test_the_difference_models(qtmodeltester, plan: ImportPlan) -> None:  # type: ignore[no-untyped-def]
    kinds = {c.kind for c in plan.changes}
    assert {ChangeKind.LAPSED, ChangeKind.CHANGED, ChangeKind.CONFLICT} <= kinds
    changes = ChangesModel(plan.changes)
    qtmodeltester.check(changes)
    conflict = next(r for r, c in enumerate(changes.items) if c.kind is ChangeKind.CONFLICT)
    state = changes.index(conflict, 0).data(Qt.ItemDataRole.CheckStateRole)
    assert state == Qt.CheckState.Unchecked  # a conflict waits for the officer
    changes.set_all(True)
    qtmodeltester.check(changes)
    changed = next(c for c in plan.changes if c.kind is ChangeKind.CHANGED)
    fields = FieldChangesModel()
    fields.show_change(changed)
    qtmodeltester.check(fields)
    dates = {fields.index(r, 1).data(): fields.index(r, 3).data() for r in range(2)}
    assert dates["Join Date"] == "2001-02-03"  # a parsed date, shown as a date
    qtmodeltester.check(ProblemsModel(plan.problems))
    assert plan.unlisted
    qtmodeltester.check(UnlistedModel(plan.unlisted))


def test_the_history_model(qtmodeltester, demo_db: Database, plan: ImportPlan) -> None:  # type: ignore[no-untyped-def]
    result = apply_import(demo_db, plan)
    assert result.batch_id is not None
    undo_batch(demo_db, result.batch_id)
    model = HistoryModel(list_batches(demo_db))
    qtmodeltester.check(model)
    assert model.index(0, 11).data() != "—" and model.index(1, 11).data() == "—"
    assert model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) is not None  # undone: greyed
