"""ChapterDesk's own exports read back through the HQ import: mapped, valid, nothing changed."""

from __future__ import annotations

from pathlib import Path

from chapterdesk.data.engine import Database
from chapterdesk.exports.hq import write_hq_export
from chapterdesk.exports.roster import ROSTER_COLUMNS, write_roster_export
from chapterdesk.hqsync.mapping import FIELDS, detect_mapping
from chapterdesk.services.hq.apply import apply_import
from chapterdesk.services.hq.plan import plan_import
from chapterdesk.services.roster.members import list_members


def test_roster_headings_are_ones_the_importer_maps() -> None:
    mapping = detect_mapping([column.header for column in ROSTER_COLUMNS])
    assert sorted(mapping.columns) == sorted(FIELDS), "every HQ field has its column"
    assert mapping.missing() == ()
    # the chapter's own columns map to nothing, so they cannot overwrite HQ's facts
    assert max(mapping.columns.values()) < len(ROSTER_COLUMNS) - 3


def test_hq_export_reimports_with_nothing_changed(ledger_db: Database, tmp_path: Path) -> None:
    target = tmp_path / "to-hq.xlsx"
    rows = write_hq_export(ledger_db, target)
    before = [(e.hq_id, e.standing, e.hq) for e in list_members(ledger_db)]
    plan = plan_import(ledger_db, target)
    assert plan.problems == []
    counts = plan.counts
    assert counts["unchanged"] == rows == 7
    assert (counts["new"], counts["changed"], counts["lapsed"]) == (0, 0, 0)
    assert (counts["renewed"], counts["conflicts"]) == (0, 0)
    # the only HQ record not in a chapter's file is the one not on its roster
    assert [c.hq_id for c in plan.changes] == ["200008"]
    apply_import(ledger_db, plan, officer="test")
    after = {e.hq_id: (e.standing, e.hq) for e in list_members(ledger_db)}
    for hq_id, standing, record in before:
        if hq_id != "200007":
            assert after[hq_id] == (standing, record), f"{hq_id} is as it was"


def test_roster_export_reimports_cleanly(ledger_db: Database, tmp_path: Path) -> None:
    target = tmp_path / "roster.xlsx"
    assert write_roster_export(ledger_db, target) == 8
    plan = plan_import(ledger_db, target)
    assert plan.problems == []
    counts = plan.counts
    assert counts["unchanged"] == 7
    assert (counts["new"], counts["changed"], counts["lapsed"], counts["conflicts"]) == (0,) * 4
    # Brown is missing from HQ's latest data; the roster still lists him (see exports.roster)
    assert {c.hq_id for c in plan.changes} == {"200007", "200008"}


def test_roster_csv_export_reimports_cleanly_with_its_formula_guard_undone(
    ledger_db: Database, tmp_path: Path
) -> None:
    target = tmp_path / "roster.csv"
    assert write_roster_export(ledger_db, target) == 8
    assert "'=HYPERLINK" in target.read_text(encoding="utf-8-sig")  # inert in a spreadsheet
    plan = plan_import(ledger_db, target)
    assert plan.problems == []
    counts = plan.counts
    assert counts["unchanged"] == 7, "the hostile name reads back as it is stored"
    assert (counts["new"], counts["changed"], counts["lapsed"], counts["conflicts"]) == (0,) * 4
    assert {c.hq_id for c in plan.changes} == {"200007", "200008"}
