"""HQ IDs in other scripts' digits are the same IDs on every path: import, arguments, search."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chapterdesk.errors import BadInputError
from chapterdesk.values import normalise_hq_id
from tests.hqimport.exports import write_export
from tests.hqimport.test_import_cli import demo_records

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")


@pytest.mark.parametrize("digits", [ARABIC_INDIC, FULL_WIDTH, DEVANAGARI])
def test_other_digits_are_the_ascii_id(digits: dict[int, int]) -> None:
    assert normalise_hq_id("00123".translate(digits)) == "123"
    assert normalise_hq_id(" 104233.0 ".translate(digits)).isascii()


def test_not_digits_are_still_refused() -> None:
    for text in ("12a", "Ⅻ", "1 2", "١٢x"):  # "Ⅻ" is a roman numeral: NFKC makes it "XII"
        with pytest.raises(BadInputError):
            normalise_hq_id(text)


def test_import_and_arguments_take_other_digits(cli, demo_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    records = demo_records(demo_path)
    hq_id = str(records[0]["hq_id"])
    records[0]["hq_id"] = hq_id.translate(FULL_WIDTH)
    records[1]["hq_id"] = str(records[1]["hq_id"]).translate(ARABIC_INDIC)
    export = write_export(tmp_path / "digits.csv", records)  # IDs as text, as typed
    dry = cli("import", str(export), "--dry-run", "--json", "--db", str(demo_path))
    assert dry.returncode == 0, dry.stderr
    counts = json.loads(dry.stdout)["counts"]
    assert counts["new"] == 0 and counts["missing"] == 0, counts  # the same people, not twins
    assert counts["changed"] == 0

    shown = cli("members", "show", hq_id.translate(ARABIC_INDIC), "--json", "--db", str(demo_path))
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["hq_id"] == hq_id

    listed = cli("members", "list", "--search", hq_id.translate(DEVANAGARI), "--json",
                 "--db", str(demo_path))  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    assert [m["hq_id"] for m in json.loads(listed.stdout)] == [hq_id]


@pytest.mark.parametrize("text", ["%", "_", "%%", "a_"])
def test_wildcards_are_taken_literally(cli, demo_path: Path, text: str) -> None:  # type: ignore[no-untyped-def]
    listed = cli("members", "list", "--search", text, "--json", "--db", str(demo_path))
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == []
