"""Member statements: one page per member whose dues are open, ready to mail.

Each page has the member's mailing address where a window envelope shows
it, the account's entries with a running balance, the amount due, how to pay
(the methods the chapter accepts, who checks are payable to) and a slip to
return with the payment. A chapter of 50,000 can have thousands of
statements: who owes and what each statement lists are read together in one
pass over the ledger (`services.dues.reports.owing_statements`; a few chosen
members are read a few hundred at a time), and each page is one flowable drawn
straight onto the canvas: the story never holds more than the page being laid
out.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable

from chapterdesk.collector import collector_paused
from chapterdesk.data.engine import Database
from chapterdesk.money import format_money
from chapterdesk.reports.addresses import address_lines
from chapterdesk.reports.dues import _page_size
from chapterdesk.reports.fontchain import laid_out, text_width
from chapterdesk.reports.pdfdoc import ReportDocument
from chapterdesk.reports.progress import CancelFn, ProgressFn, Watch
from chapterdesk.reports.recurring import Recurring
from chapterdesk.reports.styles import (
    BODY_FONT,
    BOLD_FONT,
    GRID_GREY,
    HEADER_FILL,
    long_date,
    register_fonts,
)
from chapterdesk.services.chapter import chapter_info
from chapterdesk.services.dues.ledger import KIND_LABELS, ZERO, EntryView
from chapterdesk.services.dues.reports import Statement, owing_statements, statements_for
from chapterdesk.services.roster.officers import list_officers

__all__ = [
    "address_lines",
    "how_to_pay_paragraphs",
    "statement_lines",
    "treasurer_contact",
    "write_statements",
]

_CHUNK = 200
_MIN_PAGE_HEIGHT = 400.0  # a statement always starts at the top of a page
_SIZE = 9.5
_PITCH = 13.0
_HEADINGS = ("Date", "Description", "Charges", "Payments", "Balance")
_SHARES = (0.2, 0.42, 0.12, 0.13, 0.13)


def how_to_pay_paragraphs(chapter: str, contact: str) -> list[str]:
    """How to pay, as a statement prints it and an e-mail repeats it (one sentence each)."""
    text = [
        "Visa, MasterCard or American Express: call or write to the chapter treasurer.",
        f"Check or money order: make checks payable to {chapter}, and write your "
        "member ID (above) on it.",
        "Purchase orders are not accepted. Chapter dues are not refundable.",
    ]
    if contact:
        text.append(f"Questions about this statement: {contact}.")
    return text


def treasurer_contact(db: Database, day: dt.date) -> str:
    """The treasurer's name and title, for "questions about this statement"."""
    return _treasurer(db, day)


@functools.cache
def _widest(font: str) -> float:
    """The advance of the font's widest printable ASCII character at `_SIZE` points."""
    return max(float(pdfmetrics.stringWidth(chr(c), font, _SIZE)) for c in range(32, 127))


@functools.lru_cache(maxsize=8192)
def _width(text: str, font: str, size: float) -> float:
    """The width of a right-aligned string (amounts and dates repeat from page to page)."""
    return text_width(text, font, size)


@functools.lru_cache(maxsize=4096)
def _wrapped(description: str, width: float) -> tuple[str, ...]:
    """A description wrapped to its column, at most two lines ("Dues charge 2026" recurs)."""
    return tuple(simpleSplit(description, BODY_FONT, _SIZE, width)[:2]) or ("",)


@functools.lru_cache(maxsize=4096)
def _money(amount: Decimal, currency: str) -> str:
    """`format_money`, remembered: a run prints the same few amounts on thousands of pages."""
    return format_money(amount, currency)


def _fit(text: str, font: str, size: float, room: float) -> str:
    """`text` cut with "…" so it fits `room` points."""
    if _width(text, font, size) <= room:
        return text
    while text and text_width(text + "…", font, size) > room:
        text = text[:-1]
    return text.rstrip() + "…"


def _shrunk(text: str, font: str, size: float, room: float) -> tuple[str, float]:
    """`text` and the size that fits it in `room`: smaller down to 7.5 pt, only then cut.

    A member's name or address line is printed whole wherever it can be read.
    """
    width = _width(text, font, size)
    if width <= room:
        return text, size
    smaller = max(7.5, size * room / width)
    return _fit(text, font, smaller, room), smaller


def _describe(entry: EntryView, by_id: dict[int, EntryView]) -> str:
    """The entry in the member's words: a reversal names what it undid, not an entry number."""
    original = by_id.get(entry.reverses_id or -1)
    if entry.kind != "reversal" or original is None:
        return entry.describe()
    what = KIND_LABELS[original.kind].lower()
    if original.receipt_no is not None:
        what += f" (receipt {original.receipt_no})"
    return f"Reversal of {what}: {entry.reason}"


