"""The search rule as properties over any text: what an initial finds, and when typing on narrows.

`services.roster.sql` defines the rule once (the haystack, the needles, the
match) for the SQL search and the window's index; these hold it for names,
e-mails and employers hypothesis makes up, spaces, accents and odd letters
included.
"""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from chapterdesk.services.roster import sql as roster_sql

_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20)
_FIELD = st.one_of(_TEXT, st.sampled_from(["Mary Jo", "Baker & Jones", "jo.baker@example.org",
                                           "Ødegård", "Straße", " ", "Anne-Marie"]))  # fmt: skip
_LETTER = st.sampled_from("abjmosz") | st.characters(categories=("Lu", "Ll"))
_TYPED = st.text(st.sampled_from("abjo. ,ß1"), max_size=8)


def _found(text: str, fields: tuple[str, str, str, str, str], hq_id: str = "100") -> bool:
    hay = roster_sql.haystack(*fields)
    needles = roster_sql.needles(roster_sql.search_words(text))
    return roster_sql.matches(needles, roster_sql.fold(text.strip()), hay, hq_id)


@given(_FIELD, _FIELD, _FIELD, _FIELD, _FIELD, _LETTER, st.booleans())
def test_an_initial_finds_exactly_the_names_with_a_word_starting_with_it(
    first: str, middle: str, last: str, email: str, company: str, letter: str, stop: bool
) -> None:
    typed = letter + ("." if stop else "")
    (word,) = roster_sql.search_words(typed) or [""]
    initial = roster_sql.initial(word)
    if initial is None:  # a letter that folds to two ("ß" is "ss"): not an initial
        return
    starts = any(
        w.startswith(initial)
        for part in (first, middle, last)
        for w in roster_sql.fold(part).split(" ")
    )
    assert _found(typed, (first, middle, last, email, company), hq_id="0") == starts


@given(_FIELD, _FIELD, _FIELD, _FIELD, _FIELD, _TYPED, _TYPED)
@example("", "", "A", "", "", ",", "a")  # "," finds no one; ",a" finds "A"
def test_typing_on_finds_no_one_the_shorter_search_missed_when_narrows_says_so(
    first: str, middle: str, last: str, email: str, company: str, typed: str, more: str
) -> None:
    shorter, longer = typed, typed + more
    fields = (first, middle, last, email, company)
    if roster_sql.narrows(shorter, longer) and roster_sql.fold(shorter.strip()):
        assert not _found(longer, fields) or _found(shorter, fields)
