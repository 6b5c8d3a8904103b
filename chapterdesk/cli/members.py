"""`members add|list|show|correct|leave|voters`: the chapter roster from the command line."""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any, TextIO

from chapterdesk.cli.common import (
    add_db_option,
    add_json_option,
    date_arg,
    opened_db,
    print_json,
    print_table,
    write_text_table,
)
from chapterdesk.standing import Standing

if TYPE_CHECKING:  # the services are imported by the commands that use them, to start fast
    from chapterdesk.policy import Privileges
    from chapterdesk.services.roster.listing import RosterLine
    from chapterdesk.services.roster.members import MemberDetail, RosterEntry


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `members` group."""
    group = sub.add_parser("members", help="the chapter roster")
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")

    add = actions.add_parser("add", help="add an HQ member in good standing to the chapter")
    add_db_option(add)
    add.add_argument("hq_id", metavar="HQ_ID")
    add.add_argument("--chapter-joined", type=date_arg("chapter join date"), metavar="DATE")
    add_json_option(add)
    add.set_defaults(handler=run_add)

    listing = actions.add_parser("list", help="list chapter members")
    add_db_option(listing)
    listing.add_argument(
        "--standing", choices=[s.value for s in Standing], help="only this standing"
    )
    listing.add_argument("--category", metavar="C", help="only this category (code or name)")
    listing.add_argument("--search", metavar="TEXT", help="name, ID, e-mail or employer")
    add_json_option(listing)
    listing.set_defaults(handler=run_list)

    show = actions.add_parser("show", help="everything about one member")
    add_db_option(show)
    show.add_argument("hq_id", metavar="HQ_ID")
    add_json_option(show)
    show.set_defaults(handler=run_show)

    correct = actions.add_parser(
        "correct", help="correct an HQ contact field locally (HQ's value is kept beside it)"
    )
    add_db_option(correct)
    correct.add_argument("hq_id", metavar="HQ_ID")
    correct.add_argument("field", metavar="FIELD", help="e.g. email, phone, address1")
    correct.add_argument("value", metavar="VALUE", help="the chapter's value ('' to clear)")
    correct.add_argument("--reason", default="", metavar="TEXT", help="why it is corrected")
    add_json_option(correct)
    correct.set_defaults(handler=run_correct)

    leave = actions.add_parser("leave", help="end a member's chapter membership")
    add_db_option(leave)
    leave.add_argument("hq_id", metavar="HQ_ID")
    leave.add_argument("--date", type=date_arg("leave date"), metavar="DATE")
    leave.add_argument("--reason", default="", help="why they left")
    leave.set_defaults(handler=run_leave)

    voters = actions.add_parser(
        "voters", help="the voting list: who may vote, the quorum, and who is left off"
    )
    add_db_option(voters)
    voters.add_argument(
        "--as-of",
        type=date_arg("as-of date"),
        metavar="DATE",
        help="the day of the vote: membership and standing are judged on it (default today)",
    )
    add_json_option(voters)
    voters.set_defaults(handler=run_voters)


def entry_json(entry: RosterEntry) -> dict[str, Any]:
    """A roster entry in the command line's JSON shape."""
    hq = entry.hq
    return {
        "hq_id": hq.hq_id,
        "name": hq.display_name,
        "sort_name": hq.sort_name,
        "email": hq.email,
        "company": hq.company,
        "member_type": hq.member_type,
        "category": entry.category.name if entry.category else None,
        "standing": entry.standing.value,
        "paid_through": hq.paid_through,
        "hq_status": hq.hq_status,
        "chapter_joined_on": entry.membership.chapter_joined_on,
        "may_vote": entry.privileges.may_vote,
        "may_hold_office": entry.privileges.may_hold_office,
        "suspended": entry.privileges.suspended,
        "reasons": list(entry.privileges.reasons),
    }


def run_add(args: argparse.Namespace) -> int:
    """Add a member, or exit 3 with the bylaw's reason."""
    from chapterdesk.services.roster import members as roster

    with opened_db(args) as db:
        entry = roster.add_member(db, args.hq_id, chapter_joined_on=args.chapter_joined)
    if args.json:
        print_json(entry_json(entry))
    else:
        print(
            f"Added {entry.hq.display_name} ({entry.hq_id}) to the chapter from "
            f"{entry.membership.chapter_joined_on.isoformat()}; "
            f"international standing: {entry.standing.label}."
        )
    return 0


