"""Report use cases: store a revision, read the visible one, list revisions and reports.

A write reads forward: the rules run first (they only read), then one transaction takes the
report's writer lock (``store.begin_report_write``), checks If-Match, inserts the revision
and its cells, moves the head and commits once. ``write_use_case`` is the one place a failed
write is rolled back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.agencies.models import Agency
from app.db import row_id, utcnow, write_use_case
from app.errors import (
    ConflictError,
    PreconditionFailed,
    ReportNotFound,
    RevisionNotFound,
    UnprocessableError,
)
from app.formats.cells import CellValue, CompletedCells
from app.formats.definitions import CellKey
from app.formats.schema import ReportBase, from_cells
from app.reports import store
from app.reports.cells import computed_keys, computed_pointers, stored_rows
from app.reports.changes import record_change
from app.reports.findings import RevisionFindings, evaluate_for_storage
from app.reports.models import Report, ReportRevision
from app.reports.rule_context import rule_context
from app.summaries import rollups

STATUSES_NEEDING_NO_ERRORS = frozenset({"submitted", "published"})


@dataclass(frozen=True)
class Writer:
    """Who writes a revision: ``admin`` or ``key:<key_id>``, kept with the revision."""

    written_by: str
    api_key_id: int | None = None


@dataclass(frozen=True)
class StoredReport:
    """One revision of one report with its cells, as readers see it."""

    agency: Agency
    year: int
    revision: ReportRevision
    cells: dict[CellKey, CellValue]

    @property
    def etag(self) -> str:
        return etag_for(self.revision.revision)

    @property
    def computed(self) -> frozenset[CellKey]:
        """The cells the service computed (omitted or blank totals) rather than was given."""
        return computed_keys(self.revision.format, self.revision.computed_cells)

    def body(self) -> ReportBase:
        return body_of(self.revision, self.cells)


def etag_for(revision: int, lang: str = "zh") -> str:
    """The strong ETag of a revision's representation: its findings are worded in ``lang``,
    so the English body has an ETag of its own."""
    return f'"r{revision}"' if lang == "zh" else f'"r{revision}-{lang}"'


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
        "acknowledgements": revision.acknowledgements,
    }
    return from_cells(revision.format, cells, **{k: v for k, v in fields.items() if v is not None})


# --------------------------------------------------------------------------------------------
# Writing


@write_use_case
def put_report(
    session: Session,
    *,
    agency: Agency,
    year: int,
    body: ReportBase,
    writer: Writer,
    if_match: str | None,
    if_none_match: str | None = None,
    completed: CompletedCells | None = None,
) -> tuple[StoredReport, bool]:
    """Store ``body`` as the next revision; returns it and whether the report was created.

    Raises PreconditionFailed for a stale If-Match and UnprocessableError (with every
    finding) when a submitted or published report breaks an error rule. ``completed``: the
    body's completed cells, when parsing it computed them (``parse_report_with_cells``).
    """
    agency_id = row_id(agency)
    previous = store.previous_year(session, agency_id=agency_id, year=year)
    context = rule_context(session, agency=agency, year=year, body=body, completed=completed)
    evaluation, findings = evaluate_for_storage(
        body, year=year, previous=_cells(previous), context=context, completed=completed
    )

    store.begin_report_write(session, agency_id=agency_id, year=year)
    head = store.locked_head(session, agency_id=agency_id, year=year)
    check_if_match(if_match, head, if_none_match)
    if store.latest_revision_number(session, agency_id=agency_id, year=year - 1) != (
        previous.revision if previous else None
    ):
        # The year before was rewritten since it was read: check against what is stored now.
        previous = store.previous_year(session, agency_id=agency_id, year=year)
        evaluation, findings = evaluate_for_storage(
            body, year=year, previous=_cells(previous), context=context, completed=completed
        )
    refuse_errors_of_a_final_report(body, findings)

    now = utcnow()
    created = head is None
    try:
        if head is None:
            head = store.insert_head(session, _new_head(agency_id, year, body, now=now))
        number = head.latest_revision + 1
        values = revision_values(body, findings, number=number, writer=writer, created_at=now)
        values |= {
            "report_id": head.id,
            "computed_cells": computed_pointers(body.format, evaluation.computed),
            # What the identical-report lookup and the acknowledgements read back.
            "figures_digest": context.digest,
            "acknowledgements": acknowledgements_of(body),
        }
        rows = stored_rows(body.format, evaluation.cells)
        revision_id = store.insert_revision(session, values, rows)
        revision = ReportRevision(id=revision_id, **values)
        rollups.record_publication(
            session,
            report_id=head.id,
            agency_id=agency_id,
            year=year,
            revision=revision,
            cells=rows,
        )
        store.move_head(session, head=head, revision=revision, revision_id=revision_id, now=now)
        # Last before COMMIT: on PostgreSQL it queues the writers' commits (app/reports/changes.py).
        record_change(
            session,
            agency_id=agency_id,
            year=year,
            revision=revision.revision,
            status=revision.status,
            at=now,
        )
        session.commit()
    except IntegrityError:
        # Two first writes of one report raced past each other; the loser retries.
        raise ConflictError(
            f"report {agency.code}/{year} was written concurrently; retry with If-Match"
        ) from None
    return StoredReport(agency, year, revision, dict(evaluation.cells)), created


def check_if_match(
    if_match: str | None, head: store.LockedHead | None, if_none_match: str | None = None
) -> None:
    """RFC 9110 preconditions of a write; If-Match compares strongly (a weak tag never
    matches), either language's ETag of the current revision does."""
    if if_none_match is not None and if_none_match.strip() == "*" and head is not None:
        raise PreconditionFailed(
            f"If-None-Match: * but the report exists (revision {etag_for(head.latest_revision)})"
        )
    if if_match is None:
        return
    tags = [tag.strip() for tag in if_match.split(",")]
    held = {etag_for(head.latest_revision, lang) for lang in ("zh", "en")} if head else set()
    if head is not None and ("*" in tags or held.intersection(tags)):
        return
    current = etag_for(head.latest_revision) if head else "none (the report does not exist)"
    raise PreconditionFailed(f"If-Match does not match the current revision: {current}")


