"""annotation history: rows as they were before each change, deletion or restoration

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 17:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "annotation_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("row_id", sa.String(length=36), nullable=False),
        sa.Column("table_name", sa.String(length=32), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("annotator_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["annotator_id"],
            ["annotators.id"],
            name=op.f("fk_annotation_history_annotator_id_annotators"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_annotation_history_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annotation_history")),
    )
    with op.batch_alter_table("annotation_history", schema=None) as batch_op:
        batch_op.create_index("ix_annotation_history_document_id", ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_annotation_history_row_id"), ["row_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("annotation_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_annotation_history_row_id"))
        batch_op.drop_index("ix_annotation_history_document_id")
    op.drop_table("annotation_history")
