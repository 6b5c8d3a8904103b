"""`mail …`: statements, reminders and receipts by e-mail, through the outbox.

`mail statements|reminders|receipts` plan the messages (`--dry-run` stops
there and lists who would get what), write them to the outbox in the database,
then send them; when the server does not answer they wait, and `mail send`
sends them later, each exactly once (see `services.mail.outbox`). Exit 0 when
the messages were queued (sent or not: `mail outbox` tells), 2 for bad input
or when `mail send` could not reach or use the server.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from chapterdesk.cli.common import (
    add_db_option,
    add_json_option,
    date_arg,
    open_db,
    opened_db,
    print_json,
    print_table,
)
from chapterdesk.cli.failures import bounded_int, year_number
from chapterdesk.errors import BadInputError
from chapterdesk.file_kinds import require_readable_file, require_writable_target


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `mail` group."""
    group = sub.add_parser("mail", help="statements, reminders and receipts by e-mail")
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")

    setup = actions.add_parser("setup", help="the chapter's SMTP account (password in the keyring)")
    setup.add_argument("--host", help="the mail server, e.g. smtp.example.org")
    setup.add_argument("--port", type=bounded_int("the port", 1, 65535), help="e.g. 587")
    setup.add_argument("--user", help="the login name (none: no login)")
    setup.add_argument("--from", dest="from_address", metavar="ADDRESS", help="the From address")
    security = setup.add_mutually_exclusive_group()
    security.add_argument(
        "--starttls",
        dest="security",
        action="store_const",
        const="starttls",
        help="upgrade to TLS with STARTTLS (the default; port 587)",
    )
    security.add_argument(
        "--ssl",
        dest="security",
        action="store_const",
        const="ssl",
        help="TLS from the start (port 465)",
    )
    security.add_argument(
        "--no-tls",
        dest="security",
        action="store_const",
        const="none",
        help="no encryption (a server on this computer only)",
    )
    setup.add_argument(
        "--password-file",
        metavar="F",
        help="a file holding the password (kept in the OS keyring, not the database)",
    )
    setup.add_argument("--signature-file", metavar="F", help="the chapter's signature, as text")
    setup.add_argument(
        "--reminder-days",
        metavar="D1,D2,D3",
        help="days overdue for reminder levels 1, 2, 3 (default 30,60,90)",
    )
    add_db_option(setup)
    add_json_option(setup)
    setup.set_defaults(handler=run_setup)

    show = actions.add_parser("show", help="the SMTP account and reminder intervals")
    add_db_option(show)
    add_json_option(show)
    show.set_defaults(handler=run_show)

    test = actions.add_parser("test", help="send a test message now (not through the outbox)")
    test.add_argument("to", metavar="ADDRESS")
    add_db_option(test)
    add_json_option(test)
    test.set_defaults(handler=run_test)

    template = actions.add_parser("template", help="the messages' editable templates")
    templates = template.add_subparsers(dest="template_action", required=True, metavar="ACTION")
    t_show = templates.add_parser(
        "show", help="a kind's subject, text and HTML, and the placeholders"
    )
    t_show.add_argument("kind", choices=("statement", "reminder", "receipt"))
    add_db_option(t_show)
    add_json_option(t_show)
    t_show.set_defaults(handler=run_template_show)
    t_set = templates.add_parser("set", help="change a kind's subject and bodies")
    t_set.add_argument("kind", choices=("statement", "reminder", "receipt"))
    t_set.add_argument("--subject", help="the subject line (placeholders allowed)")
    t_set.add_argument("--text-file", metavar="F", help="the plain-text body")
    t_set.add_argument("--html-file", metavar="F", help="the HTML body")
    add_db_option(t_set)
    add_json_option(t_set)
    t_set.set_defaults(handler=run_template_set)

    statements = actions.add_parser(
        "statements", help="e-mail each member who owes YEAR dues a statement"
    )
    statements.add_argument("year", type=year_number(), metavar="YEAR")
    _run_options(statements)
    statements.set_defaults(handler=run_statements)

    reminders = actions.add_parser("reminders", help="e-mail reminders to members overdue for YEAR")
    reminders.add_argument("year", type=year_number(), metavar="YEAR")
    reminders.add_argument(
        "--level",
        type=bounded_int("the level", 1, 3),
        choices=(1, 2, 3),
        help="only this level (default: each charge's highest level due)",
    )
    reminders.add_argument(
        "--as-of",
        type=date_arg("as-of date"),
        metavar="DATE",
        help="count days overdue to this date (default today)",
    )
    _run_options(reminders)
    reminders.set_defaults(handler=run_reminders)

    receipts = actions.add_parser("receipts", help="e-mail a receipt for each recent payment")
    receipts.add_argument(
        "--since",
        type=date_arg("since date"),
        metavar="DATE",
        help="payments posted on or after this day (default: the last 30 days)",
    )
    _run_options(receipts)
    receipts.set_defaults(handler=run_receipts)

    box = actions.add_parser("outbox", help="queued, sent, failed and uncertain messages")
    box.add_argument("--status", choices=("queued", "sending", "sent", "failed", "uncertain"))
    add_db_option(box)
    add_json_option(box)
    box.set_defaults(handler=run_outbox)

    send = actions.add_parser("send", help="send what waits in the outbox")
    send.add_argument(
        "--retry-uncertain",
        action="store_true",
        help="also resend messages the server may or may not have (same Message-ID)",
    )
    add_db_option(send)
    add_json_option(send)
    send.set_defaults(handler=run_send)


