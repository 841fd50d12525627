"""Data versions for cached summaries: report.latest_seq, per-year seq indexes, data_version.

Revision ID: 0002
Revises: 0001
Created: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    data_version = op.create_table(
        "data_version",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_data_version")),
    )
    op.bulk_insert(data_version, [{"name": "agencies", "version": 0}])
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("latest_seq", sa.Integer(), nullable=True))
        batch_op.create_index("ix_report_year_latest_seq", ["year", "latest_seq"], unique=False)
        batch_op.create_index(
            "ix_report_year_published_seq", ["year", "published_seq"], unique=False
        )
    # Existing heads: the id of their latest revision.
    op.execute(
        "UPDATE report SET latest_seq = (SELECT r.id FROM report_revision AS r "
        "WHERE r.report_id = report.id AND r.revision = report.latest_revision)"
    )


def downgrade() -> None:
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_index("ix_report_year_published_seq")
        batch_op.drop_index("ix_report_year_latest_seq")
        batch_op.drop_column("latest_seq")
    op.drop_table("data_version")
