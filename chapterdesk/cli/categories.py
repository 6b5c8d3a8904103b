"""`categories list|add|set|map|unmap`: membership categories and HQ's member types.

A member whose HQ member type matches no category is not eligible until an
officer maps the type to a category; `categories list` names the types still
unmapped and how many people they concern, `categories map` settles them.
"""

from __future__ import annotations

import argparse
import unicodedata
from typing import Any

from chapterdesk.cli.common import (
    add_db_option,
    add_json_option,
    opened_db,
    print_json,
    print_table,
)
from chapterdesk.errors import BadInputError
from chapterdesk.services import chapter
from chapterdesk.services.chapter import Category
from chapterdesk.services.roster import categories as service
from chapterdesk.services.roster.categories import UnmappedHqType
from chapterdesk.standing import normalise_key


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `categories` group."""
    group = sub.add_parser("categories", help="membership categories and HQ member types")
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")

    listing = actions.add_parser(
        "list", help="categories with their rights, and HQ member types that match none"
    )
    add_db_option(listing)
    add_json_option(listing)
    listing.set_defaults(handler=run_list)

    add = actions.add_parser("add", help="add a membership category")
    add_db_option(add)
    add.add_argument("name", metavar="NAME", help='e.g. "Life Member"')
    add.add_argument("--code", help="a short code (default: from the name)")
    add.add_argument("--vote", action="store_true", help="its members may vote")
    add.add_argument(
        "--office", action="store_true", help="its members may hold elective office (needs --vote)"
    )
    add.add_argument(
        "--not-eligible", action="store_true", help="not eligible for chapter membership at all"
    )
    add.add_argument("--description", default="", metavar="TEXT")
    add_json_option(add)
    add.set_defaults(handler=run_add)

    put = actions.add_parser("set", help="change what a category allows")
    add_db_option(put)
    put.add_argument("name", metavar="NAME", help="the category's name or code")
    put.add_argument("--vote", action=argparse.BooleanOptionalAction, default=None,
                     help="its members may (or may not) vote")
    put.add_argument("--office", action=argparse.BooleanOptionalAction, default=None,
                     help="its members may (or may not) hold elective office")
    eligibility = put.add_mutually_exclusive_group()
    eligibility.add_argument("--eligible", dest="eligible", action="store_true", default=None,
                             help="eligible for chapter membership")
    eligibility.add_argument("--not-eligible", dest="eligible", action="store_false",
                             help="not eligible for chapter membership")
    put.add_argument("--description", metavar="TEXT")
    add_json_option(put)
    put.set_defaults(handler=run_set)

    mapping = actions.add_parser("map", help="count an HQ member type as a category")
    add_db_option(mapping)
    mapping.add_argument("hq_type", metavar="HQ_TYPE", help='as HQ spells it, e.g. "Full Member"')
    mapping.add_argument("category", metavar="CATEGORY", help="the category's name or code")
    add_json_option(mapping)
    mapping.set_defaults(handler=run_map)

    unmap = actions.add_parser("unmap", help="stop counting an HQ member type as a category")
    add_db_option(unmap)
    unmap.add_argument("hq_type", metavar="HQ_TYPE")
    add_json_option(unmap)
    unmap.set_defaults(handler=run_unmap)


def category_json(category: Category) -> dict[str, Any]:
    """A category in the command line's JSON shape."""
    return {
        "code": category.code,
        "name": category.name,
        "may_vote": category.may_vote,
        "may_hold_office": category.may_hold_office,
        "eligible": category.eligible,
        "description": category.description,
        "hq_types": list(category.hq_types),
    }


def unmapped_json(found: UnmappedHqType) -> dict[str, Any]:
    """An unmapped HQ member type in the command line's JSON shape."""
    return {
        "member_type": found.member_type,
        "members": found.members,
        "hq_records": found.hq_records,
    }


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _describe(category: Category) -> str:
    rights = (
        "not eligible for membership"
        if not category.eligible
        else "may vote and hold elective office"
        if category.may_hold_office
        else "may vote, no elective office"
        if category.may_vote
        else "no vote, no elective office"
    )
    return f"{category.name} ({category.code}): {rights}"


def run_list(args: argparse.Namespace) -> int:
    """List the categories and the HQ member types that match none."""
    with opened_db(args) as db:
        found = chapter.list_categories(db)
        unmapped = service.unmapped_hq_types(db)
    if args.json:
        print_json(
            {
                "categories": [category_json(c) for c in found],
                "unmapped_hq_types": [unmapped_json(u) for u in unmapped],
            }
        )
        return 0
    print_table(
        ("Code", "Name", "Eligible", "Vote", "Office", "Mapped HQ types"),
        (
            (c.code, c.name, _yes(c.eligible), _yes(c.may_vote), _yes(c.may_hold_office),
             "; ".join(c.hq_types))
            for c in found
        ),
    )
    print()
    if not unmapped:
        print("HQ member types with no category: none; every HQ member type matches a category.")
        return 0
    print("HQ member types with no category (their members are not eligible until mapped):")
    print_table(
        ("HQ member type", "Chapter members", "In HQ data"),
        ((u.member_type, u.members, u.hq_records) for u in unmapped),
    )
    print('Map one with: chapterdesk categories map "HQ TYPE" CATEGORY')
    return 0


def default_code(name: str) -> str:
    """A code from the category's name: its letters and digits, accents dropped, upper case."""
    code = normalise_key(unicodedata.normalize("NFKD", name)).upper()[:40]
    if not code and name.strip():
        raise BadInputError(
            f"Give the category {name.strip()!r} a code with --code (letters A-Z or digits, "
            "like REG)."
        )
    return code


def run_add(args: argparse.Namespace) -> int:
    """Add a category; bad input exits 2."""
    code = args.code if args.code is not None else default_code(args.name)
    with opened_db(args) as db:
        added = chapter.save_category(
            db, None, code=code, name=args.name, may_vote=args.vote,
            may_hold_office=args.office, eligible=not args.not_eligible,
            description=args.description,
        )
    if args.json:
        print_json(category_json(added))
    else:
        print(f"Added the category {_describe(added)}.")
    return 0


def run_set(args: argparse.Namespace) -> int:
    """Change a category's rights; bad input (or office without a vote) exits 2."""
    with opened_db(args) as db:
        changed = service.set_category_flags(
            db, args.name, vote=args.vote, office=args.office, eligible=args.eligible,
            description=args.description,
        )
    if args.json:
        print_json(category_json(changed))
    else:
        print(f"{_describe(changed)}.")
    return 0


def run_map(args: argparse.Namespace) -> int:
    """Map an HQ member type to a category."""
    with opened_db(args) as db:
        mapped = service.map_hq_type(db, args.hq_type, args.category)
    if args.json:
        print_json(category_json(mapped))
        return 0
    shown = " ".join(args.hq_type.split())
    print(f"HQ member type {shown!r} now counts as {_describe(mapped)}.")
    if not mapped.eligible:
        print(f"Members of that type stay out of the chapter: {mapped.name} is not eligible.")
    return 0


def run_unmap(args: argparse.Namespace) -> int:
    """Remove an HQ member type's mapping."""
    with opened_db(args) as db:
        was = service.unmap_hq_type(db, args.hq_type)
    if args.json:
        print_json(category_json(was))
        return 0
    shown = " ".join(args.hq_type.split())
    print(
        f"HQ member type {shown!r} no longer counts as {was.name}; its members are not "
        "eligible until it is mapped again."
    )
    return 0