def refuse_errors_of_a_final_report(body: ReportBase, findings: RevisionFindings) -> None:
    if body.status in STATUSES_NEEDING_NO_ERRORS and findings.error_count:
        raise UnprocessableError(
            f"a {body.status} report must break no rule; it breaks {findings.error_count} "
            "(store it as a draft to keep it anyway)",
            findings=findings.localized("zh"),
        )


def _new_head(agency_id: int, year: int, body: ReportBase, *, now: datetime) -> Report:
    return Report(
        agency_id=agency_id,
        year=year,
        latest_revision=0,
        format=body.format,
        status=body.status,
        scope=body.scope,
        created_at=now,
        updated_at=now,
    )


def revision_values(
    body: ReportBase,
    findings: RevisionFindings,
    *,
    number: int,
    writer: Writer,
    created_at: datetime,
) -> dict[str, Any]:
    """The columns of revision ``number`` of ``body`` but its report and what the write adds
    (computed cells, digest, acknowledgements)."""
    narrative = body.narrative
    return {
        "revision": number,
        "format": body.format,
        "status": body.status,
        "scope": body.scope,
        "overview": narrative.overview if narrative else None,
        "problems_and_improvements": narrative.problems_and_improvements if narrative else None,
        "other_matters": narrative.other_matters if narrative else None,
        "channels": body.channels.model_dump(mode="json") if body.channels else None,
        "fees_collected_yuan": (
            str(body.fees_collected_yuan) if body.fees_collected_yuan is not None else None
        ),
        "contact": body.contact.model_dump(mode="json") if body.contact else None,
        "published_on": body.published_on,
        "source_url": body.source_url,
        "findings": findings.stored,
        "error_count": findings.error_count,
        "warning_count": findings.warning_count,
        "written_by": writer.written_by,
        "api_key_id": writer.api_key_id,
        "created_at": created_at,
    }


