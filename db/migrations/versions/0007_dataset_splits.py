"""dataset splits

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 23:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dataset_splits",
        sa.Column("scheme", sa.String(length=200), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("split", sa.String(length=32), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_dataset_splits_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("scheme", "document_id", name=op.f("pk_dataset_splits")),
    )
    with op.batch_alter_table("dataset_splits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dataset_splits_document_id"), ["document_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dataset_splits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dataset_splits_document_id"))
    op.drop_table("dataset_splits")
