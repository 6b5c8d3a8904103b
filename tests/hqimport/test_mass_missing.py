"""A file with no member rows, or one leaving out over half the chapter, is not applied unasked."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from chapterdesk.data.engine import Database
from chapterdesk.errors import BadInputError
from chapterdesk.services.hq.apply import apply_import
from chapterdesk.services.hq.mass_missing import mass_missing
from chapterdesk.services.hq.plan import plan_import
from chapterdesk.services.roster import query as roster_query
from tests.hqimport.exports import HEADERS, hq_content, hq_records, write_export
from tests.hqimport.test_import_cli import content, demo_records


def header_only(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(list(HEADERS.values()))
    return path


def chapter_size(db: Database) -> int:
    return len(roster_query.read(db, ("hq_id",), sort=None))


def test_header_only_file_is_refused_saying_how_many(demo_db: Database, tmp_path: Path) -> None:
    members = chapter_size(demo_db)
    before = hq_content(demo_db)
    plan = plan_import(demo_db, header_only(tmp_path / "cut.csv"))
    found = mass_missing(plan)
    assert found is not None and found.no_rows and found.chapter == members
    assert found.marked > members * 0.9  # all but those HQ had already left out
    with pytest.raises(BadInputError) as caught:
        apply_import(demo_db, plan)
    assert caught.value.message.startswith(
        f"cut.csv has a header but no member rows: importing it would mark {found.marked:,} of "
        f"the chapter's {members:,} members missing from HQ"
    )
    assert "--allow-mass-missing" in caught.value.message
    assert hq_content(demo_db) == before
    result = apply_import(demo_db, plan, allow_mass_missing=True)
    assert result.counts["missing"] >= found.marked


@pytest.mark.parametrize(("kept", "refused"), [(0.4, True), (0.6, False)])
def test_over_half_of_the_chapter_missing_is_refused(
    demo_db: Database, tmp_path: Path, kept: float, refused: bool
) -> None:
    records = hq_records(demo_db)
    on_roster = {r[0] for r in roster_query.read(demo_db, ("hq_id",), sort=None)}
    members = [r for r in records if r["hq_id"] in on_roster]
    others = [r for r in records if r["hq_id"] not in on_roster]
    keep = members[: int(len(members) * kept)]
    plan = plan_import(demo_db, write_export(tmp_path / "part.xlsx", keep + others))
    found = mass_missing(plan)
    assert (found is not None) == refused
    if refused:
        assert found is not None and found.marked == len(members) - len(keep)
        with pytest.raises(BadInputError, match="leaves out more than half of the chapter"):
            apply_import(demo_db, plan)
    else:
        assert apply_import(demo_db, plan).counts["missing"] >= len(members) - len(keep)


def test_cli_refuses_then_takes_allow_mass_missing(
    cli: Callable[..., object], demo_path: Path, tmp_path: Path
) -> None:
    before, in_export = content(demo_path), len(demo_records(demo_path))
    path = header_only(tmp_path / "empty.csv")
    refused = cli("import", str(path), "--db", str(demo_path))
    assert refused.returncode == 2  # type: ignore[attr-defined]
    lines = [x for x in refused.stderr.splitlines() if x.strip()]  # type: ignore[attr-defined]
    assert len(lines) == 1 and "has a header but no member rows" in lines[0]
    assert content(demo_path) == before
    dry = cli("import", str(path), "--dry-run", "--json", "--db", str(demo_path))
    assert dry.returncode == 0  # type: ignore[attr-defined]  # a dry run only shows it
    done = cli("import", str(path), "--allow-mass-missing", "--json", "--db", str(demo_path))
    assert done.returncode == 0, done.stderr  # type: ignore[attr-defined]
    counts = json.loads(done.stdout)["counts"]  # type: ignore[attr-defined]
    assert counts["missing"] == in_export
