"""Exact money: parsing what a treasurer types, cents in storage, `Decimal` in code.

Every amount ChapterDesk keeps is a whole number of minor units (cents) in the
database and a `Decimal` with two places in code; a float never touches money.
`parse_amount` is deliberately strict: an amount that could be read two ways
("1,15,0", "1e3", "150.001") is refused with a sentence rather than guessed.
A chapter's currency has two decimal places (USD, CAD, GBP, EUR, …).

`format_money` is the one way an amount is shown to a person: the window, the
command line and every PDF call it, so a Canadian chapter reads "CA$150.00"
everywhere. `money_text` is the one way an amount is written as data (JSON).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from chapterdesk.errors import BadInputError

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
# The largest amount one entry may carry: far above any chapter's dues, far below overflow.
MAX_AMOUNT = Decimal("10000000.00")

# Symbols a chapter's amounts are written with; other currencies show their ISO code.
SYMBOLS = {
    "USD": "$",
    "CAD": "CA$",
    "AUD": "A$",
    "NZD": "NZ$",
    "GBP": "£",
    "EUR": "€",
    "CHF": "CHF ",
    "ZAR": "R",
    "SGD": "S$",
    "HKD": "HK$",
}
_PLAIN = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$")


def currency_symbol(currency: str) -> str:
    """The symbol amounts in this currency are printed with (`$`, `£`, `CA$`)."""
    return SYMBOLS.get(currency.upper(), "")


def format_money(amount: Decimal, currency: str = "USD") -> str:
    """An amount as a treasurer reads it: `$1,150.00`, `-CA$5.00`, `1,150.00 JPY`.

    Rounded half-up to the cent; the minus sign leads. Currencies with a symbol
    (`SYMBOLS`) print it in front, any other its ISO code after the amount.
    """
    value = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    digits = f"{abs(value):,.2f}"
    symbol = currency_symbol(currency)
    if symbol:
        return f"{sign}{symbol}{digits}"
    return f"{sign}{digits} {currency.upper()}"


def money_text(amount: Decimal) -> str:
    """An amount as JSON carries it: a string with exactly two places (`"150.00"`)."""
    return f"{amount.quantize(CENT, rounding=ROUND_HALF_UP):.2f}"


def to_cents(amount: Decimal) -> int:
    """A `Decimal` of whole cents as an integer number of cents.

    Raises:
        ValueError: the amount has a fraction of a cent (a bug: parse first).
    """
    cents = amount * HUNDRED
    if cents != cents.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of cents")
    return int(cents)


def from_cents(cents: int) -> Decimal:
    """Integer cents as a `Decimal` with two places."""
    return (Decimal(cents) / HUNDRED).quantize(CENT)


def _strip_currency(text: str, currency: str | None) -> str:
    accepted = {"$"}
    if currency:
        code = currency.upper()
        accepted |= {code, currency_symbol(code).strip()} - {""}
        if code not in ("USD", "CAD", "AUD", "NZD", "SGD", "HKD"):
            accepted.discard("$")
    for mark in sorted(accepted, key=len, reverse=True):
        if text.upper().startswith(mark.upper()):
            return text[len(mark) :].strip()
        if text.upper().endswith(mark.upper()):
            return text[: -len(mark)].strip()
    return text


def parse_amount(text: str, currency: str | None = None, *, what: str = "amount") -> Decimal:
    """Read an amount of money exactly, as typed by an officer.

    Accepts `150`, `150.00`, `150.5`, `1,150.00` and the chapter's currency symbol
    or code before or after (`$150`, `150 USD`). Refuses zero, negatives,
    fractions of a cent, exponents, NaN, misplaced thousands separators and
    empty text, each with a sentence saying what to type instead.

    Args:
        text: what was typed.
        currency: the chapter's currency code, whose symbol may be typed.
        what: what the amount is, for the message ("payment", "Regular rate").
    Returns:
        A positive `Decimal` with two decimal places.
    Raises:
        BadInputError: the text is not a positive amount in whole cents.
    """
    raw = (text or "").strip()
    shown = raw if len(raw) <= 30 else raw[:30] + "…"
    example = "write it like 150, 150.00 or 1,150.00"
    if not raw:
        raise BadInputError(f"The {what} is empty; {example}.")
    body = _strip_currency(raw, currency).replace(" ", "")
    if body.startswith("-") or body.startswith("(") or "-" in body:
        raise BadInputError(
            f"{shown!r} is negative; a {what} is a positive amount. "
            "To correct a posted entry, reverse it instead."
        )
    match = _PLAIN.match(body)
    if not match:
        raise BadInputError(f"{shown!r} is not an amount of money; {example}.")
    places = match.group(1)
    if places is not None and len(places) > 2:
        raise BadInputError(
            f"{shown!r} has a fraction of a cent; amounts have at most two decimal places."
        )
    try:
        value = Decimal(body.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only plain digits
        raise BadInputError(f"{shown!r} is not an amount of money; {example}.") from None
    if value == 0:
        raise BadInputError(f"The {what} is zero; give an amount greater than 0.00.")
    if value > MAX_AMOUNT:
        raise BadInputError(
            f"{shown!r} is more than any one {what} can be ({format_money(MAX_AMOUNT, 'USD')[1:]})."
        )
    return value.quantize(CENT)


def parse_rate(text: str, currency: str | None = None, *, what: str = "rate") -> Decimal:
    """Like `parse_amount`, but a rate may be zero (a category that pays no dues)."""
    raw = (text or "").strip()
    body = _strip_currency(raw, currency).replace(" ", "").replace(",", "")
    if re.fullmatch(r"0+(?:\.0{1,2})?", body):
        return Decimal("0.00")
    return parse_amount(text, currency, what=what)
