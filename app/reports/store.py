"""Reports in the database: the SQL of the use cases, and how writers of a report queue.

Every statement is built once, here, before the functions that run it: building and
cache-keying a statement costs more than SQLite running it. Writes go through Core, not ORM
flushes: a revision is three plain kinds of row, with no object graph to track.

How writers of one report queue, on each database:

- SQLite has one write lock for the whole file, taken at ``BEGIN IMMEDIATE`` by
  ``app.db.begin_write`` (where writers of one process queue first): nothing more is needed.
- PostgreSQL takes a transaction-scoped advisory lock on (agency, year): a row lock cannot
  cover the very first write of a report, when there is no row to lock yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, and_, bindparam, insert, text, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, col, select

from app.db import begin_write, metadata
from app.formats.cells import CompletedCells, complete
from app.formats.definitions import FORMATS, CellKey
from app.reports.cells import cells_from_rows
from app.reports.models import Report, ReportCell, ReportRevision

REPORT_TABLE = metadata.tables["report"]  # Report declares no __tablename__ of its own
REVISION_TABLE = metadata.tables[ReportRevision.__tablename__]
REPORT_CELL_TABLE = metadata.tables[ReportCell.__tablename__]

_REPORT, _REVISION, _CELL = REPORT_TABLE.c, REVISION_TABLE.c, REPORT_CELL_TABLE.c
_OF_AGENCY_AND_YEAR = and_(
    _REPORT.agency_id == bindparam("agency_id"), _REPORT.year == bindparam("year")
)


def _visible_revision_cells(visible: str, *, published_only: bool) -> Select[Any]:
    query = (
        sa_select(
            _REVISION.revision,
            _REVISION.format,
            _CELL.section,
            _CELL.row,
            _CELL.column,
            _CELL.value,
        )
        .select_from(REPORT_TABLE)
        .join(
            REVISION_TABLE,
            and_(_REVISION.report_id == _REPORT.id, _REVISION.revision == _REPORT[visible]),
        )
        # Outer: a revision whose cells are all zero has no cell rows (zeros are not stored).
        .outerjoin(
            REPORT_CELL_TABLE,
            and_(_CELL.report_id == _REVISION.report_id, _CELL.revision == _REVISION.revision),
        )
        .where(_OF_AGENCY_AND_YEAR)
    )
    return query.where(_REVISION.status == "published") if published_only else query


_LATEST_REVISION_CELLS = _visible_revision_cells("latest_revision", published_only=False)
_PUBLISHED_REVISION_CELLS = _visible_revision_cells("published_revision", published_only=True)
_LATEST_REVISION = sa_select(_REPORT.latest_revision).where(_OF_AGENCY_AND_YEAR)
_LOCKED_HEAD = (
    sa_select(_REPORT.id, _REPORT.latest_revision).where(_OF_AGENCY_AND_YEAR).with_for_update()
)
_INSERT_HEAD = insert(REPORT_TABLE).returning(_REPORT.id)
_INSERT_REVISION = insert(REVISION_TABLE).returning(_REVISION.id)
_INSERT_CELLS = insert(REPORT_CELL_TABLE)
_HEAD_COLUMNS = (
    "latest_revision",
    "latest_seq",
    "format",
    "status",
    "scope",
    "error_count",
    "warning_count",
    "updated_at",
)
_PUBLISHED_COLUMNS = ("published_revision", "published_seq", "published_scope")


def _move_head(columns: tuple[str, ...]) -> Any:
    return (
        update(REPORT_TABLE)
        .where(_REPORT.id == bindparam("b_id"))
        .values({name: bindparam(f"b_{name}") for name in columns})
    )


# Bound parameters are prefixed: an UPDATE's SET and WHERE may not reuse column names.
_MOVE_HEAD = _move_head(_HEAD_COLUMNS)
_MOVE_HEAD_PUBLISHED = _move_head(_HEAD_COLUMNS + _PUBLISHED_COLUMNS)
MOVE_HEADS = _MOVE_HEAD_PUBLISHED
"""Every column a write moves, published ones included (a batch writes them all)."""
_ADVISORY_LOCK = text("SELECT pg_advisory_xact_lock(:agency_id, :year)")


# --------------------------------------------------------------------------------------------
# Queueing writers


def begin_report_write(session: Session, *, agency_id: int, year: int) -> None:
    """Open the write transaction of one report, its writers queued until it ends."""
    lock_report(begin_write(session), agency_id=agency_id, year=year)


def lock_report(connection: Connection, *, agency_id: int, year: int) -> None:
    """Queue behind the other writers of one report (PostgreSQL), until the transaction ends."""
    if connection.dialect.name == "postgresql":
        connection.execute(_ADVISORY_LOCK, {"agency_id": agency_id, "year": year})


# --------------------------------------------------------------------------------------------
# Writing a revision


@dataclass(frozen=True)
class LockedHead:
    """What a write needs of the head it replaces: its row and its newest revision."""

    id: int
    latest_revision: int


def locked_head(session: Session, *, agency_id: int, year: int) -> LockedHead | None:
    """The head of the report, locked until commit on PostgreSQL; None before its first write."""
    row = session.connection().execute(_LOCKED_HEAD, {"agency_id": agency_id, "year": year})
    found = row.first()
    return LockedHead(found.id, found.latest_revision) if found else None


def insert_head(session: Session, head: Report) -> LockedHead:
    values = head.model_dump(exclude={"id"})
    report_id = session.connection().execute(_INSERT_HEAD, values).scalar_one()
    return LockedHead(int(report_id), head.latest_revision)


def insert_revision(
    session: Session, values: dict[str, Any], cells: list[tuple[str, str, str, int | None]]
) -> int:
    """Insert the revision (its columns but ``id``) and its cells as stored (``stored_rows``:
    the non-zero ones); returns the revision's id."""
    connection = session.connection()
    revision_id = int(connection.execute(_INSERT_REVISION, values).scalar_one())
    report_id, revision = values["report_id"], values["revision"]
    insert_cells(connection, [(report_id, revision, *cell) for cell in cells])
    return revision_id


