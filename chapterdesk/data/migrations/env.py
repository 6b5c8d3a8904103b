"""Alembic environment: runs on the connection ChapterDesk hands it (never from an ini URL)."""

from __future__ import annotations

from alembic import context

from chapterdesk.data.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - alembic is only driven from chapterdesk.data.migrate
    raise RuntimeError("Run migrations through chapterdesk.data.migrate, not the alembic CLI.")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
