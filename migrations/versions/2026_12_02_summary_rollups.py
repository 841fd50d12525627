"""Roll-ups of every agency's subtree per year, so a summary reads one row (summary_rollup).

Revision ID: 0006
Revises: 0003
Created: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel import Session

revision: str = "0006"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "summary_rollup",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("reported", sa.Integer(), nullable=False),
        sa.Column("covered", sa.Integer(), nullable=False),
        sa.Column("sums", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_summary_rollup_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("agency_id", "year", name=op.f("pk_summary_rollup")),
    )
    # Existing reports: the same recount as `python -m app rebuild-rollups`, in this
    # transaction (imported here, so it is the code of the version being installed).
    from app.summaries.recount import write_recounts

    write_recounts(Session(bind=op.get_bind()))


def downgrade() -> None:
    op.drop_table("summary_rollup")
