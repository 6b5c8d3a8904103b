"""E-mail from the chapter: the SMTP account, templates, composing messages and the outbox.

Messages are composed from the ledger (statements, reminders, receipts), written
to the outbox in the database through the door (audited), and only then sent;
see `outbox` for how a lost connection or a crash never sends one twice.
"""
