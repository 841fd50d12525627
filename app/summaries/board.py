"""The office's board: every agency of a subtree with its filing status and how late it is.

Visibility is /filing-status's (app.summaries.filing): a caller who may act on an agency sees
its drafts, submissions and finding counts; everyone else sees ``published`` or ``missing``
and no counts. Lateness is public: it reads published revisions only (the earliest date one
of them states as ``published_on``, else the day in China it was stored), or, unpublished,
today. Sorting, filtering, counting and paging run in SQL so 5,000 agencies stay quick; the
days late the database sorts by are the ones ``app.summaries.deadlines`` computes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy import (
    Connection,
    Date,
    Engine,
    Integer,
    Select,
    String,
    and_,
    case,
    func,
    literal,
    null,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import col

from app.agencies.models import Agency
from app.reports.models import Report, ReportRevision
from app.summaries.deadlines import CHINA_OFFSET_HOURS, GOVERNMENT_KINDS, deadline
from app.summaries.filing import visible_to
from app.summaries.schemas import FILING_STATUSES, FilingStatus
from app.summaries.scope import Scope, within

SortKey = Literal["code", "name", "status", "errors", "days_late"]
SORT_KEYS: tuple[SortKey, ...] = ("code", "name", "status", "errors", "days_late")


class _ChinaDay(FunctionElement[date]):
    """The calendar day in China of a UTC timestamp column."""

    type = Date()
    inherit_cache = True


@compiles(_ChinaDay, "sqlite")
def _china_day_sqlite(element: _ChinaDay, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite keeps UTC timestamps as text; date() shifts and truncates them.
    return f"date({compiler.process(element.clauses, **kw)}, '+{CHINA_OFFSET_HOURS} hours')"


@compiles(_ChinaDay)
def _china_day(element: _ChinaDay, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(timezone('Asia/Shanghai', {compiler.process(element.clauses, **kw)}) AS DATE)"


class _DaysBetween(FunctionElement[int]):
    """``later - earlier`` in whole days, for two dates."""

    type = Integer()
    inherit_cache = True


@compiles(_DaysBetween, "sqlite")
def _days_between_sqlite(element: _DaysBetween, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


@compiles(_DaysBetween)
def _days_between(element: _DaysBetween, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"(CAST({later} AS DATE) - CAST({earlier} AS DATE))"


class _CodePointOrder(FunctionElement[str]):
    """Text ordered by code point on both databases (SQLite's only order; PostgreSQL's "C"),
    so a board sorts by name the same wherever it runs."""

    type = String()
    inherit_cache = True


@compiles(_CodePointOrder, "sqlite")
def _code_point_order_sqlite(element: _CodePointOrder, compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(_CodePointOrder)
def _code_point_order(element: _CodePointOrder, compiler: SQLCompiler, **kw: Any) -> str:
    return f'({compiler.process(element.clauses, **kw)} COLLATE "C")'


@dataclass(frozen=True)
class BoardQuery:
    """Which rows of the board, as whom, in which order."""

    scope: Scope
    year: int
    today: date
    private_path: str | None = None  # Caller.private_path: "" all, None none
    status: FilingStatus | None = None
    late_only: bool = False
    search: str | None = None
    sort: SortKey = "code"
    descending: bool = False


@dataclass(frozen=True)
class BoardRow:
    code: str
    name: str
    kind: str | None
    status: FilingStatus
    error_count: int | None  # None: the caller may not see it
    warning_count: int | None
    published_on: date | None
    deadline: date
    days_late: int


@dataclass(frozen=True)
class BoardCounts:
    """Over the whole subtree, before filtering: agencies per status and late ones; and how
    many rows the filters leave."""

    by_status: dict[FilingStatus, int]
    late: int
    matching: int


class _Columns:
    """The board's computed columns for one query, built once and shared by its statements."""

    def __init__(self, query: BoardQuery) -> None:
        visible = visible_to(query.private_path)
        published = col(Report.published_revision).is_not(None)
        self.status = case(
            (visible, func.coalesce(col(Report.status), literal("missing"))),
            (published, literal("published")),
            else_=literal("missing"),
        )
        self.errors = case((visible, col(Report.error_count)), else_=null())
        self.warnings = case((visible, col(Report.warning_count)), else_=null())
        self.first_published = _first_published(query.year)
        self.published_on = case((published, self.first_published.c.published_on), else_=null())
        due = case(
            (
                col(Agency.kind).in_(sorted(GOVERNMENT_KINDS)),
                literal(deadline("county", query.year), Date()),
            ),
            else_=literal(deadline("department", query.year), Date()),
        )
        done = func.coalesce(self.published_on, literal(query.today, Date()))
        overdue = _DaysBetween(done, due)
        self.days_late = case((overdue > 0, overdue), else_=literal(0))

    def base(self, query: BoardQuery, *columns: Any) -> Select[Any]:
        return (
            select(*columns)
            .select_from(Agency)
            .outerjoin(
                Report,
                and_(col(Report.agency_id) == col(Agency.id), col(Report.year) == query.year),
            )
            .outerjoin(self.first_published, self.first_published.c.report_id == col(Report.id))
            .where(within(col(Agency.path), query.scope))
        )

    def filtered(self, query: BoardQuery, statement: Select[Any]) -> Select[Any]:
        if query.status is not None:
            statement = statement.where(self.status == query.status)
        if query.late_only:
            statement = statement.where(self.days_late > 0)
        if query.search:
            statement = statement.where(
                or_(
                    col(Agency.name).contains(query.search, autoescape=True),
                    col(Agency.code).contains(query.search, autoescape=True),
                )
            )
        return statement

    def order(self, query: BoardQuery) -> list[Any]:
        rank = case(
            *((self.status == state, index) for index, state in enumerate(FILING_STATUSES)),
            else_=len(FILING_STATUSES),
        )
        key = {
            "code": _CodePointOrder(col(Agency.code)),
            "name": _CodePointOrder(col(Agency.name)),
            "status": rank,
            "errors": func.coalesce(self.errors, -1),
            "days_late": self.days_late,
        }[query.sort]
        # The code breaks ties: the order is total, so pages never overlap.
        code = _CodePointOrder(col(Agency.code))
        tie = code.desc() if query.descending else code
        return [key.desc() if query.descending else key, tie]


