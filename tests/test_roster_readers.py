"""The roster query read two ways gives one answer, and the command line reads it lean.

On an SQLite file the roster query runs through the standard library
(`SqliteReader`); on a server and inside a unit of work through SQLAlchemy
(`SessionReader`). Both run the text `roster.sql` writes, so they must agree
row for row. `members list` and `members show` on a file never import
SQLAlchemy, and write exactly what `print_table` and `print_json` would.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from chapterdesk.cli import command_named
from chapterdesk.cli.common import print_json, print_table, write_text_table
from chapterdesk.cli.members import entry_json, write_lines_json
from chapterdesk.data.engine import Database
from chapterdesk.data.migrate import open_database
from chapterdesk.services.chapter import list_categories
from chapterdesk.services.roster import listing
from chapterdesk.services.roster import members as roster
from chapterdesk.services.roster import reader as roster_reader
from chapterdesk.services.roster import sql as roster_sql
from chapterdesk.services.roster.query import ROW_COLUMNS, SORT_KEYS, SessionReader
from chapterdesk.services.roster.values import RosterFilter
from chapterdesk.standing import Standing
from tests.conftest import DEMO_DAY


def test_both_readers_run_the_same_text_to_the_same_rows(demo_path: Path) -> None:
    db = open_database(demo_path)
    try:
        category = list_categories(db)[0].id
        filters = [
            RosterFilter(),
            RosterFilter(search="an"),
            RosterFilter(search="Garcia, Ana"),
            RosterFilter(standings=frozenset({Standing.GRACE, Standing.LAPSED})),
            RosterFilter(category_id=category, officer=False, owing=True),
        ]
        columns = (*ROW_COLUMNS, "standing", "employment_ended_on", "join_date")
        with closing(roster_reader.connect(demo_path)) as connection, db.reading() as session:
            plain = roster_reader.SqliteReader(connection, DEMO_DAY)
            through = SessionReader(session, DEMO_DAY)
            for part in ("dialect", "day", "info", "categories"):
                assert getattr(plain.chapter, part) == getattr(through.chapter, part)
            for wanted in filters:
                for sort in SORT_KEYS:
                    a = roster_reader.statement(plain, columns, wanted, sort=sort)
                    b = roster_reader.statement(through, columns, wanted, sort=sort)
                    assert a == b
                    assert roster_reader.read(plain, columns, wanted, sort=sort) == (
                        roster_reader.read(through, columns, wanted, sort=sort)
                    )
    finally:
        db.dispose()


def test_the_python_fold_is_the_table_postgresql_translates_with() -> None:
    fold_from, fold_to = roster_sql.fold_pairs()
    assert len(fold_from) == len(fold_to)
    for accented, plain in zip(fold_from, fold_to, strict=True):
        assert roster_sql.fold(accented) == plain
    assert roster_sql.fold("BJÖRK Żółć Ødegård") == "bjork zolc odegard"
    assert roster_sql.search_words("Baker,Mary  ") == ["baker", "mary"]


def test_the_command_is_found_after_the_options_before_it() -> None:
    """`--db FILE members list` builds the members parser only (see test_cli_parser)."""
    assert command_named(["--db", "x.sqlite", "members", "list"]) == "members"
    assert command_named(["--version"]) is None


def test_listing_and_showing_a_file_never_load_sqlalchemy(demo_path: Path) -> None:
    """The roster's and the dues' read commands read a file with the standard library alone."""
    db = open_database(demo_path)
    hq_id = roster.list_members(db, as_of=DEMO_DAY)[0].hq_id
    year = str(DEMO_DAY.year)
    db.dispose()  # lets the commands take the file
    for args in (["members", "list"], ["members", "list", "--json", "--search", "an"],
                 ["members", "show", hq_id], ["members", "show", "--json", hq_id],
                 ["dues", "balance", hq_id], ["dues", "balance", "--json", hq_id],
                 ["dues", "balance", "--json"], ["dues", "list", "--year", year],
                 ["dues", "list", "--json"]):
        script = (
            "import sys; from chapterdesk.cli import main; "
            f"status = main({[*args, '--db', str(demo_path)]!r}); "
            "assert status == 0, status; "
            "assert 'sqlalchemy' not in sys.modules, 'SQLAlchemy was imported'"
        )
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        assert hq_id in done.stdout


def test_the_lean_writers_write_what_print_table_and_print_json_write(demo_db: Database) -> None:
    db = demo_db
    for day in (DEMO_DAY, DEMO_DAY.replace(year=DEMO_DAY.year + 1)):
        entries = roster.list_members(db, as_of=day)
        lines = listing.roster_lines(db, as_of=day)
        assert any(e.privileges.reasons for e in entries), "some member has reasons"
        expected = io.StringIO()
        print_json([entry_json(e) for e in entries], expected)
        written = io.StringIO()
        write_lines_json(lines, written)
        assert written.getvalue() == expected.getvalue()
        cells = [(e.hq_id, e.hq.sort_name, e.hq.paid_through.isoformat() if e.hq.paid_through
                  else "", e.standing.label) for e in entries]
        expected = io.StringIO()
        print_table(("HQ ID", "Name", "Paid through", "Standing"), cells, expected)
        written = io.StringIO()
        write_text_table(("HQ ID", "Name", "Paid through", "Standing"), cells, written)
        assert written.getvalue() == expected.getvalue()
    empty = io.StringIO()
    write_lines_json([], empty)
    assert empty.getvalue() == "[]\n"


def test_the_directory_lists_the_officers_list_officers_gives(demo_db: Database) -> None:
    """`listing.officer_lines` (the printed directory's, through the reader) is
    `officers.list_officers` without the eligibility, on days before, during and after terms."""
    from chapterdesk.services.roster.officers import list_officers

    terms = list_officers(demo_db, all_terms=True)
    assert terms, "the demo chapter has officer terms"
    days = {DEMO_DAY, *(t.starts_on for t in terms), *(t.ends_on for t in terms if t.ends_on)}
    for day in sorted(days):
        for day_seen in (day, day - dt.timedelta(days=1), day + dt.timedelta(days=1)):
            expected = [
                (t.position, t.name, t.hq_id, t.starts_on, t.ends_on)
                for t in list_officers(demo_db, as_of=day_seen)
            ]
            assert [tuple(o) for o in listing.officer_lines(demo_db, day_seen)] == expected


def test_printing_the_directory_of_a_file_never_loads_sqlalchemy(
    demo_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "directory.pdf"
    script = (
        "import sys; from chapterdesk.cli import main; "
        f"status = main(['report', 'roster', '-o', {str(target)!r}, '--db', {str(demo_path)!r}]); "
        "assert status == 0, status; "
        "assert 'sqlalchemy' not in sys.modules, 'SQLAlchemy was imported'"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert target.stat().st_size > 0
