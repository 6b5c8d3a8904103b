"""The floors `bench_cli.py` measures each command against: bare sqlite3 doing the same work.

Run as its own process (`python benchmarks/cli_floors.py CASE DB OUT`), so a
floor pays the interpreter's start and its own imports just as the command
does, and nothing of ChapterDesk is imported except, for the PDF floors, the
fonts (`reports.styles.register_fonts`) and the label geometry, which are data.

Each floor reads the same rows the command prints (the same joins and
filters, in one query) and writes output of the same shape: an aligned text
table, a JSON array with the same keys, a PDF of the same cells drawn with
`canvas.drawString`, or an xlsx written with xlsxwriter's `constant_memory`.
What a floor leaves out is ChapterDesk's own cost: its imports, its query
layer, its policy and formatting code. `bench_cli.py` prints the output sizes
of both sides so a floor that writes much less than the command shows.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import sys
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

ENDED = {
    "lapsed",
    "expired",
    "cancelled",
    "canceled",
    "terminated",
    "deceased",
    "inactive",
    "dropped",
}

_MEMBERS_SQL = """
SELECT h.hq_id, h.prefix, h.first_name, h.middle_name, h.last_name, h.suffix, h.email, h.company,
       h.member_type, h.paid_through, h.hq_status, h.in_latest_export, m.chapter_joined_on,
       c.name, c.may_vote, c.may_hold_office, c.eligible
FROM chapter_membership m
JOIN hq_member h ON h.hq_id = m.hq_id
LEFT JOIN membership_category c
  ON (',' || lower(c.hq_types) || ',') LIKE ('%,' || lower(h.member_type) || ',%')
     OR lower(c.name) = lower(h.member_type) OR lower(c.code) = lower(h.member_type)
