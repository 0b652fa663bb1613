"""the lead's view: work sessions (active time per document per annotator) and check documents

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 19:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "work_sessions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("annotator_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active_seconds", sa.Float(), nullable=False),
        sa.Column("labels", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint("active_seconds >= 0", name=op.f("ck_work_sessions_active_not_negative")),
        sa.ForeignKeyConstraint(
            ["annotator_id"],
            ["annotators.id"],
            name=op.f("fk_work_sessions_annotator_id_annotators"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_work_sessions_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_sessions")),
    )
    op.create_index(
        "ix_work_sessions_annotator_document", "work_sessions", ["annotator_id", "document_id"], unique=False
    )
    op.create_table(
        "check_documents",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("marked_by", sa.Integer(), nullable=True),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_check_documents_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["marked_by"],
            ["annotators.id"],
            name=op.f("fk_check_documents_marked_by_annotators"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_check_documents")),
    )
    with op.batch_alter_table("assignments") as batch:
        batch.add_column(sa.Column("is_check", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("assignments") as batch:
        batch.drop_column("is_check")
    op.drop_table("check_documents")
    op.drop_index("ix_work_sessions_annotator_document", table_name="work_sessions")
    op.drop_table("work_sessions")
