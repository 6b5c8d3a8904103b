"""The floor for the dues listing commands: the least a bare script does for the same output.

Issue 14 holds `chapterdesk dues balance [--json]` and `chapterdesk dues list
--year Y [--unpaid] [--json]` to 1.5 times this: a plain Python process,
stdlib only, that reads the same rows with sqlite3, works out the same
figures (live payments and credits applied to live charges oldest first,
less waivers, in integer cents) and writes byte for byte the same text.
The benchmark checks the two outputs are identical before it trusts a time.

Run (as a whole process, like the command it is the floor of):
    python benchmarks/dues_floor.py balance DB [--json]
    python benchmarks/dues_floor.py list DB --year 2026 [--unpaid] [--json]
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import sys
from typing import Any

SIGN = {"charge": 1, "payment": -1, "credit": -1, "waiver": -1}
SYMBOLS = {"USD": "$", "CAD": "CA$", "GBP": "£", "EUR": "€"}


def money_text(cents: int) -> str:
    """JSON's two-place string."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def money(cents: int, symbol: str) -> str:
    """The text table's amount ($1,150.00)."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{symbol}{abs(cents) // 100:,}.{abs(cents) % 100:02d}"


def table(headers: tuple[str, ...], rows: list[list[str]], out: list[str]) -> None:
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            if len(cell) > widths[i]:
                widths[i] = len(cell)
    out.append("  ".join(h.ljust(widths[i]) for i, h in enumerate(headers)).rstrip())
    out.append("  ".join("-" * w for w in widths))
    for row in rows:
        out.append("  ".join(c.ljust(widths[i]) for i, c in enumerate(row)).rstrip())


def read(path: str) -> tuple[str, dict[str, Any], dict[str, tuple[str, str]]]:
    """Currency, each member's settled position, and display/sort names."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    currency = con.execute("SELECT currency FROM chapter_settings").fetchone()[0]
    rows: dict[str, list[tuple[Any, ...]]] = {}
    for row in con.execute(
        "SELECT hq_id, id, kind, dues_year, posted_on, amount_cents, charge_id, reverses_id, "
        "detail FROM ledger_entry ORDER BY id"
    ):
        rows.setdefault(row[0], []).append(row)
    names = {}
    for hq_id, prefix, first, middle, last, suffix in con.execute(
        "SELECT hq_id, prefix, first_name, middle_name, last_name, suffix FROM hq_member"
    ):
        display = " ".join(p for p in (prefix, first, middle, last) if p)
        given = " ".join(p for p in (first, middle) if p)
        names[hq_id] = (
            f"{display}, {suffix}" if suffix else display,
            f"{last}, {given}" if given else last,
        )
    con.close()
    days: dict[str, dt.date] = {}
    positions = {}
    for hq_id, member_rows in rows.items():
        gone = {r[7] for r in member_rows if r[2] == "reversal"}
        kinds = {r[1]: r[2] for r in member_rows}
        balance = paid = credits = 0
        charges = []
        waivers: dict[int, int] = {}
        for _h, entry_id, kind, year, posted, cents, charge_id, reverses, detail in member_rows:
            if kind == "reversal":
                balance -= SIGN[kinds[reverses]] * cents
                continue
            balance += SIGN[kind] * cents
            if entry_id in gone:
                continue
            if kind == "charge":
                day = days.get(posted) or days.setdefault(posted, dt.date.fromisoformat(posted))
                charges.append((year, day, entry_id, cents, detail))
            elif kind == "payment":
                paid += cents
            elif kind == "credit":
                credits += cents
            elif charge_id is not None:
                waivers[charge_id] = waivers.get(charge_id, 0) + cents
        charges.sort()
        pool = paid + credits
        settled = []
        for year, day, entry_id, cents, detail in charges:
            owed = cents - waivers.get(entry_id, 0)
            part = min(pool, owed)
            pool -= part
            settled.append((entry_id, year, day, cents, cents - owed, part, owed - part, detail))
        positions[hq_id] = (paid, credits, pool, balance, settled)
    return currency, positions, names


