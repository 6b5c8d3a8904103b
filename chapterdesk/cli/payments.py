"""`payments import|list|undo`: taking in the bank's and the card processors' payments files.

`payments import FILE` reads the file, matches each line to a member and, unless
`--dry-run`, posts the matched lines (and those given a member with `--assign
LINE=HQ_ID`) as one batch; ambiguous and unmatched lines are listed and left
for the officer. Already posted lines are never posted again. Exit 2 for a file
that cannot be read or a malformed option (nothing written), 3 when a rule
refuses (a check already recorded, a race lost to another officer).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from chapterdesk.cli.common import add_json_option, opened_db, print_json, print_table
from chapterdesk.cli.failures import entry_number
from chapterdesk.cli.import_summary import (
    add_file_arguments,
    add_history_actions,
    add_map_option,
    minute,
    print_counts,
    print_dry_run,
    print_section,
    read_and_show,
)
from chapterdesk.errors import BadInputError
from chapterdesk.money import format_money, money_text

if TYPE_CHECKING:
    from chapterdesk.services.payments import PaymentBatch, PaymentReview, PostedImport
    from chapterdesk.services.payments.matching import MatchedLine

DETAIL_LIMIT = 25


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `payments` group."""
    group = sub.add_parser("payments", help="payments from the bank or a card processor")
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")
    take = actions.add_parser(
        "import", help="match and post a bank (OFX/QFX, CSV) or Stripe/PayPal/Square file"
    )
    add_file_arguments(take, "show every line's match, post none")
    add_map_option(
        take,
        "bank CSV: read FIELD (date, amount, credit, payer, memo, check_number, reference, "
        "type) from the column headed HEADER (repeatable)",
    )
    take.add_argument(
        "--assign",
        action="append",
        default=[],
        metavar="LINE=HQ_ID",
        help="post the payment on file line LINE to member HQ_ID (repeatable)",
    )
    take.add_argument(
        "--accept",
        action="append",
        default=[],
        type=entry_number("LINE"),
        metavar="LINE",
        help="post an ambiguous line to its one candidate (found by the amount owed)",
    )
    take.add_argument(
        "--skip",
        action="append",
        default=[],
        type=entry_number("LINE"),
        metavar="LINE",
        help="leave the matched payment on file line LINE out (repeatable)",
    )
    add_json_option(take)
    take.set_defaults(handler=run_import)
    add_history_actions(
        actions,
        list_help="every imported payments batch, newest first",
        undo_help="reverse every payment of an imported batch",
        run_list=run_list,
        run_undo=run_undo,
    )


def parse_assignments(pairs: list[str]) -> dict[int, str]:
    """`LINE=HQ_ID` options as a mapping, refused with a sentence when malformed."""
    from chapterdesk.values import normalise_hq_id

    found: dict[int, str] = {}
    for pair in pairs:
        line, sep, hq_id = pair.partition("=")
        if not sep or not line.strip().isdigit() or not 0 < int(line) < 10**9:
            raise BadInputError(
                f"--assign {pair!r} should be LINE=HQ_ID, e.g. --assign 14=104233 (the line "
                "numbers are in the --dry-run listing)."
            )
        found[int(line)] = normalise_hq_id(hq_id.strip())
    return found


def line_json(item: MatchedLine) -> dict[str, Any]:
    """One line of the file with its class, in the JSON shape (`hq_id`, snake_case)."""
    line = item.line
    return {
        "line": line.line_no,
        "class": item.status,
        "hq_id": item.hq_id,
        "name": item.name,
        "rule": item.rule,
        "candidates": [{"hq_id": c.hq_id, "name": c.name} for c in item.candidates],
        "posted_batch": item.posted_import,
        "date": line.paid_on,
        "gross": money_text(line.gross),
        "fee": money_text(line.fee),
        "payer": line.payer,
        "email": line.email,
        "memo": line.memo,
        "method": line.method,
        "reference": line.reference,
        "source_id": line.source_key,
    }


def review_json(review: PaymentReview, result: PostedImport | None) -> dict[str, Any]:
    """The whole import as JSON: the file, the counts, every line, and what was posted."""
    payments = review.file
    receipts = {m.line.line_no: r for m, r in result.posted} if result else {}
    lines = []
    for item in review.lines:
        shown = line_json(item)
        shown["posted"] = item.line.line_no in receipts
        shown["receipt_no"] = receipts.get(item.line.line_no)
        lines.append(shown)
    return {
        "batch_id": result.batch_id if result else None,
        "dry_run": result is None,
        "file": payments.file_name,
        "sha256": payments.sha256,
        "source": payments.source,
        "layout": payments.label,
        "header_row": payments.header_row or None,
        "mapping": payments.mapping,
        "currency": review.currency,
        "counts": {**review.counts, "skipped": len(payments.skipped)},
        "posted_count": len(receipts),
        "posted_gross": money_text(result.gross) if result else "0.00",
        "posted_fees": money_text(result.fees) if result else "0.00",
        "lines": lines,
        "skipped": [{"line": n, "reason": why} for n, why in payments.skipped],
    }


