"""Property: importing any month of HQ changes and undoing it leaves the HQ data as it was."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chapterdesk.data.engine import Database
from chapterdesk.services.hq.apply import apply_import, undo_batch
from chapterdesk.services.hq.plan import plan_import
from tests.hqimport.exports import hq_content, hq_records, write_export

edits = st.lists(
    st.tuples(
        st.integers(0, 10_000),
        st.sampled_from(["renew", "lapse", "email", "drop", "chapter", "title", "new"]),
    ),
    max_size=12,
)
counter = itertools.count()


def month_of_changes(records: list[dict[str, object]], plan: list[tuple[int, str]]) -> None:
    """Apply a random month's worth of HQ-side changes to the records, in place."""
    today = dt.date.today()
    for pick, action in plan:
        if not records:
            return
        record = records[pick % len(records)]
        if action == "renew":
            record.update(paid_through=today + dt.timedelta(days=365), hq_status="Active")
        elif action == "lapse":
            record.update(paid_through=today - dt.timedelta(days=400), hq_status="Lapsed")
        elif action == "email":
            record["email"] = f"moved{pick}@example.org"
        elif action == "drop":
            records.remove(record)
        elif action == "chapter":
            record["chapters"] = "Great Lakes Chapter; Ontario"
        elif action == "title":
            record["title"] = f"Title {pick}"
        else:
            records.append(dict(record, hq_id=str(900000 + pick), email=f"n{pick}@example.org"))


# The database is the same across examples on purpose: each example undoes what it did.
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plan=edits)
def test_apply_then_undo_restores_hq_data(
    demo_db: Database, tmp_path: Path, plan: list[tuple[int, str]]
) -> None:
    before = hq_content(demo_db)
    records = hq_records(demo_db)
    month_of_changes(records, plan)
    export = write_export(tmp_path / f"month-{next(counter)}.xlsx", records)
    result = apply_import(demo_db, plan_import(demo_db, export, skip_invalid=True))
    if result.batch_id is not None:
        undo_batch(demo_db, result.batch_id)
    assert hq_content(demo_db) == before
