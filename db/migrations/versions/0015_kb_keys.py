"""the knowledge base's type-ahead keys, kept in the database

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 20:30:00.000000

``kb_keys`` holds the search keys of each alias (whole spelling, romanization, from a word on, phonetic)
with an index on the key: the type-ahead is a prefix range query, sorted and searched by the database.
``annotator.services.kb`` fills it for aliases it has no keys for (an upgraded project's at its first
search), so it needs no data step here.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kb_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("alias_id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("kind", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alias_id"],
            ["kb_aliases.id"],
            name=op.f("fk_kb_keys_alias_id_kb_aliases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_keys")),
    )
    op.create_index("ix_kb_keys_alias_id", "kb_keys", ["alias_id", "kind", "key"], unique=False)
    op.create_index(op.f("ix_kb_keys_key"), "kb_keys", ["key"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_kb_keys_key"), table_name="kb_keys")
    op.drop_index("ix_kb_keys_alias_id", table_name="kb_keys")
    op.drop_table("kb_keys")
