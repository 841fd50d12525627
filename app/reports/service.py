"""Report use cases: store a revision, read the visible one, list revisions and reports.

Every write is one transaction: writers of one report queue (SQLite: BEGIN IMMEDIATE;
PostgreSQL: an advisory lock on (agency, year)), If-Match is checked under that lock, the
revision and its cells are inserted, the head is moved, and the whole is committed once — or
nothing is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, Table, and_, bindparam, insert, text, update
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, col, select

from app.agencies.models import Agency
from app.db import begin_write, metadata, utcnow, write_use_case
from app.errors import ConflictError, NotFoundError, PreconditionFailed, UnprocessableError
from app.formats.cells import CellValue, CompletedCells, complete
from app.formats.definitions import FORMATS, CellKey
from app.formats.rules import Evaluation, evaluate_in
from app.formats.schema import ReportBase, from_cells
from app.reports.cells import cells_from_rows, stored_rows
from app.reports.models import Report, ReportCell, ReportRevision
from app.reports.rule_context import RuleContext, rule_context

REPORT_TABLE = metadata.tables["report"]  # Report declares no __tablename__ of its own
REVISION_TABLE = metadata.tables[ReportRevision.__tablename__]
REPORT_CELL_TABLE = metadata.tables[ReportCell.__tablename__]
WRITE_STATUSES_NEEDING_NO_ERRORS = frozenset({"submitted", "published"})


@dataclass(frozen=True)
class Writer:
    """Who writes a revision: ``admin`` or ``key:<key_id>``, kept with the revision."""

    written_by: str
    api_key_id: int | None = None


@dataclass(frozen=True)
class StoredReport:
    """One revision of one report with its cells, as readers see it."""

    agency: Agency
    head: Report
    revision: ReportRevision
    cells: dict[CellKey, CellValue]

    @property
    def etag(self) -> str:
        return etag_for(self.revision.revision)

    def body(self) -> ReportBase:
        return body_of(self.revision, self.cells)


def etag_for(revision: int) -> str:
    return f'"r{revision}"'


def body_of(revision: ReportRevision, cells: dict[CellKey, CellValue]) -> ReportBase:
    narrative = {
        "overview": revision.overview,
        "problems_and_improvements": revision.problems_and_improvements,
        "other_matters": revision.other_matters,
    }
    fields: dict[str, Any] = {
        "status": revision.status,
        "scope": revision.scope,
        "narrative": narrative,
        "channels": revision.channels,
        "fees_collected_yuan": revision.fees_collected_yuan,
        "contact": revision.contact,
        "published_on": revision.published_on,
        "source_url": revision.source_url,
        "acknowledgements": revision.acknowledgements,  # issue 14
    }
    return from_cells(revision.format, cells, **{k: v for k, v in fields.items() if v is not None})


def evaluate_both_languages(
    body: ReportBase,
    *,
    year: int,
    previous: ReportBase | CompletedCells | None,
    context: RuleContext | None = None,
) -> tuple[Evaluation, list[dict[str, Any]]]:
    """Evaluate once per language and keep both messages, so reads never re-run the rules."""
    chinese, english = evaluate_in(
        body,
        year=year,
        previous=previous,
        langs=("zh", "en"),
        agency_kind=context.agency_kind if context else None,  # issue 14
        identical=context.identical if context else (),
    )
    findings = []
    for zh, en in zip(chinese.findings, english.findings, strict=True):
        finding = zh.model_dump(mode="json")
        finding["message_en"] = en.message
        findings.append(finding)
    return chinese, findings


def localized_findings(stored: Sequence[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    localized = []
    for finding in stored:
        entry = {key: value for key, value in finding.items() if key != "message_en"}
        if lang == "en":
            entry["message"] = finding.get("message_en", finding["message"])
        localized.append(entry)
    return localized


@write_use_case
def put_report(
    session: Session,
    *,
    agency: Agency,
    year: int,
    body: ReportBase,
    writer: Writer,
    if_match: str | None,
) -> tuple[StoredReport, bool]:
    """Store ``body`` as the next revision; returns it and whether the report was created.

    Raises PreconditionFailed for a stale If-Match and UnprocessableError (with every
    finding) when a submitted or published report breaks an error rule.

    The rules only read, so they run before the write lock is taken; under the lock only
    what can have changed meanwhile is read again (the head, the year before's revision).
    """
    previous = _previous_year(session, agency=agency, year=year)
    context = rule_context(session, agency=agency, year=year, body=body)  # issue 14
    evaluation, findings = evaluate_both_languages(
        body, year=year, previous=_cells_of(previous), context=context
    )

    begin_write(session)
    _serialize_writers_of(session, agency=agency, year=year)
    head = _locked_head(session, agency=agency, year=year)
    _check_if_match(if_match, head)
    if _latest_revision_of(session, agency=agency, year=year - 1) != _revision_of(previous):
        # The year before was rewritten since it was read: check against what is stored now.
        previous = _previous_year(session, agency=agency, year=year)
        evaluation, findings = evaluate_both_languages(
            body, year=year, previous=_cells_of(previous), context=context
        )
    _refuse_errors_of_a_final_report(session, body, findings)

    # Core statements, not ORM flushes: three plain rows, no object graph to track.
    now = utcnow()
    created = head is None
    try:
        if head is None:
            head = _insert_head(session, agency=agency, year=year, body=body, now=now)
        revision = _insert_revision(
            session,
            _new_revision(
                head, body, findings, writer=writer, created_at=now, digest=context.digest
            ),
        )
        rows = [
            {
                "report_id": head.id,
                "revision": revision.revision,
                "section": section,
                "row": row,
                "column": column,
                "value": value,
            }
            for section, row, column, value in stored_rows(body.format, evaluation.cells)
        ]
        if rows:
            # Core executemany: the ORM's bulk path costs more than the insert itself.
            session.connection().execute(insert(REPORT_CELL_TABLE), rows)
        _move_head(session, head, revision, now=now)
        session.commit()
    except IntegrityError:
        # Two first writes of one report raced past each other; the loser retries.
        session.rollback()
        raise ConflictError(
            f"report {agency.code}/{year} was written concurrently; retry with If-Match"
        ) from None
    return StoredReport(agency, head, revision, dict(evaluation.cells)), created


def _locked_head(session: Session, *, agency: Agency, year: int) -> Report | None:
    """The head row, locked until commit on PostgreSQL; a detached copy, edited by hand."""
    found = session.connection().execute(_LOCKED_HEAD, {"agency_id": agency.id, "year": year})
    row = found.first()
    return Report(**row._mapping) if row else None


def _insert_head(
    session: Session, *, agency: Agency, year: int, body: ReportBase, now: datetime
) -> Report:
    head = Report(
        agency_id=_id(agency),
        year=year,
        latest_revision=0,
        format=body.format,
        status=body.status,
        scope=body.scope,
        created_at=now,
        updated_at=now,
    )
    head.id = _insert_returning_id(session, REPORT_TABLE, head.model_dump(exclude={"id"}))
    return head


def _insert_revision(session: Session, revision: ReportRevision) -> ReportRevision:
    revision.id = _insert_returning_id(session, REVISION_TABLE, revision.model_dump(exclude={"id"}))
    return revision


def _insert_returning_id(session: Session, table: Table, values: dict[str, Any]) -> int:
    inserted = session.connection().execute(insert(table).returning(table.c.id), values)
    return int(inserted.scalar_one())


def _refuse_errors_of_a_final_report(
    session: Session, body: ReportBase, findings: list[dict[str, Any]]
) -> None:
    errors = sum(1 for finding in findings if finding["severity"] == "error")
    if body.status in WRITE_STATUSES_NEEDING_NO_ERRORS and errors:
        session.rollback()
        raise UnprocessableError(
            f"a {body.status} report must break no rule; it breaks {errors} "
            "(store it as a draft to keep it anyway)",
            findings=[{k: v for k, v in f.items() if k != "message_en"} for f in findings],
        )


def _serialize_writers_of(session: Session, *, agency: Agency, year: int) -> None:
    """Queue concurrent writers of one report, the very first write included.

    SQLite already holds its single write lock since BEGIN IMMEDIATE. On PostgreSQL a row lock
    cannot cover a report that does not exist yet, so a transaction-scoped advisory lock on
    (agency, year) does; it is released at commit or rollback.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:agency_id, :year)"),
            {"agency_id": agency.id, "year": year},
        )


