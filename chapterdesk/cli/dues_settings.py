"""`dues rate|rules|org`: the settings an assessment reads, from the command line."""

from __future__ import annotations

import argparse
from typing import Any

from chapterdesk.cli.common import (
    add_db_option,
    add_json_option,
    opened_db,
    print_json,
    print_table,
)
from chapterdesk.cli.failures import bounded_int, year_number
from chapterdesk.money import format_money, money_text
from chapterdesk.services import dues
from chapterdesk.services.roster.reader import chapter_info


def register_settings(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `dues rate`, `dues rules` and `dues org` to the `dues` group."""
    rate = actions.add_parser("rate", help="dues rates per year and category")
    rate_actions = rate.add_subparsers(dest="rate_action", required=True, metavar="ACTION")
    rate_set = rate_actions.add_parser("set", help="set a category's rates for a dues year")
    add_db_option(rate_set)
    rate_set.add_argument("year", type=year_number(), metavar="YEAR")
    rate_set.add_argument("category", metavar="CATEGORY", help="category code or name")
    rate_set.add_argument("amount", metavar="AMOUNT", help="the full rate, e.g. 150.00")
    rate_set.add_argument("--nonprofit", metavar="AMOUNT", help="rate for non-profit employers")
    rate_set.add_argument(
        "--enterprise", metavar="AMOUNT", help="reduced rate past the enterprise threshold"
    )
    add_json_option(rate_set)
    rate_set.set_defaults(handler=run_rate_set)
    rate_list = rate_actions.add_parser("list", help="list the rates")
    add_db_option(rate_list)
    rate_list.add_argument("year", type=year_number(), nargs="?", metavar="YEAR")
    add_json_option(rate_list)
    rate_list.set_defaults(handler=run_rate_list)

    rules = actions.add_parser("rules", help="a dues year's enterprise, promotion and proration")
    rules_actions = rules.add_subparsers(dest="rules_action", required=True, metavar="ACTION")
    rules_set = rules_actions.add_parser("set", help="change a dues year's rules")
    add_db_option(rules_set)
    rules_set.add_argument("year", type=year_number(), metavar="YEAR")
    rules_set.add_argument(
        "--enterprise-after",
        type=bounded_int("--enterprise-after", 0, 1_000_000),
        metavar="N",
        help="an organisation's first N members pay full rate, later ones the enterprise rate "
        "(0: no enterprise schedule)",
    )
    rules_set.add_argument(
        "--promotion",
        type=bounded_int("--promotion", 0, 100),
        metavar="PERCENT",
        help="%% off for new members (0: none)",
    )
    rules_set.add_argument(
        "--promotion-gap-years",
        type=bounded_int("--promotion-gap-years", 0, 100),
        metavar="YEARS",
        help="years away that count as new",
    )
    rules_set.add_argument(
        "--proration",
        metavar="STEPS",
        help='percent due by join date, e.g. "07-01=50,12-01=0" ("" for none)',
    )
    add_json_option(rules_set)
    rules_set.set_defaults(handler=run_rules_set)
    rules_show = rules_actions.add_parser("show", help="show a dues year's rules")
    add_db_option(rules_show)
    rules_show.add_argument("year", type=year_number(), metavar="YEAR")
    add_json_option(rules_show)
    rules_show.set_defaults(handler=run_rules_show)

    org = actions.add_parser("org", help="employers: list them, mark one non-profit")
    org_actions = org.add_subparsers(dest="org_action", required=True, metavar="ACTION")
    org_list = org_actions.add_parser("list", help="employers of current members")
    add_db_option(org_list)
    add_json_option(org_list)
    org_list.set_defaults(handler=run_org_list)
    nonprofit = org_actions.add_parser("nonprofit", help="mark an employer non-profit")
    add_db_option(nonprofit)
    nonprofit.add_argument("name", metavar="NAME", help="the employer, as HQ data spells it")
    nonprofit.add_argument("--off", action="store_true", help="no longer non-profit")
    nonprofit.set_defaults(handler=run_org_nonprofit)


def rate_json(rate: dues.Rate) -> dict[str, Any]:
    """A rate in the command line's JSON shape."""

    def maybe(value: Any) -> str | None:
        return None if value is None else money_text(value)

    return {
        "dues_year": rate.year,
        "category": rate.category_code,
        "category_name": rate.category_name,
        "amount": money_text(rate.amount),
        "nonprofit_amount": maybe(rate.nonprofit_amount),
        "enterprise_amount": maybe(rate.enterprise_amount),
    }


def run_rate_set(args: argparse.Namespace) -> int:
    """Set a category's rates for a year."""
    with opened_db(args) as db:
        currency = chapter_info(db).currency
        rate = dues.set_rate(
            db,
            args.year,
            args.category,
            args.amount,
            nonprofit=args.nonprofit,
            enterprise=args.enterprise,
        )
    if args.json:
        print_json(rate_json(rate))
        return 0
    extra = ""
    if rate.nonprofit_amount is not None:
        extra += f", non-profit {format_money(rate.nonprofit_amount, currency)}"
    if rate.enterprise_amount is not None:
        extra += f", enterprise {format_money(rate.enterprise_amount, currency)}"
    print(
        f"{rate.category_name} dues for {rate.year}: {format_money(rate.amount, currency)}{extra}."
    )
    return 0


def run_rate_list(args: argparse.Namespace) -> int:
    """List rates."""
    with opened_db(args) as db:
        currency = chapter_info(db).currency
        rates = dues.list_rates(db, args.year)
    if args.json:
        print_json([rate_json(r) for r in rates])
        return 0
    if not rates:
        print("No dues rates set" + (f" for {args.year}" if args.year else "") + ".")
        return 0

    def shown(value: Any) -> str:
        return "-" if value is None else format_money(value, currency)

    print_table(
        ("Year", "Category", "Rate", "Non-profit", "Enterprise"),
        (
            (
                r.year,
                r.category_name,
                shown(r.amount),
                shown(r.nonprofit_amount),
                shown(r.enterprise_amount),
            )
            for r in rates
        ),
    )
    return 0


def rules_json(rules: dues.YearRules) -> dict[str, Any]:
    """A year's rules in the command line's JSON shape."""
    return {
        "dues_year": rules.year,
        "enterprise_full_count": rules.enterprise_full_count,
        "promotion_percent": rules.promotion_percent,
        "promotion_gap_years": rules.promotion_gap_years,
        "proration": [
            {"from": f"{s.month:02d}-{s.day:02d}", "percent": s.percent} for s in rules.proration
        ],
    }


def _print_rules(rules: dues.YearRules, window: dues.DuesYear) -> None:
    print(f"Dues year {rules.year}: {window.starts_on.isoformat()} to {window.ends_on.isoformat()}")
    if rules.enterprise_full_count is None:
        print("  Enterprise schedule: none")
    else:
        print(
            f"  Enterprise schedule: an organisation's first {rules.enterprise_full_count} "
            "members pay the full rate, later ones the enterprise rate"
        )
    if rules.promotion_percent:
        print(
            f"  Promotion: {rules.promotion_percent}% off for a new member (or one away "
            f"{rules.promotion_gap_years}+ years) whose organisation already has members"
        )
    else:
        print("  Promotion: none")
    steps = ", ".join(f"{s.percent}% from {s.month:02d}-{s.day:02d}" for s in rules.proration)
    print(f"  Proration by join date: {steps or 'none (everyone pays in full)'}")


def run_rules_set(args: argparse.Namespace) -> int:
    """Change a year's rules; options not given keep their current values."""
    with opened_db(args) as db:
        current = dues.year_rules(db, args.year)
        enterprise = current.enterprise_full_count
        if args.enterprise_after is not None:
            enterprise = args.enterprise_after or None
        rules = dues.YearRules(
            args.year,
            enterprise,
            current.promotion_percent if args.promotion is None else args.promotion,
            current.promotion_gap_years
            if args.promotion_gap_years is None
            else args.promotion_gap_years,
            current.proration if args.proration is None else dues.parse_proration(args.proration),
        )
        saved = dues.set_year_rules(db, rules)
        window = dues.dues_year(db, args.year)
    if args.json:
        print_json(rules_json(saved))
    else:
        _print_rules(saved, window)
    return 0


def run_rules_show(args: argparse.Namespace) -> int:
    """Show a year's rules."""
    with opened_db(args) as db:
        rules = dues.year_rules(db, args.year)
        window = dues.dues_year(db, args.year)
    if args.json:
        body = rules_json(rules)
        body.update(starts_on=window.starts_on, ends_on=window.ends_on)
        print_json(body)
    else:
        _print_rules(rules, window)
    return 0


def run_org_list(args: argparse.Namespace) -> int:
    """List employers with their member counts and non-profit flag."""
    with opened_db(args) as db:
        orgs = dues.list_organisations(db)
    if args.json:
        print_json(orgs)
        return 0
    print_table(
        ("Organisation", "Members", "Non-profit"),
        ((o.name, o.members, "yes" if o.nonprofit else "") for o in orgs),
    )
    return 0


def run_org_nonprofit(args: argparse.Namespace) -> int:
    """Mark or unmark an employer as non-profit."""
    with opened_db(args) as db:
        org = dues.set_nonprofit(db, args.name, not args.off)
    state = "non-profit" if org.nonprofit else "not non-profit"
    print(f"{org.name} is now {state} ({org.members} current members).")
    return 0
