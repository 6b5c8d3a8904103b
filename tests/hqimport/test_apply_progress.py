"""Applying an import reports progress and can be cancelled, leaving nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from chapterdesk.data.engine import Database
from chapterdesk.hqsync import ImportCancelled
from chapterdesk.services.hq.apply import apply_import, list_batches
from chapterdesk.services.hq.plan import plan_import
from tests.hqimport.exports import hq_content, hq_records, write_export


def _month(db: Database, tmp_path: Path) -> Path:
    records = hq_records(db)
    for record in records[:30]:
        record["title"] = "Partner"
    return write_export(tmp_path / "month.csv", records)


def test_apply_reports_its_phases(demo_db: Database, tmp_path: Path) -> None:
    plan = plan_import(demo_db, _month(demo_db, tmp_path))
    seen: list[tuple[str, int, int | None]] = []
    result = apply_import(demo_db, plan, progress=lambda *a: seen.append(a))
    assert result.counts["changed"] == 30
    phases = [phase for phase, _, _ in seen]
    assert phases[0] == "applying" and "writing" in phases
    assert seen[-1] == ("recording history", 30, 30)


def test_a_cancelled_apply_writes_nothing(demo_db: Database, tmp_path: Path) -> None:
    plan = plan_import(demo_db, _month(demo_db, tmp_path))
    before, batches = hq_content(demo_db), len(list_batches(demo_db))
    asked: list[int] = []

    def cancel_at_the_history() -> bool:
        asked.append(1)
        return len(asked) > 2  # after the changes were written, before the history is

    with pytest.raises(ImportCancelled):
        apply_import(demo_db, plan, cancel=cancel_at_the_history)
    assert hq_content(demo_db) == before
    assert len(list_batches(demo_db)) == batches
