"""The HQ Sync page's long jobs, shaped for the task runner: `job(progress, cancelled)`.

Each wraps one service call so it runs on the worker thread, reports its
phase in the officer's words, and turns the services' `ImportCancelled` into
the runner's `Cancelled` (so a cancelled job is not reported as a failure).
Nothing here touches a widget.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chapterdesk.data.engine import Database
from chapterdesk.hqsync import ImportCancelled, Mapping, read_header
from chapterdesk.services.hq.apply import BatchView, ImportResult, apply_import, undo_batch
from chapterdesk.services.hq.plan import ImportPlan, plan_import, remembered_layouts
from chapterdesk.ui.hqsync._framework import Cancelled, Job, Progress

#: The services' progress phases, as the progress dialog words them.
PHASES = {
    "checking": "Checking the file is a safe spreadsheet…",
    "reading": "Reading the sheet…",
    "validating": "Checking every row…",
    "comparing": "Comparing with ChapterDesk's HQ data…",
    "applying": "Preparing the changes…",
    "writing": "Writing the changes in one transaction…",
    "recording history": "Keeping the batch so it can be undone…",
}


@dataclass(frozen=True)
class Layout:
    """An export's header, and the mapping to start the column step from."""

    path: Path
    header_row: int
    mapping: Mapping
    remembered: bool


def _reporter(progress: Progress) -> Callable[[str, int, int | None], None]:
    """The services' `progress(phase, done, total | None)` as the runner's, in words."""

    def report(phase: str, done: int, total: int | None) -> None:
        progress(PHASES.get(phase, phase), done, total or 0)

    return report


def read_layout_job(db: Database, path: Path) -> Job:
    """Find the header row and the mapping to propose: remembered for this layout, else detected."""

    def job(progress: Progress, cancelled: Callable[[], bool]) -> Layout:
        progress(PHASES["checking"], 0, 0)
        recognise = remembered_layouts(db)
        header_row, detected = read_header(path, recognise)
        if cancelled():
            raise Cancelled()
        remembered = recognise(detected.headers)
        if remembered is not None:
            return Layout(path, header_row, remembered, True)
        return Layout(path, header_row, detected, False)

    return job


def plan_job(db: Database, path: Path, mapping: Mapping) -> Job:
    """Read, validate and compare the whole file; invalid rows come back as problems."""

    def job(progress: Progress, cancelled: Callable[[], bool]) -> ImportPlan:
        try:
            return plan_import(
                db,
                path,
                mapping=mapping,
                skip_invalid=True,  # the wizard shows the problems and lets the officer choose
                progress=_reporter(progress),
                cancel=cancelled,
            )
        except ImportCancelled:
            raise Cancelled() from None

    return job


def apply_job(
    db: Database,
    plan: ImportPlan,
    rejected: set[str],
    accepted: set[str],
    allow_mass_missing: bool = False,
) -> Job:
    """Apply the reviewed plan in one transaction (a cancel rolls it all back)."""

    def job(progress: Progress, cancelled: Callable[[], bool]) -> ImportResult:
        try:
            return apply_import(
                db,
                plan,
                rejected=rejected,
                accept_conflicts=accepted,
                progress=_reporter(progress),
                cancel=cancelled,
                allow_mass_missing=allow_mass_missing,
            )
        except ImportCancelled:
            raise Cancelled() from None

    return job


def undo_job(db: Database, batch_id: int) -> Job:
    """Undo one batch (the services refuse any but the latest in force)."""

    def job(progress: Progress, _cancelled: Callable[[], bool]) -> Any:
        progress(f"Undoing import batch {batch_id}…", 0, 0)
        result: BatchView = undo_batch(db, batch_id)
        return result

    return job
