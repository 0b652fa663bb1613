"""incidents across articles: incidents and the event mentions linked to them

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 18:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("annotator_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("date_start", sa.String(length=10), nullable=True),
        sa.Column("date_end", sa.String(length=10), nullable=True),
        sa.Column("place_id", sa.String(length=300), nullable=True),
        sa.Column("place_name", sa.Text(), nullable=True),
        sa.Column("place_key", sa.String(length=300), nullable=True),
        sa.Column("actors", sa.JSON(), nullable=False),
        sa.Column("figure_rule", sa.String(length=16), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("schema_version", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "figure_rule IN ('latest', 'highest', 'manual')", name=op.f("ck_incidents_rule_known")
        ),
        sa.ForeignKeyConstraint(
            ["annotator_id"],
            ["annotators.id"],
            name=op.f("fk_incidents_annotator_id_annotators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
    )
    op.create_index("ix_incidents_annotator_date", "incidents", ["annotator_id", "date_start"], unique=False)
    op.create_index("ix_incidents_place_key", "incidents", ["place_key"], unique=False)
    op.create_table(
        "incident_mentions",
        sa.Column("incident_id", sa.String(length=36), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("annotator_id", sa.Integer(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("schema_version", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["annotator_id"],
            ["annotators.id"],
            name=op.f("fk_incident_mentions_annotator_id_annotators"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_incident_mentions_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_incident_mentions_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_mentions_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_mentions")),
        sa.UniqueConstraint("event_id", name=op.f("uq_incident_mentions_event_id")),
    )
    op.create_index(
        "ix_incident_mentions_document_annotator",
        "incident_mentions",
        ["document_id", "annotator_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_incident_mentions_incident_id"), "incident_mentions", ["incident_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_incident_mentions_incident_id"), table_name="incident_mentions")
    op.drop_index("ix_incident_mentions_document_annotator", table_name="incident_mentions")
    op.drop_table("incident_mentions")
    op.drop_index("ix_incidents_place_key", table_name="incidents")
    op.drop_index("ix_incidents_annotator_date", table_name="incidents")
    op.drop_table("incidents")
