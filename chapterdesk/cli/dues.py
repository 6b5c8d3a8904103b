"""`dues …`: the treasurer's work from the command line (rates, assess, pay, reverse, balances).

Amounts in JSON are strings with two places (`"150.00"`); text output
formats them in the chapter's currency. Exit 2 for malformed input (nothing
written), 3 when a rule refuses (a purchase order, a second reversal, …).
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable
from decimal import Decimal

from chapterdesk.cli.common import (
    add_db_option,
    add_json_option,
    date_arg,
    opened_db,
    print_json,
    print_table,
    write_text_table,
)
from chapterdesk.cli.dues_settings import register_settings
from chapterdesk.cli.failures import entry_number, year_number
from chapterdesk.json_values import to_jsonable
from chapterdesk.money import format_money, from_cents, money_text
from chapterdesk.services import dues
from chapterdesk.services.dues.ledger import METHOD_LABELS
from chapterdesk.services.roster.reader import chapter_info


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `dues` group."""
    group = sub.add_parser("dues", help="chapter dues: rates, assessment, payments, balances")
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")
    register_settings(actions)

    assess = actions.add_parser("assess", help="charge a dues year to those who owe it")
    add_db_option(assess)
    assess.add_argument("year", type=year_number(), metavar="YEAR")
    assess.add_argument("--dry-run", action="store_true", help="show, write nothing")
    assess.add_argument("--date", type=date_arg("assessment date"), metavar="DATE")
    add_allow_date_option(assess)
    add_json_option(assess)
    assess.set_defaults(handler=run_assess)

    pay = actions.add_parser("pay", help="record a payment")
    add_db_option(pay)
    pay.add_argument("hq_id", metavar="HQ_ID")
    pay.add_argument("amount", metavar="AMOUNT")
    pay.add_argument(
        "--method",
        required=True,
        help="visa, mastercard, amex, card, check, money-order or transfer",
    )
    pay.add_argument("--reference", help="the check number (required for checks), card auth, …")
    pay.add_argument("--date", type=date_arg("payment date"), metavar="DATE")
    add_allow_date_option(pay)
    add_json_option(pay)
    pay.set_defaults(handler=run_pay)

    for name, helptext, handler in (
        ("reverse", "reverse a posted entry", run_reverse),
        ("waive", "waive what is open of a member's dues for a year", run_waive),
        ("credit", "credit a member without payment", run_credit),
    ):
        action = actions.add_parser(name, help=helptext)
        add_db_option(action)
        if name == "reverse":
            action.add_argument("entry_id", type=entry_number("ENTRY_ID"), metavar="ENTRY_ID")
        else:
            action.add_argument("hq_id", metavar="HQ_ID")
            if name == "waive":
                action.add_argument("year", type=year_number(), metavar="YEAR")
            else:
                action.add_argument("amount", metavar="AMOUNT")
        action.add_argument("--reason", required=True, help="why (kept in the ledger)")
        action.add_argument("--date", type=date_arg(f"{name} date"), metavar="DATE")
        add_allow_date_option(action)
        add_json_option(action)
        action.set_defaults(handler=handler)

    balance = actions.add_parser("balance", help="balances and aging (one member or all)")
    add_db_option(balance)
    balance.add_argument("hq_id", nargs="?", metavar="HQ_ID")
    balance.add_argument(
        "--as-of",
        type=date_arg("as-of date"),
        metavar="DATE",
        help="the balances as the ledger stood at the end of this day, aged on it (default today)",
    )
    add_json_option(balance)
    balance.set_defaults(handler=run_balance)

    listing = actions.add_parser("list", help="each member's dues per year")
    add_db_option(listing)
    listing.add_argument("--year", type=year_number(), metavar="YEAR")
    listing.add_argument("--unpaid", action="store_true", help="only dues still open")
    add_json_option(listing)
    listing.set_defaults(handler=run_list)


def add_allow_date_option(parser: argparse.ArgumentParser) -> None:
    """`--allow-date`: post with a date before the chapter's records begin (or far ahead)."""
    parser.add_argument(
        "--allow-date",
        action="store_true",
        help="accept a --date before the chapter's records begin (or, for an assessment, "
        "more than a year ahead)",
    )


def money_formatter(currency: str) -> Callable[[Decimal], str]:
    """A function that formats amounts in the chapter's currency."""

    @functools.lru_cache(maxsize=4096)  # a chapter's amounts repeat a lot
    def money(amount: Decimal) -> str:
        return format_money(amount, currency)

    return money


