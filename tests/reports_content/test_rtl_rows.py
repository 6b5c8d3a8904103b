"""Any Arabic or Hebrew name in a table row extracts whole, as typed (issue 16).

A row is left-to-right: an ID, the name, an amount. pdftotext puts the
right-to-left letters of such a line back into reading order by its own rule
(a right-to-left stretch ends at a left-to-right letter or at a digit or a
separator such as ","), which the PDF's ActualText is written for. Names are
generated with commas, hyphens, digits and Latin words among the letters, put
in a real report table, and read back in both of pdftotext's modes. Where an
Arabic or Hebrew word is followed by a space and a Latin word or a number, that
space comes back as a no-break space (the same text under NFKC, as compared).

The page is a mixed chapter's, mostly left-to-right (as in `demo
--international`, a third not Latin): pdftotext reads a page whose
right-to-left letters outnumber the others from the right, by other rules,
which this does not cover.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from chapterdesk.reports.pdfdoc import ReportDocument
from tests.reports_content.pdftext import PDFTOTEXT, pdftotext

_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")

_HEBREW = st.text(alphabet="אבגדהוזחטיכלמנסעפצקרשתםןףךץ", min_size=2, max_size=8)
_ARABIC = st.text(alphabet="ابتثجحخدذرزسشصضطظعغفقكلمنهوي", min_size=2, max_size=8)
_LATIN = st.text(alphabet="abcdefghOmarJosé", min_size=2, max_size=6)
_NUMBER = st.integers(min_value=1, max_value=99).map(str)
_WORD = st.one_of(_HEBREW, _ARABIC, _LATIN, _NUMBER)
_JOIN = st.sampled_from([" ", ", ", "-", " - ", ". "])


#: The chapter's other members, between the generated names.
_LATIN_NAMES = [
    f"{last}, {first}"
    for last in ("Okafor", "Lindqvist", "Moreau")
    for first in ("Adaeze", "Benedikt", "Camille", "Dmitri")
]


@st.composite
def _rtl_names(draw: st.DrawFn) -> str:
    """A name of two to four words, the first Arabic or Hebrew, joined by spaces or punctuation."""
    words = [draw(st.one_of(_HEBREW, _ARABIC))]
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        words += [draw(_JOIN), draw(_WORD)]
    return "".join(words)


def _plain(text: str) -> str:
    return " ".join(_MARKS.sub("", unicodedata.normalize("NFKC", text)).split())


@settings(max_examples=25, deadline=None)
@given(st.lists(_rtl_names(), min_size=12, max_size=12, unique=True))
def test_every_right_to_left_name_in_a_row_extracts_whole(names: list[str]) -> None:
    assert PDFTOTEXT, "pdftotext is missing: run `make fonts` (it installs poppler-utils)"
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "rows.pdf"
        document = ReportDocument(
            target, chapter_name="Tel Aviv and Dubai", title="Dues", as_of=dt.date(2026, 12, 6)
        )
        document.add_table(
            ["HQ ID", "Name", "Paid"],
            [
                [f"1{n:06d}", name, f"${n + 10}.00"]
                for n, name in enumerate(
                    cell for pair in zip(names, _LATIN_NAMES, strict=True) for cell in pair
                )
            ],
            [0.2, 0.55, 0.2],
            numeric_cols=(2,),
        )
        document.build()
        for mode in ((), ("-layout",)):
            text = _plain(pdftotext(target, *mode))
            missing = [name for name in names if _plain(name) not in text]
            assert missing == [], f"pdftotext {' '.join(mode)}"
