"""Reports: one head row per agency and year, every revision kept, cells as rows.

Cells are rows of ``report_cell`` (one per section, row and column of a revision) so that
PostgreSQL and SQLite can sum thousands of reports with one ``GROUP BY``; amounts are stored
as integers in millionths of 万元 (分) so sums stay exact on both databases.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    ForeignKeyConstraint,
    Index,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from app.db import Timestamps, UTCDateTime, utcnow


class Report(Timestamps, table=True):
    """The head of one agency's report for one year: what readers and summaries look at."""

    __table_args__ = (
        UniqueConstraint("agency_id", "year"),
        Index("ix_report_year_agency_id", "year", "agency_id"),
        # Newest change per year in one index seek: what cached summaries are versioned by.
        Index("ix_report_year_published_seq", "year", "published_seq"),
        Index("ix_report_year_latest_seq", "year", "latest_seq"),
    )

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id")
    year: int
    # The newest revision, whatever its status: what the agency and the office see.
    latest_revision: int
    # report_revision.id of that revision (ids only grow): versions the filing status.
    latest_seq: int | None = Field(default=None)
    format: str = Field(max_length=8)
    status: str = Field(max_length=16)
    scope: str = Field(max_length=16)
    error_count: int = Field(default=0)
    warning_count: int = Field(default=0)
    # The newest published revision: what anonymous readers and summaries see.
    published_revision: int | None = Field(default=None)
    # report_revision.id of that revision; ids only grow, so it versions cached summaries.
    published_seq: int | None = Field(default=None)
    published_scope: str | None = Field(default=None, max_length=16)


class ReportRevision(SQLModel, table=True):
    """One stored version of a report; never updated once written."""

    __tablename__ = "report_revision"
    __table_args__ = (
        UniqueConstraint("report_id", "revision"),
        # Other agencies' reports with the same figures, found on every write (issue 14).
        Index("ix_report_revision_figures_digest", "figures_digest"),
    )

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id")
    revision: int
    format: str = Field(max_length=8)
    status: str = Field(max_length=16)
    scope: str = Field(max_length=16)
    overview: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    problems_and_improvements: str | None = Field(
        default=None, sa_column=Column(Text, nullable=True)
    )
    other_matters: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    channels: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    fees_collected_yuan: str | None = Field(default=None, max_length=40)
    contact: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    published_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    source_url: str | None = Field(default=None, max_length=2000)
    findings: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    error_count: int = Field(default=0)
    warning_count: int = Field(default=0)
    # JSON Pointers of the cells the service computed (omitted or blank totals), in format
    # order; null for revisions written before it was recorded.
    computed_cells: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # app.formats.figures_digest of its cells; None for a report too empty to compare.
    figures_digest: str | None = Field(default=None, max_length=64)
    # The body's acknowledgements ({rule, pointer, reason}), kept as sent.
    acknowledgements: list[dict[str, Any]] | None = Field(
        default=None, sa_column=Column(JSON, nullable=True)
    )
    # Who wrote it: "admin" or "key:<key_id>"; the key row is kept after revocation.
    written_by: str = Field(max_length=64)
    api_key_id: int | None = Field(default=None, foreign_key="api_key.id")
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class ReportCell(SQLModel, table=True):
    """One cell of one revision. ``value`` NULL means the cell was not reported (blank)."""

    __tablename__ = "report_cell"
    __table_args__ = (
        ForeignKeyConstraint(
            ["report_id", "revision"],
            ["report_revision.report_id", "report_revision.revision"],
            name="fk_report_cell_revision",
        ),
    )

    report_id: int = Field(primary_key=True)
    revision: int = Field(primary_key=True)
    section: str = Field(primary_key=True, max_length=32)
    row: str = Field(primary_key=True, max_length=64)
    column: str = Field(primary_key=True, max_length=64)
    value: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
