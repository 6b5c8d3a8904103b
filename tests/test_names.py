"""One name formatter: the same member is written the same way on every screen and paper."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from chapterdesk.names import address_name, display_name, folded, searched_name, sort_name
from chapterdesk.reports.statements import address_lines
from chapterdesk.services.dues.ledger import person_names
from chapterdesk.services.roster import sql as roster_sql
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


# --- a typed search: initials without their stops ------------------------------------------

_NAME = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzÀÉÖØßæÆłŁ"), min_size=2,
                max_size=12).map(str.capitalize)


def test_initials_are_searched_without_their_stops() -> None:
    assert searched_name("J. A. Baker") == "J A Baker"
    assert searched_name("J.A. Baker") == "J A Baker"
    assert searched_name("Baker, J.") == "Baker, J"
    assert searched_name("mary.baker@example.org") == "mary.baker@example.org"
    assert searched_name("Dr. Baker") == "Dr. Baker"  # not an initial: kept as typed


@given(st.text(max_size=40))
def test_searched_name_is_idempotent_and_leaves_e_mails_alone(text: str) -> None:
    once = searched_name(text)
    assert searched_name(once) == once
    if "@" in text:
        assert once == text


@given(_NAME, _NAME, _NAME)
def test_a_member_is_found_by_their_initials_in_any_order(first: str, middle: str,
                                                         last: str) -> None:
    hay = roster_sql.haystack(first, middle, last, "", "")
    for typed in (f"{first[0]}. {middle[0]}. {last}", f"{last}, {first[0]}.",
                  f"{first} {middle} {last}", f"{last}, {first}"):
        words = roster_sql.needles(roster_sql.search_words(searched_name(typed)))
        assert roster_sql.matches(words, roster_sql.fold(typed.strip()), hay, "0"), typed


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_an_ascii_name_folds_as_the_full_folding_would(text: str) -> None:
    """`folded`'s short cut for ASCII text (nothing to take off) gives the full folding's key."""
    plain = unicodedata.normalize("NFKD", text)
    assert folded(text) == "".join(c for c in plain if not unicodedata.combining(c)).casefold()


def test_a_name_in_a_sentence_is_isolated_and_otherwise_untouched() -> None:
    from chapterdesk.names import in_sentence

    assert in_sentence("") == ""
    for name in ("Andrew J. Adams, Jr.", "عبد الله العلي", "לוי מיכל", "佐藤 さくら"):
        isolated = in_sentence(name)
        assert isolated.startswith("\u200e\u2068") and isolated.endswith("\u2069")
        assert isolated.strip("\u200e\u2068\u2069") == name
