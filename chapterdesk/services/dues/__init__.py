"""Chapter dues, the one door for the UI, the command line and reports.

The treasurer's work is split by concern: `rates` (dues years, rates, the
year's rules), `organisations` (employers, non-profit ones), `pricing` (the
rate rules as pure functions), `assessment` (who is charged what and why),
`payments` (payments with receipts), `corrections` (credits, waivers,
reversals), `ledger` (entry views and how payments apply to charges) and
`balances` (balances, aging, who hasn't paid). This module gathers their public names so
callers import one place: `from chapterdesk.services import dues`.

Each name is imported from its module when first used (PEP 562), so a
command that reads balances does not pay for importing assessment, payments
and the models behind them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Imported now, not on first use: the module shares the function's name `balances`,
# and importing a submodule binds its name in the package (over a lazy function).
# It reads with the standard library alone, so it costs little.
from chapterdesk.services.dues.balances import (
    Aging,
    BalanceReport,
    BalanceTotals,
    DuesLine,
    MemberBalance,
    aging_bucket,
    balances,
    dues_lines,
    member_balance,
    who_has_not_paid,
)

if TYPE_CHECKING:
    from chapterdesk.services.dues.assessment import (
        Assessment,
        AssessmentLine,
        SkippedMember,
        assess_dues,
    )
    from chapterdesk.services.dues.corrections import post_credit, reverse_entry, waive_dues
    from chapterdesk.services.dues.ledger import ChargeStatus, EntryView
    from chapterdesk.services.dues.organisations import (
        OrganisationView,
        list_organisations,
        organisation_key,
        set_nonprofit,
    )
    from chapterdesk.services.dues.payments import (
        PaymentRequest,
        Receipt,
        parse_method,
        record_payment,
        record_payments,
    )
    from chapterdesk.services.dues.pricing import Pricing, price_dues, proration_percent
    from chapterdesk.services.dues.rates import (
        DuesYear,
        ProrationRule,
        Rate,
        YearRules,
        clear_rate,
        dues_year,
        dues_year_of,
        dues_year_window,
        list_rates,
        parse_proration,
        set_rate,
        set_year_rules,
        year_rules,
    )

# Where each public name lives (the module under `chapterdesk.services.dues`).
_HOME = {
    "Assessment": "assessment",
    "AssessmentLine": "assessment",
    "SkippedMember": "assessment",
    "assess_dues": "assessment",
    "post_credit": "corrections",
    "reverse_entry": "corrections",
    "waive_dues": "corrections",
    "ChargeStatus": "ledger",
    "EntryView": "ledger",
    "OrganisationView": "organisations",
    "list_organisations": "organisations",
    "organisation_key": "organisations",
    "set_nonprofit": "organisations",
    "PaymentRequest": "payments",
    "Receipt": "payments",
    "parse_method": "payments",
    "record_payment": "payments",
    "record_payments": "payments",
    "Pricing": "pricing",
    "price_dues": "pricing",
    "proration_percent": "pricing",
    "DuesYear": "rates",
    "ProrationRule": "rates",
    "Rate": "rates",
    "YearRules": "rates",
    "clear_rate": "rates",
    "dues_year": "rates",
    "dues_year_of": "rates",
    "dues_year_window": "rates",
    "list_rates": "rates",
    "parse_proration": "rates",
    "set_rate": "rates",
    "set_year_rules": "rates",
    "year_rules": "rates",
}


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "Aging",
    "Assessment",
    "AssessmentLine",
    "BalanceReport",
    "BalanceTotals",
    "ChargeStatus",
    "DuesLine",
    "DuesYear",
    "EntryView",
    "MemberBalance",
    "OrganisationView",
    "PaymentRequest",
    "Pricing",
    "ProrationRule",
    "Rate",
    "Receipt",
    "SkippedMember",
    "YearRules",
    "aging_bucket",
    "assess_dues",
    "balances",
    "clear_rate",
    "dues_lines",
    "dues_year",
    "dues_year_of",
    "dues_year_window",
    "list_organisations",
    "list_rates",
    "member_balance",
    "organisation_key",
    "parse_method",
    "parse_proration",
    "post_credit",
    "price_dues",
    "proration_percent",
    "record_payment",
    "record_payments",
    "reverse_entry",
    "set_nonprofit",
    "set_rate",
    "set_year_rules",
    "waive_dues",
    "who_has_not_paid",
    "year_rules",
]
