"""One name formatter: the same member is written the same way on every screen and paper."""

from __future__ import annotations

from chapterdesk.names import address_name, display_name, folded, sort_name
from chapterdesk.reports.statements import address_lines
from chapterdesk.services.dues.ledger import person_names
from chapterdesk.services.roster.members import RECORD_FIELDS, HqRecord


def test_the_three_forms_of_one_name() -> None:
    parts = ("Andrew", "J.", "Adams")
    assert display_name(*parts) == "Andrew J. Adams"
    assert display_name(*parts, "Jr.") == "Andrew J. Adams, Jr."
    assert sort_name(*parts) == "Adams, Andrew J."
    assert sort_name(*parts, "Jr.") == "Adams, Andrew J., Jr."
    assert address_name("Ms.", *parts, "") == "Ms. Andrew J. Adams"
    assert address_name("Dr.", "Andrew", "", "Adams", "PhD") == "Dr. Andrew Adams, PhD"


def test_a_single_name_and_empty_parts_leave_no_stray_commas_or_spaces() -> None:
    assert display_name("", "", "Madonna") == "Madonna"
    assert sort_name("", "", "Madonna") == "Madonna"
    assert sort_name("Cher", "", "") == "Cher"
    assert address_name("", "", "", "Żółć", "") == "Żółć"
    assert folded(sort_name("Łukasz", "", "Żółć")) == "zolc, lukasz"


def test_the_dues_pages_and_the_roster_name_a_member_alike() -> None:
    """The dues services' names are the roster's forms: no prefix on either list."""
    assert person_names("Ms.", "Andrew", "", "Adams", "") == ("Andrew Adams", "Adams, Andrew")


def test_letters_and_labels_carry_the_prefix_screens_do_not() -> None:
    values: dict[str, object] = dict.fromkeys(RECORD_FIELDS, "")
    values.update(
        hq_id="100001", prefix="Ms.", first_name="Andrew", last_name="Adams", city="Toronto",
        join_date=None, paid_through=None, in_latest_export=True,
    )  # fmt: skip
    record = HqRecord(**values)  # type: ignore[arg-type]
    assert address_lines(record)[:2] == ["Ms. Andrew Adams", "Toronto"]
    assert (record.display_name, record.sort_name) == ("Andrew Adams", "Adams, Andrew")
