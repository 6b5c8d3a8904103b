"""Reading a payments file: what it is (by content), its layout (by headers), and its lines.

OFX/QFX statements (v1 SGML and v2 XML) are read with ofxtools. CSV exports
are recognised by their header row (found among the first rows, below any
title lines): Stripe's payments export and itemised payout report, PayPal's
activity download, Square's transactions export; any other CSV is a bank
export whose columns are mapped by header synonyms, a remembered mapping or
the officer's `--map FIELD=HEADER`. Only money coming in is read: refunds,
withdrawals, pending and failed lines are counted as skipped, with why.

A file that is not one of these, or holds a line that cannot be read, is
refused with one sentence saying what is wrong and what to do; nothing of it
is used.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from chapterdesk.errors import BadInputError
from chapterdesk.hqsync.mapping import header_signature, normalise_header
from chapterdesk.hqsync.reading import choose_delimiter
from chapterdesk.payments.lines import (
    ZERO,
    IncomingLine,
    card_method,
    clip,
    line_hash,
    signed_amount,
    statement_date,
)

MAX_FILE_BYTES = 64 * 1024**2  #: a year of a busy chapter's card payments is a few MB
MAX_LINE_CHARS = 20_000
HEADER_SEARCH_ROWS = 30
ADVICE = (
    "Export the transactions as CSV (Stripe, PayPal, Square or your bank) or as OFX/QFX "
    "from online banking."
)

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF"),
    (b"PK\x03\x04", "a zip archive or an Excel workbook"),
    (b"\xd0\xcf\x11\xe0", "an old Excel or Word file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a program"),
)

#: The fields a bank CSV is mapped to, with the headers that name them.
BANK_FIELDS: dict[str, tuple[str, ...]] = {
    "date": ("Date", "Posting Date", "Posted Date", "Transaction Date", "Value Date",
             "Booking Date", "Trans Date", "Effective Date"),
    "amount": ("Amount", "Transaction Amount", "Amount (USD)", "Net Amount"),
    "credit": ("Credit", "Credits", "Credit Amount", "Deposit", "Deposits", "Money In",
               "Paid In", "Deposit Amount"),
    "payer": ("Name", "Payer", "Payer Name", "Payee", "Counterparty", "From", "Originator",
              "Remitter", "Customer Name"),
    "memo": ("Description", "Memo", "Details", "Narrative", "Transaction Description",
             "Remittance Information", "Notes", "Payment Details"),
    "check_number": ("Check Number", "Check No", "Check #", "Cheque Number", "Cheque No",
                     "Chq No", "Check"),
    "reference": ("Reference", "Ref", "Bank Reference", "Transaction ID", "FITID",
                  "Confirmation Number", "Reference Number", "Trace Number"),
    "type": ("Type", "Transaction Type", "Trans Type", "Details Type"),
}  # fmt: skip
BANK_HEADERS = {
    normalise_header(text): name for name, texts in BANK_FIELDS.items() for text in texts
}


@dataclass(frozen=True)
class PaymentFile:
    """What a payments file holds: its source, the lines paid in, and the lines skipped."""

    file_name: str
    sha256: str
    source: str  #: stripe, paypal, square, ofx or bank-csv
    label: str  #: how the source is named to the officer
    lines: tuple[IncomingLine, ...]
    skipped: tuple[tuple[int, str], ...]  #: (line, why) for lines that are not money in
    headers: tuple[str, ...] = ()
    header_row: int = 0
    mapping: dict[str, str] = field(default_factory=dict)  #: bank CSV: field → header

    @property
    def signature(self) -> str:
        """The header layout's signature (for remembering a bank mapping)."""
        return header_signature(self.headers)


Recognise = Callable[[tuple[str, ...]], dict[str, str] | None]