def cents_formatter(currency: str) -> Callable[[int], str]:
    """A function that formats amounts in cents in the chapter's currency."""

    @functools.lru_cache(maxsize=4096)
    def money(cents: int) -> str:
        return format_money(from_cents(cents), currency)

    return money


def run_assess(args: argparse.Namespace) -> int:
    """Assess a dues year (or show what it would charge)."""
    with opened_db(args) as db:
        currency = chapter_info(db).currency
        result = dues.assess_dues(
            db, args.year, dry_run=args.dry_run, as_of=args.date, allow_date=args.allow_date
        )
    if args.json:
        print_json(result)
        return 0
    money = money_formatter(currency)
    print(
        f"Dues year {result.year} ({result.starts_on} to {result.ends_on}), charges dated "
        f"{result.posted_on}" + (" - dry run: nothing was written." if result.dry_run else ".")
    )
    if result.charged:
        print_table(
            ("Entry", "HQ ID", "Name", "Category", "Amount", "Why"),
            (
                (
                    line.entry_id or "-",
                    line.hq_id,
                    line.name,
                    line.category,
                    money(line.amount),
                    "; ".join(line.reasons),
                )
                for line in result.charged
            ),
        )
    verb = "Would charge" if result.dry_run else "Charged"
    print(
        f"{verb} {len(result.charged)} member(s), {money(result.total)} in all; "
        f"{result.already_charged} already charged for {result.year}; "
        f"{len(result.skipped)} not charged."
    )
    if result.skipped:
        print("Not charged:")
        print_table(
            ("HQ ID", "Name", "Standing", "Reason"),
            ((s.hq_id, s.name, s.standing.label, s.reason) for s in result.skipped),
        )
    return 0


def run_pay(args: argparse.Namespace) -> int:
    """Record a payment and print its receipt."""
    with opened_db(args) as db:
        currency = chapter_info(db).currency
        receipt = dues.record_payment(
            db,
            args.hq_id,
            args.amount,
            args.method,
            args.reference,
            args.date,
            allow_date=args.allow_date,
        )
    if args.json:
        body = to_jsonable(receipt)
        body["applied"] = [{"dues_year": y, "amount": money_text(a)} for y, a in receipt.applied]
        print_json(body)
        return 0
    money = money_formatter(currency)
    how = METHOD_LABELS[receipt.method]
    ref = f" {receipt.reference}" if receipt.reference else ""
    applied = ", ".join(f"{year} dues {money(amount)}" for year, amount in receipt.applied)
    print(
        f"Receipt {receipt.receipt_no}: {money(receipt.amount)} by {how}{ref} from "
        f"{receipt.name} ({receipt.hq_id}) on {receipt.paid_on} (entry {receipt.entry_id})."
    )
    print(f"  Paid: {applied or 'nothing open; kept as credit'}.")
    print(
        f"  Now outstanding {money(receipt.outstanding_after)}, "
        f"credit {money(receipt.credit_after)}."
    )
    return 0


def _print_entry(entry: dues.EntryView, currency: str, verb: str) -> None:
    print(
        f"{verb} entry {entry.id}: {entry.describe()}, {format_money(entry.amount, currency)}, "
        f"for {entry.hq_id} on {entry.posted_on}."
    )


def run_reverse(args: argparse.Namespace) -> int:
    """Reverse a posted entry."""
    with opened_db(args) as db:
        currency = chapter_info(db).currency
        entry = dues.reverse_entry(
            db, args.entry_id, args.reason, on=args.date, allow_date=args.allow_date
        )
    if args.json:
        print_json(entry)
    else:
        _print_entry(entry, currency, "Posted")
    return 0


def run_waive(args: argparse.Namespace) -> int:
    """Waive a member's open dues for a year."""
    with opened_db(args) as db:
        currency = chapter_info(db).currency
        entry = dues.waive_dues(
            db, args.hq_id, args.year, args.reason, on=args.date, allow_date=args.allow_date
        )
    if args.json:
        print_json(entry)
    else:
        _print_entry(entry, currency, "Posted")
    return 0


def run_credit(args: argparse.Namespace) -> int:
    """Credit a member."""
    with opened_db(args) as db:
        currency = chapter_info(db).currency
        entry = dues.post_credit(
            db, args.hq_id, args.amount, args.reason, on=args.date, allow_date=args.allow_date
        )
    if args.json:
        print_json(entry)
    else:
        _print_entry(entry, currency, "Posted")
    return 0


