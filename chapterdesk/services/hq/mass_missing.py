"""An export that would mark most of the chapter "missing from HQ" is not applied unasked.

A file with a header and no member rows (an export cut short, the wrong
report) or one that leaves out more than half of the chapter would suspend
most members at once: they are "not in HQ data" until a later export shows
them again. That is refused unless the officer confirms it
(`--allow-mass-missing` on the command line, a question in the window's
review), and the refusal says how many members would be marked.
"""

from __future__ import annotations

from dataclasses import dataclass

from chapterdesk.errors import BadInputError
from chapterdesk.services.hq.plan import ChangeKind, ImportPlan


@dataclass(frozen=True)
class MassMissing:
    """How much of the chapter an import would mark missing from HQ."""

    marked: int  #: chapter members the import would mark missing
    chapter: int  #: chapter members before the import
    no_rows: bool  #: the file has a header and no member rows

    def sentence(self, file_name: str) -> str:
        """What would happen, in the officer's words."""
        what = (
            f"{file_name} has a header but no member rows"
            if self.no_rows
            else f"{file_name} leaves out more than half of the chapter"
        )
        return (
            f"{what}: importing it would mark {self.marked:,} of the chapter's "
            f"{self.chapter:,} members missing from HQ and suspend them."
        )


def mass_missing(plan: ImportPlan) -> MassMissing | None:
    """What the import would mark missing: for a file with no rows, or one missing over half."""
    marked = sum(1 for c in plan.changes if c.kind is ChangeKind.MISSING and c.on_roster)
    no_rows = plan.parsed.total_rows == 0
    if no_rows or marked * 2 > plan.roster_size:
        return MassMissing(marked, plan.roster_size, no_rows)
    return None


def refuse_mass_missing(plan: ImportPlan) -> None:
    """Refuse a plan that would mark most of the chapter missing (see the module text).

    Raises:
        BadInputError: the file has no member rows, or leaves out over half the chapter.
    """
    found = mass_missing(plan)
    if found is not None:
        raise BadInputError(
            found.sentence(plan.path.name) + " Nothing was imported. If HQ really dropped "
            "them, import it again with --allow-mass-missing (in the window: confirm it)."
        )