def acknowledgements_of(body: ReportBase) -> list[dict[str, Any]] | None:
    """The acknowledgements as a revision keeps them."""
    if not body.acknowledgements:
        return None
    return [item.model_dump(mode="json") for item in body.acknowledgements]


# --------------------------------------------------------------------------------------------
# Reading


@dataclass(frozen=True)
class VisibleRevision:
    """Which revision of a report a caller sees, known from the head row alone."""

    head: Report
    number: int

    @property
    def etag(self) -> str:
        return etag_for(self.number)


def find_visible_revision(
    session: Session,
    *,
    agency: Agency,
    year: int,
    include_unpublished: bool,
    revision: int | None = None,
) -> VisibleRevision:
    """The head and the revision number the caller may see (1 query); 404 otherwise.

    Enough to answer If-None-Match, or to find a cached view, without reading the revision.
    """
    head = store.head_of(session, agency_id=row_id(agency), year=year)
    if head is None:
        # Those who may not see drafts get the same answer whether a draft exists or not.
        raise ReportNotFound(agency.code, year, published=not include_unpublished)
    if revision is not None:
        return VisibleRevision(head, revision)  # whether it may be seen is checked on reading
    number = visible_revision_number(
        agency.code,
        year,
        latest=head.latest_revision,
        published=head.published_revision,
        include_unpublished=include_unpublished,
    )
    return VisibleRevision(head, number)


def visible_revision_number(
    agency_code: str, year: int, *, latest: int, published: int | None, include_unpublished: bool
) -> int:
    """The revision of a report the caller sees: the latest, or the latest published; 404
    when it has none published and the caller may not see drafts."""
    number = latest if include_unpublished else published
    if number is None:
        raise ReportNotFound(agency_code, year, published=True)
    return number


def get_report(
    session: Session,
    *,
    agency: Agency,
    year: int,
    include_unpublished: bool,
    revision: int | None = None,
) -> StoredReport:
    """The latest revision (or revision ``revision``) the caller may see; 404 otherwise."""
    visible = find_visible_revision(
        session,
        agency=agency,
        year=year,
        include_unpublished=include_unpublished,
        revision=revision,
    )
    head = visible.head
    stored = find_revision(
        session,
        report_id=row_id(head),
        number=visible.number,
        include_unpublished=include_unpublished,
        agency_code=agency.code,
        year=year,
    )
    cells = store.cells_of(session, report_id=row_id(head), revision=stored)
    return StoredReport(agency, year, stored, cells)


def find_revision(
    session: Session,
    *,
    report_id: int,
    number: int,
    include_unpublished: bool,
    agency_code: str,
    year: int,
) -> ReportRevision:
    """Revision ``number`` of a report, or 404 when it is missing or the caller may not see it."""
    stored = store.revision_of(session, report_id=report_id, number=number)
    if stored is None or (not include_unpublished and stored.status != "published"):
        raise RevisionNotFound(agency_code, year, number)
    return stored


def list_revisions(
    session: Session, *, agency: Agency, year: int, include_unpublished: bool
) -> list[ReportRevision]:
    head = store.head_of(session, agency_id=row_id(agency), year=year)
    if head is None:
        raise ReportNotFound(agency.code, year, published=not include_unpublished)
    revisions = store.revisions_of(
        session, report_id=row_id(head), published_only=not include_unpublished
    )
    if not revisions:
        raise ReportNotFound(agency.code, year, published=True)
    return revisions


def list_reports(
    session: Session, *, agency: Agency, include_unpublished: bool
) -> list[tuple[Report, ReportRevision]]:
    """Each report of the agency with the revision the caller may see, by year."""
    return store.reports_of(
        session, agency_id=row_id(agency), published_only=not include_unpublished
    )


def previous_year_cells(
    session: Session, *, agency: Agency, year: int, include_unpublished: bool
) -> CompletedCells | None:
    """The year before's report as the cross-year rules read it (its completed cells)."""
    previous = store.previous_year(
        session, agency_id=row_id(agency), year=year, include_unpublished=include_unpublished
    )
    return _cells(previous)


def _cells(previous: store.PreviousYear | None) -> CompletedCells | None:
    return previous.cells if previous else None
