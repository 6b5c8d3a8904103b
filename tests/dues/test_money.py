"""Amounts are read exactly as typed, or refused with a sentence; never through a float."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chapterdesk.errors import BadInputError
from chapterdesk.money import format_money, from_cents, money_text, parse_amount, to_cents


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("150", "150.00"),
        ("150.00", "150.00"),
        ("150.5", "150.50"),
        ("1,150.00", "1150.00"),
        ("$150", "150.00"),
        (" $1,234,567.89 ", "1234567.89"),
        ("150 USD", "150.00"),
        ("0.01", "0.01"),
    ],
)
def test_amounts_a_treasurer_types_are_read_exactly(text: str, expected: str) -> None:
    value = parse_amount(text, "USD")
    assert value == Decimal(expected)
    assert str(value) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("150.001", "fraction of a cent"),
        ("-5", "negative"),
        ("0", "zero"),
        ("0.00", "zero"),
        ("NaN", "not an amount"),
        ("1e3", "not an amount"),
        ("1,15,0", "not an amount"),
        ("", "empty"),
        ("   ", "empty"),
        ("12.", "not an amount"),
        ("inf", "not an amount"),
        ("£150", "not an amount"),
        ("99999999", "more than any one"),
    ],
)
def test_ambiguous_or_wrong_amounts_are_refused_with_a_sentence(text: str, says: str) -> None:
    with pytest.raises(BadInputError, match=says) as refused:
        parse_amount(text, "USD")
    assert refused.value.message.endswith(".")


def test_the_chapter_currency_symbol_is_accepted_and_another_is_not() -> None:
    assert parse_amount("£1,150.00", "GBP") == Decimal("1150.00")
    assert parse_amount("CA$20", "CAD") == Decimal("20.00")
    with pytest.raises(BadInputError):
        parse_amount("$20", "GBP")


def test_cents_round_trip_and_formatting() -> None:
    assert to_cents(Decimal("1150.05")) == 115005
    assert from_cents(115005) == Decimal("1150.05")
    with pytest.raises(ValueError, match="whole number of cents"):
        to_cents(Decimal("0.001"))
    assert format_money(Decimal("1150"), "USD") == "$1,150.00"
    assert format_money(Decimal("-5"), "GBP") == "-£5.00"
    assert format_money(Decimal("7.5"), "SEK") == "7.50 SEK"
    assert money_text(Decimal("150")) == "150.00"


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("1150", "USD", "$1,150.00"),
        ("-25", "USD", "-$25.00"),
        ("0.005", "USD", "$0.01"),
        ("1234567.891", "usd", "$1,234,567.89"),
        ("1150", "CAD", "CA$1,150.00"),
        ("-25.5", "CAD", "-CA$25.50"),
        ("99.99", "GBP", "£99.99"),
        ("1500", "JPY", "1,500.00 JPY"),
    ],
)
def test_one_money_form_for_window_command_line_and_pdfs(
    amount: str, currency: str, expected: str
) -> None:
    """The form a treasurer sees is the same on screen, in a terminal and on paper."""
    assert format_money(Decimal(amount), currency) == expected
