"""The migration history is portable: PostgreSQL from empty to head, and an upgrade on open."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from chapterdesk.data.engine import Database, resolve_location
from chapterdesk.data.migrate import alembic_config, head_revision, open_database, upgrade
from chapterdesk.data.models import all_models
from chapterdesk.paths import backups_dir
from chapterdesk.services.chapter import chapter_info
from tests.concurrency import race

pytestmark = pytest.mark.postgres


def revisions_in_order() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def test_every_revision_applies_on_postgresql_and_head_matches_the_models(
    pg_server: Any,
) -> None:
    url = pg_server.create_database("migrations_step_by_step")
    db = Database(resolve_location(url))
    try:
        for revision in revisions_in_order():
            upgrade(db, revision)
            with db.engine.connect() as connection:
                assert (
                    connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
                    == revision
                )
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), all_models())
            indexes = {
                name: definition
                for name, definition in connection.execute(
                    text("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'")
                )
            }
        assert differences == []
        assert "WHERE (left_on IS NULL)" in indexes["uq_chapter_membership_open"]

        with db.engine.begin() as connection:
            command.downgrade(alembic_config(connection), "base")
        with db.engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) == {"alembic_version"}
    finally:
        db.dispose()


def test_an_older_schema_on_the_server_is_upgraded_in_one_transaction_without_a_file_backup(
    pg_server: Any, caplog: pytest.LogCaptureFixture
) -> None:
    first = revisions_in_order()[0]
    url = pg_server.create_database("migrations_old_schema")
    old = Database(resolve_location(url))
    upgrade(old, first)
    with old.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO chapter_settings (id, name, currency, year_start_month, "
                "year_start_day, grace_days, stale_after_days, created_at) VALUES "
                "(1, 'Old Chapter', 'CAD', 7, 1, 60, 30, now())"
            )
        )
    old.dispose()
    backups_before = sorted(backups_dir().glob("*")) if backups_dir().exists() else []

    with caplog.at_level(logging.WARNING, logger="chapterdesk.data.migrate"):
        # Two officers open the old database at once: the advisory lock lets one upgrade.
        outcomes = race([lambda: open_database(url)] * 2)
    opened = [o.value for o in outcomes]
    assert [o.error for o in outcomes] == [None, None]
    try:
        info = chapter_info(opened[0])
        assert (info.name, info.currency, info.grace_days) == ("Old Chapter", "CAD", 60)
        with opened[0].engine.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert version == head_revision()
    finally:
        for db in opened:
            db.dispose()
    notices = [r.getMessage() for r in caplog.records if "in one transaction" in r.getMessage()]
    assert len(notices) >= 1
    assert "no file to back up" in notices[0]
    after = sorted(backups_dir().glob("*")) if backups_dir().exists() else []
    assert after == backups_before
