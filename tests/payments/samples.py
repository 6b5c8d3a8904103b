"""Realistic payments exports, written by the tests (never downloaded).

Column names follow the processors' own exports: Stripe's payments export
(`unified_payments.csv`) and itemised payout reconciliation report, PayPal's
activity download, Square's transactions export; OFX 1.02 (SGML) and 2.2
(XML) bank statements as online banking writes them; a bank CSV with a
title line above its header.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path


@dataclass(frozen=True)
class Paid:
    """One payment in a sample file."""

    ident: str
    day: dt.date
    gross: Decimal
    fee: Decimal = Decimal("0.00")
    name: str = ""
    email: str = ""
    memo: str = ""
    brand: str = "Visa"
    check: str = ""


STRIPE_HEADERS = [
    "id", "Created date (UTC)", "Amount", "Amount Refunded", "Currency", "Captured",
    "Converted Amount", "Converted Amount Refunded", "Converted Currency", "Description", "Fee",
    "Refunded date (UTC)", "Statement Descriptor", "Status", "Seller Message", "Taxes On Fee",
    "Card ID", "Customer ID", "Customer Description", "Customer Email", "Card Name",
    "Card Brand", "Card Funding", "Card Last4", "Card Exp Month", "Card Exp Year",
    "Card Address Country", "invoice_number (metadata)",
]  # fmt: skip


def write_stripe(path: Path, lines: Sequence[Paid], *, refunded: Sequence[Paid] = ()) -> Path:
    """A Stripe payments export (the dashboard's Payments → Export, all columns)."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(STRIPE_HEADERS)
        for p, status in [*((p, "Paid") for p in lines), *((p, "Refunded") for p in refunded)]:
            amount = f"{p.gross:.2f}"
            writer.writerow([
                p.ident, f"{p.day:%Y-%m-%d} 14:{len(p.ident) % 60:02d}:07", amount,
                amount if status == "Refunded" else "0.00", "usd", "true", amount,
                "0.00", "usd", p.memo, f"{p.fee:.2f}", "", "CHAPTER DUES", status,
                "Payment complete.", "0.00", "card_1Nv" + p.ident[-8:], "cus_P" + p.ident[-6:],
                p.name, p.email, p.name, p.brand, "credit", "4242", "12", "2028", "US", "",
            ])  # fmt: skip
    return path


PAYOUT_HEADERS = [
    "balance_transaction_id", "created_utc", "created", "available_on_utc", "currency", "gross",
    "fee", "net", "reporting_category", "source_id", "description", "customer_facing_amount",
    "customer_facing_currency", "automatic_payout_id", "automatic_payout_effective_at",
    "customer_id", "customer_email", "customer_name", "customer_description", "charge_id",
    "payment_intent_id", "invoice_id", "payment_method_type", "card_brand", "card_funding",
]  # fmt: skip


def write_stripe_payouts(path: Path, lines: Sequence[Paid]) -> Path:
    """Stripe's itemised payout reconciliation report (payout_reconciliation.itemized.5)."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(PAYOUT_HEADERS)
        for p in lines:
            stamp = f"{p.day:%Y-%m-%d} 09:12:44"
            writer.writerow([
                "txn_3P" + p.ident[-10:], stamp, stamp, stamp, "usd", f"{p.gross:.2f}",
                f"{p.fee:.2f}", f"{p.gross - p.fee:.2f}", "charge", p.ident, p.memo,
                f"{p.gross:.2f}", "usd", "po_1PAYOUT", stamp, "cus_P" + p.ident[-6:], p.email,
                p.name, "", p.ident, "pi_3P" + p.ident[-8:], "", "card", p.brand.lower(),
                "credit",
            ])  # fmt: skip
        writer.writerow([
            "txn_payout", "2026-11-30 00:00:00", "2026-11-30 00:00:00", "", "usd", "-500.00",
            "0.00", "-500.00", "payout", "po_1PAYOUT", "STRIPE PAYOUT", "", "", "", "", "", "",
            "", "", "", "", "", "", "", "",
        ])  # fmt: skip
    return path


PAYPAL_HEADERS = [
    "Date", "Time", "TimeZone", "Name", "Type", "Status", "Currency", "Gross", "Fee", "Net",
    "From Email Address", "To Email Address", "Transaction ID", "Shipping Address",
    "Address Status", "Item Title", "Item ID", "Shipping and Handling Amount",
    "Insurance Amount", "Sales Tax", "Reference Txn ID", "Invoice Number", "Custom Number",
    "Quantity", "Receipt ID", "Balance", "Contact Phone Number", "Subject", "Note",
    "Balance Impact",
]  # fmt: skip


def write_paypal(path: Path, lines: Sequence[Paid]) -> Path:
    """PayPal's Activity download (Reports → Activity download, CSV, all transactions)."""
    with path.open("w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out)
        writer.writerow(PAYPAL_HEADERS)
        for p in lines:
            writer.writerow([
                f"{p.day:%m/%d/%Y}", "10:15:02", "PST", p.name, "Website Payment", "Completed",
                "USD", f"{p.gross:,.2f}", f"-{p.fee:.2f}", f"{p.gross - p.fee:,.2f}", p.email,
                "treasurer@chapter.example", p.ident, "", "Non-Confirmed", "Chapter dues", "",
                "0.00", "0.00", "0.00", "", "", p.memo, "1", "", "0.00", "", "", "", "Credit",
            ])  # fmt: skip
        writer.writerow([
            "11/30/2026", "23:00:00", "PST", "", "General Withdrawal", "Completed", "USD",
            "-300.00", "0.00", "-300.00", "treasurer@chapter.example", "", "9WD00000000000000",
            "", "", "", "", "0.00", "0.00", "0.00", "", "", "", "", "", "0.00", "", "", "",
            "Debit",
        ])  # fmt: skip
    return path


SQUARE_HEADERS = [
    "Date", "Time", "Time Zone", "Gross Sales", "Discounts", "Service Charges", "Net Sales",
    "Gift Card Sales", "Tax", "Tip", "Partial Refunds", "Total Collected", "Source", "Card",
    "Card Entry Methods", "Cash", "Square Gift Card", "Other Tender", "Other Tender Type",
    "Fees", "Net Total", "Transaction ID", "Payment ID", "Card Brand", "PAN Suffix",
    "Device Name", "Staff Name", "Details", "Description", "Event Type", "Location",
    "Customer ID", "Customer Name", "Customer Reference ID", "Transaction Status",
]  # fmt: skip


def write_square(path: Path, lines: Sequence[Paid]) -> Path:
    """Square's Transactions export (Dashboard → Transactions → Export, transactions CSV)."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(SQUARE_HEADERS)
        for p in lines:
            money = f"${p.gross:,.2f}"
            writer.writerow([
                f"{p.day:%Y-%m-%d}", "18:40:11", "Eastern Time (US & Canada)", money, "$0.00",
                "$0.00", money, "$0.00", "$0.00", "$0.00", "$0.00", money, "Point of Sale",
                money, "Keyed", "$0.00", "$0.00", "$0.00", "", f"-${p.fee:.2f}",
                f"${p.gross - p.fee:,.2f}", p.ident, "pay" + p.ident[-8:], p.brand, "1111",
                "Treasurer iPad", "Treasurer", "", p.memo, "Payment", "Annual dinner",
                "CUST" + p.ident[-5:], p.name, "", "Complete",
            ])  # fmt: skip
    return path


def ofx_transactions(lines: Sequence[Paid], closing: str) -> str:
    """STMTTRN aggregates for the credits, one debit, in OFX element syntax (closed tags)."""
    parts = []
    for p in lines:
        kind = "CHECK" if p.check else "DEP"
        check = f"<CHECKNUM>{p.check}</CHECKNUM>" if p.check else ""
        parts.append(
            f"<STMTTRN><TRNTYPE>{kind}</TRNTYPE><DTPOSTED>{p.day:%Y%m%d}120000.000[-5:EST]"
            f"</DTPOSTED><TRNAMT>{p.gross:.2f}</TRNAMT><FITID>{p.ident}</FITID>{check}"
            f"<NAME>{p.name[:32]}</NAME><MEMO>{p.memo}</MEMO></STMTTRN>"
        )
    parts.append(
        "<STMTTRN><TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20261130</DTPOSTED><TRNAMT>-25.00</TRNAMT>"
        "<FITID>FEE202611</FITID><NAME>MONTHLY SERVICE FEE</NAME></STMTTRN>"
    )
    body = "".join(parts)
    return (
        "<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>"
        "<DTSERVER>20261201083000</DTSERVER><LANGUAGE>ENG</LANGUAGE></SONRS></SIGNONMSGSRSV1>"
        "<BANKMSGSRSV1><STMTTRNRS><TRNUID>1001</TRNUID><STATUS><CODE>0</CODE>"
        "<SEVERITY>INFO</SEVERITY></STATUS><STMTRS><CURDEF>USD</CURDEF><BANKACCTFROM>"
        "<BANKID>121000248</BANKID><ACCTID>4417123456</ACCTID><ACCTTYPE>CHECKING</ACCTTYPE>"
        "</BANKACCTFROM><BANKTRANLIST><DTSTART>20261101</DTSTART><DTEND>20261130</DTEND>"
        f"{body}</BANKTRANLIST><LEDGERBAL><BALAMT>{closing}</BALAMT>"
        "<DTASOF>20261130</DTASOF></LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>"
    )


def write_ofx_v1(path: Path, lines: Sequence[Paid]) -> Path:
    """An OFX 1.02 (SGML) statement, as a US bank's 'Quicken/QFX' download writes it."""
    header = (
        "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\n"
        "CHARSET:1252\r\nCOMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n"
    )
    path.write_text(header + ofx_transactions(lines, "5120.33"), encoding="cp1252", newline="")
    return path


def write_ofx_v2(path: Path, lines: Sequence[Paid]) -> Path:
    """An OFX 2.2 (XML) statement."""
    header = (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        '<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" '
        'NEWFILEUID="NONE"?>\n'
    )
    path.write_text(header + ofx_transactions(lines, "5120.33"), encoding="utf-8")
    return path


def write_bank_csv(path: Path, lines: Sequence[Paid], *, headers: Sequence[str] = ()) -> Path:
    """A bank's CSV download: an account title line, then Date, Description, Amount, ..."""
    names = list(headers) or ["Posting Date", "Description", "Payer", "Check Number", "Amount"]
    with path.open("w", newline="", encoding="cp1252") as out:
        out.write("Account Activity - Chapter Operating ****4417\r\n")
        writer = csv.writer(out)
        writer.writerow(names)
        for p in lines:
            writer.writerow([f"{p.day:%m/%d/%Y}", p.memo, p.name, p.check, f"{p.gross:.2f}"])
        writer.writerow(["11/30/2026", "MONTHLY SERVICE FEE", "", "", "-25.00"])
    return path
