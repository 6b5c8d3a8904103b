"""A digest of each HQ record, so an import finds unchanged records without reading them.

`hq_member.record_key` holds `services.hq_compare.record_key` of the record's
HQ fields. Every writer of HQ data sets it; should any statement change a
field and leave the key as it was, a trigger clears the key (NULL), and the
next import compares that record field by field. A stale key can therefore
never make a changed record look unchanged.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from chapterdesk.services.hq_compare import HQ_FIELDS, record_key

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_FILL_CHUNK = 5000


def upgrade() -> None:
    """Add the column, fill it for every record, then guard it with the trigger."""
    op.add_column("hq_member", sa.Column("record_key", sa.String(32), nullable=True))
    _fill_keys()
    dialect = op.get_bind().dialect.name
    changed = " OR ".join(f"NEW.{name} IS NOT OLD.{name}" for name in HQ_FIELDS)
    if dialect == "sqlite":
        op.execute(
            "CREATE TRIGGER trg_hq_member_key_stale AFTER UPDATE ON hq_member FOR EACH ROW "
            "WHEN NEW.record_key IS OLD.record_key AND NEW.record_key IS NOT NULL "
            f"AND ({changed}) "
            "BEGIN UPDATE hq_member SET record_key = NULL WHERE hq_id = NEW.hq_id; END"
        )
    elif dialect == "postgresql":
        new = ", ".join(f"NEW.{name}" for name in HQ_FIELDS)
        old = ", ".join(f"OLD.{name}" for name in HQ_FIELDS)
        op.execute(
            "CREATE FUNCTION hq_member_key_stale() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF NEW.record_key IS NOT DISTINCT FROM OLD.record_key "
            f"AND ROW({new}) IS DISTINCT FROM ROW({old}) THEN NEW.record_key := NULL; END IF; "
            "RETURN NEW; END $$"
        )
        op.execute(
            "CREATE TRIGGER trg_hq_member_key_stale BEFORE UPDATE ON hq_member "
            "FOR EACH ROW EXECUTE FUNCTION hq_member_key_stale()"
        )


def _fill_keys() -> None:
    bind = op.get_bind()
    member = sa.table(
        "hq_member",
        sa.column("hq_id", sa.String),
        *(sa.column(name, sa.Date if name in ("join_date", "paid_through") else sa.String)
          for name in HQ_FIELDS),
        sa.column("record_key", sa.String),
    )  # fmt: skip
    rows = bind.execute(sa.select(member.c.hq_id, *(member.c[n] for n in HQ_FIELDS))).all()
    keys = [{"b_id": row[0], "key": record_key(dict(zip(HQ_FIELDS, row[1:], strict=True)))}
            for row in rows]  # fmt: skip
    statement = (
        sa.update(member)
        .where(member.c.hq_id == sa.bindparam("b_id"))
        .values(record_key=sa.bindparam("key"))
    )
    for start in range(0, len(keys), _FILL_CHUNK):
        bind.execute(statement, keys[start : start + _FILL_CHUNK])


def downgrade() -> None:
    """Drop the trigger and the column."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS trg_hq_member_key_stale")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS trg_hq_member_key_stale ON hq_member")
        op.execute("DROP FUNCTION IF EXISTS hq_member_key_stale()")
    op.execute("ALTER TABLE hq_member DROP COLUMN record_key")
