"""The HQ import as a whole: the difference, apply in one transaction, history and undo."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from chapterdesk.data.engine import Database
from chapterdesk.errors import BadInputError, RuleRefusedError
from chapterdesk.services.hq.apply import apply_import, list_batches, undo_batch
from chapterdesk.services.hq.edits import edit_hq_field
from chapterdesk.services.hq.plan import ChangeKind, plan_import
from chapterdesk.services.roster import members as roster
from chapterdesk.standing import Standing
from tests.hqimport.exports import hq_content, hq_records, write_export

TODAY = dt.date.today()


def by_id(records: list[dict[str, object]], hq_id: str) -> dict[str, object]:
    return next(r for r in records if r["hq_id"] == hq_id)


def roster_ids(db: Database, standing: Standing) -> list[str]:
    return [e.hq_id for e in roster.list_members(db, standing=standing)]


def test_exporting_what_we_have_changes_nothing(demo_db: Database, tmp_path: Path) -> None:
    records = hq_records(demo_db)
    plan = plan_import(demo_db, write_export(tmp_path / "same.xlsx", records))
    assert plan.changes == () and plan.unchanged == len(records)
    assert plan.parsed.header_row == 3  # below the report title and a blank row


def test_the_difference_by_kind_and_field(demo_db: Database, tmp_path: Path) -> None:
    records = hq_records(demo_db)
    good, lapsed = roster_ids(demo_db, Standing.GOOD), roster_ids(demo_db, Standing.LAPSED)
    by_id(records, good[0]).update(paid_through=dt.date(2020, 6, 30), hq_status="Lapsed")
    by_id(records, lapsed[0]).update(
        paid_through=TODAY + dt.timedelta(days=300), hq_status="Active"
    )
    by_id(records, good[1])["email"] = "new.address@example.org"
    records.remove(by_id(records, good[2]))
    records.append(
        dict(
            records[0],
            hq_id="987654",
            first_name="Nuevo",
            last_name="Miembro",
            email="nuevo@example.org",
        )
    )
    before = hq_content(demo_db)
    month = write_export(tmp_path / "month.xlsx", records)
    plan = plan_import(demo_db, month)
    assert hq_content(demo_db) == before  # planning writes nothing
    assert {k: v for k, v in plan.counts.items() if k != "unchanged"} == {
        "new": 1,
        "changed": 1,
        "lapsed": 1,
        "renewed": 1,
        "missing": 1,
        "conflicts": 0,
    }
    kinds = {c.hq_id: c for c in plan.changes}
    assert kinds[good[0]].kind is ChangeKind.LAPSED and kinds[good[0]].on_roster
    assert kinds[lapsed[0]].kind is ChangeKind.RENEWED
    (email,) = kinds[good[1]].fields
    assert (email.field, email.new) == ("email", "new.address@example.org")
    assert kinds[good[2]].kind is ChangeKind.MISSING
    paid = next(f for f in kinds[good[0]].fields if f.field == "paid_through")
    assert paid.new == dt.date(2020, 6, 30)  # parsed dates are shown as dates

    result = apply_import(demo_db, plan)
    assert result.counts["lapsed"] == 1 and result.batch_id is not None
    assert good[0] in roster_ids(demo_db, Standing.LAPSED)  # standing re-derived
    assert lapsed[0] in roster_ids(demo_db, Standing.GOOD)
    assert good[2] in roster_ids(demo_db, Standing.NOT_IN_HQ)  # marked, never deleted
    assert roster.member_detail(demo_db, good[1]).hq.email == "new.address@example.org"

    again = plan_import(demo_db, month)
    assert again.changes == () and again.already_imported_batch == result.batch_id
    assert apply_import(demo_db, again).batch_id is None  # the same file twice: a no-op
    assert len(list_batches(demo_db)) == 2

    undo_batch(demo_db, result.batch_id)
    assert hq_content(demo_db) == before
    assert list_batches(demo_db)[0].undone_at is not None


def test_an_id_whose_person_changed_is_a_conflict_held_until_accepted(
    demo_db: Database, tmp_path: Path
) -> None:
    records = hq_records(demo_db)
    target = roster_ids(demo_db, Standing.GOOD)[0]
    original = roster.member_detail(demo_db, target).hq
    by_id(records, target).update(
        first_name="Someone", last_name="Else", email="someone.else@example.org"
    )
    plan = plan_import(demo_db, write_export(tmp_path / "swap.xlsx", records))
    (change,) = plan.changes
    assert change.kind is ChangeKind.CONFLICT
    assert "not transferable" in change.conflicts[0].reason
    result = apply_import(demo_db, plan)
    assert result.held == (target,) and result.counts["conflicts"] == 1
    assert roster.member_detail(demo_db, target).hq.last_name == original.last_name
    undo_batch(demo_db, result.batch_id)  # type: ignore[arg-type]
    plan = plan_import(demo_db, write_export(tmp_path / "swap.xlsx", records))
    apply_import(demo_db, plan, accept_conflicts=[target])
    assert roster.member_detail(demo_db, target).hq.last_name == "Else"


def test_local_edits_survive_hq_repeating_itself_and_conflict_when_hq_differs(
    demo_db: Database, tmp_path: Path
) -> None:
    target = roster_ids(demo_db, Standing.GOOD)[0]
    records = hq_records(demo_db)
    edit_hq_field(demo_db, target, "email", "officer.knows@example.org")
    # HQ still has its old address: the officer sees that once, as a conflict...
    plan = plan_import(demo_db, write_export(tmp_path / "repeat.xlsx", records))
    (change,) = plan.changes
    assert change.kind is ChangeKind.CONFLICT and change.conflicts[0].field == "email"
    apply_import(demo_db, plan, keep_local=[f"{target}:email"])
    # ...and once the chapter's value is kept against it, HQ repeating it changes nothing...
    plan = plan_import(demo_db, write_export(tmp_path / "repeat-again.xlsx", records))
    assert plan.changes == ()
    # ...but HQ saying something new again is a conflict for the officer.
    by_id(records, target)["email"] = "third@example.org"
    plan = plan_import(demo_db, write_export(tmp_path / "third.xlsx", records))
    (change,) = plan.changes
    assert change.kind is ChangeKind.CONFLICT and change.conflicts[0].field == "email"
    apply_import(demo_db, plan)
    assert roster.member_detail(demo_db, target).hq.email == "officer.knows@example.org"


def test_rejected_changes_are_not_applied(demo_db: Database, tmp_path: Path) -> None:
    records = hq_records(demo_db)
    a, b = roster_ids(demo_db, Standing.GOOD)[:2]
    by_id(records, a)["title"] = "Partner"
    by_id(records, b)["title"] = "Partner"
    plan = plan_import(demo_db, write_export(tmp_path / "t.xlsx", records))
    result = apply_import(demo_db, plan, rejected=[b])
    assert result.held == (b,)
    assert roster.member_detail(demo_db, a).hq.title == "Partner"
    assert roster.member_detail(demo_db, b).hq.title != "Partner"


def test_rows_with_problems_refuse_the_import_unless_skipped(
    demo_db: Database, tmp_path: Path
) -> None:
    records = hq_records(demo_db)
    records[5]["email"] = "x" * 300
    records.append(dict(records[6]))  # a duplicate ID
    path = write_export(tmp_path / "bad.xlsx", records)
    before = hq_content(demo_db)
    with pytest.raises(BadInputError) as refused:
        plan_import(demo_db, path)
    assert "nothing was imported" in refused.value.message
    assert "row 9, Email" in refused.value.message  # title, blank, header, then row 4 + 5
    assert hq_content(demo_db) == before
    plan = plan_import(demo_db, path, skip_invalid=True)
    assert plan.parsed.invalid_rows == 3
    # The members on the skipped rows are still in HQ's export: skipping a row must not
    # mark them missing (that would suspend them as "not in HQ data").
    assert plan.changes == ()


def test_only_the_latest_batch_can_be_undone(demo_db: Database, tmp_path: Path) -> None:
    records = hq_records(demo_db)
    records.append(
        dict(
            records[0],
            hq_id="555555",
            first_name="Brand",
            last_name="New",
            paid_through=TODAY + dt.timedelta(days=200),
            hq_status="Active",
        )
    )
    first = apply_import(demo_db, plan_import(demo_db, write_export(tmp_path / "1.xlsx", records)))
    records[1]["title"] = "Changed"
    second = apply_import(demo_db, plan_import(demo_db, write_export(tmp_path / "2.xlsx", records)))
    with pytest.raises(RuleRefusedError, match=f"batch {second.batch_id}"):
        undo_batch(demo_db, first.batch_id)  # type: ignore[arg-type]
    undo_batch(demo_db, second.batch_id)  # type: ignore[arg-type]
    roster.add_member(demo_db, "555555")
    with pytest.raises(RuleRefusedError, match="has since been added to the chapter"):
        undo_batch(demo_db, first.batch_id)  # type: ignore[arg-type]


def test_a_stale_preview_is_refused(demo_db: Database, tmp_path: Path) -> None:
    records = hq_records(demo_db)
    records[0]["title"] = "One"
    stale = plan_import(demo_db, write_export(tmp_path / "a.xlsx", records))
    records[0]["title"] = "Two"
    apply_import(demo_db, plan_import(demo_db, write_export(tmp_path / "b.xlsx", records)))
    with pytest.raises(RuleRefusedError, match="preview the file again"):
        apply_import(demo_db, stale)


def test_a_confirmed_mapping_is_remembered_for_the_next_file(
    demo_db: Database, tmp_path: Path
) -> None:
    from chapterdesk.hqsync import Mapping

    records = hq_records(demo_db)
    odd = {"paid_through": "Dues Expire", "hq_status": "Standing Code"}
    path = write_export(tmp_path / "odd.xlsx", records, headers=odd)
    with pytest.raises(BadInputError, match="Paid Through"):
        plan_import(demo_db, path)
    from chapterdesk.hqsync.mapping import detect_mapping
    from tests.hqimport.exports import HEADERS

    texts = tuple(dict(HEADERS, **odd).values())
    columns = dict(detect_mapping(texts).columns)
    columns["paid_through"] = texts.index("Dues Expire")
    columns["hq_status"] = texts.index("Standing Code")
    mapping = Mapping(columns=columns, headers=texts)
    apply_import(demo_db, plan_import(demo_db, path, mapping=mapping))
    records[0]["title"] = "Next month"
    nxt = plan_import(demo_db, write_export(tmp_path / "odd2.xlsx", records, headers=odd))
    assert (
        len(nxt.changes) == 1
        and nxt.parsed.mapping.columns["paid_through"] == columns["paid_through"]
    )


def test_csv_exports_import_too(demo_db: Database, tmp_path: Path) -> None:
    records = hq_records(demo_db)
    records[0]["first_name"] = "Zoë-Renée"
    plan = plan_import(demo_db, write_export(tmp_path / "roster.csv", records))
    assert plan.parsed.file_format == "csv" and plan.parsed.delimiter == ","
    (change,) = plan.changes
    assert change.fields[0].new == "Zoë-Renée"


def test_undo_is_refused_when_a_record_was_corrected_after_the_import(
    demo_db: Database, tmp_path: Path
) -> None:
    records = hq_records(demo_db)
    member = roster_ids(demo_db, Standing.GOOD)[0]
    by_id(records, member)["title"] = "Director of Administration"
    result = apply_import(
        demo_db, plan_import(demo_db, write_export(tmp_path / "month.xlsx", records))
    )
    edit_hq_field(demo_db, member, "email", "corrected@example.org")
    before = hq_content(demo_db)
    with pytest.raises(RuleRefusedError) as refused:
        undo_batch(demo_db, result.batch_id)  # type: ignore[arg-type]
    assert f"{member}'s Email was changed after that import" in refused.value.message
    assert "'corrected@example.org'" in refused.value.message
    assert hq_content(demo_db) == before  # nothing was restored
    assert list_batches(demo_db)[0].undone_at is None
    # Once the correction is put back, the undo goes through.
    edit_hq_field(demo_db, member, "email", str(by_id(records, member)["email"]))
    undo_batch(demo_db, result.batch_id)  # type: ignore[arg-type]
    assert by_id(hq_records(demo_db), member)["title"] != "Director of Administration"
