"""`conflicts list|settle`: the differences an HQ import held for an officer to settle."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from chapterdesk.cli.common import (
    add_db_option,
    add_json_option,
    opened_db,
    print_json,
    print_table,
)

if TYPE_CHECKING:
    from chapterdesk.services.hq.conflicts import ConflictView


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `conflicts` group."""
    group = sub.add_parser(
        "conflicts", help="HQ data an import held against the chapter's corrections"
    )
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="every conflict waiting to be settled")
    add_db_option(listing)
    add_json_option(listing)
    listing.set_defaults(handler=run_list)
    settle = actions.add_parser(
        "settle", help="settle one conflict: keep the chapter's value or take HQ's"
    )
    add_db_option(settle)
    settle.add_argument("hq_id", metavar="HQ_ID")
    settle.add_argument("field", metavar="FIELD", help="the HQ field (or 'identity')")
    choice = settle.add_mutually_exclusive_group(required=True)
    choice.add_argument(
        "--keep-local",
        action="store_true",
        help="keep the chapter's value; later imports repeating HQ's stay quiet",
    )
    choice.add_argument("--take-hq", action="store_true", help="take HQ's value")
    add_json_option(settle)
    settle.set_defaults(handler=run_settle)


def conflict_json(conflict: ConflictView) -> dict[str, Any]:
    """One conflict in the command line's JSON shape."""
    return {
        "hq_id": conflict.hq_id,
        "name": conflict.name,
        "field": conflict.field,
        "local": conflict.local_value,
        "hq": conflict.hq_value,
        "hq_when_corrected": conflict.hq_value_before,
        "batch_id": conflict.batch_id,
    }


def run_list(args: argparse.Namespace) -> int:
    """List the conflicts waiting for an officer."""
    from chapterdesk.services.hq.conflicts import list_conflicts

    with opened_db(args) as db:
        found = list_conflicts(db)
    if args.json:
        print_json([conflict_json(c) for c in found])
        return 0
    if not found:
        print("No conflicts wait to be settled.")
        return 0
    print_table(
        ("HQ ID", "Name", "Field", "Chapter's value", "HQ's value", "Batch"),
        ((c.hq_id, c.name, c.field, c.local_value, c.hq_value, c.batch_id or "") for c in found),
    )
    print(
        f"{len(found)} conflict{'s' if len(found) != 1 else ''}; settle each with "
        "`chapterdesk conflicts settle HQ_ID FIELD --keep-local|--take-hq`."
    )
    return 0


def run_settle(args: argparse.Namespace) -> int:
    """Settle one conflict."""
    from chapterdesk.services.hq.conflicts import settle_conflict

    with opened_db(args) as db:
        settled = settle_conflict(db, args.hq_id, args.field, keep_local=args.keep_local)
    kept = settled.local_value if args.keep_local else settled.hq_value
    if args.json:
        print_json({**conflict_json(settled), "kept": "local" if args.keep_local else "hq"})
    else:
        whose = "the chapter's" if args.keep_local else "HQ's"
        print(f"{settled.hq_id} {settled.name}: {settled.field} is now {whose} value, {kept!r}.")
    return 0