def run_balance(args: argparse.Namespace) -> int:
    """One member's balance and ledger, or the chapter's totals and members with a balance."""
    from chapterdesk.services.dues.balances import (
        balance_sheet,
        balances_jsonable,
        member_balance,
    )

    with opened_db(args) as db:
        if args.hq_id:
            member = member_balance(db, args.hq_id, args.as_of)
            currency = "" if args.json else chapter_info(db).currency
        elif args.json:
            print_json(balances_jsonable(db, args.as_of), plain=True)
            return 0
        else:
            sheet = balance_sheet(db, args.as_of)
    if args.hq_id:
        if args.json:
            print_json(member)
        else:
            _print_member(member, money_formatter(currency))
        return 0
    money = cents_formatter(sheet.currency)
    t = sheet.totals
    print(f"Dues balances as of {sheet.as_of} ({t.members} members with ledger entries)")
    print(f"  Assessed     {money(t.assessed):>14}")
    print(f"  Paid         {money(t.paid):>14}")
    print(f"  Credits      {money(t.credits):>14}")
    print(f"  Waived       {money(t.waived):>14}")
    print(f"  Outstanding  {money(t.outstanding):>14}  ({t.members_owing} members)")
    print(f"  Credit       {money(t.credit):>14}  ({t.members_in_credit} members)")
    a = t.aging
    print(
        f"  Aging: current {money(a[0])}, 30 days {money(a[1])}, "
        f"60 days {money(a[2])}, 90+ days {money(a[3])}"
    )
    owing = [
        (p.hq_id, m.name, money(p.outstanding), money(p.credit), money(m.aging[3]))
        for m in sheet.members
        if (p := m.position).balance != 0
    ]
    if owing:
        write_text_table(("HQ ID", "Name", "Outstanding", "Credit", "90+ days"), owing, sys.stdout)
    return 0


def _print_member(member: dues.MemberBalance, money: Callable[[Decimal], str]) -> None:
    print(f"{member.name} ({member.hq_id})")
    print(
        f"  Assessed {money(member.assessed)}, paid {money(member.paid)}, credits "
        f"{money(member.credits)}, waived {money(member.waived)}"
    )
    print(f"  Outstanding {money(member.outstanding)}, credit {money(member.credit)}")
    for charge in member.charges:
        print(
            f"  {charge.dues_year} dues {money(charge.charged)}: paid {money(charge.paid)}, "
            f"waived {money(charge.waived)}, open {money(charge.open)}"
        )
    if member.entries:
        print_table(
            ("Entry", "Date", "What", "Amount", "Effect", "Reversed by"),
            (
                (
                    e.id,
                    e.posted_on,
                    e.describe(),
                    money(e.amount),
                    money(e.signed),
                    e.reversed_by or "",
                )
                for e in member.entries
            ),
        )
    else:
        print("  No ledger entries.")


def run_list(args: argparse.Namespace) -> int:
    """List dues per member and year."""
    from chapterdesk.services.dues.balances import dues_line_cents

    with opened_db(args) as db:
        currency, lines = dues_line_cents(db, year=args.year, unpaid=args.unpaid)
    if args.json:
        text = functools.lru_cache(maxsize=4096)(lambda cents: money_text(from_cents(cents)))
        print_json(
            [
                {
                    "hq_id": line.hq_id,
                    "name": line.name,
                    "dues_year": (c := line.charge).dues_year,
                    "charge_id": c.entry_id,
                    "charged_on": c.posted_on.isoformat(),
                    "charged": text(c.charged),
                    "waived": text(c.waived),
                    "paid": text(c.paid),
                    "open": text(c.open),
                    "status": line.status,
                    "days_outstanding": line.days_outstanding,
                    "list_name": line.list_name,
                }
                for line in lines
            ],
            plain=True,
        )
        return 0
    money = cents_formatter(currency)
    write_text_table(
        ("Year", "HQ ID", "Name", "Charged", "Waived", "Paid", "Open", "Status"),
        [
            (
                str((c := line.charge).dues_year),
                line.hq_id,
                line.name,
                money(c.charged),
                money(c.waived),
                money(c.paid),
                money(c.open),
                line.status,
            )
            for line in lines
        ],
        sys.stdout,
    )
    open_total = sum(line.charge.open for line in lines)
    print(f"{len(lines)} line(s); open {money(open_total)}.")
    return 0
