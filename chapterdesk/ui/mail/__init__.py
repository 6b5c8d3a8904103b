"""The window's e-mail: the Settings page's E-mail box, the send dialog and the outbox view."""
