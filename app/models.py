"""Every table, imported in one place so Alembic and the tests see the whole metadata."""

from app.agencies.models import Agency, ApiKey
from app.agencies.tree_version import DataVersion
from app.pages.models import PageSession
from app.reports.changes import ReportChange
from app.reports.models import Report, ReportCell, ReportRevision
from app.summaries.models import SummaryRollup

__all__ = [
    "Agency",
    "ApiKey",
    "DataVersion",
    "PageSession",
    "Report",
    "ReportCell",
    "ReportChange",
    "ReportRevision",
    "SummaryRollup",
]
