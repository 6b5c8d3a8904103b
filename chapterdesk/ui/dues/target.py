"""What another page asks the Dues page to show (a dashboard link, a roster shortcut)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DuesTarget:
    """A tab of the Dues page and what to show on it.

    Args:
        tab: "rates", "assess", "payments" or "balances".
        year: the dues year to show (None: the one shown already).
        status: on the balances tab, a year's dues by status: "all", "unpaid", "paid", "waived".
        hq_id: on the payments tab, the member whose ledger to show.
    """

    tab: str
    year: int | None = None
    status: str = "unpaid"
    hq_id: str | None = None
