"""Lost ZIP zeros are restored; "?" for lost letters is no change."""

from __future__ import annotations

from pathlib import Path

from chapterdesk.data.engine import Database
from chapterdesk.services.hq.apply import apply_import
from chapterdesk.services.hq.plan import plan_import
from tests.hqimport.exports import hq_records, write_export


def test_us_zip_codes_get_their_zeros_back(demo_db: Database, tmp_path: Path) -> None:
    records = hq_records(demo_db)
    cases = {  # hq_id → (country, postal code as a spreadsheet left it, as stored)
        str(records[0]["hq_id"]): ("USA", "2134", "02134"),
        str(records[1]["hq_id"]): ("United States", "21341234", "02134-1234"),
        str(records[2]["hq_id"]): ("U.S.", "601-1234", "00601-1234"),
        str(records[3]["hq_id"]): ("Australia", "800", "800"),  # Darwin: 0800, but not ours to say
        str(records[4]["hq_id"]): ("Canada", "K1A 0B6", "K1A 0B6"),
    }
    for record in records:
        if str(record["hq_id"]) in cases:
            record["country"], record["postal_code"], _ = cases[str(record["hq_id"])]
    plan = plan_import(demo_db, write_export(tmp_path / "excel.csv", records))
    apply_import(demo_db, plan)
    stored = {str(r["hq_id"]): r["postal_code"] for r in hq_records(demo_db)}
    assert {hq_id: stored[hq_id] for hq_id in cases} == {k: v[2] for k, v in cases.items()}


def test_letters_lost_to_an_encoding_are_flagged_not_offered(
    demo_db: Database, tmp_path: Path
) -> None:
    records = hq_records(demo_db)
    target = records[0]
    hq_id = str(target["hq_id"])
    roster_before = next(r for r in hq_records(demo_db) if str(r["hq_id"]) == hq_id)
    target["first_name"] = "Nguyễn"
    first = plan_import(demo_db, write_export(tmp_path / "utf8.csv", records))
    apply_import(demo_db, first)
    assert roster_before["first_name"] != "Nguyễn"
    # LibreOffice's default Windows-1252 CSV: "ễ" is not in it and becomes "?".
    target["first_name"] = "Nguy?n"
    target["title"] = "Senior Partner"  # a real change on the same member is still offered
    plan = plan_import(demo_db, write_export(tmp_path / "cp1252.csv", records))
    change = next(c for c in plan.changes if c.hq_id == hq_id)
    assert [f.field for f in change.fields] == ["title"]
    assert [(d.hq_id, d.field, d.kept, d.in_file) for d in plan.damaged] == [
        (hq_id, "first_name", "Nguyễn", "Nguy?n")
    ]
    apply_import(demo_db, plan)
    stored = next(r for r in hq_records(demo_db) if str(r["hq_id"]) == hq_id)
    assert stored["first_name"] == "Nguyễn" and stored["title"] == "Senior Partner"