def _run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dry-run", action="store_true", help="list who would get what; write nothing"
    )
    parser.add_argument(
        "--print-missing",
        metavar="FILE.pdf",
        type=Path,
        help="write the PDFs of members without an e-mail address into this file",
    )
    parser.add_argument(
        "--queue-only",
        action="store_true",
        help="write the messages to the outbox and do not send them yet",
    )
    add_db_option(parser)
    add_json_option(parser)


def _read_text(path: str, what: str) -> str:
    """A UTF-8 text file the officer named (a BOM dropped).

    Raises:
        BadInputError: missing, not a regular file, unreadable or not UTF-8.
    """
    target = require_readable_file(Path(path), what)
    try:
        return target.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise BadInputError(
            f"{path} is not UTF-8 text; save {what} as UTF-8 and try again."
        ) from None
    except OSError as exc:
        raise BadInputError(f"Cannot read {path}: {exc.strerror}.") from None


def run_setup(args: argparse.Namespace) -> int:
    from chapterdesk.services.mail import account

    password = None
    if args.password_file:
        password = _read_text(args.password_file, "the password file").rstrip("\r\n")
        if not password:
            raise BadInputError(f"The password file {args.password_file} is empty.")
    signature = _read_text(args.signature_file, "the signature") if args.signature_file else None
    with opened_db(args) as db:
        view = account.set_up_account(
            db,
            host=args.host,
            port=args.port,
            security=args.security,
            username=args.user,
            from_address=args.from_address,
            signature=signature,
            reminder_days=args.reminder_days,
            password=password,
        )
    return _print_account(view, args.json, password_saved=password is not None)


def _account_json(view: Any, has_password: bool) -> dict[str, Any]:
    return {
        "host": view.host,
        "port": view.port,
        "security": view.security,
        "user": view.username,
        "from": view.from_address,
        "signature": view.signature,
        "reminder_days": list(view.reminder_days),
        "password_in_keyring": has_password,
    }


def _print_account(view: Any, as_json: bool, *, password_saved: bool | None = None) -> int:
    from chapterdesk.services.mail.account import mail_password

    has_password = password_saved or mail_password(view) is not None
    if as_json:
        print_json(_account_json(view, has_password))
        return 0
    print(f"Server:     {view.host}:{view.port} ({view.security})")
    print(
        f"Login:      {view.username or '(none)'}"
        + (" — password in the keyring" if has_password and view.username else "")
    )
    print(f"From:       {view.from_address}")
    days = ", ".join(str(d) for d in view.reminder_days)
    print(f"Reminders:  levels 1, 2, 3 at {days} days overdue")
    if view.signature:
        print("Signature:  " + view.signature.strip().replace("\n", "\n            "))
    return 0


def run_show(args: argparse.Namespace) -> int:
    from chapterdesk.services.mail.account import required_account

    with opened_db(args) as db:
        view = required_account(db)
    return _print_account(view, args.json)


def run_test(args: argparse.Namespace) -> int:
    from chapterdesk.services.mail.account import valid_address
    from chapterdesk.services.mail.outbox import send_test_message

    if not valid_address(args.to):
        raise BadInputError(
            f"{args.to!r} is not an e-mail address; write it like name@example.org."
        )
    with opened_db(args) as db:
        said = send_test_message(db, args.to)
    if args.json:
        print_json({"sent_to": args.to, "message": said})
    else:
        print(said)
    return 0


