"""Payments imported from the bank or a card processor: review, post as one batch, undo.

`review_payments` reads a file (`chapterdesk.payments.files`) and matches each
line (`matching`); `post_reviewed` posts the accepted lines through the door as
one batch; `undo_payment_import` reverses a batch; `list_payment_imports` lists
them. The command line and the window call these same functions.
"""

from chapterdesk.payments.files import BANK_FIELDS, ColumnsNotRecognised, guess_bank_mapping
from chapterdesk.services.payments.imports import (
    PaymentBatch,
    PaymentReview,
    PostedImport,
    list_payment_imports,
    post_reviewed,
    review_payments,
    undo_payment_import,
)

__all__ = [
    "BANK_FIELDS",
    "ColumnsNotRecognised",
    "PaymentBatch",
    "PaymentReview",
    "PostedImport",
    "guess_bank_mapping",
    "list_payment_imports",
    "post_reviewed",
    "review_payments",
    "undo_payment_import",
]