def run_list(args: argparse.Namespace) -> int:
    """List the roster with standings (one query; the output written in one go)."""
    from chapterdesk.services.roster.listing import roster_lines

    with opened_db(args) as db:
        lines = roster_lines(
            db,
            standing=Standing(args.standing) if args.standing else None,
            category=args.category,
            search=args.search,
            with_privileges=args.json,
        )
    if args.json:
        write_lines_json(lines, sys.stdout)
        return 0
    labels = {s: s.label for s in Standing}
    write_text_table(
        ("HQ ID", "Name", "Category", "Standing", "Paid through", "Joined chapter"),
        [
            (
                line.hq_id,
                line.sort_name,
                line.category or line.member_type or "?",
                labels[line.standing],
                line.paid_through.isoformat() if line.paid_through else "",
                line.chapter_joined_on.isoformat(),
            )
            for line in lines
        ],
        sys.stdout,
    )
    sys.stdout.write(f"{len(lines)} member{'s' if len(lines) != 1 else ''}.\n")
    return 0


def _text(value: str | None) -> str:
    return "null" if value is None else encode_basestring(value)


def _rights_json(rights: Privileges) -> str:
    """The privilege fields of a roster entry's JSON, as `print_json` lays them out."""
    flag = {True: "true", False: "false"}
    reasons = (
        "[\n      " + ",\n      ".join(map(encode_basestring, rights.reasons)) + "\n    ]"
        if rights.reasons
        else "[]"
    )
    return (
        f'    "may_vote": {flag[rights.may_vote]},\n'
        f'    "may_hold_office": {flag[rights.may_hold_office]},\n'
        f'    "suspended": {flag[rights.suspended]},\n'
        f'    "reasons": {reasons}\n'
    )


def write_lines_json(lines: list[RosterLine], out: TextIO) -> None:
    """The roster in `entry_json`'s shape, as `print_json` writes it (the same text, faster).

    `print_json` indents through the json module's pure-Python encoder; these
    flat records are laid out directly, escaped by its C string encoder. A test
    holds the two to the same text.
    """
    if not lines:
        out.write("[]\n")
        return
    enc = encode_basestring
    standings = {s: f'"{s.value}"' for s in Standing}
    rights_text: dict[int, str] = {}  # by the identity of the (shared) Privileges value
    records = []
    for line in lines:
        rights = line.privileges
        assert rights is not None, "listed with privileges"
        tail = rights_text.get(id(rights))
        if tail is None:
            tail = rights_text[id(rights)] = _rights_json(rights)
        paid = line.paid_through
        paid_text = "null" if paid is None else f'"{paid.isoformat()}"'
        category = line.category
        records.append(
            f'  {{\n    "hq_id": {enc(line.hq_id)},\n'
            f'    "name": {enc(line.name)},\n'
            f'    "sort_name": {enc(line.sort_name)},\n'
            f'    "email": {enc(line.email)},\n'
            f'    "company": {enc(line.company)},\n'
            f'    "member_type": {enc(line.member_type)},\n'
            f'    "category": {"null" if category is None else enc(category)},\n'
            f'    "standing": {standings[line.standing]},\n'
            f'    "paid_through": {paid_text},\n'
            f'    "hq_status": {enc(line.hq_status)},\n'
            f'    "chapter_joined_on": "{line.chapter_joined_on.isoformat()}",\n'
            f"{tail}  }}"
        )
    out.write("[\n" + ",\n".join(records) + "\n]\n")


def detail_json(detail: MemberDetail) -> dict[str, Any]:
    """A member's detail in the command line's JSON shape."""
    from chapterdesk.cli.officers import term_json

    return {
        "hq_id": detail.hq.hq_id,
        "name": detail.hq.display_name,
        "standing": detail.standing.value,
        "category": detail.category.name if detail.category else None,
        "hq": detail.hq,
        "current": entry_json(detail.current) if detail.current else None,
        "memberships": list(detail.history),
        "officer_terms": [term_json(t) for t in detail.terms],
        "corrections": [
            {
                "field": c.field,
                "local": c.local_value,
                "hq": c.hq_value,
                "reason": c.reason,
                "hq_pending": c.pending,
            }
            for c in detail.corrections
        ],
    }