def run_template_show(args: argparse.Namespace) -> int:
    from chapterdesk.services.mail.templates import PLACEHOLDERS, template_for

    with opened_db(args) as db:
        found = template_for(db, args.kind)
    if args.json:
        print_json(
            {
                "kind": found.kind,
                "subject": found.subject,
                "text": found.text_body,
                "html": found.html_body,
                "placeholders": sorted(PLACEHOLDERS),
            }
        )
        return 0
    print(f"Subject: {found.subject}\n\n--- text ---\n{found.text_body.rstrip()}\n")
    print(f"--- HTML ---\n{found.html_body.rstrip()}\n\nPlaceholders:")
    for name, meaning in PLACEHOLDERS.items():
        print(f"  ${name:<14} {meaning}")
    return 0


def run_template_set(args: argparse.Namespace) -> int:
    from chapterdesk.services.mail.templates import set_template

    if args.subject is None and args.text_file is None and args.html_file is None:
        raise BadInputError("Nothing to change: give --subject, --text-file or --html-file.")
    text = _read_text(args.text_file, "the text template") if args.text_file else None
    html = _read_text(args.html_file, "the HTML template") if args.html_file else None
    with opened_db(args) as db:
        found = set_template(db, args.kind, subject=args.subject, text_body=text, html_body=html)
    if args.json:
        print_json({"kind": found.kind, "subject": found.subject})
    else:
        print(f"The {found.kind} template is saved (subject: {found.subject}).")
    return 0


def run_statements(args: argparse.Namespace) -> int:
    from chapterdesk.services.mail.compose import plan_statements

    return _run_plan(args, lambda db: plan_statements(db, args.year))


def run_reminders(args: argparse.Namespace) -> int:
    from chapterdesk.services.mail.compose import plan_reminders

    return _run_plan(
        args, lambda db: plan_reminders(db, args.year, level=args.level, as_of=args.as_of)
    )


def run_receipts(args: argparse.Namespace) -> int:
    from chapterdesk.services.mail.compose import plan_receipts

    return _run_plan(args, lambda db: plan_receipts(db, since=args.since))


def _planned_json(item: Any) -> dict[str, Any]:
    found: dict[str, Any] = {
        "hq_id": item.hq_id,
        "name": item.name,
        "email": item.email,
        "subject": item.subject,
        "amount_due": item.amount_due,
    }
    for key in ("year", "level", "days_overdue", "receipt_no", "amount_paid"):
        value = getattr(item, key)
        if value is not None:
            found[key] = value
    return found


def _run_plan(args: argparse.Namespace, make_plan: Any) -> int:
    from chapterdesk.cli.common import TerminalProgress
    from chapterdesk.services.mail.compose import print_missing, queue_plan
    from chapterdesk.services.mail.outbox import send_outbox

    if args.print_missing is not None:
        if args.print_missing.suffix.lower() != ".pdf":
            raise BadInputError(
                f"Cannot write {args.print_missing.name}: choose a file name ending in .pdf."
            )
        require_writable_target(args.print_missing, "the printable PDFs")
    progress = TerminalProgress()
    db = open_db(args)
    try:
        plan = make_plan(db)
        printed_pages = None
        if args.print_missing is not None and plan.without_email:
            printed_pages = print_missing(db, plan, args.print_missing)
        result: dict[str, Any] = {
            "kind": plan.kind,
            "dry_run": bool(args.dry_run),
            "messages": [_planned_json(p) for p in plan.messages],
            "without_email": [_planned_json(p) for p in plan.without_email],
            "already_in_outbox": len(plan.already),
        }
        if printed_pages is not None:
            result["printed"] = {"file": str(args.print_missing), "pages": printed_pages}
        elif args.print_missing is not None:
            result["nothing_to_print"] = str(args.print_missing)
        if not args.dry_run:
            queued = queue_plan(db, plan, as_of=getattr(args, "as_of", None), progress=progress)
            result["queued"] = len(queued.queued)
            if queued.queued and not args.queue_only:
                sent = send_outbox(db, progress=progress, only=list(queued.queued))
                result.update(
                    sent=sent.sent,
                    failed=sent.failed,
                    uncertain=sent.uncertain,
                    waiting=sent.left_queued,
                    problem=sent.problem,
                )
    finally:
        progress.finish()
        db.dispose()
    if args.json:
        print_json(result)
        return 0
    _print_plan(plan, result)
    return 0


