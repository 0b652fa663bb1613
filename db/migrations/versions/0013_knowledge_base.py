"""the project's knowledge base: entries and their aliases; suggestions carry the entry's canonical id

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 19:15:00.000000

The built-in gazetteer is not copied here: a project's base is filled with it when the project is made,
and an older project on first use of its base (``annotator.services.kb.ensure_seeded``), so the migration
does not depend on a resource file that changes between versions.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kb_entries",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("canonical_id", sa.String(length=300), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("label", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("parent_id", sa.String(length=36), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("admin_areas", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("match_keys", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("merged_into", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_entries")),
        sa.UniqueConstraint("canonical_id", name=op.f("uq_kb_entries_canonical_id")),
    )
    op.create_index(op.f("ix_kb_entries_label"), "kb_entries", ["label"], unique=False)
    op.create_index(op.f("ix_kb_entries_parent_id"), "kb_entries", ["parent_id"], unique=False)
    op.create_index(op.f("ix_kb_entries_updated_at"), "kb_entries", ["updated_at"], unique=False)
    op.create_table(
        "kb_aliases",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("entry_id", sa.String(length=36), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("script", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("roman", sa.String(length=300), nullable=False),
        sa.Column("phonetic", sa.String(length=300), nullable=False),
        sa.Column("links", sa.Integer(), server_default="0", nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("added_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["kb_entries.id"],
            name=op.f("fk_kb_aliases_entry_id_kb_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_aliases")),
        sa.UniqueConstraint("entry_id", "key", name=op.f("uq_kb_aliases_entry_id_key")),
    )
    op.create_index(op.f("ix_kb_aliases_entry_id"), "kb_aliases", ["entry_id"], unique=False)
    op.create_index(op.f("ix_kb_aliases_key"), "kb_aliases", ["key"], unique=False)
    with op.batch_alter_table("suggestions") as batch:
        batch.add_column(sa.Column("link_id", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("suggestions") as batch:
        batch.drop_column("link_id")
    op.drop_index(op.f("ix_kb_aliases_key"), table_name="kb_aliases")
    op.drop_index(op.f("ix_kb_aliases_entry_id"), table_name="kb_aliases")
    op.drop_table("kb_aliases")
    op.drop_index(op.f("ix_kb_entries_updated_at"), table_name="kb_entries")
    op.drop_index(op.f("ix_kb_entries_parent_id"), table_name="kb_entries")
    op.drop_index(op.f("ix_kb_entries_label"), table_name="kb_entries")
    op.drop_table("kb_entries")