WHERE m.left_on IS NULL
ORDER BY h.last_name, h.first_name, h.hq_id
"""


def _today() -> dt.date:
    return dt.date.today()


def _standing(
    paid_through: str | None, status: str, in_export: int, today: dt.date, grace: int
) -> str:
    if not in_export:
        return "not_in_hq"
    if status.strip().lower() in ENDED:
        return "lapsed"
    if paid_through is None:
        return "good"
    paid = dt.date.fromisoformat(paid_through)
    if today <= paid:
        return "good"
    return "grace" if (today - paid).days <= grace else "lapsed"


def _chapter_name(con: sqlite3.Connection) -> str:
    return str(con.execute("SELECT name FROM chapter_settings").fetchone()[0])


def _grace(con: sqlite3.Connection) -> int:
    return int(con.execute("SELECT grace_days FROM chapter_settings").fetchone()[0])


def _table(
    out: Callable[[str], object], header: Sequence[str], rows: Sequence[Sequence[str]]
) -> None:
    widths = [len(h) for h in header]
    for row in rows:
        for i, cell in enumerate(row):
            if len(cell) > widths[i]:
                widths[i] = len(cell)
    out("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip() + "\n")
    out("  ".join("-" * w for w in widths) + "\n")
    out(
        "".join(
            "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n"
            for row in rows
        )
    )


def _money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}${Decimal(abs(cents)).scaleb(-2):,.2f}"


def _plain(cents: int) -> str:
    return f"{Decimal(cents).scaleb(-2):.2f}"


def _member_rows(con: sqlite3.Connection) -> list[tuple[object, ...]]:
    seen: set[str] = set()
    rows = []
    for row in con.execute(_MEMBERS_SQL):
        if row[0] not in seen:  # the first matching category wins, as in the app
            seen.add(row[0])
            rows.append(row)
    return rows


def _full_name(r: Sequence[object]) -> str:
    return " ".join(str(p) for p in (r[2], r[3], r[4], r[5]) if p)  # no prefix, as names.py


def members_list(db: str, out: Callable[[str], object], as_json: bool) -> None:
    """`members list` (text or --json): the open memberships with HQ facts and category."""
    con = sqlite3.connect(db)
    today, grace = _today(), _grace(con)
    rows = _member_rows(con)
    if as_json:
        items = []
        for r in rows:
            standing = _standing(r[9], r[10], r[11], today, grace)  # type: ignore[arg-type]
            items.append(
                {
                    "hq_id": r[0],
                    "name": _full_name(r),
                    "sort_name": f"{r[4]}, {r[2]}",
                    "email": r[6],
                    "company": r[7],
                    "member_type": r[8],
                    "category": r[13],
                    "standing": standing,
                    "paid_through": r[9],
                    "hq_status": r[10],
                    "chapter_joined_on": r[12],
                    "may_vote": bool(r[14]) and standing == "good",
                    "may_hold_office": bool(r[15]) and standing == "good",
                    "suspended": standing != "good",
                    "reasons": [],
                }
            )
        out(json.dumps(items, indent=2, ensure_ascii=False) + "\n")
        return
    words = {
        "good": "good standing",
        "grace": "grace period",
        "lapsed": "lapsed",
        "not_in_hq": "not in HQ data",
    }
    cells = [
        [
            str(r[0]),
            f"{r[4]}, {r[2]}" + (f" {r[3]}" if r[3] else ""),
            str(r[13] or ""),
            words[_standing(r[9], r[10], r[11], today, grace)],
            str(r[9] or ""),
            str(r[12]),
        ]  # type: ignore[arg-type]
        for r in rows
    ]
    _table(out, ["HQ ID", "Name", "Category", "Standing", "Paid through", "Joined chapter"], cells)


def members_show(db: str, out: Callable[[str], object], hq_id: str) -> None:
    """`members show ID`: one member's facts."""
    con = sqlite3.connect(db)
    row = con.execute(
        _MEMBERS_SQL.replace("WHERE m.left_on IS NULL", "WHERE m.left_on IS NULL AND h.hq_id = ?"),
        (hq_id,),
    ).fetchone()
    out(
        f"{_full_name(row)}  (HQ member ID {row[0]})\n"
        f"  HQ status: {row[10]}, paid through {row[9]}\n"
        f"  Member type: {row[8]} ({row[13]})\n  {row[7]}\n  {row[6]}\n"
        f"  Chapter member since {row[12]}\n"
    )


class _Account:
    """One member's ledger folded in posting order: charges paid oldest first."""

    __slots__ = ("assessed", "charges", "credits", "paid", "waived")

    def __init__(self) -> None:
        self.assessed = self.paid = self.credits = self.waived = 0
        # [entry id, year, posted, amount, waived, settled, detail]
        self.charges: list[list[object]] = []


def _accounts(con: sqlite3.Connection, year: int | None = None) -> dict[str, _Account]:
    accounts: dict[str, _Account] = {}
    reversed_ids = {
        r[0] for r in con.execute("SELECT reverses_id FROM ledger_entry WHERE kind = 'reversal'")
    }
    sql = (
        "SELECT id, hq_id, kind, dues_year, amount_cents, posted_on, charge_id, detail"
        " FROM ledger_entry ORDER BY hq_id, id"
    )
    for eid, hq_id, kind, dues_year, cents, posted, charge_id, detail in con.execute(sql):
        if eid in reversed_ids or kind == "reversal":
            continue
        account = accounts.get(hq_id)
        if account is None:
            account = accounts[hq_id] = _Account()
        if kind == "charge":
            account.assessed += cents
            account.charges.append([eid, dues_year, posted, cents, 0, 0, detail])
        elif kind == "waiver":
            account.waived += cents
            for charge in account.charges:
                if charge[0] == charge_id:
                    charge[4] = int(charge[4]) + cents  # type: ignore[call-overload]
        elif kind == "payment":
            account.paid += cents
        else:
            account.credits += cents
    for account in accounts.values():
        money = account.paid + account.credits
        for charge in account.charges:
            due = int(charge[3]) - int(charge[4])  # type: ignore[call-overload]
            settled = min(due, money)
            charge[5] = settled
            money -= settled
    return accounts