def _entry_row(
    entry: EntryView, balance: Decimal, currency: str, by_id: dict[int, EntryView]
) -> list[str]:
    charge = _money(entry.signed, currency) if entry.signed > 0 else ""
    payment = _money(-entry.signed, currency) if entry.signed < 0 else ""
    return [
        long_date(entry.posted_on),
        _describe(entry, by_id),
        charge,
        payment,
        _money(balance, currency),
    ]


def statement_lines(
    statement: Statement, currency: str, room: int, description_width: float
) -> list[list[str]]:
    """The account's rows with a running balance, each description wrapped to its column.

    A row is [date, description lines…, charge, payment, balance] flattened as
    [date, first line, charge, payment, balance] followed by ["", next line, "", "", ""]
    for each further line. `room` is how many lines fit on the page; when the
    entries need more, the oldest are folded into one "Balance brought forward".
    """
    register_fonts()  # the wrapping measures text in the report's font
    by_id = {entry.id: entry for entry in statement.entries}
    balance = ZERO
    blocks: list[tuple[Decimal, list[list[str]]]] = []
    for entry in statement.entries:
        before = balance
        balance += entry.signed
        date, description, charge, payment, total = _entry_row(entry, balance, currency, by_id)
        parts = _wrapped(description, description_width)
        block = [[date, parts[0], charge, payment, total]]
        block += [["", part, "", "", ""] for part in parts[1:]]
        blocks.append((before, block))
    used = sum(len(block) for _, block in blocks)
    first = 0
    while used > room and first < len(blocks):
        used -= len(blocks[first][1])
        first += 1
    rows: list[list[str]] = []
    if first:
        brought = blocks[first][0] if first < len(blocks) else balance
        rows.append(["", "Balance brought forward", "", "", _money(brought, currency)])
        if len(rows) + used > room and first < len(blocks):
            used -= len(blocks[first][1])
            first += 1
            rows[0][4] = _money(blocks[first][0] if first < len(blocks) else balance, currency)
    for _, block in blocks[first:]:
        rows.extend(block)
    return rows


class _Text:
    """All of a page's strings in one PDF text object (not one per string, as drawString does).

    Most of a statement's strings (labels, dates, amounts, how to pay) recur on
    thousands of pages: `recurring` writes each as it was written before.
    """

    def __init__(self, canvas: Any, recurring: Recurring) -> None:
        self.canvas = canvas
        self.text = canvas.beginText()
        self.font = ("", 0.0)
        self.recurring = recurring

    def _use(self, font: str, size: float) -> None:
        if self.font != (font, size):
            self.text.setFont(font, size)
            self.font = (font, size)

    def left(self, x: float, y: float, value: str, font: str, size: float) -> None:
        """`value` starting at x (text in other scripts run by run, in its fallback font)."""
        self._use(font, size)
        if not value.isascii():
            laid = laid_out(value, font)
            if laid.actual:  # other scripts: run by run, shaped, marked with the typed text
                self.text.setTextOrigin(x, y)
                code = self.text._code
                code.append(laid.actual)
                for run_font, glyphs, _ in laid.parts:
                    self._use(run_font, size)
                    code.append(self.text._formatText(glyphs))
                code.append("EMC")
                return
        self.text.setTextOrigin(x, y)
        # What textOut writes, without the width textOut measures to advance its cursor:
        # every string here gets its own origin, so that measuring (half a million
        # strings in a chapter's statements) would never be used. Not textLine: its
        # line break after each string splits a line's words when the PDF is read back.
        self.recurring.write(self.text, value)

    def right(self, x: float, y: float, value: str, font: str, size: float) -> None:
        """`value` ending at x."""
        self.left(x - _width(value, font, size), y, value, font, size)

    def draw(self) -> None:
        """Put the text object on the page."""
        self.canvas.drawText(self.text)


