"""`officers set|list`: officer terms from the command line."""

from __future__ import annotations

import argparse

from chapterdesk.cli.common import (
    add_db_option,
    add_json_option,
    date_arg,
    open_db,
    print_json,
    print_table,
)
from chapterdesk.services import officers


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `officers` group."""
    group = sub.add_parser("officers", help="officer positions and terms")
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")

    put = actions.add_parser("set", help="give a member a term in a position")
    add_db_option(put)
    put.add_argument("hq_id", metavar="HQ_ID")
    put.add_argument("position", metavar="POSITION", help="e.g. President, Treasurer, Director")
    put.add_argument(
        "--from", dest="starts_on", required=True, type=date_arg("term start"), metavar="DATE"
    )
    put.add_argument("--to", dest="ends_on", type=date_arg("term end"), metavar="DATE")
    add_json_option(put)
    put.set_defaults(handler=run_set)

    listing = actions.add_parser("list", help="officers in office (or every term)")
    add_db_option(listing)
    listing.add_argument("--as-of", type=date_arg("date"), metavar="DATE")
    listing.add_argument("--all", action="store_true", help="every term, past and future")
    add_json_option(listing)
    listing.set_defaults(handler=run_list)


def run_set(args: argparse.Namespace) -> int:
    """Record a term, or exit 3 with the rule that refused it."""
    db = open_db(args)
    try:
        term = officers.set_officer(
            db, args.hq_id, args.position, starts_on=args.starts_on, ends_on=args.ends_on
        )
    finally:
        db.dispose()
    if args.json:
        print_json(term)
    else:
        print(
            f"{term.name} ({term.hq_id}) is {term.position} from {term.starts_on}"
            + (f" to {term.ends_on}." if term.ends_on else ".")
        )
    return 0


def run_list(args: argparse.Namespace) -> int:
    """List officer terms."""
    db = open_db(args)
    try:
        terms = officers.list_officers(db, as_of=args.as_of, all_terms=args.all)
    finally:
        db.dispose()
    if args.json:
        print_json(terms)
        return 0
    print_table(
        ("Position", "HQ ID", "Name", "From", "To"),
        ((t.position, t.hq_id, t.name, t.starts_on, t.ends_on or "") for t in terms),
    )
    return 0
