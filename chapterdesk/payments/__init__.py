"""Payments from the bank or a card processor: reading their files and matching lines to members.

Plain Python (no Qt, no database): `files.read_payment_file` turns an OFX/QFX
statement or a CSV export (Stripe, PayPal, Square, a bank) into
`IncomingLine`s, and `matching.match_lines` classifies each against the
chapter's members. `services/payments` posts and undoes them through the door.
"""