class _StatementPage(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """One member's statement, drawn directly on the canvas; fills the page's frame."""

    def __init__(self, statement: Statement, setting: _Setting, width: float, height: float):
        super().__init__()
        self.statement = statement
        self.setting = setting
        self.width = width
        self.height = height

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Take the whole frame, so the next statement starts a new page."""
        return self.width, self.height

    def draw(self) -> None:
        """Address, account summary, entries, amount due, how to pay, return slip."""
        canvas = self.canv
        s = self.statement
        cur = self.setting.currency
        width, top = self.width, self.height
        half = width * 0.55
        text = _Text(canvas, self.setting.recurring)
        y = top - 14
        for number, line in enumerate(address_lines(s.hq)):
            font = BOLD_FONT if number == 0 else BODY_FONT
            line, size = _shrunk(line, font, 10.5, half - 12)
            text.left(0, y, line, font, size)
            y -= 13.5
        facts = (
            ("Statement date", long_date(self.setting.as_of)),
            ("Member ID", s.hq.hq_id),
            (f"{self.setting.year} dues open", _money(s.year_open, cur)),
            ("Amount due", _money(s.outstanding, cur)),
        )
        fy = top - 14
        for label, value in facts:
            bold = label == "Amount due"
            font, size = (BOLD_FONT, 10.5) if bold else (BODY_FONT, _SIZE)
            text.left(half, fy, label, font, size)
            text.right(width, fy, value, font, size)
            fy -= 14
        y = min(y, fy) - 16
        xs = self.setting.columns(width)
        canvas.setFillColor(HEADER_FILL)
        canvas.rect(0, y - 4, width, _PITCH + 2, stroke=0, fill=1)
        canvas.setFillColorRGB(0, 0, 0)
        self._row(text, _HEADINGS, xs, y, BOLD_FONT)
        rows_room = int((y - self.setting.footer_height) // _PITCH) - 1
        description_room = xs[2] - xs[1] - 6
        for row in statement_lines(s, cur, rows_room, description_room):
            y -= _PITCH
            self._row(text, row, xs, y, BODY_FONT)
        y -= 7
        canvas.setStrokeColor(GRID_GREY)
        canvas.setLineWidth(0.6)
        canvas.line(0, y, width, y)
        y -= 15
        text.right(width, y, f"Amount due: {_money(s.outstanding, cur)}", BOLD_FONT, 11)
        if s.credit:
            y -= 14
            text.right(width, y, f"Credit on account: {_money(s.credit, cur)}", BODY_FONT, _SIZE)
        y -= 26
        text.left(0, y, "How to pay", BOLD_FONT, 10.5)
        for line in self.setting.how_to_pay(width):
            y -= 12.5
            text.left(0, y, line, BODY_FONT, _SIZE)
        self._slip(text)
        text.draw()

    def _row(self, text: _Text, cells: Sequence[str], xs: list[float], y: float, font: str) -> None:
        """One row of the entries table: text left, amounts right.

        A date or an amount too wide for its column is printed smaller, never cut.
        """
        for index, value in enumerate(cells):
            if not value:
                continue
            room = xs[index + 1] - xs[index] - 6
            size = _SIZE
            if not value.isascii() or len(value) * _widest(font) > room:  # else it surely fits
                if index == 1:
                    value = _fit(value, font, _SIZE, room)
                else:
                    size = min(_SIZE, _SIZE * room / _width(value, font, _SIZE))
            if index < 2:
                text.left(xs[index], y, value, font, size)
            else:
                text.right(xs[index + 1], y, value, font, size)

    def _slip(self, text: _Text) -> None:
        """A return slip along the bottom: cut here, send with the payment."""
        canvas = self.canv
        s = self.statement
        y = self.setting.slip_height
        width = self.width
        canvas.saveState()
        canvas.setDash(3, 3)
        canvas.setStrokeColor(GRID_GREY)
        canvas.line(0, y, width, y)
        canvas.restoreState()
        text.left(0, y + 3, "Please return this part with your payment", BODY_FONT, 7.5)
        name, size = _shrunk(s.hq.address_name, BOLD_FONT, 10, width * 0.55)
        text.left(0, y - 16, name, BOLD_FONT, size)
        due = f"Amount due: {_money(s.outstanding, self.setting.currency)}"
        text.right(width, y - 16, due, BOLD_FONT, 10)
        slip_id = f"Member ID {s.hq.hq_id} · {self.setting.year} chapter dues"
        text.left(0, y - 30, slip_id, BODY_FONT, _SIZE)
        text.right(width, y - 30, "Amount enclosed: ______________", BODY_FONT, _SIZE)
        text.left(0, y - 44, self.setting.payee(width), BODY_FONT, _SIZE)


class _Setting:
    """What every statement of one run shares: chapter, year, dates, contact, geometry."""

    def __init__(
        self, chapter: str, currency: str, year: int, as_of: dt.date, contact: str
    ) -> None:
        self.chapter = chapter
        self.currency = currency
        self.year = year
        self.as_of = as_of
        self.contact = contact
        self.slip_height = 58.0
        self.footer_height = 58.0 + 120.0  # the slip and the how-to-pay block under the table
        self._lines: dict[float, list[str]] = {}
        self._payee: dict[float, str] = {}
        self.recurring = Recurring()  # the strings every page repeats, written once

    def columns(self, width: float) -> list[float]:
        """The x of each entries-table column edge, for a page `width` wide."""
        return [sum(_SHARES[:i]) * width for i in range(len(_SHARES) + 1)]

    def payee(self, width: float) -> str:
        """ "Payable to <chapter>", cut to the slip's width (computed once per run)."""
        if width not in self._payee:
            self._payee[width] = _fit(f"Payable to {self.chapter}", BODY_FONT, _SIZE, width * 0.55)
        return self._payee[width]

    def how_to_pay(self, width: float) -> list[str]:
        """The how-to-pay paragraph wrapped to the page (computed once per run)."""
        if width not in self._lines:
            text = how_to_pay_paragraphs(self.chapter, self.contact)
            lines: list[str] = []
            for paragraph in text:
                lines.extend(simpleSplit(paragraph, BODY_FONT, _SIZE, width))
            self._lines[width] = lines
        return self._lines[width]


class _StatementStream(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """Asks to be split, then yields one statement page and itself for the rest."""

    def __init__(self, source: Iterator[Statement], first: Statement, setting: _Setting):
        super().__init__()
        self._source = source
        self._first = first
        self._setting = setting

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Claim more than the frame, so that the frame calls `split`."""
        return availWidth, availHeight + 1

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """This statement's page, then a stream for the statements after it."""
        if availHeight < _MIN_PAGE_HEIGHT:
            return []  # not at the top of a page: start the statement on the next one
        page = _StatementPage(self._first, self._setting, availWidth, availHeight - 1)
        following = next(self._source, None)
        if following is None:
            return [page]
        return [page, _StatementStream(self._source, following, self._setting)]

    def draw(self) -> None:
        """Never drawn itself."""


def _statements(db: Database, year: int, hq_ids: list[str], watch: Watch) -> Iterator[Statement]:
    """The statements of some members, read from the ledger `_CHUNK` members at a time."""
    done = 0
    for start in range(0, len(hq_ids), _CHUNK):
        watch.step("statements", done, len(hq_ids))
        for statement in statements_for(db, year, hq_ids[start : start + _CHUNK]):
            done += 1
            yield statement
    watch.step("statements", done, len(hq_ids))


def _watched(statements: list[Statement], watch: Watch) -> Iterator[Statement]:
    """Statements already read, reporting progress (and checking for cancel) as they are drawn."""
    for start in range(0, len(statements), _CHUNK):
        watch.step("statements", start, len(statements))
        yield from statements[start : start + _CHUNK]
    watch.step("statements", len(statements), len(statements))


def _treasurer(db: Database, day: dt.date) -> str:
    """The treasurer's name and title, for "questions about this statement"."""
    for term in list_officers(db, as_of=day):
        if term.position.casefold() == "treasurer":
            return f"{term.name}, Treasurer"
    return ""


@collector_paused()  # many objects built and freed: see chapterdesk/collector.py
def write_statements(
    db: Database,
    year: int,
    target: Path,
    *,
    as_of: dt.date | None = None,
    printed_on: dt.date | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    members: list[str] | None = None,
    contact: str | None = None,
) -> tuple[int, int]:
    """Write a statement for every member whose `year` dues are open; returns (statements, pages).

    `members` (HQ IDs, in the order to print) limits the run to those members, whatever
    they owe: one member's statement attached to an e-mail, or the printed statements of
    the members who have no e-mail address. `contact` (the treasurer, for questions) is
    looked up when not given; a run of e-mails gives it once.

    Raises:
        BadInputError: an implausible year, or the file cannot be written.
        ReportCancelled: `cancel()` returned True; no file was written.
    """
    watch = Watch(progress, cancel)
    watch.step("reading", 0, None)
    day = as_of or dt.date.today()
    info = chapter_info(db)
    if members is None:  # everyone who owes: the whole ledger read in one pass
        owing = owing_statements(db, year)
        count = len(owing)
        source = _watched(owing, watch)
    else:
        count = len(members)
        source = _statements(db, year, list(members), watch)
    document = ReportDocument(
        target,
        chapter_name=info.name,
        title=f"Dues statement {year}",
        as_of=day,
        page_size=_page_size(info.page_size),
        printed_on=printed_on,
    )
    treasurer = _treasurer(db, day) if contact is None else contact
    setting = _Setting(info.name, info.currency, year, day, treasurer)
    first = next(source, None)
    if first is None:
        document.add_paragraph(f"No member owes {year} dues: there are no statements to send.")
    else:
        document.story.append(_StatementStream(source, first, setting))
    return count, document.build()
