"""Which agencies and published reports a summary covers, as SQL conditions.

A scope is one agency's subtree (the agency included) or, without an agency, every agency
(the subtrees of every root). Subtrees are ranges on the materialised ``Agency.path``.

Consolidated reports (scope ``consolidated``, 本级政府汇总) already contain the figures of the
agencies below the government that files them. So a published report is *covered* — counted
in the subtree but not summed again — when, for the same year, an agency strictly above it
and itself inside the scope has a published consolidated report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select, true, tuple_
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import SQLCoreOperations
from sqlmodel import col

from app.agencies.models import Agency
from app.agencies.paths import path_within
from app.reports.models import Report, ReportCell, ReportRevision


@dataclass(frozen=True)
class Scope:
    """The agency whose subtree is covered; ``None``: every agency."""

    agency: Agency | None

    @property
    def code(self) -> str | None:
        return self.agency.code if self.agency else None


def within(path: SQLCoreOperations[str], scope: Scope) -> ColumnElement[bool]:
    """``path`` lies in the scope: one indexable range, as in app.agencies.service."""
    if scope.agency is None:
        return true()
    return path_within(path, scope.agency.path)


def is_published() -> ColumnElement[bool]:
    return col(Report.published_revision).is_not(None)


# Built once: making an aliased entity costs more than the rest of the statement.
_CONSOLIDATED = aliased(Report, name="consolidated")
_TOP = aliased(Agency, name="top")
_BELOW = aliased(Agency, name="below")


def covered_by_consolidated(scope: Scope) -> ColumnElement[bool]:
    """The current ``Report`` row is inside a published consolidated report of its year.

    Not correlated: the (year, agency) pairs below every consolidating agency in the scope
    are one subquery — an index range on ``Agency.path`` per consolidated report, usually a
    handful — so the cost does not grow with reports × reports.
    """
    consolidated, top, below = _CONSOLIDATED, _TOP, _BELOW
    top_path = col(top.path)
    covered = (
        select(col(consolidated.year), col(below.id))
        .select_from(consolidated)
        .join(top, col(top.id) == col(consolidated.agency_id))
        .join(
            below,
            and_(
                col(below.path) > top_path,
                col(below.path) < func.substr(top_path, 1, func.length(top_path) - 1) + "0",
            ),
        )
        .where(
            col(consolidated.published_scope) == "consolidated",
            col(consolidated.published_revision).is_not(None),
            within(top_path, scope),
        )
    )
    return tuple_(col(Report.year), col(Report.agency_id)).in_(covered)


CELL_KEY = (col(ReportCell.section), col(ReportCell.row), col(ReportCell.column))
"""The columns addressing one cell, as summaries select and group them."""


def published_cells_join() -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """Join conditions from ``Report`` to its published revision and that revision's cells."""
    return (
        and_(
            col(ReportRevision.report_id) == col(Report.id),
            col(ReportRevision.revision) == col(Report.published_revision),
        ),
        and_(
            col(ReportCell.report_id) == col(Report.id),
            col(ReportCell.revision) == col(Report.published_revision),
        ),
    )


# A cell holds at most 10^18 (an amount below 10^12 万元, in millionths), and SQLite's SUM
# raises on passing 2^63. Summed as the millions and what is left, neither part of a sum over
# even 10^6 reports can overflow, and the total is exact on both databases (both divide
# integers truncating towards zero, so high * 10^6 + low is the value, signs included).
_SPLIT = 1_000_000


def exact_sum(value: Any) -> tuple[Any, Any]:
    return func.sum(value // _SPLIT), func.sum(value % _SPLIT)


def from_parts(high: int | None, low: int | None) -> int | None:
    """The sum of a cell from ``exact_sum``'s two parts; None where every row was NULL."""
    if high is None and low is None:
        return None
    return int(high or 0) * _SPLIT + int(low or 0)
