"""The editable message templates: a subject, a short text body and an HTML body per kind.

Placeholders are written `$name` or `${name}` (so an HTML template's CSS braces
need no escaping). Only the names in `PLACEHOLDERS` exist; a template naming
any other is refused when it is set, not when a batch of messages goes out.
Values are escaped in the HTML body.
"""

from __future__ import annotations

import html
import string
from collections.abc import Mapping
from dataclasses import dataclass

from chapterdesk.data.engine import Database
from chapterdesk.data.mail_models import MailTemplate
from chapterdesk.errors import BadInputError
from chapterdesk.services.door import change

KINDS = ("statement", "reminder", "receipt")

PLACEHOLDERS: dict[str, str] = {
    "name": "the member's name, as on an envelope",
    "amount_due": "what the member owes, in the chapter's currency",
    "how_to_pay": "how to pay (methods accepted, who checks are payable to)",
    "signature": "the chapter's signature (mail setup --signature)",
    "chapter": "the chapter's name",
    "year": "the dues year",
    "level": "the reminder level (1, 2 or 3)",
    "days_overdue": "how many days the dues are overdue",
    "receipt_no": "the receipt number",
    "amount_paid": "the amount the receipt is for",
}


@dataclass(frozen=True)
class Template:
    """One kind's subject and bodies."""

    kind: str
    subject: str
    text_body: str
    html_body: str


_DEFAULT_TEXT = {
    "statement": (
        "Dear $name,\n\nYour statement of $chapter dues for $year is attached. "
        "The amount due is $amount_due.\n\n$how_to_pay\n\n$signature\n"
    ),
    "reminder": (
        "Dear $name,\n\nOur records show $amount_due of $chapter dues for $year still open, "
        "$days_overdue days after it was charged. Your statement is attached.\n\n"
        "$how_to_pay\n\nIf you have paid in the meantime, thank you, and please disregard "
        "this reminder.\n\n$signature\n"
    ),
    "receipt": (
        "Dear $name,\n\nThank you for your payment of $amount_paid. Your receipt "
        "($receipt_no) is attached.\n\n$signature\n"
    ),
}
_DEFAULT_HTML = {
    kind: "".join(
        f"<p>{paragraph.replace(chr(10), '<br>')}</p>" for paragraph in text.strip().split("\n\n")
    )
    for kind, text in _DEFAULT_TEXT.items()
}
_DEFAULT_SUBJECT = {
    "statement": "$chapter: your $year dues statement",
    "reminder": "$chapter: reminder $level, $year dues of $amount_due",
    "receipt": "$chapter: receipt $receipt_no",
}


def default_template(kind: str) -> Template:
    """The template a kind starts with."""
    return Template(kind, _DEFAULT_SUBJECT[kind], _DEFAULT_TEXT[kind], _DEFAULT_HTML[kind])


def check_kind(kind: str) -> str:
    """`kind`, when it is a template kind.

    Raises:
        BadInputError: it is not statement, reminder or receipt.
    """
    if kind not in KINDS:
        raise BadInputError(f"{kind!r} is not a message kind; use statement, reminder or receipt.")
    return kind


def check_placeholders(text: str, where: str) -> None:
    """Refuse a template text with an unknown or malformed placeholder.

    Raises:
        BadInputError: names the placeholder and lists the known ones.
    """
    template = string.Template(text)
    if not template.is_valid():
        raise BadInputError(
            f"The {where} has a lone or malformed $ placeholder; write $$ for a dollar sign "
            f"and one of ${', $'.join(PLACEHOLDERS)} for a value."
        )
    unknown = [n for n in template.get_identifiers() if n not in PLACEHOLDERS]
    if unknown:
        raise BadInputError(
            f"The {where} names ${unknown[0]}, which is not a placeholder; use one of "
            f"${', $'.join(PLACEHOLDERS)}."
        )


def template_for(db: Database, kind: str) -> Template:
    """The chapter's template for `kind` (the default until one is set)."""
    check_kind(kind)
    with db.reading() as session:
        row = session.get(MailTemplate, kind)
        if row is None:
            return default_template(kind)
        return Template(kind, row.subject, row.text_body, row.html_body)


def set_template(
    db: Database,
    kind: str,
    *,
    subject: str | None = None,
    text_body: str | None = None,
    html_body: str | None = None,
) -> Template:
    """Change a kind's subject and/or bodies (what is not given stays as it is).

    Raises:
        BadInputError: an unknown kind, an empty body, or an unknown placeholder.
    """
    check_kind(kind)
    for value, where in (
        (subject, "subject"),
        (text_body, "text template"),
        (html_body, "HTML template"),
    ):
        if value is not None:
            if not value.strip():
                raise BadInputError(f"The {where} is empty; write what the member should read.")
            if where == "subject" and ("\n" in value.strip() or len(value) > 300):
                raise BadInputError("The subject must be one line of at most 300 characters.")
            check_placeholders(value, where)
    current = template_for(db, kind)
    with change(db, f"set the {kind} e-mail template") as uow:
        row = uow.session.get(MailTemplate, kind)
        if row is None:
            row = MailTemplate(
                kind=kind,
                subject=current.subject,
                text_body=current.text_body,
                html_body=current.html_body,
            )
            uow.session.add(row)
        if subject is not None:
            row.subject = subject.strip()
        if text_body is not None:
            row.text_body = text_body
        if html_body is not None:
            row.html_body = html_body
        uow.session.flush()
        return Template(kind, row.subject, row.text_body, row.html_body)


def render(template: Template, values: Mapping[str, str]) -> tuple[str, str, str]:
    """(subject, text, HTML) with the values filled in (escaped in the HTML)."""
    escaped = {key: html.escape(value).replace("\n", "<br>") for key, value in values.items()}
    subject = string.Template(template.subject).safe_substitute(values)
    return (
        " ".join(subject.split()),
        string.Template(template.text_body).safe_substitute(values),
        string.Template(template.html_body).safe_substitute(escaped),
    )
