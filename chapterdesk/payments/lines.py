"""One incoming payment line as read from a file, and the values every reader shares.

Amounts are exact `Decimal`s (never float): the gross the member paid and the
processor's fee, kept apart; only the gross is posted to the ledger. Each line
carries a source key that stays the same in every file that holds the line
(an OFX FITID, a Stripe charge ID, a PayPal or Square transaction ID, or a
hash of the line's date, amount, text and occurrence for a bank CSV without
one), which is what keeps a re-imported line from being posted twice.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal

from chapterdesk.errors import BadInputError
from chapterdesk.hqsync.dates import CellProblem, parse_date_text
from chapterdesk.money import CENT, MAX_AMOUNT

ZERO = Decimal("0.00")

#: A processor's card brand as the ledger stores it; any other card is "card".
CARD_BRANDS = {
    "visa": "visa",
    "mastercard": "mastercard",
    "mc": "mastercard",
    "amex": "amex",
    "americanexpress": "amex",
}


@dataclass(frozen=True)
class IncomingLine:
    """A payment in as the file states it (before it is matched to a member)."""

    line_no: int  #: the file's line (CSV row, or the transaction's place in an OFX statement)
    source_key: str  #: stable across files that hold the same line
    paid_on: dt.date
    gross: Decimal  #: what the payer paid
    fee: Decimal  #: what the processor kept (0 for a bank line)
    payer: str
    email: str
    memo: str
    method: str  #: visa, mastercard, amex, card, check or transfer
    reference: str  #: the check number or the source's transaction ID (≤ 60 characters)


@functools.lru_cache(maxsize=256)
def card_method(brand: str) -> str:
    """The ledger method for a processor's card brand ("Visa" → visa; Discover → card)."""
    key = re.sub(r"[^a-z]", "", brand.casefold())
    return CARD_BRANDS.get(key, "card")


_PLAIN = re.compile(r"-?\d{1,12}\.\d\d\Z")
_AMOUNT = re.compile(r"^\d{1,3}(,\d{3})*(\.\d+)?$|^\d+(\.\d+)?$")


def signed_amount(text: str, where: str) -> Decimal:
    """An amount as a statement writes it: `-4.65`, `(4.65)`, `$1,150.00`, `USD 20`, blank = 0.

    Raises:
        BadInputError: not an amount, or a fraction of a cent (naming `where`).
    """
    raw = (text or "").strip()
    if _PLAIN.match(raw):  # "150.00", "-4.65": how most exports write it
        value = Decimal(raw)
        if value > MAX_AMOUNT or -value > MAX_AMOUNT:
            raise BadInputError(f"{where}: {raw[:30]!r} is more than any one payment can be.")
        return value
    body = re.sub(r"[A-Za-z]{3}|[$€£\s+]", "", raw)
    negative = "-" in body or body.startswith("(")
    body = body.replace("-", "").strip("()")
    if not body:
        return ZERO
    if not _AMOUNT.match(body):
        raise BadInputError(f"{where}: {raw[:30]!r} is not an amount of money; fix the file.")
    value = Decimal(body.replace(",", ""))
    if value != value.quantize(CENT):
        raise BadInputError(f"{where}: {raw[:30]!r} has a fraction of a cent; fix the file.")
    if value > MAX_AMOUNT:
        raise BadInputError(f"{where}: {raw[:30]!r} is more than any one payment can be.")
    return -value.quantize(CENT) if negative else value.quantize(CENT)


def statement_date(text: str, where: str) -> dt.date:
    """A date as an export writes it: ISO (time ignored) or US month-first.

    Raises:
        BadInputError: not a date ChapterDesk reads (naming `where`).
    """
    clean = (text or "").strip()
    if len(clean) > 10 and clean[4:5] == "-" and clean[10] in " T":
        clean = clean[:10]  # "2026-11-03 14:22:07": the day is what is posted
    try:
        return _day(clean)
    except CellProblem as problem:
        raise BadInputError(f"{where}: {problem}") from None


@functools.lru_cache(maxsize=4096)
def _day(text: str) -> dt.date:
    """`parse_date_text`, once per distinct text (an export repeats its days)."""
    return parse_date_text(text)


def line_hash(source: str, paid_on: dt.date, gross: Decimal, memo: str, occurrence: int) -> str:
    """A source key for a line without an ID: its date, amount, text and occurrence index.

    The occurrence (0 for the first line with the same date, amount and text in
    the file, 1 for the second, …) keeps two equal deposits on one day apart,
    and gives the same key when an overlapping file holds the same day again.
    """
    text = " ".join(memo.casefold().split())
    payload = f"{paid_on.isoformat()}\x1f{gross}\x1f{text}\x1f{occurrence}"
    return f"{source}:h:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:40]


def clip(text: object, limit: int) -> str:
    """Text tidied to one line of at most `limit` characters."""
    if type(text) is str and len(text) <= limit and _TIDY.match(text):
        return text
    return " ".join(str(text or "").split())[:limit]


_TIDY = re.compile(r"(?:\S+(?: \S+)*)?\Z")