def _check_if_match(if_match: str | None, head: Report | None) -> None:
    if if_match is None:
        return
    tags = [tag.strip() for tag in if_match.split(",")]
    if head is not None and ("*" in tags or etag_for(head.latest_revision) in tags):
        return
    current = etag_for(head.latest_revision) if head else "none (the report does not exist)"
    raise PreconditionFailed(f"If-Match does not match the current revision: {current}")


def _new_revision(
    head: Report,
    body: ReportBase,
    findings: list[dict[str, Any]],
    *,
    writer: Writer,
    created_at: datetime,
    digest: str | None = None,
) -> ReportRevision:
    narrative = body.narrative
    return ReportRevision(
        report_id=_id(head),
        revision=head.latest_revision + 1,
        format=body.format,
        status=body.status,
        scope=body.scope,
        overview=narrative.overview if narrative else None,
        problems_and_improvements=narrative.problems_and_improvements if narrative else None,
        other_matters=narrative.other_matters if narrative else None,
        channels=body.channels.model_dump(mode="json") if body.channels else None,
        fees_collected_yuan=(
            str(body.fees_collected_yuan) if body.fees_collected_yuan is not None else None
        ),
        contact=body.contact.model_dump(mode="json") if body.contact else None,
        published_on=body.published_on,
        source_url=body.source_url,
        findings=findings,
        error_count=sum(1 for f in findings if f["severity"] == "error"),
        warning_count=sum(1 for f in findings if f["severity"] == "warning"),
        written_by=writer.written_by,
        api_key_id=writer.api_key_id,
        created_at=created_at,
        # issue 14: what the identical-report lookup and the acknowledgements read back
        figures_digest=digest,
        acknowledgements=(
            [item.model_dump(mode="json") for item in body.acknowledgements]
            if body.acknowledgements
            else None
        ),
    )