def _print_plan(plan: Any, result: dict[str, Any]) -> None:
    from chapterdesk.json_values import to_jsonable

    what = {"statement": "statements", "reminder": "reminders", "receipt": "receipts"}[plan.kind]
    if plan.messages:
        heading = "Would send" if result["dry_run"] else "Messages"
        print(f"{heading} ({len(plan.messages)} {what}):")
        print_table(
            ["HQ ID", "Name", "E-mail", "Subject"],
            [[p.hq_id, p.name, p.email, p.subject] for p in plan.messages],
        )
    else:
        print(f"No {what} to send.")
    if result.get("nothing_to_print"):
        unwritten = result["nothing_to_print"]
        print(f"Every member here has an e-mail address: {unwritten} was not written.")
    if plan.without_email:
        print(f"\n{len(plan.without_email)} member(s) have no e-mail address:")
        print_table(
            ["HQ ID", "Name", "Amount due"],
            [[p.hq_id, p.name, to_jsonable(p.amount_due)] for p in plan.without_email],
        )
        printed = result.get("printed")
        if printed:
            print(
                f"Their PDFs are in {printed['file']} ({printed['pages']} pages) to print and mail."
            )
        else:
            print("Add --print-missing FILE.pdf to collect their PDFs into one file to print.")
    if plan.already:
        print(f"\n{len(plan.already)} already in the outbox (not queued again).")
    if result["dry_run"]:
        print("\nDry run: nothing was written or sent.")
        return
    line = f"\nQueued {result['queued']}"
    if "sent" in result:
        line += f"; sent {result['sent']}"
        if result["failed"]:
            line += f", failed {result['failed']}"
        if result["uncertain"]:
            line += f", uncertain {result['uncertain']}"
        if result["waiting"]:
            line += f", waiting {result['waiting']}"
    print(line + ".")
    if result.get("problem"):
        print(f"chapterdesk: {result['problem']}", file=sys.stderr)


def run_outbox(args: argparse.Namespace) -> int:
    from chapterdesk.services.mail.outbox import outbox

    with opened_db(args) as db:
        rows = outbox(db, status=args.status)
    if args.json:
        print_json(
            {
                "messages": [
                    {
                        "id": r.id,
                        "message_id": r.message_id,
                        "kind": r.kind,
                        "hq_id": r.hq_id,
                        "to": r.recipient,
                        "subject": r.subject,
                        "status": r.status,
                        "attempts": r.attempts,
                        "reason": r.last_error,
                        "queued_at": r.queued_at,
                        "sent_at": r.sent_at,
                    }
                    for r in rows
                ]
            }
        )
        return 0
    if not rows:
        print("The outbox is empty.")
        return 0
    print_table(
        ["#", "Status", "Kind", "HQ ID", "To", "Subject", "Reason"],
        [
            [r.id, r.status, r.kind, r.hq_id or "", r.recipient, r.subject, r.last_error]
            for r in rows
        ],
    )
    return 0


def run_send(args: argparse.Namespace) -> int:
    from chapterdesk.cli.common import TerminalProgress
    from chapterdesk.services.mail.outbox import outbox_counts, retry_uncertain, send_outbox

    progress = TerminalProgress()
    db = open_db(args)
    try:
        retried = retry_uncertain(db) if args.retry_uncertain else 0
        result = send_outbox(db, progress=progress)
        counts = outbox_counts(db)
    finally:
        progress.finish()
        db.dispose()
    summary = {
        "sent": result.sent,
        "failed": result.failed,
        "uncertain": result.uncertain,
        "waiting": result.left_queued,
        "retried_uncertain": retried,
        "problem": result.problem,
        "outbox": counts,
    }
    if result.problem and result.sent == 0 and (result.left_queued or result.failed):
        # Nothing could be sent: exit 2 with the server's sentence (the messages wait).
        raise BadInputError(result.problem)
    if args.json:
        print_json(summary)
    else:
        print(
            f"Sent {result.sent}; failed {result.failed}; uncertain {result.uncertain}; "
            f"still waiting {counts['queued']}."
        )
    return 0