def read_payment_file(
    path: Path,
    *,
    overrides: Sequence[str] = (),
    recognise: Recognise | None = None,
) -> PaymentFile:
    """Read a payments file whatever it is (OFX/QFX or one of the CSV layouts).

    Args:
        overrides: `FIELD=HEADER` pairs for a bank CSV's columns (the officer's choice).
        recognise: the remembered mapping for a bank CSV header, if any.
    Raises:
        BadInputError: the file is unreadable, not a payments file, or a line is malformed.
    """
    data = _load(path)
    digest = hashlib.sha256(data).hexdigest()
    text = _decode(path, data)
    head = text.lstrip()[:400].upper()
    if head.startswith("OFXHEADER") or "<OFX>" in head or "<?OFX" in head:
        if overrides:
            raise BadInputError("--map is for CSV files; an OFX statement names its own fields.")
        from chapterdesk.payments.ofx import read_ofx

        lines, skipped = read_ofx(path, data)
        return PaymentFile(path.name, digest, "ofx", "bank statement (OFX)", lines, skipped)
    if head.startswith("<"):
        raise BadInputError(f"{path.name} is a web page or XML document, not a statement. {ADVICE}")
    rows = _csv_rows(path, text)
    return _read_csv(path.name, digest, rows, overrides, recognise)


