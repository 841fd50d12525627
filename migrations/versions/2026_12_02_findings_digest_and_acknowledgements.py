"""Findings that help: each revision's figures digest (indexed) and its acknowledgements.

Revision ID: 0004
Revises: 0006
Created: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # Revisions written before stay without a digest: they are simply not compared.
    with op.batch_alter_table("report_revision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("figures_digest", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("acknowledgements", sa.JSON(), nullable=True))
        batch_op.create_index("ix_report_revision_figures_digest", ["figures_digest"], unique=False)


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35), not batch mode: rebuilding
    # report_revision would drop a table that report_cell's rows still point at.
    op.drop_index("ix_report_revision_figures_digest", table_name="report_revision")
    op.drop_column("report_revision", "acknowledgements")
    op.drop_column("report_revision", "figures_digest")
