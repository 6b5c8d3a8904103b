"""The directory, the compliance report and the labels: the right people, readable names."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from chapterdesk.data.engine import Database
from chapterdesk.reports.compliance import write_compliance_report
from chapterdesk.reports.labels import AVERY_5160
from chapterdesk.reports.mailing import write_labels
from chapterdesk.reports.roster import index_letter, write_directory
from tests.reports_content.conftest import TODAY
from tests.reports_content.pdftext import pages_text


def test_directory_lists_members_in_good_standing_by_letter(
    ledger_db: Database, tmp_path: Path
) -> None:
    target = tmp_path / "directory.pdf"
    listed, pages = write_directory(ledger_db, target)
    text = pages_text(target)
    assert len(text) == pages == 2
    officers, directory = text
    assert "Officers" in officers and "President" in officers and "Łukasz Żółć" in officers
    assert "Treasurer" in officers and "Søren Ødegård" in officers
    assert listed == 6
    for name in ("Żółć, Łukasz", "Nguyễn, Thị Ánh", "Ødegård, Søren", "O'Brien-Müller, Zoë"):
        assert name in directory
    assert "Smith" not in directory and "Brown" not in directory, "suspended members are left out"
    assert "Unlisted" not in directory
    # O'Brien-Müller and Ødegård both under O, Żółć under Z, at the end
    lines = directory.splitlines()
    assert lines.index("O") < lines.index("O'Brien-Müller, Zoë") < lines.index("Ødegård, Søren")
    assert lines.index("Z") < lines.index("Żółć, Łukasz")


def test_index_letters_fold_accents() -> None:
    assert [index_letter(n) for n in ("Żółć", "Ødegård", "Łukasz", "Ánh", "=X", "d'Arcy")] == [
        "Z",
        "O",
        "L",
        "A",
        "#",
        "D",
    ]


def test_compliance_lists_members_not_in_good_standing(ledger_db: Database, tmp_path: Path) -> None:
    target = tmp_path / "compliance.pdf"
    # the day the test chapter was built on, which a run past midnight has left behind
    problems, pages = write_compliance_report(ledger_db, target, as_of=TODAY, printed_on=TODAY)
    text = " ".join(" ".join(pages_text(target)).split())
    assert (problems, pages) == (3, 1)
    assert "3 of the chapter's 8 members are not" in text
    assert "Smith, James" in text and "lapsed" in text and "400" in text  # days lapsed
    assert "Brown, Robert" in text and "not in HQ data" in text
    assert "O'Brien-Müller, Zoë" in text and "Remind them to renew" in text
    assert "Unlisted, Siobhán" in text, "HQ says she is ours, the roster does not"
    assert "No HQ data has been imported yet" in text
    assert "Page 1 of 1" in text


def _label_origins(path: Path) -> list[tuple[str, float, float]]:
    """Each text line drawn on the first page with its position."""
    found: list[tuple[str, float, float]] = []

    def visit(text: str, cm: object, tm: list[float], *_: object) -> None:
        if text.strip():
            found.append((text.strip(), tm[4], tm[5]))

    PdfReader(path).pages[0].extract_text(visitor_text=visit)
    return found


def test_labels_are_for_members_in_good_standing(ledger_db: Database, tmp_path: Path) -> None:
    target = tmp_path / "labels.pdf"
    count, pages = write_labels(ledger_db, target)
    assert (count, pages) == (6, 1)
    text = pages_text(target)[0]
    for name in ("Łukasz Żółć", "Thị Ánh Nguyễn", "Søren Ødegård", "Zoë O'Brien-Müller"):
        assert name in text
    assert "James Smith" not in text and "Robert Brown" not in text
    assert "Poland" in text and "Norway" in text, "addresses abroad keep their country"
    assert "United States" not in text, "the home country is left off"
    # the first member in name order sits in the first label, the second beside it
    origins = {line: (x, y) for line, x, y in _label_origins(target)}
    x0, y0, w, h = AVERY_5160.label_box(0)
    x1, _, _, _ = AVERY_5160.label_box(1)
    first = next(xy for line, xy in origins.items() if line.startswith("Eve =HYPERLINK("))
    assert x0 < first[0] < x0 + w and y0 < first[1] < y0 + h
    second = origins["Mary Jones"]
    assert x1 < second[0] < x1 + w and y0 < second[1] < y0 + h


def test_all_labels_include_suspended_members_on_l7160(ledger_db: Database, tmp_path: Path) -> None:
    target = tmp_path / "labels.pdf"
    count, _ = write_labels(ledger_db, target, sheet="l7160", everyone=True)
    assert count == 8
    text = pages_text(target)[0]
    assert "James Smith" in text and "Robert Brown" in text
    assert PdfReader(target).pages[0].mediabox.width < 596  # A4
