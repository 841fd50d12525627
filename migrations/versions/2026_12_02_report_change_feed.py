"""The change feed: one row per stored revision, in commit order (app/reports/changes.py).

Revisions stored before this migration are written into the log, oldest first, so a portal
following the feed from the start sees the whole history.

Revision ID: 0007
Revises: 0004
Created: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "report_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_report_change_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_change")),
    )
    with op.batch_alter_table("report_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_change_agency_id"), ["agency_id"], unique=False)
    # The history so far, in the order it was written (created_at, then revision id).
    op.execute(
        "INSERT INTO report_change (agency_id, year, revision, status, at) "
        "SELECT report.agency_id, report.year, report_revision.revision, "
        "report_revision.status, report_revision.created_at "
        "FROM report_revision JOIN report ON report.id = report_revision.report_id "
        "ORDER BY report_revision.created_at, report_revision.id"
    )


def downgrade() -> None:
    with op.batch_alter_table("report_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_change_agency_id"))
    op.drop_table("report_change")
