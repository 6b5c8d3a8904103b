"""Alembic revisions, one file each, in a single linear history."""