def _move_head(session: Session, head: Report, revision: ReportRevision, *, now: datetime) -> None:
    """Point the head at ``revision``, in the database and in the copy ``head``."""
    moved: dict[str, Any] = {
        "latest_revision": revision.revision,
        "latest_seq": revision.id,
        "format": revision.format,
        "status": revision.status,
        "scope": revision.scope,
        "error_count": revision.error_count,
        "warning_count": revision.warning_count,
        "updated_at": now,
    }
    if revision.status == "published":
        moved |= {
            "published_revision": revision.revision,
            "published_seq": revision.id,
            "published_scope": revision.scope,
        }
    session.connection().execute(
        update(REPORT_TABLE).where(REPORT_TABLE.c.id == head.id).values(moved)
    )
    for field, value in moved.items():
        setattr(head, field, value)
    # A head this session loaded earlier went stale under the Core UPDATE: reload it on use.
    if (loaded := session.identity_map.get(identity_key(Report, head.id))) is not None:
        session.expire(loaded)


@dataclass(frozen=True)
class Visible:
    """Which revision of a report a caller sees, known from the head row alone."""

    head: Report
    revision: int

    @property
    def etag(self) -> str:
        return etag_for(self.revision)


def visible_revision(
    session: Session,
    *,
    agency: Agency,
    year: int,
    include_unpublished: bool,
    revision: int | None = None,
) -> Visible:
    """The head and the revision number the caller may see (1 query); 404 otherwise.

    Enough to answer If-None-Match, or to find a cached view, without reading the revision.
    """
    head = _head(session, agency=agency, year=year)
    if head is None:
        raise no_report(agency.code, year)
    if revision is not None:
        return Visible(head, revision)  # whether the caller may see it is checked on reading it
    number = visible_number(
        agency.code,
        year,
        latest=head.latest_revision,
        published=head.published_revision,
        include_unpublished=include_unpublished,
    )
    return Visible(head, number)


