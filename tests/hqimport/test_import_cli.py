"""`chapterdesk import` and `imports list|undo` in a subprocess, as a treasurer's script would."""

from __future__ import annotations

import json
from pathlib import Path

from chapterdesk.data.migrate import open_database
from tests.hqimport.exports import hq_content, hq_records, write_export


def demo_records(path: Path) -> list[dict[str, object]]:
    db = open_database(path)
    try:
        return hq_records(db)
    finally:
        db.dispose()


def content(path: Path) -> object:
    db = open_database(path)
    try:
        return hq_content(db)
    finally:
        db.dispose()


def test_dry_run_json_then_import_list_and_undo(cli, demo_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    records = demo_records(demo_path)
    records[0]["title"] = "Managing Partner"
    records.append(
        dict(records[1], hq_id="4242", first_name="Nova", last_name="Ng", email="nova@example.org")
    )
    export = write_export(tmp_path / "november.xlsx", records)
    before = content(demo_path)

    dry = cli("import", str(export), "--dry-run", "--json", "--db", str(demo_path))
    assert dry.returncode == 0, dry.stderr
    report = json.loads(dry.stdout)
    assert report["batch_id"] is None and report["dry_run"] is True
    assert set(report["counts"]) == {
        "new",
        "changed",
        "lapsed",
        "renewed",
        "missing",
        "conflicts",
        "unchanged",
    }
    assert report["counts"]["new"] == 1 and report["counts"]["changed"] == 1
    changed = next(m for m in report["members"] if m["kind"] == "changed")
    assert changed["fields"] == [
        {
            "field": "title",
            "old": changed["fields"][0]["old"],
            "new": "Managing Partner",
            "left_out_before": False,
        }
    ]
    assert content(demo_path) == before

    done = cli("import", str(export), "--db", str(demo_path))
    assert done.returncode == 0, done.stderr
    assert "Imported as batch 2" in done.stdout and "new: 1" in done.stdout
    listing = json.loads(cli("imports", "list", "--json", "--db", str(demo_path)).stdout)
    assert [b["batch_id"] for b in listing] == [2, 1]
    undo = cli("imports", "undo", "2", "--db", str(demo_path))
    assert undo.returncode == 0 and "as it was before it" in undo.stdout
    assert content(demo_path) == before
    again = cli("imports", "undo", "2", "--db", str(demo_path))
    assert again.returncode == 3 and "already undone" in again.stderr


def test_a_bad_file_gets_one_line_and_exit_2(cli, demo_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fake = tmp_path / "roster.xlsx"
    fake.write_bytes(b"%PDF-1.4\n" + b"x" * 2000)
    done = cli("import", str(fake), "--db", str(demo_path))
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_invalid_rows_listed_and_skippable(cli, demo_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    records = demo_records(demo_path)
    records[3]["hq_id"] = "12AB"
    export = write_export(tmp_path / "bad.csv", records, title=None)
    refused = cli("import", str(export), "--db", str(demo_path))
    assert refused.returncode == 2
    assert "row 5, Member ID" in refused.stderr and "--skip-invalid" in refused.stderr
    skipped = cli("import", str(export), "--skip-invalid", "--json", "--db", str(demo_path))
    assert skipped.returncode == 0, skipped.stderr
    report = json.loads(skipped.stdout)
    assert [s["row"] for s in report["skipped"]] == [5]
    assert report["delimiter"] == ","


def test_map_option_reads_a_renamed_column(cli, demo_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    records = demo_records(demo_path)
    export = write_export(tmp_path / "odd.xlsx", records, headers={"paid_through": "Dues Expire"})
    refused = cli("import", str(export), "--dry-run", "--db", str(demo_path))
    assert refused.returncode == 2 and "no Paid Through column" in refused.stderr
    mapped = cli(
        "import",
        str(export),
        "--dry-run",
        "--map",
        "paid_through=Dues Expire",
        "--db",
        str(demo_path),
    )
    assert mapped.returncode == 0, mapped.stderr
    assert "changed: 0" in mapped.stdout
    wrong = cli("import", str(export), "--map", "paid_through=Nope", "--db", str(demo_path))
    assert wrong.returncode == 2 and "no column headed 'Nope'" in wrong.stderr


def test_a_layout_with_unrecognised_id_and_name_headers_imports_after_mapping_and_is_remembered(
    cli, demo_path: Path, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    records = demo_records(demo_path)
    headers = {"hq_id": "Cust No", "last_name": "Family", "first_name": "Given"}
    export = write_export(tmp_path / "ams.xlsx", records, headers=headers)
    refused = cli("import", str(export), "--dry-run", "--db", str(demo_path))
    assert refused.returncode == 2
    assert "--map hq_id=HEADER --map last_name=HEADER" in refused.stderr  # says what to do
    maps = ["--map", "hq_id=Cust No", "--map", "last_name=Family", "--map", "first_name=Given"]
    applied = cli("import", str(export), *maps, "--db", str(demo_path))
    assert applied.returncode == 0, applied.stderr
    assert "changed: 0" in applied.stdout and "Imported as batch" in applied.stdout
    # Next month's file in the same layout needs no --map: the confirmed mapping is remembered.
    old_email = records[0]["email"]
    records[0]["email"] = "next.month@example.org"
    again = write_export(tmp_path / "ams-next.xlsx", records, headers=headers)
    planned = cli("import", str(again), "--dry-run", "--json", "--db", str(demo_path))
    assert planned.returncode == 0, planned.stderr
    report = json.loads(planned.stdout)
    assert report["mapping"]["hq_id"] == "Cust No" and report["counts"]["changed"] == 1
    (member,) = report["members"]
    assert member["hq_id"] == records[0]["hq_id"]
    new_email = "next.month@example.org"
    assert member["fields"] == [
        {"field": "email", "old": old_email, "new": new_email, "left_out_before": False}
    ]