_CELL_COLUMNS = ("report_id", "revision", "section", "row", "column", "value")


def insert_cells(connection: Connection, rows: list[tuple[Any, ...]]) -> None:
    """Insert cell rows, each (report_id, revision, section, row, column, value).

    On SQLite the driver's own executemany, with the rows as they are: SQLAlchemy's
    processing of each row's parameters cost more than SQLite inserting it (a batch stores a
    quarter of a million cells a chunk). PostgreSQL keeps SQLAlchemy's batched VALUES.
    """
    if not rows:
        return
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(_SQLITE_INSERT_CELLS, rows)
    else:
        named = [dict(zip(_CELL_COLUMNS, row, strict=True)) for row in rows]
        connection.execute(_INSERT_CELLS, named)


_SQLITE_INSERT_CELLS = str(
    insert(REPORT_CELL_TABLE)
    .values({name: bindparam(name) for name in _CELL_COLUMNS})
    .compile(dialect=sqlite.dialect())
)


def move_head(
    session: Session, *, head: LockedHead, revision: ReportRevision, revision_id: int, now: datetime
) -> None:
    """Point the head at the revision just inserted."""
    moved: dict[str, Any] = {
        "b_id": head.id,
        "b_latest_revision": revision.revision,
        "b_latest_seq": revision_id,
        "b_format": revision.format,
        "b_status": revision.status,
        "b_scope": revision.scope,
        "b_error_count": revision.error_count,
        "b_warning_count": revision.warning_count,
        "b_updated_at": now,
    }
    if revision.status == "published":
        moved |= {
            "b_published_revision": revision.revision,
            "b_published_seq": revision_id,
            "b_published_scope": revision.scope,
        }
        session.connection().execute(_MOVE_HEAD_PUBLISHED, moved)
    else:
        session.connection().execute(_MOVE_HEAD, moved)
    # A head this session loaded earlier went stale under the Core UPDATE: reload it on use.
    if (loaded := session.identity_map.get(identity_key(Report, head.id))) is not None:
        session.expire(loaded)


# --------------------------------------------------------------------------------------------
# Reading


@dataclass(frozen=True)
class PreviousYear:
    """The revision of the year before that the cross-year rules were run against."""

    revision: int
    cells: CompletedCells


def previous_year(
    session: Session, *, agency_id: int, year: int, include_unpublished: bool = True
) -> PreviousYear | None:
    """The visible revision of the year before with its completed cells, in one query; no
    pydantic body is rebuilt, the rules need the cells only."""
    query = _LATEST_REVISION_CELLS if include_unpublished else _PUBLISHED_REVISION_CELLS
    rows = session.connection().execute(query, {"agency_id": agency_id, "year": year - 1}).all()
    if not rows:
        return None
    revision, format_id = rows[0][0], rows[0][1]
    stored = [
        (section, row, column, value)
        for *_, section, row, column, value in rows
        if section is not None
    ]
    return PreviousYear(revision, complete(FORMATS[format_id], cells_from_rows(format_id, stored)))


def latest_revision_number(session: Session, *, agency_id: int, year: int) -> int | None:
    found = session.connection().execute(_LATEST_REVISION, {"agency_id": agency_id, "year": year})
    return found.scalar_one_or_none()


def head_of(session: Session, *, agency_id: int, year: int) -> Report | None:
    return session.exec(
        select(Report).where(Report.agency_id == agency_id, Report.year == year)
    ).first()


def revision_of(session: Session, *, report_id: int, number: int) -> ReportRevision | None:
    return session.exec(
        select(ReportRevision).where(
            ReportRevision.report_id == report_id, ReportRevision.revision == number
        )
    ).first()


def cells_of(session: Session, *, report_id: int, revision: ReportRevision) -> dict[CellKey, Any]:
    rows = session.exec(
        select(ReportCell.section, ReportCell.row, ReportCell.column, ReportCell.value).where(
            ReportCell.report_id == report_id, ReportCell.revision == revision.revision
        )
    ).all()
    return cells_from_rows(revision.format, rows)


def revisions_of(session: Session, *, report_id: int, published_only: bool) -> list[ReportRevision]:
    query = select(ReportRevision).where(ReportRevision.report_id == report_id)
    if published_only:
        query = query.where(ReportRevision.status == "published")
    return list(session.exec(query.order_by(col(ReportRevision.revision))))


def reports_of(
    session: Session, *, agency_id: int, published_only: bool
) -> list[tuple[Report, ReportRevision]]:
    """Each report of the agency with its latest (or latest published) revision, by year."""
    visible = Report.published_revision if published_only else Report.latest_revision
    query = (
        select(Report, ReportRevision)
        .join(
            ReportRevision,
            and_(
                col(ReportRevision.report_id) == Report.id, col(ReportRevision.revision) == visible
            ),
        )
        .where(Report.agency_id == agency_id)
        .order_by(col(Report.year))
    )
    return list(session.exec(query).all())
