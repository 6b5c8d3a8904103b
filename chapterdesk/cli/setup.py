"""`init` and `demo`: starting a chapter database."""

from __future__ import annotations

import argparse
import sys

from chapterdesk.cli.common import TerminalProgress, add_db_option, open_db, opened_db
from chapterdesk.cli.failures import bounded_int
from chapterdesk.demo import build_demo
from chapterdesk.errors import BadInputError, RuleRefusedError
from chapterdesk.services.chapter import init_chapter


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `init` and `demo`."""
    init = sub.add_parser("init", help="start a new chapter database")
    add_db_option(init)
    init.add_argument("--chapter", required=True, metavar="NAME", help="the chapter's name")
    init.add_argument("--currency", default="USD", help="ISO currency code (default USD)")
    init.add_argument(
        "--year-start", default="01-01", metavar="MM-DD", help="dues-year start (default 01-01)"
    )
    init.set_defaults(handler=run_init)

    demo = sub.add_parser("demo", help="write a demo chapter database")
    add_db_option(demo)
    demo.add_argument(
        "--members",
        type=bounded_int("--members", 1, 50_000),
        default=600,
        help="chapter members (default 600)",
    )
    demo.add_argument(
        "--seed",
        type=bounded_int("--seed", 0, 2**32 - 1),
        default=2026,
        help="random seed (default 2026)",
    )
    demo.add_argument(
        "--international",
        action="store_true",
        help="about a third of the members write their names in other scripts "
        "(Chinese, Japanese, Korean, Devanagari, Thai, Arabic, Hebrew, Greek, Cyrillic)",
    )
    demo.set_defaults(handler=run_demo)


def run_init(args: argparse.Namespace) -> int:
    """Create the chapter."""
    with opened_db(args, create=True) as db:
        info = init_chapter(db, args.chapter, currency=args.currency, year_start=args.year_start)
    print(
        f"Started {info.name} ({info.currency}, dues year from "
        f"{info.year_start_month:02d}-{info.year_start_day:02d}) in {db.location.display()}."
    )
    return 0


def run_demo(args: argparse.Namespace) -> int:
    """Write the demo chapter into a new database."""
    if not 1 <= args.members <= 50_000:
        raise BadInputError("--members must be between 1 and 50,000.")
    db = open_db(args, create=True)
    progress = TerminalProgress()
    try:
        from chapterdesk.data.models import ChapterSettings

        with db.reading() as session:
            if session.get(ChapterSettings, 1) is not None:
                raise RuleRefusedError(
                    f"{db.location.display()} already holds a chapter; "
                    "give a new --db for the demo."
                )
        build_demo(
            db,
            members=args.members,
            seed=args.seed,
            progress=progress,
            international=args.international,
        )
    finally:
        progress.finish()
        db.dispose()
    print(f"Wrote the demo chapter ({args.members} members) to {db.location.display()}.")
    sys.stdout.flush()
    return 0