def print_review(review: PaymentReview, result: PostedImport | None) -> None:
    """The import as a treasurer reads it."""
    payments, currency = review.file, review.currency
    counts = review.counts
    print(
        f"{payments.file_name}: {payments.label}, {len(payments.lines):,} payment(s) in"
        + (f", {len(payments.skipped):,} other line(s) skipped" if payments.skipped else "")
        + "."
    )
    print_counts(counts)

    def describe(item: MatchedLine) -> str:
        line, status = item.line, item.status
        who = f"{item.hq_id} {item.name}" if item.hq_id else ""
        if item.candidates:
            who = "one of " + "; ".join(f"{c.hq_id} {c.name}" for c in item.candidates)
        how = f" [{item.rule}]" if item.rule and status == "matched" else ""
        fee = f" (fee {format_money(line.fee, currency)})" if line.fee else ""
        return (
            f"line {line.line_no}: {line.paid_on.isoformat()} "
            f"{format_money(line.gross, currency)}{fee} from {line.payer or line.email or '?'}"
            + (f" → {who}" if who else "")
            + how
        )

    for status, title in (
        ("matched", "Matched"),
        ("ambiguous", "Ambiguous (choose with --assign LINE=HQ_ID, or --accept LINE for one)"),
        ("unmatched", "Unmatched (assign with --assign LINE=HQ_ID, or leave out)"),
        ("posted", "Already posted (never posted twice)"),
    ):
        items = [m for m in review.lines if m.status == status]
        print_section(title, items, describe, DETAIL_LIMIT)
    if result is None:
        print_dry_run("posted")
    elif result.batch_id is None:
        print("\nNothing to post.")
    else:
        print(
            f"\nPosted {len(result.posted):,} payment(s), {format_money(result.gross, currency)} "
            f"(processor fees {format_money(result.fees, currency)}), as batch {result.batch_id}. "
            f"Undo with `chapterdesk payments undo {result.batch_id}`."
        )
    if result is not None and result.already_posted:
        print(f"{len(result.already_posted)} line(s) were posted meanwhile and left out.")


def run_import(args: argparse.Namespace) -> int:
    """Review, and unless --dry-run, post a payments file."""
    from chapterdesk.services.payments import post_reviewed, review_payments
    from chapterdesk.services.payments.imports import suggested_members

    assign = parse_assignments(args.assign)
    with opened_db(args) as db:
        review = review_payments(db, args.file, overrides=args.map)
        result = None
        assign = {**suggested_members(review, args.accept), **assign}
        if not args.dry_run:
            result = post_reviewed(db, review, assign=assign, skip=set(args.skip))
    if args.json:
        print_json(review_json(review, result))
    else:
        print_review(review, result)
    return 0


def batch_json(batch: PaymentBatch) -> dict[str, Any]:
    """One batch in the JSON shape."""
    return {
        "batch_id": batch.batch_id,
        "imported_at": batch.imported_at,
        "source": batch.source,
        "file": batch.file_name,
        "lines": batch.lines,
        "gross": money_text(batch.gross),
        "fees": money_text(batch.fees),
        "undone_at": batch.undone_at,
    }


def run_list(args: argparse.Namespace) -> int:
    """Show the imported payments batches."""
    from chapterdesk.services.payments import list_payment_imports

    def show(batches: list[PaymentBatch]) -> None:
        print_table(
            ("Batch", "Imported", "Source", "File", "Payments", "Gross", "Fees", "Undone"),
            (
                (
                    b.batch_id,
                    minute(b.imported_at),
                    b.source,
                    b.file_name,
                    b.lines,
                    money_text(b.gross),
                    money_text(b.fees),
                    minute(b.undone_at),
                )
                for b in batches
            ),
        )

    return read_and_show(
        args, list_payment_imports, lambda batches: [batch_json(b) for b in batches], show
    )


def run_undo(args: argparse.Namespace) -> int:
    """Reverse an imported batch."""
    from chapterdesk.services.payments import undo_payment_import

    def show(batch: PaymentBatch) -> None:
        print(
            f"Undid payments batch {batch.batch_id} ({batch.file_name}): {batch.lines} payment(s) "
            f"of {money_text(batch.gross)} reversed. Its lines may be imported again."
        )

    return read_and_show(
        args, lambda db: undo_payment_import(db, args.batch_id), batch_json, show
    )
