"""A member's postal address as printed: on a statement, a receipt or a mailing label.

Kept apart from the reports that print it, so that the labels need neither
the statements' dues reading nor SQLAlchemy.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["Addressee", "address_lines"]


class Addressee(Protocol):
    """What an address is printed from: an HQ record, or a member as the exports read them."""

    @property
    def address_name(self) -> str: ...
    @property
    def company(self) -> str: ...
    @property
    def address1(self) -> str: ...
    @property
    def address2(self) -> str: ...
    @property
    def city(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def postal_code(self) -> str: ...
    @property
    def country(self) -> str: ...


def address_lines(hq: Addressee, name: str | None = None) -> list[str]:
    """A member's mailing address as printed on an envelope or a label (blank lines dropped).

    `name`: `hq.address_name`, when the caller has it already.
    """
    city = " ".join(p for p in (hq.city + ("," if hq.city and hq.state else ""), hq.state) if p)
    city = " ".join(p for p in (city, hq.postal_code) if p)
    lines = [
        hq.address_name if name is None else name,
        hq.company,
        hq.address1,
        hq.address2,
        city,
        hq.country,
    ]
    return [line for line in lines if line.strip()]