def balance(path: str, as_json: bool) -> str:
    currency, positions, names = read(path)
    today = dt.date.today()
    order = sorted(positions, key=lambda h: (names[h][1].casefold(), h))
    totals = dict.fromkeys(("assessed", "paid", "credits", "waived", "outstanding", "credit"), 0)
    aging_total = [0, 0, 0, 0]
    owing = in_credit = 0
    members = []
    for hq_id in order:
        paid, credits, credit, bal, settled = positions[hq_id]
        aging = [0, 0, 0, 0]
        assessed = waived = outstanding = 0
        for _e, _y, day, cents, w, _p, left, _d in settled:
            assessed += cents
            waived += w
            outstanding += left
            if left > 0:
                age = (today - day).days
                aging[0 if age < 30 else 1 if age < 60 else 2 if age < 90 else 3] += left
        for i in range(4):
            aging_total[i] += aging[i]
        for key, cents in zip(
            totals, (assessed, paid, credits, waived, outstanding, credit), strict=True
        ):
            totals[key] += cents
        owing += outstanding > 0
        in_credit += credit > 0
        members.append((hq_id, assessed, waived, outstanding, aging, settled, bal))
    if as_json:
        body = {
            "as_of": today.isoformat(),
            "members": [
                {
                    "hq_id": hq_id,
                    "name": names[hq_id][0],
                    "assessed": money_text(assessed),
                    "paid": money_text(positions[hq_id][0]),
                    "credits": money_text(positions[hq_id][1]),
                    "waived": money_text(waived),
                    "outstanding": money_text(outstanding),
                    "credit": money_text(positions[hq_id][2]),
                    "balance": money_text(bal),
                    "aging": dict(
                        zip(
                            ("current", "days_30", "days_60", "days_90_plus"),
                            map(money_text, aging),
                            strict=True,
                        )
                    ),
                    "charges": [
                        {
                            "entry_id": e,
                            "dues_year": y,
                            "posted_on": d.isoformat(),
                            "charged": money_text(c),
                            "waived": money_text(w),
                            "paid": money_text(p),
                            "open": money_text(o),
                            "detail": t,
                        }
                        for e, y, d, c, w, p, o, t in settled
                    ],
                    "entries": [],
                }
                for hq_id, assessed, waived, outstanding, aging, settled, bal in members
            ],
            "totals": {
                "members": len(members),
                "members_owing": owing,
                "members_in_credit": in_credit,
                **{key: money_text(cents) for key, cents in totals.items()},
                "aging": dict(
                    zip(
                        ("current", "days_30", "days_60", "days_90_plus"),
                        map(money_text, aging_total),
                        strict=True,
                    )
                ),
            },
        }
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"
    symbol = SYMBOLS[currency]
    t = totals
    out = [
        f"Dues balances as of {today} ({len(members)} members with ledger entries)",
        f"  Assessed     {money(t['assessed'], symbol):>14}",
        f"  Paid         {money(t['paid'], symbol):>14}",
        f"  Credits      {money(t['credits'], symbol):>14}",
        f"  Waived       {money(t['waived'], symbol):>14}",
        f"  Outstanding  {money(t['outstanding'], symbol):>14}  ({owing} members)",
        f"  Credit       {money(t['credit'], symbol):>14}  ({in_credit} members)",
        f"  Aging: current {money(aging_total[0], symbol)}, 30 days "
        f"{money(aging_total[1], symbol)}, 60 days {money(aging_total[2], symbol)}, "
        f"90+ days {money(aging_total[3], symbol)}",
    ]
    rows = [
        [
            hq_id,
            names[hq_id][0],
            money(outstanding, symbol),
            money(positions[hq_id][2], symbol),
            money(aging[3], symbol),
        ]
        for hq_id, _a, _w, outstanding, aging, _s, bal in members
        if bal != 0
    ]
    if rows:
        table(("HQ ID", "Name", "Outstanding", "Credit", "90+ days"), rows, out)
    return "\n".join(out) + "\n"


def lines(path: str, year: int, unpaid: bool, as_json: bool) -> str:
    currency, positions, names = read(path)
    today = dt.date.today()
    found = []
    for hq_id, (_p, _c, _credit, _b, settled) in positions.items():
        for charge in settled:
            if charge[1] == year and (charge[6] > 0 or not unpaid):
                found.append((names[hq_id][1].casefold(), hq_id, charge))
    found.sort(key=lambda f: (f[0], f[1]))
    result = []
    for _s, hq_id, (entry_id, y, day, cents, waived, paid, left, _d) in found:
        if left == 0:
            status = "paid" if waived == 0 else "waived"
        else:
            status = "part-paid" if paid > 0 or waived > 0 else "unpaid"
        result.append((hq_id, y, entry_id, day, cents, waived, paid, left, status))
    if as_json:
        body = [
            {
                "hq_id": hq_id,
                "name": names[hq_id][0],
                "dues_year": y,
                "charge_id": entry_id,
                "charged_on": day.isoformat(),
                "charged": money_text(cents),
                "waived": money_text(waived),
                "paid": money_text(paid),
                "open": money_text(left),
                "status": status,
                "days_outstanding": (today - day).days if left > 0 else 0,
            }
            for hq_id, y, entry_id, day, cents, waived, paid, left, status in result
        ]
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"
    symbol = SYMBOLS[currency]
    out: list[str] = []
    table(
        ("Year", "HQ ID", "Name", "Charged", "Waived", "Paid", "Open", "Status"),
        [
            [
                str(y),
                hq_id,
                names[hq_id][0],
                money(cents, symbol),
                money(waived, symbol),
                money(paid, symbol),
                money(left, symbol),
                status,
            ]
            for hq_id, y, _e, _d, cents, waived, paid, left, status in result
        ],
        out,
    )
    out.append(f"{len(result)} line(s); open {money(sum(r[7] for r in result), symbol)}.")
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> None:
    command, path, *rest = argv
    as_json = "--json" in rest
    if command == "balance":
        sys.stdout.write(balance(path, as_json))
    else:
        year = int(rest[rest.index("--year") + 1])
        sys.stdout.write(lines(path, year, "--unpaid" in rest, as_json))


if __name__ == "__main__":
    main(sys.argv[1:])
