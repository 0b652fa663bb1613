"""blind mode and the model: a suggestion model may belong to one annotator

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 19:30:00.000000

With blind annotation on, an annotator's suggestions come from a model trained on gold and on their own
labels only (``annotator.services.suggestions``); ``annotator_id`` names whose it is (NULL: the project's
shared model, trained on everyone's finished labels, as before).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("suggestion_models") as batch:
        batch.add_column(sa.Column("annotator_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_suggestion_models_annotator_id_annotators"),
            "annotators",
            ["annotator_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("suggestion_models") as batch:
        batch.drop_constraint(batch.f("fk_suggestion_models_annotator_id_annotators"), type_="foreignkey")
        batch.drop_column("annotator_id")
