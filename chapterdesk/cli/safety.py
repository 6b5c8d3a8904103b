"""`backup`, `restore`, `handover export|import` and `audit list|export|officer`.

The commands that keep a chapter safe: snapshots and their restore, the
sealed package that moves a chapter to the next officers, and the trail of
who changed what.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from chapterdesk.audit_sentences import local_minute
from chapterdesk.backup import automatic_backups
from chapterdesk.cli.common import (
    add_db_option,
    add_json_option,
    cli_locked_error,
    date_arg,
    opened_db,
    print_json,
    print_table,
    warn_about_storage,
)
from chapterdesk.cli.failures import bounded_int
from chapterdesk.data.audit_trail import OFFICER_NOT_NAMED
from chapterdesk.data.engine import resolve_location
from chapterdesk.errors import BadInputError, DatabaseLockedError
from chapterdesk.paths import backups_dir
from chapterdesk.services.chapter import chapter_info, set_officer_name
from chapterdesk.services.safety import audit as audit
from chapterdesk.services.safety import backups as backups
from chapterdesk.services.safety import handover as handover


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `backup`, `restore`, `handover` and `audit`."""
    backup = sub.add_parser("backup", help="write a verified snapshot of the database")
    add_db_option(backup)
    backup.add_argument("-o", "--output", metavar="FILE", help="the backup file to write")
    backup.add_argument(
        "--list", action="store_true", help="list the automatic backups of this database"
    )
    add_json_option(backup)
    backup.set_defaults(handler=run_backup)

    restore = sub.add_parser("restore", help="replace the database with a backup")
    add_db_option(restore)
    restore.add_argument("file", metavar="FILE", help="a backup written by `backup`")
    add_json_option(restore)
    restore.set_defaults(handler=run_restore)

    group = sub.add_parser("handover", help="the sealed package for the next officers")
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")
    export = actions.add_parser("export", help="seal the whole chapter with a passphrase")
    add_db_option(export)
    export.add_argument("-o", "--output", required=True, metavar="FILE")
    export.add_argument("--passphrase-file", required=True, metavar="F", help="`-` for stdin")
    add_json_option(export)
    export.set_defaults(handler=run_handover_export)
    take = actions.add_parser("import", help="open a handover package as a new database")
    add_db_option(take)
    take.add_argument("file", metavar="FILE")
    take.add_argument("--passphrase-file", required=True, metavar="F", help="`-` for stdin")
    take.add_argument("--force", action="store_true", help="replace an existing database")
    add_json_option(take)
    take.set_defaults(handler=run_handover_import)

    trail = sub.add_parser("audit", help="who changed what, and when")
    steps = trail.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = steps.add_parser("list", help="the recorded changes, newest first")
    add_db_option(listing)
    listing.add_argument("--member", metavar="HQ_ID", help="only changes about this member")
    listing.add_argument("--since", type=date_arg("since date"), metavar="DATE")
    listing.add_argument(
        "--limit",
        type=bounded_int("--limit", 1, 10_000_000),
        default=audit.DEFAULT_LIMIT,
        metavar="N",
    )
    add_json_option(listing)
    listing.set_defaults(handler=run_audit_list)
    csv_export = steps.add_parser("export", help="the whole trail as CSV")
    add_db_option(csv_export)
    csv_export.add_argument("-o", "--output", required=True, metavar="FILE.csv")
    csv_export.add_argument("--member", metavar="HQ_ID")
    csv_export.add_argument("--since", type=date_arg("since date"), metavar="DATE")
    csv_export.set_defaults(handler=run_audit_export)
    officer = steps.add_parser("officer", help="show or set the officer name changes record")
    add_db_option(officer)
    officer.add_argument("name", nargs="?", metavar="NAME", help="your name; '' to clear")
    officer.set_defaults(handler=run_audit_officer)


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.0f} kB"