def _list_name(first: str, middle: str, last: str, suffix: str) -> str:
    """ "Adams, Andrew J." (", Jr." with a suffix), as the dues JSON's `list_name` carries it."""
    given = " ".join(p for p in (first, middle) if p)
    name = f"{last}, {given}" if given and last else (last or given)
    return f"{name}, {suffix}" if suffix else name


def _names(con: sqlite3.Connection) -> dict[str, tuple[str, str, str]]:
    """Each HQ ID's display name, sort key (last name, first name) and list name."""
    return {
        r[0]: (
            " ".join(p for p in r[2:] if p),
            f"{r[4].casefold()}\0{r[2].casefold()}",
            _list_name(r[2], r[3], r[4], r[5]),
        )
        for r in con.execute(
            "SELECT hq_id, prefix, first_name, middle_name, last_name, suffix FROM hq_member"
        )
    }


def dues_balance(db: str, out: Callable[[str], object], as_json: bool) -> None:
    """`dues balance` (text or --json): each member's balance and aging, and the totals."""
    con = sqlite3.connect(db)
    today = _today()
    names = _names(con)
    accounts = _accounts(con)
    members = []
    totals = [0, 0, 0, 0, 0, 0, 0, 0]  # assessed, paid, credits, waived, owing, credit, n, n
    aging_total = [0, 0, 0, 0]
    for hq_id in sorted(accounts, key=lambda h: (names[h][1], h)):
        a = accounts[hq_id]
        balance = a.assessed - a.waived - a.paid - a.credits
        aging = [0, 0, 0, 0]
        for charge in a.charges:
            open_cents = int(charge[3]) - int(charge[4]) - int(charge[5])  # type: ignore[call-overload]
            if open_cents > 0:
                days = (today - dt.date.fromisoformat(str(charge[2]))).days
                aging[min(days // 30, 3)] += open_cents
        for i, cents in enumerate((a.assessed, a.paid, a.credits, a.waived)):
            totals[i] += cents
        totals[4] += max(balance, 0)
        totals[5] += max(-balance, 0)
        totals[6] += balance > 0
        totals[7] += balance < 0
        aging_total = [x + y for x, y in zip(aging_total, aging, strict=True)]
        members.append((hq_id, a, balance, aging))
    if as_json:
        body = {
            "as_of": today.isoformat(),
            "members": [
                {
                    "hq_id": h,
                    "name": names[h][0],
                    "assessed": _plain(a.assessed),
                    "paid": _plain(a.paid),
                    "credits": _plain(a.credits),
                    "waived": _plain(a.waived),
                    "outstanding": _plain(max(b, 0)),
                    "credit": _plain(max(-b, 0)),
                    "balance": _plain(b),
                    "aging": _aging(g),
                    "charges": [
                        {
                            "entry_id": c[0],
                            "dues_year": c[1],
                            "posted_on": c[2],
                            "charged": _plain(int(c[3])),  # type: ignore[call-overload]
                            "waived": _plain(int(c[4])),  # type: ignore[call-overload]
                            "paid": _plain(int(c[5])),  # type: ignore[call-overload]
                            "open": _plain(int(c[3]) - int(c[4]) - int(c[5])),  # type: ignore[call-overload]
                            "detail": c[6],
                        }
                        for c in a.charges
                    ],
                    "entries": [],
                    "list_name": names[h][2],
                }
                for h, a, b, g in members
            ],
            "totals": {
                "members": len(members),
                "members_owing": totals[6],
                "members_in_credit": totals[7],
                "assessed": _plain(totals[0]),
                "paid": _plain(totals[1]),
                "credits": _plain(totals[2]),
                "waived": _plain(totals[3]),
                "outstanding": _plain(totals[4]),
                "credit": _plain(totals[5]),
                "aging": _aging(aging_total),
            },
        }
        out(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
        return
    g = aging_total
    out(
        f"Dues balances as of {today} ({len(members)} members with ledger entries)\n"
        f"  Assessed      {_money(totals[0]):>14}\n  Paid          {_money(totals[1]):>14}\n"
        f"  Credits       {_money(totals[2]):>14}\n  Waived        {_money(totals[3]):>14}\n"
        f"  Outstanding   {_money(totals[4]):>14}  ({totals[6]} members)\n"
        f"  Credit        {_money(totals[5]):>14}  ({totals[7]} members)\n"
        f"  Aging: current {_money(g[0])}, 30 days {_money(g[1])}, 60 days {_money(g[2])}, "
        f"90+ days {_money(g[3])}\n"
    )
    _table(
        out,
        ["HQ ID", "Name", "Outstanding", "Credit", "90+ days"],
        [
            [h, names[h][0], _money(max(b, 0)), _money(max(-b, 0)), _money(g[3])]
            for h, _, b, g in members
            if b != 0  # the text lists only members who owe or are owed
        ],
    )


def _aging(cents: Sequence[int]) -> dict[str, str]:
    return {
        "current": _plain(cents[0]),
        "days_30": _plain(cents[1]),
        "days_60": _plain(cents[2]),
        "days_90_plus": _plain(cents[3]),
    }


def dues_list(
    db: str, out: Callable[[str], object], as_json: bool, unpaid: bool, year: int
) -> None:
    """`dues list --year Y [--unpaid]` (text or --json): each charge of the year, what is open."""
    con = sqlite3.connect(db)
    today = _today()
    names = _names(con)
    rows = []
    for hq_id, account in _accounts(con).items():
        for c in account.charges:
            if c[1] != year:
                continue
            open_cents = int(c[3]) - int(c[4]) - int(c[5])  # type: ignore[call-overload]
            if unpaid and open_cents <= 0:
                continue
            status = "paid" if open_cents <= 0 else ("part-paid" if int(c[5]) else "unpaid")  # type: ignore[call-overload]
            rows.append((names[hq_id], hq_id, c, open_cents, status))
    rows.sort(key=lambda r: (r[0][1], r[1]))
    if as_json:
        out(
            json.dumps(
                [
                    {
                        "hq_id": h,
                        "name": n[0],
                        "dues_year": year,
                        "charge_id": c[0],
                        "charged_on": c[2],
                        "charged": _plain(int(c[3])),
                        "waived": _plain(int(c[4])),
                        "paid": _plain(int(c[5])),  # type: ignore[call-overload]
                        "open": _plain(o),
                        "status": s,
                        "days_outstanding": (today - dt.date.fromisoformat(str(c[2]))).days,
                        "list_name": n[2],
                    }
                    for n, h, c, o, s in rows
                ],
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )
        return
    _table(
        out,
        ["Year", "HQ ID", "Name", "Charged", "Waived", "Paid", "Open", "Status"],
        [
            [
                str(year),
                h,
                n[0],
                _money(int(c[3])),
                _money(int(c[4])),
                _money(int(c[5])),
                _money(o),
                s,
            ]  # type: ignore[call-overload]
            for n, h, c, o, s in rows
        ],
    )


def _pdf_table(
    path: str, header: Sequence[str], fractions: Sequence[float], rows: Iterable[Sequence[str]]
) -> None:
    from benchmarks.bench_pdf_floor import floor_for_cells
    from chapterdesk.reports.pdfdoc import PAGE_SIZES

    frame = PAGE_SIZES["letter"][0] - 2 * 0.6 * 72
    floor_for_cells(__import__("pathlib").Path(path), header, [f * frame for f in fractions], rows)


def report_roster(db: str, path: str) -> None:
    """`report roster`: the directory's cells (name, organisation, e-mail, phone)."""
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT h.last_name || ', ' || h.first_name, h.company, h.email, h.phone"
        " FROM chapter_membership m JOIN hq_member h ON h.hq_id = m.hq_id"
        " WHERE m.left_on IS NULL ORDER BY h.last_name, h.first_name"
    )
    _pdf_table(path, ["Name", "Organisation", "Email", "Phone"], [0.25, 0.19, 0.41, 0.15], rows)


def report_compliance(db: str, path: str) -> None:
    """`report compliance`: members not in good standing, with the next step, with drawString."""
    con = sqlite3.connect(db)
    today, grace = _today(), _grace(con)
    cells = []
    for r in _member_rows(con):
        standing = _standing(r[9], r[10], r[11], today, grace)  # type: ignore[arg-type]
        if standing != "good" or not r[16]:
            days = str((today - dt.date.fromisoformat(str(r[9]))).days) if r[9] else ""
            cells.append(
                [
                    f"{r[4]}, {r[2]}",
                    str(r[0]),
                    standing,
                    str(r[9] or ""),
                    days,
                    "Ask the member to renew with HQ, then import a newer HQ export.",
                ]
            )
    # The report's second section, HQ members affiliated with the chapter but not on the
    # roster, drawn in the same table (its five cells and an empty one): the same cells.
    chapter_key = "".join(c for c in _chapter_name(con).casefold() if c.isalnum())
    for r in con.execute(
        "SELECT h.last_name || ', ' || h.first_name, h.hq_id, h.paid_through, h.hq_status,"
        " h.in_latest_export, h.email FROM hq_member h"
        " JOIN hq_affiliation a ON a.hq_id = h.hq_id"
        " WHERE a.chapter_key = ? AND h.in_latest_export"
        " AND h.hq_id NOT IN (SELECT hq_id FROM chapter_membership WHERE left_on IS NULL)"
        " ORDER BY h.last_name, h.first_name",
        (chapter_key,),
    ):
        standing = _standing(r[2], r[3], r[4], today, grace)
        cells.append([r[0], r[1], standing, str(r[2] or ""), "", r[5]])
    _pdf_table(
        path,
        ["Name", "HQ ID", "Standing", "Paid through", "Days lapsed", "Next step"],
        [0.19, 0.085, 0.15, 0.12, 0.085, 0.37],
        cells,
    )


def report_labels(db: str, path: str) -> None:
    """`report labels`: an address per member whose privileges stand (good, grace), Avery 5160."""
    from reportlab.pdfgen.canvas import Canvas

    from chapterdesk.reports.labels import AVERY_5160 as sheet
    from chapterdesk.reports.styles import BODY_FONT, register_fonts

    con = sqlite3.connect(db)
    today, grace = _today(), _grace(con)
    register_fonts()
    canvas = Canvas(path, pagesize=sheet.page_size)
    canvas.setFont(BODY_FONT, 9)
    index = 0
    for r in con.execute(
        "SELECT h.prefix, h.first_name, h.middle_name, h.last_name, h.suffix, h.company,"
        " h.address1, h.address2, h.city, h.state, h.postal_code, h.country,"
        " h.paid_through, h.hq_status, h.in_latest_export "
        "FROM chapter_membership m JOIN hq_member h ON h.hq_id = m.hq_id WHERE m.left_on IS NULL "
        "ORDER BY h.last_name, h.first_name"
    ):
        if _standing(r[12], r[13], r[14], today, grace) not in ("good", "grace"):
            continue
        if index and index % sheet.per_page == 0:
            canvas.showPage()
            canvas.setFont(BODY_FONT, 9)
        left, top, _width, _height = sheet.label_box(index % sheet.per_page)
        lines = [" ".join(p for p in r[0:5] if p), r[5], r[6], r[7], f"{r[8]}, {r[9]} {r[10]}"]
        y = top - 12
        for line in lines:
            if line:
                canvas.drawString(left + 6, y, line)
                y -= 10.8
        index += 1
    canvas.save()


_LABELS = {"good": "good standing", "grace": "grace", "lapsed": "lapsed"}
_HQ_EXPORT_COLUMNS = [
    "hq_id", "prefix", "first_name", "middle_name", "last_name", "suffix", "company", "title",
    "email", "phone", "address1", "address2", "city", "state", "postal_code", "country",
    "member_type", "join_date", "paid_through", "hq_status", "chapters",
]  # fmt: skip
_HQ_EXPORT_SQL = f"""
SELECT {", ".join("h." + c for c in _HQ_EXPORT_COLUMNS)}, m.chapter_joined_on, c.name,
       h.in_latest_export
FROM chapter_membership m
JOIN hq_member h ON h.hq_id = m.hq_id
LEFT JOIN membership_category c
  ON (',' || lower(c.hq_types) || ',') LIKE ('%,' || lower(h.member_type) || ',%')
     OR lower(c.name) = lower(h.member_type) OR lower(c.code) = lower(h.member_type)
WHERE m.left_on IS NULL
ORDER BY h.last_name, h.first_name, h.hq_id
"""
_UNLISTED_SQL = """
SELECT h.hq_id, h.first_name, h.middle_name, h.last_name, h.suffix, h.hq_status, h.paid_through,
       h.chapters
FROM hq_member h JOIN hq_affiliation a ON a.hq_id = h.hq_id
WHERE a.chapter_key = ? AND h.in_latest_export
  AND h.hq_id NOT IN (SELECT hq_id FROM chapter_membership WHERE left_on IS NULL)
ORDER BY h.last_name, h.first_name
"""


def export_hq(db: str, path: str) -> None:
    """`export hq`: the same five tabs of the same cells (dates as dates), constant memory.

    The roster tab (HQ's 21 columns, the chapter join date, the standing, the
    category and the chapter's corrections) holds the members in HQ's latest
    data; the others go to "Not matched to HQ"; then the officers, HQ's members
    affiliated with the chapter who are not on its roster, and the dues
    year-end figures.
    """
    import xlsxwriter

    con = sqlite3.connect(db)
    today, grace = _today(), _grace(con)
    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    day_format = book.add_format({"num_format": "yyyy-mm-dd"})

    def day(value: object) -> dt.date | None:
        return dt.date.fromisoformat(str(value)) if value else None

    def write(sheet: Any, row: int, cells: Sequence[object], dates: Iterable[int]) -> None:
        # each cell once, as the command writes it: text as a string cell (an empty one
        # too: `write_row` would leave it out, 171,000 fewer cells at 50k members), a
        # date as a date, nothing for None
        on = set(dates)
        for col, value in enumerate(cells):
            if value is None:
                continue
            if col in on:
                sheet.write_datetime(row, col, value, day_format)
            else:
                sheet.write_string(row, col, str(value))

    roster = book.add_worksheet("Chapter roster")
    roster.write_row(
        0, 0, [*_HQ_EXPORT_COLUMNS, "chapter_joined_on", "standing", "category", "corrected"]
    )
    corrected: dict[str, str] = {}
    for hq_id, field, hq_value in con.execute(
        "SELECT hq_id, field, hq_value FROM hq_local_edit ORDER BY hq_id, field"
    ):
        note = f"{field} (HQ: {hq_value or '-'})"
        corrected[hq_id] = f"{corrected[hq_id]}; {note}" if hq_id in corrected else note
    unmatched = []
    seen: set[str] = set()
    n = 0
    for row in con.execute(_HQ_EXPORT_SQL):
        if row[0] in seen:  # the first matching category wins, as in the app
            continue
        seen.add(row[0])
        standing = _standing(row[18], row[19], row[23], today, grace)
        if standing == "not_in_hq":
            unmatched.append(row)
            continue
        n += 1
        cells = [*row[:17], day(row[17]), day(row[18]), row[19], row[20], day(row[21]),
                 _LABELS[standing], row[22], corrected.get(row[0], "")]
        write(roster, n, cells, (17, 18, 21))
    officers = book.add_worksheet("Officers")
    for i, row in enumerate(con.execute("SELECT * FROM officer_term")):
        officers.write_row(i, 0, row)
    missing = book.add_worksheet("Not matched to HQ")
    for i, row in enumerate(unmatched, start=1):
        cells = [row[0], " ".join(p for p in row[2:6] if p), day(row[21]), row[19], day(row[18]),
                 "Missing from HQ's latest export: please confirm this member ID."]
        write(missing, i, cells, (2, 4))
    unlisted = book.add_worksheet("Affiliated, not on roster")
    key = "".join(ch for ch in _chapter_name(con).casefold() if ch.isalnum())
    for i, row in enumerate(con.execute(_UNLISTED_SQL, (key,)), start=1):
        cells = [row[0], " ".join(p for p in row[1:5] if p), row[5], day(row[6]), row[7]]
        write(unlisted, i, cells, (3,))
    # The dues year-end tab: the year's payments by month and method, the members' credit
    # (every member's ledger settled, once), reversals and waivers, as (item, amount) rows.
    year_end = book.add_worksheet("Dues year-end")
    money_format = book.add_format({"num_format": "#,##0.00"})
    items: list[tuple[str, float | None]] = [(f"Dues year {today.year}", None)]
    for month, cents in con.execute(
        "SELECT substr(posted_on, 1, 7), SUM(amount_cents) FROM ledger_entry"
        " WHERE kind = 'payment' AND posted_on LIKE ? GROUP BY 1 ORDER BY 1",
        (f"{today.year}-%",),
    ):
        items.append((f"Income {month}", cents / 100))
    for method, cents in con.execute(
        "SELECT coalesce(method, ''), SUM(amount_cents) FROM ledger_entry"
        " WHERE kind = 'payment' AND posted_on LIKE ? GROUP BY 1 ORDER BY 1",
        (f"{today.year}-%",),
    ):
        items.append((f"Income by {method}", cents / 100))
    credit = 0
    for account in _accounts(con).values():
        credit += max(account.paid + account.credits + account.waived - account.assessed, 0)
    items += [("Members' credit at the start of the year", credit / 100)]
    items += [("Members' credit at the end of the year", credit / 100)]
    for kind, count, cents in con.execute(
        "SELECT kind, COUNT(*), SUM(amount_cents) FROM ledger_entry"
        " WHERE kind IN ('reversal', 'waiver') AND posted_on LIKE ? GROUP BY kind",
        (f"{today.year}-%",),
    ):
        items.append((f"{kind} ({count})", cents / 100))
    year_end.write_row(0, 0, ["Item", "Amount"])
    for i, (item, amount) in enumerate(items, start=1):
        year_end.write_string(i, 0, item)
        if amount is not None:
            year_end.write_number(i, 1, amount, money_format)
    book.close()


def main(argv: list[str]) -> None:
    """CASE DB OUT [ARG]: run one floor, writing its output to OUT (a file)."""
    case, db, out_path = argv[:3]
    extra = argv[3] if len(argv) > 3 else ""
    if case in ("report_roster", "report_compliance", "report_labels", "export_hq"):
        globals()[case](db, out_path)
        return
    with open(out_path, "w", encoding="utf-8") as handle:
        write = handle.write
        if case in ("members_list", "members_list_json"):
            members_list(db, write, case.endswith("json"))
        elif case == "members_show":
            members_show(db, write, extra)
        elif case in ("dues_balance", "dues_balance_json"):
            dues_balance(db, write, case.endswith("json"))
        elif case.startswith("dues_list"):
            dues_list(db, write, case.endswith("json"), "unpaid" in case, int(extra))
        else:
            raise SystemExit(f"unknown floor {case}")


if __name__ == "__main__":
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))
    main(sys.argv[1:])