def _load(path: Path) -> bytes:
    try:
        if path.exists() and not path.is_dir() and not path.is_file():
            raise BadInputError(
                f"{path} is not a regular file (a pipe or a device); give the exported file."
            )
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise BadInputError(
                f"{path.name} is {size / 1024**2:,.0f} MB, larger than any payments export "
                f"ChapterDesk reads ({MAX_FILE_BYTES // 1024**2} MB); export a shorter period."
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise BadInputError(f"{path} does not exist; check the file name.") from None
    except IsADirectoryError:
        raise BadInputError(f"{path} is a folder; give the exported file itself.") from None
    except PermissionError:
        raise BadInputError(f"{path} cannot be read (permission denied).") from None
    except OSError as exc:
        raise BadInputError(f"{path} cannot be read ({exc.strerror}).") from None
    if not data.strip():
        raise BadInputError(f"{path.name} is empty. {ADVICE}")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise BadInputError(f"{path.name} is {what}, not a payments export. {ADVICE}")
    return data


def _decode(path: Path, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data:
        for codec in ("utf-8-sig", "cp1252"):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                continue
    raise BadInputError(f"{path.name} holds binary data, not text. {ADVICE}")


def _csv_rows(path: Path, text: str) -> list[tuple[int, list[str]]]:
    lines = text.splitlines(keepends=True)
    if max(map(len, lines), default=0) <= MAX_LINE_CHARS:
        lines = lines[:60]  # all that choosing the delimiter reads
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_CHARS:
            raise BadInputError(
                f"{path.name} line {number} is longer than {MAX_LINE_CHARS:,} characters, which "
                f"no payments export has; check it is the right file."
            )
    delimiter = choose_delimiter("".join(lines[:60]))
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise BadInputError(
            f"{path.name} has a malformed line ({exc}); export it again as CSV."
        ) from None
    return rows


# --- the CSV layouts --------------------------------------------------------------------------

class Columns:
    """Where each header is in a file's rows, worked out once per file (not once per row)."""

    def __init__(self, headers: Sequence[str]) -> None:
        self.position: dict[str, int] = {}
        for index, text in enumerate(headers):
            key = normalise_header(text)
            if key and key not in self.position:
                self.position[key] = index
        #: the columns a memo is made of: the description and any metadata
        self.memo = [i for k, i in self.position.items() if k == "description" or "metadata" in k]
        self._found: dict[tuple[str, ...], tuple[int, ...]] = {}

    def find(self, names: tuple[str, ...]) -> tuple[int, ...]:
        """The columns headed by any of `names`, in the order named; (-1,) for none."""
        found = self._found.get(names)
        if found is None:
            found = tuple(
                self.position[_key(n)] for n in names if _key(n) in self.position
            ) or (-1,)
            self._found[names] = found
        return found


#: How a layout reads one row (its cells, its line number): a payment in, or why it is skipped.
RowReader = Callable[[list[str], int], "IncomingLine | str"]
Text = Callable[[list[str]], str]
Number = Callable[[list[str], int], Decimal]
Day = Callable[[list[str], int], dt.date]


class Fields:
    """A file's columns turned into readers of one field each, worked out once per file.

    A layout asks for its fields by header name once; each reader then takes a
    row's cells straight from the columns found (a name absent reads the empty
    cell every row ends with). Amounts and dates are parsed once per distinct
    text (an export repeats its amounts and days); the file and line are named
    only in the sentence of a cell that cannot be read.
    """

    def __init__(self, columns: Columns, file_name: str) -> None:
        self.columns = columns
        self.file_name = file_name
        self._amounts: dict[str, Decimal] = {}
        self._days: dict[str, dt.date] = {}

    def where(self, line_no: int) -> str:
        """How a line is named in a sentence."""
        return f"{self.file_name} line {line_no}"

    def text(self, *names: str) -> Text:
        """The first non-empty cell of the columns named (one of them, usually), stripped."""
        found = self.columns.find(names)
        if len(found) == 1:
            only = found[0]
            return lambda row: row[only].strip()

        def first(row: list[str]) -> str:
            for index in found:
                if row[index]:
                    return row[index].strip()
            return ""

        return first

    def memo(self, *names: str) -> Text:
        """The memo: the named columns, or (none named) the description and any metadata."""
        columns = self.columns
        indexes = columns.memo if not names else [i for n in names for i in columns.find((n,))]
        return lambda row: " ".join(row[i] for i in indexes if row[i])

    def amount(self, *names: str) -> Number:
        """The amount in the columns named (`signed_amount`, blank = 0)."""
        cell, known, where = self.text(*names), self._amounts, self.where

        def read(row: list[str], line_no: int) -> Decimal:
            raw = cell(row)
            value = known.get(raw)
            if value is None:
                value = known[raw] = signed_amount(raw, where(line_no))
            return value

        return read

    def day(self, *names: str) -> Day:
        """The date in the columns named (`statement_date`)."""
        cell, known, where = self.text(*names), self._days, self.where

        def read(row: list[str], line_no: int) -> dt.date:
            raw = cell(row)
            value = known.get(raw)
            if value is None:
                value = known[raw] = statement_date(raw, where(line_no))
            return value

        return read


@dataclass(frozen=True)
class Layout:
    """A processor's export: the headers that identify it and how a line is read."""

    source: str
    label: str
    needs: frozenset[str]  #: normalised headers that must all be present
    reader: Callable[[Fields], RowReader]  #: the row reader for a file's columns


@functools.cache
def _key(name: str) -> str:
    return normalise_header(name)


def _stripe_line(
    charge_id: Callable[[list[str]], str],
    created: Callable[[list[str], int], dt.date],
    fee: Callable[[list[str], int], Decimal],
    payer: Callable[[list[str]], str],
    email: Callable[[list[str]], str],
    memo: Callable[[list[str]], str],
    brand: Callable[[list[str]], str],
) -> Callable[[list[str], int, Decimal], IncomingLine]:
    """A Stripe row paid in, as a line: the same fields from a payments or a payouts export."""

    def line(row: list[str], line_no: int, gross: Decimal) -> IncomingLine:
        charge = charge_id(row)
        return IncomingLine(
            line_no, f"stripe:{charge}", created(row, line_no), gross, abs(fee(row, line_no)),
            clip(payer(row), 200), clip(email(row), 200), clip(memo(row), 500),
            card_method(brand(row)), charge[:60],
        )  # fmt: skip

    return line


def _stripe_payment(f: Fields) -> RowReader:
    status, captured, charge_id = f.text("Status"), f.text("Captured"), f.text("id")
    amount, refunded, fee = f.amount("Amount"), f.amount("Amount Refunded"), f.amount("Fee")
    created = f.day("Created date (UTC)", "Created (UTC)", "Created")
    payer = f.text("Card Name", "Customer Name", "Customer Description")
    email, memo, brand = f.text("Customer Email"), f.memo(), f.text("Card Brand")
    stripe_line = _stripe_line(charge_id, created, fee, payer, email, memo, brand)

    def read(row: list[str], line_no: int) -> IncomingLine | str:
        state = status(row).casefold()
        if state and state not in ("paid", "succeeded", "available", "pending"):
            return f"status {state}"
        if captured(row).casefold() == "false":
            return "not captured"
        gross, back = amount(row, line_no), refunded(row, line_no)
        if gross <= 0 or back >= gross:
            return "refunded" if back else "not a payment in"
        return stripe_line(row, line_no, gross)

    return read


def _stripe_payout(f: Fields) -> RowReader:
    category = f.text("reporting_category")
    amount, fee = f.amount("gross"), f.amount("fee")
    charge_id = f.text("charge_id", "source_id", "balance_transaction_id")
    created = f.day("created_utc", "created")
    payer = f.text("customer_name", "card_name", "customer_description")
    email, memo, brand = f.text("customer_email"), f.memo(), f.text("card_brand")
    stripe_line = _stripe_line(charge_id, created, fee, payer, email, memo, brand)

    def read(row: list[str], line_no: int) -> IncomingLine | str:
        kind = category(row).casefold()
        if kind not in ("charge", "payment"):
            return kind or "not a charge"
        gross = amount(row, line_no)
        if gross <= 0:
            return "not a payment in"
        return stripe_line(row, line_no, gross)

    return read


def _paypal(f: Fields) -> RowReader:
    status, impact = f.text("Status"), f.text("Balance Impact")
    transaction_id = f.text("Transaction ID")
    amount, fee, date = f.amount("Gross"), f.amount("Fee"), f.day("Date")
    memo = f.memo("Item Title", "Subject", "Note", "Invoice Number", "Custom Number")
    payer, email = f.text("Name"), f.text("From Email Address")

    def read(row: list[str], line_no: int) -> IncomingLine | str:
        state = status(row).casefold()
        if state and state != "completed":
            return f"status {state}"
        if impact(row).casefold() == "debit":
            return "money out"
        gross = amount(row, line_no)
        if gross <= 0:
            return "money out" if gross < 0 else "zero amount"
        transaction = transaction_id(row)
        return IncomingLine(
            line_no, f"paypal:{transaction}", date(row, line_no), gross,
            abs(fee(row, line_no)), clip(payer(row), 200), clip(email(row), 200),
            clip(memo(row), 500), "card", transaction[:60],
        )  # fmt: skip

    return read


def _square(f: Fields) -> RowReader:
    status, brand = f.text("Transaction Status"), f.text("Card Brand")
    cash, fee = f.amount("Cash"), f.amount("Fees")
    amount = f.amount("Total Collected", "Gross Sales")
    transaction_id, date = f.text("Transaction ID", "Payment ID"), f.day("Date")
    memo = f.memo("Description", "Details", "Customer Reference ID")
    payer, email = f.text("Customer Name"), f.text("Customer Email", "Email")

    def read(row: list[str], line_no: int) -> IncomingLine | str:
        state = status(row).casefold()
        if state and state not in ("complete", "completed"):
            return f"status {state}"
        if cash(row, line_no) > 0 and not brand(row):
            return "cash (record it with dues pay)"
        gross = amount(row, line_no)
        if gross <= 0:
            return "refund" if gross < 0 else "zero amount"
        transaction = transaction_id(row)
        return IncomingLine(
            line_no, f"square:{transaction}", date(row, line_no), gross,
            abs(fee(row, line_no)), clip(payer(row), 200), clip(email(row), 200),
            clip(memo(row), 500), card_method(brand(row)), transaction[:60],
        )  # fmt: skip

    return read


def _needs(*headers: str) -> frozenset[str]:
    return frozenset(normalise_header(h) for h in headers)


LAYOUTS: tuple[Layout, ...] = (
    Layout("stripe", "Stripe payments export", _needs("id", "Amount", "Fee", "Card Brand"),
           _stripe_payment),
    Layout("stripe", "Stripe itemised payouts", _needs("balance_transaction_id", "gross", "fee",
                                                       "net", "reporting_category"),
           _stripe_payout),
    Layout("paypal", "PayPal activity download", _needs("Gross", "Fee", "Net", "Transaction ID",
                                                        "From Email Address"), _paypal),
    Layout("square", "Square transactions export", _needs("Gross Sales", "Fees", "Net Total",
                                                          "Transaction ID"), _square),
)  # fmt: skip


def _layout_of(headers: Iterable[str]) -> Layout | None:
    found = {normalise_header(h) for h in headers}
    if {"createddateutc", "createdutc", "created"}.isdisjoint(found) and "id" in found:
        found.discard("id")  # a Stripe payments export always has a created column
    return next((layout for layout in LAYOUTS if layout.needs <= found), None)


def _bank_mapping(headers: Sequence[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for text in headers:
        name = BANK_HEADERS.get(normalise_header(text))
        if name is not None and name not in mapping:
            mapping[name] = text
    return mapping


def _is_bank_header(mapping: dict[str, str]) -> bool:
    return "date" in mapping and ("amount" in mapping or "credit" in mapping)


def _read_csv(
    file_name: str,
    digest: str,
    rows: list[tuple[int, list[str]]],
    overrides: Sequence[str],
    recognise: Recognise | None,
) -> PaymentFile:
    for index, (row_no, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        headers = tuple(c.strip() for c in cells)
        layout = _layout_of(headers)
        body = rows[index + 1 :]
        if layout is not None and not overrides:
            lines, skipped = _read_layout(file_name, layout, headers, body)
            return PaymentFile(
                file_name, digest, layout.source, layout.label, lines, skipped, headers, row_no
            )
        remembered = recognise(headers) if recognise else None
        mapping = remembered or _bank_mapping(headers)
        if _names_every_override(headers, overrides) or (
            not overrides and _is_bank_header(mapping)
        ):
            mapping = _apply_overrides(file_name, headers, mapping, overrides)
            lines, skipped = _read_bank(file_name, headers, mapping, body)
            return PaymentFile(
                file_name, digest, "bank-csv", "bank CSV export", lines, skipped, headers,
                row_no, mapping,
            )  # fmt: skip
    if overrides:
        wanted = ", ".join(repr(p.partition("=")[2].strip()) for p in overrides)
        raise BadInputError(
            f"{file_name} has no header row naming every column given with --map ({wanted}) "
            f"in its first {HEADER_SEARCH_ROWS} rows; check the header texts."
        )
    first = next((", ".join(c for c in cells if c.strip()) for _n, cells in rows if any(cells)), "")
    message = (
        f"{file_name} has no header row ChapterDesk recognises (the first row reads "
        f"{first[:120]!r}); name its date and amount columns with --map date=HEADER "
        f"--map amount=HEADER, or {ADVICE[0].lower()}{ADVICE[1:]}"
    )
    choices = header_choices(rows)
    if choices:
        raise ColumnsNotRecognised(message, choices)
    raise BadInputError(message)


class ColumnsNotRecognised(BadInputError):
    """A CSV file whose columns no known layout or bank header names: the officer maps them.

    `rows` are the file's first non-empty rows (each a candidate header row),
    so a window can offer their cells to choose the date and amount columns from.
    """

    def __init__(self, message: str, rows: tuple[tuple[str, ...], ...]) -> None:
        super().__init__(message)
        self.rows = rows


def header_choices(rows: Sequence[tuple[int, list[str]]]) -> tuple[tuple[str, ...], ...]:
    """The rows a header could be on: the first non-empty ones, cells stripped, blanks kept."""
    found = [tuple(c.strip() for c in cells) for _n, cells in rows[:HEADER_SEARCH_ROWS]]
    return tuple(row for row in found if sum(1 for c in row if c) >= 2)


def guess_bank_mapping(headers: Sequence[str]) -> dict[str, str]:
    """The bank fields ChapterDesk recognises among `headers` (field → header text)."""
    return _bank_mapping(headers)


def _names_every_override(headers: Sequence[str], overrides: Sequence[str]) -> bool:
    """Whether a row holds every header the officer's `--map` options name (the header row)."""
    texts = {h.strip().casefold() for h in headers if h.strip()}
    wanted = {pair.partition("=")[2].strip().casefold() for pair in overrides}
    return bool(overrides) and wanted <= texts


def _apply_overrides(
    file_name: str, headers: tuple[str, ...], mapping: dict[str, str], overrides: Sequence[str]
) -> dict[str, str]:
    chosen = dict(mapping)
    by_text = {h.casefold(): h for h in headers if h}
    for pair in overrides:
        name, sep, header = pair.partition("=")
        name = name.strip()
        if not sep or name not in BANK_FIELDS:
            raise BadInputError(
                f"--map {pair!r} should be FIELD=HEADER with FIELD one of "
                f"{', '.join(BANK_FIELDS)}."
            )
        text = by_text.get(header.strip().casefold())
        if text is None:
            raise BadInputError(
                f"--map {pair!r}: {file_name} has no column headed {header.strip()!r}; its "
                f"headers are {', '.join(h for h in headers if h)}."
            )
        chosen = {k: v for k, v in chosen.items() if v != text}
        chosen[name] = text
    if not _is_bank_header(chosen):
        missing = "date" if "date" not in chosen else "amount"
        raise BadInputError(
            f"{file_name} has no {missing} column ChapterDesk recognises; name it with "
            f"--map {missing}=HEADER (headers: {', '.join(h for h in headers if h)})."
        )
    return chosen


def _read_layout(
    file_name: str, layout: Layout, headers: tuple[str, ...], body: list[tuple[int, list[str]]]
) -> tuple[tuple[IncomingLine, ...], tuple[tuple[int, str], ...]]:
    lines: list[IncomingLine] = []
    skipped: list[tuple[int, str]] = []
    seen: set[str] = set()
    fields = Fields(Columns(headers), file_name)
    read_row = layout.reader(fields)
    width = len(headers)
    for row_no, row in body:
        if not (row and row[0].strip()) and not "".join(row).strip():
            continue  # a blank row (the first cell decides for all but a few)
        if len(row) < width:
            row.extend([""] * (width - len(row)))
        row.append("")  # what an absent column (-1) reads
        read = read_row(row, row_no)
        if isinstance(read, str):
            skipped.append((row_no, read))
        elif read.source_key.endswith(":"):
            raise BadInputError(
                f"{fields.where(row_no)} has no transaction ID; export the file again."
            )
        elif read.source_key in seen:
            skipped.append((row_no, "the same transaction again"))
        else:
            seen.add(read.source_key)
            lines.append(read)
    return tuple(lines), tuple(skipped)


_CHECK_WORDS = re.compile(r"\b(check|cheque|chk|chq|deposited item)\b", re.IGNORECASE)


def _read_bank(
    file_name: str,
    headers: tuple[str, ...],
    mapping: dict[str, str],
    body: list[tuple[int, list[str]]],
) -> tuple[tuple[IncomingLine, ...], tuple[tuple[int, str], ...]]:
    index = {name: headers.index(text) for name, text in mapping.items() if text in headers}
    lines: list[IncomingLine] = []
    skipped: list[tuple[int, str]] = []
    occurrences: dict[tuple[object, ...], int] = {}
    seen: set[str] = set()

    def get(row: list[str], name: str) -> str:
        column = index.get(name)
        return row[column].strip() if column is not None and column < len(row) else ""

    for row_no, row in body:
        if not any(c.strip() for c in row):
            continue
        where = f"{file_name} line {row_no}"
        day_text = get(row, "date")
        if not day_text and not get(row, "amount") and not get(row, "credit"):
            skipped.append((row_no, "no date or amount"))
            continue
        if day_text.casefold().startswith(("total", "balance", "opening", "closing")):
            skipped.append((row_no, "a total"))
            continue
        amount = (
            signed_amount(get(row, "credit"), where)
            if "credit" in index
            else signed_amount(get(row, "amount"), where)
        )
        if "credit" in index and amount == ZERO and "amount" in index:
            amount = signed_amount(get(row, "amount"), where)
        if amount <= 0:
            skipped.append((row_no, "money out" if amount < 0 else "zero amount"))
            continue
        paid_on = statement_date(day_text, where)
        payer, memo = get(row, "payer"), get(row, "memo")
        check = get(row, "check_number")
        kind = get(row, "type")
        is_check = bool(check) or bool(_CHECK_WORDS.search(f"{kind} {memo}"))
        if is_check and not check:
            found = re.search(r"(?:check|cheque|chk|chq)\D{0,3}(\d{1,12})", memo, re.IGNORECASE)
            check = found.group(1) if found else ""
        method = "check" if is_check and check else "transfer"
        reference = get(row, "reference")
        if reference:
            key = f"bank:r:{reference}"
        else:
            basis = (paid_on, amount, f"{payer} {memo} {check}")
            occurrence = occurrences.get(basis, 0)
            occurrences[basis] = occurrence + 1
            key = line_hash("bank", paid_on, amount, f"{payer} {memo} {check}", occurrence)
        if key in seen:
            skipped.append((row_no, "the same transaction again"))
            continue
        seen.add(key)
        lines.append(
            IncomingLine(
                row_no, key, paid_on, amount, ZERO, clip(payer, 200), "",
                clip(f"{memo} {kind}".strip(), 500), method,
                clip(check if method == "check" else reference, 60),
            )
        )
    return tuple(lines), tuple(skipped)
