"""`officers set|end|list`: officer terms from the command line.

A sitting officer who is no longer eligible (lapsed, say) is flagged in every
listing: a trailing "NOT ELIGIBLE: <reason>" in text, `"eligible": false` and
`"ineligible_reason"` in JSON.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from chapterdesk.cli.common import (
    add_db_option,
    add_json_option,
    date_arg,
    opened_db,
    print_json,
    print_table,
)

if TYPE_CHECKING:  # the services are imported by the commands that use them, to start fast
    from chapterdesk.services.roster.entries import TermView


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

    end = actions.add_parser("end", help="end the term a member holds in a position")
    add_db_option(end)
    end.add_argument("hq_id", metavar="HQ_ID")
    end.add_argument("position", metavar="POSITION", help="e.g. President, Treasurer, Director")
    end.add_argument(
        "--on", dest="ends_on", required=True, type=date_arg("term end"), metavar="DATE",
        help="the last day of the term (YYYY-MM-DD)",
    )
    add_json_option(end)
    end.set_defaults(handler=run_end)

    listing = actions.add_parser("list", help="officers in office (or every term)")
    add_db_option(listing)
    listing.add_argument("--as-of", type=date_arg("date"), metavar="DATE")
    listing.add_argument("--all", action="store_true", help="every term, past and future")
    add_json_option(listing)
    listing.set_defaults(handler=run_list)


def run_set(args: argparse.Namespace) -> int:
    """Record a term, or exit 3 with the rule that refused it."""
    from chapterdesk.services.roster import officers

    with opened_db(args) as db:
        term = officers.set_officer(
            db, args.hq_id, args.position, starts_on=args.starts_on, ends_on=args.ends_on
        )
    if args.json:
        print_json(term_json(term))
    else:
        print(
            f"{term.name} ({term.hq_id}) is {term.position} from {term.starts_on}"
            + (f" to {term.ends_on}." if term.ends_on else ".")
        )
    return 0


def run_end(args: argparse.Namespace) -> int:
    """End a member's term in a position; exit 3 if that would extend an ended term."""
    from chapterdesk.services.roster import officers

    with opened_db(args) as db:
        term = officers.end_officer(db, args.hq_id, args.position, args.ends_on)
    if args.json:
        print_json(term_json(term))
    else:
        print(f"{term.name} ({term.hq_id}): the term as {term.position} ends on {term.ends_on}.")
    return 0


def term_json(term: TermView) -> dict[str, object]:
    """A term as JSON: its dates and holder, and whether the holder may still hold office."""
    return {
        "id": term.id,
        "position": term.position,
        "hq_id": term.hq_id,
        "name": term.name,
        "starts_on": term.starts_on,
        "ends_on": term.ends_on,
        "eligible": term.eligible,
        "ineligible_reason": term.ineligible,
    }


def flag(term: TermView) -> str:
    """The trailing flag of a sitting officer who may no longer hold office ("" if they may)."""
    return "" if term.eligible else f"NOT ELIGIBLE: {term.ineligible}"


def run_list(args: argparse.Namespace) -> int:
    """List officer terms, flagging a sitting officer who is no longer eligible."""
    from chapterdesk.services.roster import officers

    with opened_db(args) as db:
        terms = officers.list_officers(db, as_of=args.as_of, all_terms=args.all)
    if args.json:
        print_json([term_json(t) for t in terms])
        return 0
    print_table(
        ("Position", "HQ ID", "Name", "From", "To", "Flag"),
        ((t.position, t.hq_id, t.name, t.starts_on, t.ends_on or "", flag(t)) for t in terms),
    )
    flagged = sum(1 for t in terms if not t.eligible)
    if flagged:
        print(
            f"\n{flagged} sitting officer{'s are' if flagged > 1 else ' is'} no longer eligible: "
            "ask them to renew with HQ (then import a newer HQ export), or end the term with "
            "`chapterdesk officers end HQ_ID POSITION --on DATE`."
        )
    return 0