def visible_number(
    agency_code: str, year: int, *, latest: int, published: int | None, include_unpublished: bool
) -> int:
    """The revision of a report the caller sees: the latest, or the latest published; 404
    when it has none published and the caller may not see drafts."""
    number = latest if include_unpublished else published
    if number is None:
        raise no_published_report(agency_code, year)
    return number


def no_report(agency_code: str, year: int) -> NotFoundError:
    return NotFoundError(f"agency {agency_code} has no report for {year}")


def no_published_report(agency_code: str, year: int) -> NotFoundError:
    return NotFoundError(f"agency {agency_code} has no published report for {year}")


def revision_not_visible(report_name: str, number: int) -> NotFoundError:
    return NotFoundError(f"report {report_name} has no revision {number} you may see")


def get_report(
    session: Session,
    *,
    agency: Agency,
    year: int,
    include_unpublished: bool,
    revision: int | None = None,
) -> StoredReport:
    """The latest revision (or revision ``revision``) the caller may see; 404 otherwise."""
    visible = visible_revision(
        session,
        agency=agency,
        year=year,
        include_unpublished=include_unpublished,
        revision=revision,
    )
    return load_revision(
        session, agency=agency, visible=visible, include_unpublished=include_unpublished
    )


def load_revision(
    session: Session, *, agency: Agency, visible: Visible, include_unpublished: bool
) -> StoredReport:
    head, number = visible.head, visible.revision
    stored = find_revision(
        session,
        report_id=_id(head),
        number=number,
        include_unpublished=include_unpublished,
        report_name=f"{agency.code}/{head.year}",
    )
    rows = session.exec(
        select(ReportCell.section, ReportCell.row, ReportCell.column, ReportCell.value).where(
            ReportCell.report_id == head.id, ReportCell.revision == number
        )
    ).all()
    return StoredReport(agency, head, stored, cells_from_rows(stored.format, rows))


def find_revision(
    session: Session, *, report_id: int, number: int, include_unpublished: bool, report_name: str
) -> ReportRevision:
    """Revision ``number`` of a report, or 404 when it is missing or the caller may not see it."""
    stored = session.exec(
        select(ReportRevision).where(
            ReportRevision.report_id == report_id, ReportRevision.revision == number
        )
    ).first()
    if stored is None or (not include_unpublished and stored.status != "published"):
        raise revision_not_visible(report_name, number)
    return stored


def list_revisions(
    session: Session, *, agency: Agency, year: int, include_unpublished: bool
) -> list[ReportRevision]:
    head = _head(session, agency=agency, year=year)
    if head is None:
        raise no_report(agency.code, year)
    query = select(ReportRevision).where(ReportRevision.report_id == head.id)
    if not include_unpublished:
        query = query.where(ReportRevision.status == "published")
    revisions = list(session.exec(query.order_by(col(ReportRevision.revision))))
    if not revisions:
        raise no_published_report(agency.code, year)
    return revisions


def list_reports(
    session: Session, *, agency: Agency, include_unpublished: bool
) -> list[tuple[Report, ReportRevision]]:
    """Each report of the agency with the revision the caller may see, by year."""
    visible = Report.latest_revision if include_unpublished else Report.published_revision
    query = (
        select(Report, ReportRevision)
        .join(
            ReportRevision,
            and_(
                col(ReportRevision.report_id) == Report.id, col(ReportRevision.revision) == visible
            ),
        )
        .where(Report.agency_id == agency.id)
        .order_by(col(Report.year))
    )
    return list(session.exec(query).all())


