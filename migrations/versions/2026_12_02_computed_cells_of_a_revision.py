"""The cells the service computed, kept with each revision (report_revision.computed_cells).

Revision ID: 0003
Revises: 0002
Created: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # Null for revisions written before: which of their totals were computed is not known.
    with op.batch_alter_table("report_revision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("computed_cells", sa.JSON(), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite ≥ 3.35): batch mode would rebuild a table report_cell's rows
    # point at.
    op.drop_column("report_revision", "computed_cells")
