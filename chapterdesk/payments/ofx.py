"""OFX/QFX bank statements (v1 SGML and v2 XML), read with ofxtools.

Every credit of every bank or card statement in the file becomes a line: a
check deposit (`TRNTYPE` CHECK or a check number) posts as a check with its
number, anything else as a transfer. The source key is the account and the
bank's FITID, which the bank repeats in every download that holds the line.
A file that declares a DTD or entities is refused before the parser sees it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

from chapterdesk.errors import BadInputError
from chapterdesk.payments.lines import ZERO, IncomingLine, clip

_DOCTYPE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def _refuse(name: str, why: str) -> BadInputError:
    return BadInputError(
        f"{name} is not an OFX statement ChapterDesk can read ({why}); download the "
        "statement again from online banking as OFX, QFX or CSV."
    )


def read_ofx(
    path_name: object, data: bytes
) -> tuple[tuple[IncomingLine, ...], tuple[tuple[int, str], ...]]:
    """The credits of an OFX/QFX file, and the other transactions as skipped.

    Raises:
        BadInputError: the file declares entities, or ofxtools cannot parse it.
    """
    from ofxtools.header import OFXHeaderError
    from ofxtools.Parser import OFXTree, ParseError

    name = getattr(path_name, "name", str(path_name))
    if _DOCTYPE.search(data):
        raise _refuse(name, "it declares a DTD or entities")
    tree = OFXTree()
    try:
        tree.parse(io.BytesIO(data))
        ofx = tree.convert()
        statements = list(ofx.statements)
    except (OFXHeaderError, ParseError) as exc:
        raise _refuse(name, str(exc).splitlines()[0][:120] if str(exc) else "bad header") from None
    except (ValueError, KeyError, IndexError, TypeError, AttributeError, SyntaxError) as exc:
        # ofxtools raises these on malformed content (a bad element, a bad amount or date)
        raise _refuse(name, f"{type(exc).__name__}: {str(exc)[:100]}") from None
    if not statements:
        raise _refuse(name, "it holds no bank or card statement")
    lines: list[IncomingLine] = []
    skipped: list[tuple[int, str]] = []
    seen: set[str] = set()
    number = 0
    for statement in statements:
        account = getattr(statement, "account", None)
        acct = str(getattr(account, "acctid", "") or "")
        bank = str(getattr(account, "bankid", "") or "")
        for trn in statement.banktranlist or ():
            number += 1
            amount = Decimal(trn.trnamt)
            if amount <= 0:
                skipped.append((number, "money out" if amount < 0 else "zero amount"))
                continue
            if amount != amount.quantize(Decimal("0.01")):
                raise _refuse(name, f"transaction {trn.fitid} has a fraction of a cent")
            key = f"ofx:{bank}:{acct}:{trn.fitid}"
            if key in seen:
                skipped.append((number, "the same transaction again"))
                continue
            seen.add(key)
            posted: dt.datetime = trn.dtposted
            check = str(trn.checknum or "").strip()
            trntype = str(trn.trntype or "").upper()
            payer = str(trn.name or "") or str(getattr(getattr(trn, "payee", None), "name", ""))
            memo = str(trn.memo or "")
            is_check = trntype == "CHECK" or bool(check)
            lines.append(
                IncomingLine(
                    number,
                    key,
                    posted.date(),
                    amount.quantize(Decimal("0.01")),
                    ZERO,
                    clip(payer, 200),
                    "",
                    clip(f"{memo} {trn.refnum or ''}".strip(), 500),
                    "check" if is_check and check else "transfer",
                    clip(check if is_check and check else trn.fitid, 60),
                )
            )
    return tuple(lines), tuple(skipped)