def run_show(args: argparse.Namespace) -> int:
    """Show one member."""
    from chapterdesk.cli.officers import flag as eligibility_flag
    from chapterdesk.money import format_money
    from chapterdesk.services.dues import member_balance
    from chapterdesk.services.roster.detail import member_detail
    from chapterdesk.services.roster.reader import chapter_info

    with opened_db(args) as db:
        detail = member_detail(db, args.hq_id)
        entries = member_balance(db, detail.hq.hq_id).entries  # by date, then entry number
        currency = chapter_info(db).currency
    balance = Decimal(0)
    ledger = []
    for entry in entries:
        balance += entry.signed
        ledger.append((entry, balance))
    if args.json:
        print_json(
            {
                **detail_json(detail),
                "ledger": [
                    {
                        "entry_id": e.id,
                        "posted_on": e.posted_on,
                        "description": e.describe(),
                        "effect": e.signed,
                        "balance": running,
                    }
                    for e, running in ledger
                ],
            }
        )
        return 0
    hq = detail.hq
    print(f"{hq.display_name}  (HQ member ID {hq.hq_id})")
    print(f"  International standing: {detail.standing.label}")
    print(f"  HQ status: {hq.hq_status or '-'}, paid through {hq.paid_through or '-'}")
    print(
        f"  Member type: {hq.member_type or '-'}"
        + (f" ({detail.category.name})" if detail.category else " (no matching category)")
    )
    print(f"  {hq.title}, {hq.company}" if hq.title else f"  {hq.company}")
    print(f"  {hq.email}  {hq.phone}")
    for fix in detail.corrections:
        why = f"; {fix.reason}" if fix.reason else ""
        print(
            f"  Corrected by the chapter: {fix.field} {fix.local_value!r} "
            f"(HQ: {fix.hq_value!r}{why})"
        )
        if fix.pending is not None:
            print(
                f"    HQ now says {fix.pending!r}: settle with `chapterdesk conflicts settle "
                f"{hq.hq_id} {fix.field} --keep-local|--take-hq`"
            )
    if detail.current:
        privileges = detail.current.privileges
        print(f"  Chapter member since {detail.current.membership.chapter_joined_on}")
        if privileges.suspended:
            print("  Suspended from chapter privileges until the reasons below are settled")
        print(
            f"  May vote: {'yes' if privileges.may_vote else 'no'}; may hold office: "
            f"{'yes' if privileges.may_hold_office else 'no'}"
        )
        for reason in privileges.reasons:
            print(f"    - {reason}")
    else:
        print("  Not a current chapter member.")
    for spell in detail.history:
        if spell.left_on:
            print(
                f"  Earlier membership {spell.chapter_joined_on} to {spell.left_on}"
                + (f" ({spell.leave_reason})" if spell.leave_reason else "")
            )
    for term in detail.terms:
        flag = eligibility_flag(term)
        print(f"  {term.position}: {term.starts_on} to {term.ends_on or 'open'}  {flag}".rstrip())
    if ledger:
        print("  Dues ledger, by date:")
        print_table(
            ("Date", "Entry", "What", "Effect", "Balance"),
            (
                (
                    e.posted_on,
                    e.id,
                    e.describe(),
                    format_money(e.signed, currency),
                    format_money(running, currency),
                )
                for e, running in ledger
            ),
        )
    return 0


def run_correct(args: argparse.Namespace) -> int:
    """Correct one HQ field locally, or exit 2 naming what is wrong with the field or value."""
    from chapterdesk.services.hq.edits import edit_hq_field

    with opened_db(args) as db:
        done = edit_hq_field(db, args.hq_id, args.field, args.value, args.reason)
    if args.json:
        print_json(done)
    elif done.kept:
        print(
            f"{done.hq_id}: {done.field} is now {done.local_value!r} for the chapter "
            f"(HQ says {done.hq_value!r})."
        )
    else:
        print(f"{done.hq_id}: {done.field} is HQ's value again, {done.hq_value!r}.")
    return 0


def run_leave(args: argparse.Namespace) -> int:
    """End a membership."""
    from chapterdesk.services.roster import members as roster

    with opened_db(args) as db:
        spell = roster.leave_chapter(db, args.hq_id, left_on=args.date, reason=args.reason)
    print(f"{spell.hq_id} left the chapter on {spell.left_on}; the history is kept.")
    return 0


def run_voters(args: argparse.Namespace) -> int:
    """Print the voting list, who is left off and why, and the quorum."""
    from chapterdesk.services.roster.voters import voting_list

    with opened_db(args) as db:
        found = voting_list(db, args.as_of)
    if args.json:
        print_json(found)
        return 0
    print(f"Voting list of {found.chapter} on {found.as_of.isoformat()}")
    print()
    print_table(
        ("#", "Name", "HQ ID", "Category", "Standing", "Joined chapter"),
        (
            (number, v.sort_name, v.hq_id, v.category, v.standing.label, v.chapter_joined_on)
            for number, v in enumerate(found.voters, start=1)
        ),
    )
    if found.excluded:
        print()
        print(f"Left off the list ({len(found.excluded):,}):")
        print_table(
            ("Name", "HQ ID", "Reason"),
            ((e.sort_name, e.hq_id, e.reason) for e in found.excluded),
        )
    print()
    print(found.summary())
    return 0