def _first_published(year: int) -> Any:
    """Per report of the year: the earliest publication date its published revisions give."""
    day = func.coalesce(col(ReportRevision.published_on), _ChinaDay(col(ReportRevision.created_at)))
    return (
        select(
            col(ReportRevision.report_id).label("report_id"), func.min(day).label("published_on")
        )
        .join(Report, col(Report.id) == col(ReportRevision.report_id))
        .where(col(Report.year) == year, col(ReportRevision.status) == "published")
        .group_by(col(ReportRevision.report_id))
        .subquery("first_published")
    )


def board_counts(connection: Connection, query: BoardQuery) -> BoardCounts:
    columns = _Columns(query)
    by_status: dict[FilingStatus, int] = dict.fromkeys(FILING_STATUSES, 0)
    late = 0
    grouped = columns.base(
        query,
        columns.status,
        func.count(),
        func.sum(case((columns.days_late > 0, 1), else_=0)),
    ).group_by(columns.status)
    for state, count, late_count in connection.execute(grouped).all():
        by_status[state] = int(count)
        late += int(late_count or 0)
    unfiltered = query.status is None and not query.late_only and not query.search
    if unfiltered:
        matching = sum(by_status.values())
    else:
        statement = columns.filtered(query, columns.base(query, func.count()))
        matching = int(connection.execute(statement).scalar_one())
    return BoardCounts(by_status=by_status, late=late, matching=matching)


def _rows_statement(query: BoardQuery, columns: _Columns) -> Select[Any]:
    statement = columns.base(
        query,
        col(Agency.code),
        col(Agency.name),
        col(Agency.kind),
        columns.status,
        columns.errors,
        columns.warnings,
        columns.published_on,
        columns.days_late,
    )
    return columns.filtered(query, statement).order_by(*columns.order(query))


def _row(query: BoardQuery, values: Any) -> BoardRow:
    code, name, kind, state, errors, warnings, published_on, late = values
    return BoardRow(
        code=code,
        name=name,
        kind=kind,
        status=state,
        error_count=errors,
        warning_count=warnings,
        published_on=_as_date(published_on),
        deadline=deadline(kind, query.year),
        days_late=int(late),
    )


def _as_date(value: date | str | None) -> date | None:
    # SQLite hands back the text date() made; PostgreSQL a date.
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def board_rows(
    connection: Connection, query: BoardQuery, *, limit: int, offset: int
) -> list[BoardRow]:
    statement = _rows_statement(query, _Columns(query)).limit(limit).offset(offset)
    return [_row(query, values) for values in connection.execute(statement).all()]


def stream_board_rows(
    engine: Engine, query: BoardQuery, *, chunk: int = 1000
) -> Iterator[list[BoardRow]]:
    """Every row of the board in chunks, on a connection of its own: downloads are produced
    after the route has returned."""
    statement = _rows_statement(query, _Columns(query))
    with engine.connect() as connection:
        result = connection.execution_options(stream_results=True, yield_per=chunk).execute(
            statement
        )
        for part in result.partitions(chunk):
            yield [_row(query, values) for values in part]
