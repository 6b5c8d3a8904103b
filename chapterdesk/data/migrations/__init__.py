"""Alembic migration environment for the chapter database."""