def run_backup(args: argparse.Namespace) -> int:
    """Write a backup, or list the automatic ones."""
    if args.list:
        path = backups.sqlite_path(args.db, "backup")
        found = automatic_backups(path)
        if args.json:
            print_json([str(p) for p in found])
        else:
            for p in found:
                print(p)
            print(
                f"{len(found)} automatic backup{'s' if len(found) != 1 else ''} of {path}, "
                f"kept in {backups_dir(path, create=False)}."
            )
        return 0
    if not args.output:
        raise BadInputError("Say where to write the backup: `chapterdesk backup -o FILE`.")
    facts = backups.backup_database(args.db, Path(args.output))
    if args.json:
        print_json(facts)
    else:
        print(
            f"Backed up {facts.chapter or 'the database'} ({facts.members} members, "
            f"{_size(facts.size_bytes)}) to {facts.path}; integrity check passed."
        )
    return 0


def run_restore(args: argparse.Namespace) -> int:
    """Restore a backup into the --db database."""
    location = resolve_location(args.db)
    try:
        result = backups.restore_database(location, Path(args.file))
    except DatabaseLockedError as exc:
        raise cli_locked_error(exc, args.db) from None
    warn_about_storage(location)
    if args.json:
        print_json(result)
        return 0
    print(
        f"Restored {result.chapter or 'the chapter'} ({result.members} members) from "
        f"{result.restored_from} into {result.database}."
    )
    if result.schema_from != result.schema_to:
        print(f"Its schema was upgraded from {result.schema_from} to {result.schema_to}.")
    if result.previous_saved_as:
        print(f"The database it replaced was saved as {result.previous_saved_as}.")
    return 0


def run_handover_export(args: argparse.Namespace) -> int:
    """Seal the chapter for the next officers."""
    passphrase = handover.read_passphrase(args.passphrase_file)
    manifest = handover.export_handover(args.db, Path(args.output), passphrase)
    if args.json:
        print_json(manifest)
    else:
        print(
            f"Sealed {manifest.chapter or 'the chapter'} ({manifest.members} members) into "
            f"{Path(args.output).absolute()}. Give the passphrase separately from the file."
        )
    return 0


def run_handover_import(args: argparse.Namespace) -> int:
    """Open a handover package as the --db database."""
    passphrase = handover.read_passphrase(args.passphrase_file)
    try:
        result = handover.import_handover(Path(args.file), args.db, passphrase, force=args.force)
    except DatabaseLockedError as exc:
        raise cli_locked_error(exc, args.db) from None
    warn_about_storage(resolve_location(result.database))
    if args.json:
        print_json(result)
        return 0
    manifest = result.manifest
    print(
        f"Opened {manifest.chapter or 'the chapter'} ({manifest.members} members, handed over "
        f"{manifest.created_at}) as {result.database}."
    )
    if result.previous_saved_as:
        print(f"The database it replaced was saved as {result.previous_saved_as}.")
    return 0


def record_json(record: audit.AuditRecord) -> dict[str, Any]:
    """An audit record in the command line's JSON shape."""
    return {
        "id": record.id,
        "at": record.at,
        "officer": record.officer,
        "table": record.table,
        "row_key": record.row_key,
        "action": record.action,
        "hq_id": record.hq_id,
        "old": record.old,
        "new": record.new,
    }


def run_audit_list(args: argparse.Namespace) -> int:
    """Print the trail."""
    with opened_db(args) as db:
        records = audit.audit_log(db, hq_id=args.member, since=args.since, limit=args.limit)
    if args.json:
        print_json([record_json(r) for r in records])
        return 0
    print_table(
        ("When", "Change"),
        ((local_minute(r.at), r.sentence) for r in records),
    )
    print(f"{len(records)} change{'s' if len(records) != 1 else ''}.")
    return 0


def run_audit_export(args: argparse.Namespace) -> int:
    """Write the trail as CSV."""
    with opened_db(args) as db:
        count = audit.export_audit_csv(db, Path(args.output), hq_id=args.member, since=args.since)
    print(f"Wrote {count} recorded changes to {Path(args.output).absolute()}.")
    return 0


def run_audit_officer(args: argparse.Namespace) -> int:
    """Show or set the officer name."""
    with opened_db(args) as db:
        info = set_officer_name(db, args.name) if args.name is not None else chapter_info(db)
    if info.officer_name:
        print(f"Changes are recorded as made by {info.officer_name}.")
    else:
        print(
            f"No officer name is set; changes are recorded as made by {OFFICER_NOT_NAMED}. "
            'Name yourself with: chapterdesk audit officer "Your Name".'
        )
    return 0
