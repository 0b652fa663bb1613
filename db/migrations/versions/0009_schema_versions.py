"""schema versions, the version each annotation was made under, and the review queue of split types

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 17:00:00.000000
"""

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LABEL_TABLES = (
    "entities",
    "events",
    "event_arguments",
    "relations",
    "document_labels",
    "targeted_sentiments",
)


def _fingerprint(text: str) -> str:
    """The stored schema's fingerprint (as :class:`annotator.schema.Schema` computes it), or the hash of
    its text when it does not parse (the project then refuses to open, as before)."""
    try:
        from annotator.schema import parse_schema

        return parse_schema(text, workbench_keys=False).fingerprint
    except Exception:  # an unparsable stored schema is reported when the project opens
        return hashlib.sha256(json.dumps(text).encode("utf-8")).hexdigest()


def upgrade() -> None:
    op.create_table(
        "schema_versions",
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("mapping", sa.Text(), nullable=False),
        sa.Column("applied_by", sa.String(length=200), nullable=True),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_schema_versions")),
    )
    op.create_table(
        "schema_reviews",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("table_name", sa.String(length=32), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("annotator_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source_label", sa.String(length=64), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reviewed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["annotator_id"],
            ["annotators.id"],
            name=op.f("fk_schema_reviews_annotator_id_annotators"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_schema_reviews_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schema_reviews")),
    )
    with op.batch_alter_table("schema_reviews", schema=None) as batch_op:
        batch_op.create_index(
            "ix_schema_reviews_document_annotator", ["document_id", "annotator_id"], unique=False
        )
    for table in _LABEL_TABLES:
        # a plain ADD COLUMN (no table rebuild): instant on SQLite and PostgreSQL whatever the row count
        op.add_column(table, sa.Column("schema_version", sa.Integer(), nullable=True))
    conn = op.get_bind()
    text = conn.execute(sa.text("SELECT value FROM settings WHERE key = 'schema'")).scalar()
    if text is not None:  # a project (a new database gets its version 1 from `init`)
        versions = sa.table(
            "schema_versions",
            sa.column("number", sa.Integer()),
            sa.column("fingerprint", sa.String()),
            sa.column("source_text", sa.Text()),
            sa.column("mapping", sa.Text()),
            sa.column("applied_by", sa.String()),
            sa.column("applied_at", sa.DateTime(timezone=True)),
            sa.column("summary", sa.Text()),
        )
        op.bulk_insert(
            versions,
            [
                {
                    "number": 1,
                    "fingerprint": _fingerprint(text),
                    "source_text": text,
                    "mapping": "",
                    "applied_by": None,
                    "applied_at": datetime.now(UTC),
                    "summary": "the schema the project had when versions began to be kept",
                }
            ],
        )


def downgrade() -> None:
    for table in _LABEL_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("schema_version")
    with op.batch_alter_table("schema_reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_schema_reviews_document_annotator")
    op.drop_table("schema_reviews")
    op.drop_table("schema_versions")