@dataclass(frozen=True)
class PreviousYear:
    """The revision of the year before that the cross-year rules were run against."""

    revision: int
    cells: CompletedCells


def previous_year_body(
    session: Session, *, agency: Agency, year: int, include_unpublished: bool
) -> CompletedCells | None:
    """The year before's report as the cross-year rules read it (its completed cells)."""
    return _cells_of(
        _previous_year(session, agency=agency, year=year, include_unpublished=include_unpublished)
    )


def _previous_year(
    session: Session, *, agency: Agency, year: int, include_unpublished: bool = True
) -> PreviousYear | None:
    """The visible revision of the year before with its cells, in one query; no pydantic body
    is rebuilt, the rules need the cells only."""
    query = _LATEST_REVISION_CELLS if include_unpublished else _PUBLISHED_REVISION_CELLS
    rows = session.connection().execute(query, {"agency_id": agency.id, "year": year - 1}).all()
    if not rows:
        return None
    revision, format_id = rows[0][0], rows[0][1]
    stored = [
        (section, row, column, value)
        for *_, section, row, column, value in rows
        if section is not None
    ]
    return PreviousYear(revision, complete(FORMATS[format_id], cells_from_rows(format_id, stored)))


def _latest_revision_of(session: Session, *, agency: Agency, year: int) -> int | None:
    found = session.connection().execute(_LATEST_REVISION, {"agency_id": agency.id, "year": year})
    return found.scalar_one_or_none()


def _visible_revision_cells(visible: str, *, published_only: bool) -> Select[Any]:
    report, revision, cell = REPORT_TABLE.c, REVISION_TABLE.c, REPORT_CELL_TABLE.c
    query = (
        sa_select(
            revision.revision, revision.format, cell.section, cell.row, cell.column, cell.value
        )
        .select_from(REPORT_TABLE)
        .join(
            REVISION_TABLE,
            and_(revision.report_id == report.id, revision.revision == report[visible]),
        )
        # Outer: a revision whose cells are all zero has no cell rows (zeros are not stored).
        .outerjoin(
            REPORT_CELL_TABLE,
            and_(cell.report_id == revision.report_id, cell.revision == revision.revision),
        )
        .where(_REPORT_OF_AGENCY_AND_YEAR)
    )
    return query.where(revision.status == "published") if published_only else query


# Statements built once: building one costs more than running it from SQLAlchemy's cache.
_REPORT_OF_AGENCY_AND_YEAR = and_(
    REPORT_TABLE.c.agency_id == bindparam("agency_id"), REPORT_TABLE.c.year == bindparam("year")
)
_LATEST_REVISION_CELLS = _visible_revision_cells("latest_revision", published_only=False)
_PUBLISHED_REVISION_CELLS = _visible_revision_cells("published_revision", published_only=True)
_LATEST_REVISION = sa_select(REPORT_TABLE.c.latest_revision).where(_REPORT_OF_AGENCY_AND_YEAR)
_LOCKED_HEAD = sa_select(REPORT_TABLE).where(_REPORT_OF_AGENCY_AND_YEAR).with_for_update()


def _revision_of(previous: PreviousYear | None) -> int | None:
    return previous.revision if previous else None


def _cells_of(previous: PreviousYear | None) -> CompletedCells | None:
    return previous.cells if previous else None


def _head(session: Session, *, agency: Agency, year: int) -> Report | None:
    return session.exec(
        select(Report).where(Report.agency_id == agency.id, Report.year == year)
    ).first()


def _id(row: Agency | Report) -> int:
    """The primary key of a row already flushed to the database."""
    if row.id is None:
        raise RuntimeError(f"{type(row).__name__} has no id before it is flushed")
    return row.id
