"""The HQ import's and the payments import's reports read as they did before they shared code.

`import`/`imports` and `payments import|list|undo` print their summaries (and
JSON) through one module, `cli/import_summary.py`. The outputs below were
captured from the two commands' own printers (commit 69b115e) on the same
files and chapter; the shared code must print them byte for byte. Only the
temporary folder and the clock's times are put in place of what varies.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

import pytest

from chapterdesk.cli import main
from chapterdesk.data.migrate import open_database
from tests.import_summaries_expected import EXPECTED
from tests.payments import samples as s
from tests.payments.conftest import DAY, PEOPLE, chapter_with_members, email_of

D = Decimal
AS_OF = "2026-11-03"
_HEADER = [
    "Member ID", "First Name", "Middle Name", "Last Name", "Company", "Email", "Member Type",
    "Join Date", "Paid Through", "Status", "Chapter", "Fax",
]  # fmt: skip


def _hq_row(hq_id: str, first: str, last: str, **changed: str) -> list[str]:
    row = {
        "Member ID": hq_id, "First Name": first, "Middle Name": "", "Last Name": last,
        "Company": "Baker & Whitfield LLP", "Email": email_of(first, last),
        "Member Type": "Regular", "Join Date": "2015-03-01", "Paid Through": "2026-12-31",
        "Status": "Active", "Chapter": "", "Fax": "",
    }  # fmt: skip
    row.update(changed)
    return [row[h] for h in _HEADER]


def write_hq_export(path: Path) -> Path:
    """An HQ export of the chapter's people: a changed e-mail, one lapsed, one missing, 22
    new people (more than a section lists), an affiliate not on the roster, an unused column
    and an invalid row."""
    people = {hq_id: (first, last) for hq_id, first, last in PEOPLE}
    rows = [
        _hq_row("2001", *people["2001"], Email="renee@new.example.org"),
        _hq_row("2002", *people["2002"], **{"Paid Through": "2024-12-31", "Status": "Lapsed"}),
        _hq_row("2003", *people["2003"]),
        _hq_row("2004", *people["2004"], Company="Smith & Smith"),
        _hq_row("2005", *people["2005"]),
        # 2006 is missing from the file
        _hq_row("3001", "Quinn", "Affiliate", Chapter="Test Chapter"),
        _hq_row("3002", "Broken", "Row", **{"Paid Through": "not a date"}),
    ]
    rows += [_hq_row(f"40{n:02d}", f"New{n}", "Person") for n in range(22)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(_HEADER)
        writer.writerows(rows)
    return path


def write_payments(path: Path) -> Path:
    """A Stripe export: a member by e-mail, an ambiguous "Smith, J.", 26 strangers (more than
    a section lists) and a refunded line skipped."""
    lines = [
        s.Paid("ch_sum_01", DAY, D("150.00"), D("4.65"), "", email_of("Wei", "Zhang")),
        s.Paid("ch_sum_02", DAY, D("150.00"), D("4.65"), "Smith, J."),
        s.Paid("ch_sum_03", DAY, D("75.00"), D("0.00"), "", email_of("Renée", "O'Brien")),
    ]
    lines += [s.Paid(f"ch_str_{n:02d}", DAY, D("20.00"), D("0.88"), f"Stranger {n}")
              for n in range(26)]  # fmt: skip
    refunded = [s.Paid("ch_ref_01", DAY, D("150.00"), D("4.65"), "Refund Person")]
    return s.write_stripe(path, lines, refunded=refunded)


def _run(capsys: pytest.CaptureFixture[str], tmp_path: Path, *args: str) -> str:
    status = main(list(args))
    out, err = capsys.readouterr()
    assert status == 0, err
    out = out.replace(str(tmp_path), "<TMP>")
    out = re.sub(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?([+-]\d\d:\d\d)?", "<TIME>", out)
    return out


def run_scenario(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> dict[str, str]:
    """Every report of the two imports on the same chapter, in order, keyed by what ran."""
    database = open_database(db_path)
    try:
        chapter_with_members(database)
    finally:
        database.dispose()
    hq = write_hq_export(tmp_path / "hq.csv")
    paid = write_payments(tmp_path / "stripe.csv")
    db = ("--db", str(db_path))
    hq_args = (str(hq), "--as-of", AS_OF, "--skip-invalid", *db)
    runs: list[tuple[str, tuple[str, ...]]] = [
        ("import dry-run", ("import", *hq_args, "--dry-run")),
        ("import dry-run json", ("import", *hq_args, "--dry-run", "--json")),
        ("import", ("import", *hq_args, "--exclude", "2004:company")),
        ("import again", ("import", *hq_args)),
        ("imports list", ("imports", "list", *db)),
        ("imports list json", ("imports", "list", "--json", *db)),
        ("imports undo", ("imports", "undo", "2", *db)),
        ("imports undo json", ("imports", "undo", "1", "--json", *db)),
        ("import json", ("import", *hq_args, "--json")),
        ("payments dry-run", ("payments", "import", str(paid), "--dry-run", *db)),
        ("payments dry-run json", ("payments", "import", str(paid), "--dry-run", "--json", *db)),
        ("payments import", ("payments", "import", str(paid), *db)),
        ("payments again", ("payments", "import", str(paid), "--assign", "3=2004", *db)),
        ("payments nothing", ("payments", "import", str(paid), *db)),
        ("payments list", ("payments", "list", *db)),
        ("payments list json", ("payments", "list", "--json", *db)),
        ("payments undo", ("payments", "undo", "2", *db)),
        ("payments undo json", ("payments", "undo", "1", "--json", *db)),
        ("payments json", ("payments", "import", str(paid), "--json", *db)),
    ]
    return {name: _run(capsys, tmp_path, *args) for name, args in runs}


def test_both_imports_print_what_they_printed_before(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = run_scenario(tmp_path, db_path, capsys)
    assert list(outputs) == list(EXPECTED)
    for name, text in outputs.items():
        assert text == EXPECTED[name], name
    # the scenario reaches what the shared printer prints: sections cut short, both endings
    assert "… and 3 more (use --json for all)" in outputs["import dry-run"]
    assert "… and 2 more (use --json for all)" in outputs["payments dry-run"]
    assert "Dry run: nothing was written." in outputs["import dry-run"]
    assert "Dry run: nothing was posted." in outputs["payments dry-run"]

