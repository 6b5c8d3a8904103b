"""Chapter dues, the one door for the UI, the command line and reports.

The treasurer's work is split by concern: `rates` (dues years, rates, the
year's rules), `organisations` (employers, non-profit ones), `pricing` (the
rate rules as pure functions), `assessment` (who is charged what and why),
`payments` (payments with receipts), `corrections` (credits, waivers,
reversals), `ledger` (entry views and how payments apply to charges) and
`balances` (balances, aging, who hasn't paid). This module gathers their public names so
callers import one place: `from chapterdesk.services import dues`.
"""

from __future__ import annotations

from chapterdesk.services.dues.assessment import (
    Assessment,
    AssessmentLine,
    SkippedMember,
    assess_dues,
)
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
