"""International standing: derived from the HQ record, a date and the grace window.

Standing is never stored. It is a pure function of what the latest HQ data
says about a member ID (paid-through date and HQ status), the date it is
asked for, and the chapter's grace window, so it can never go stale.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass


class Standing(enum.StrEnum):
    """A chapter member's standing with the international association."""

    GOOD = "good"
    GRACE = "grace"
    LAPSED = "lapsed"
    NOT_IN_HQ = "not_in_hq"

    @property
    def label(self) -> str:
        """The words an officer reads."""
        return _LABELS[self]

    @property
    def is_current(self) -> bool:
        """Good standing or grace: chapter privileges are not suspended."""
        return self in (Standing.GOOD, Standing.GRACE)


_LABELS = {
    Standing.GOOD: "good standing",
    Standing.GRACE: "grace",
    Standing.LAPSED: "lapsed",
    Standing.NOT_IN_HQ: "not in HQ data",
}

# HQ statuses that mean the international membership has ended, whatever the dates say.
ENDED_STATUSES = frozenset(
    {
        "lapsed",
        "expired",
        "inactive",
        "terminated",
        "cancelled",
        "canceled",
        "dropped",
        "deceased",
        "resigned",
        "suspended",
        "nonrenewed",
    }
)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise_key(text: str) -> str:
    """Lower-case letters and digits only: how names, statuses and headers are compared."""
    return _NON_ALNUM.sub("", text.casefold())


def status_key(hq_status: str) -> str:
    """HQ's status word for comparison: lower case without spaces, hyphens or underscores.

    Kept this simple on purpose: `services.roster.sql.standing_case` does exactly
    the same in SQL, so the database and Python always agree.
    """
    return hq_status.lower().replace(" ", "").replace("-", "").replace("_", "")


@dataclass(frozen=True)
class StandingFacts:
    """What HQ data says about one ID, reduced to what standing depends on."""

    paid_through: dt.date | None
    hq_status: str
    in_latest_export: bool


def international_standing(
    facts: StandingFacts | None, as_of: dt.date, grace_days: int
) -> Standing:
    """Derive a member's international standing.

    Args:
        facts: the HQ record's facts, or None when HQ data has never shown the ID.
        as_of: the date the standing is asked for (normally today).
        grace_days: the chapter's grace window after the paid-through date.
    Returns:
        NOT_IN_HQ when the ID is absent from the latest export; LAPSED when HQ
        says the membership ended or the grace window has passed; GRACE inside
        the window; GOOD while paid through `as_of`.
    """
    if facts is None or not facts.in_latest_export:
        return Standing.NOT_IN_HQ
    status = status_key(facts.hq_status)
    if status in ENDED_STATUSES:
        return Standing.LAPSED
    if facts.paid_through is None:
        # No date from HQ: its status word is all there is to go on.
        if status == "grace":
            return Standing.GRACE
        return Standing.GOOD if status in ("active", "current", "") else Standing.LAPSED
    if as_of <= facts.paid_through:
        return Standing.GOOD
    if as_of <= facts.paid_through + dt.timedelta(days=grace_days):
        return Standing.GRACE
    return Standing.LAPSED


def describe_hq_facts(hq_id: str, facts: StandingFacts | None, standing: Standing) -> str:
    """One sentence that names the ID and what HQ data says about it."""
    if facts is None:
        return f"HQ member ID {hq_id} does not appear in any HQ data imported so far"
    if not facts.in_latest_export:
        return f"HQ member ID {hq_id} is missing from the latest HQ export"
    paid = (
        f"paid through {facts.paid_through.isoformat()}"
        if facts.paid_through
        else "no paid-through date"
    )
    status = f"HQ status {facts.hq_status!r}" if facts.hq_status else "no HQ status"
    return f"HQ data shows member ID {hq_id} as {standing.label} ({status}, {paid})"
