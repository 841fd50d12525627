"""Many reports in one transaction: how a batch stores a chunk of its items.

Each item goes through every check a PUT makes, in the order the items came, against the
chunk's state held in memory: the rules (against the year before — as stored, or as an
earlier item of the chunk left it; the other agencies' published reports with the same
figures, including the chunk's), If-Match, and the refusal of a submitted or published
report that breaks a rule. Every check runs before anything is written, so a refused item
has written nothing: it is left out and the others are stored together (there is nothing to
roll back per item, hence no SAVEPOINT). Then the chunk is written in a few bulk statements —
heads, revisions, every cell in one executemany, the roll-ups once per row touched
(app.summaries.chunk_rollups), the heads moved, the change feed — and committed once.

Locks (PostgreSQL) are taken in the order a single PUT takes them (app.reports.service), so
neither can wait for the other in a cycle: the advisory locks of every report of the chunk
(sorted, so two chunks queue), the tree shared and the roll-up rows (depth, id), and last,
just before COMMIT, the change feed's table lock, once for the chunk. SQLite has one writer
for the file (app.db.begin_write).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.agencies.models import Agency
from app.db import begin_write, row_id, utcnow, write_use_case
from app.errors import ConflictError, ProblemError
from app.formats.cells import CompletedCells, complete
from app.formats.checks import IdenticalReport
from app.formats.definitions import FORMATS
from app.formats.figures_digest import report_digest
from app.formats.schema import ReportBase
from app.reports import chunk_reads, store
from app.reports.cells import cells_from_rows, computed_pointers, stored_rows
from app.reports.changes import CHANGE_TABLE, serialize_appends
from app.reports.chunk_reads import Key
from app.reports.findings import RevisionFindings, evaluate_for_storage
from app.reports.rule_context import IDENTICAL_LOOKUP_LIMIT, RuleContext
from app.reports.service import (
    Writer,
    acknowledgements_of,
    check_if_match,
    refuse_errors_of_a_final_report,
    revision_values,
)
from app.summaries import chunk_rollups
from app.summaries.chunk_rollups import Publication
from app.summaries.rollups import unchanged
from app.summaries.tally import Tally

_REPORT, _REVISION = store.REPORT_TABLE.c, store.REVISION_TABLE.c
_INSERT_HEADS = insert(store.REPORT_TABLE).returning(_REPORT.id, sort_by_parameter_order=True)
_INSERT_REVISIONS = insert(store.REVISION_TABLE).returning(
    _REVISION.id, sort_by_parameter_order=True
)
_MOVE_HEADS = store.MOVE_HEADS
_INSERT_CHANGES = insert(CHANGE_TABLE)


@dataclass(frozen=True)
class ChunkItem:
    """An item that passed the checks needing no database: its agency is known and may be
    written by the caller, its body is a valid report."""

    agency: Agency
    year: int
    body: ReportBase
    completed: CompletedCells  # the body's, as parsing it computed them
    if_match: str | None = None


@dataclass(frozen=True)
class Written:
    """An item stored: whether it created the report, its revision and its findings."""

    created: bool
    revision: int
    findings: RevisionFindings


Outcome = Written | ProblemError


@dataclass
class _Head:
    """A report's head as the chunk has left it so far (``id`` None: created in the chunk)."""

    agency_id: int
    year: int
    id: int | None = None
    latest_revision: int = 0
    published_revision: int | None = None
    published_seq: int | None = None
    published_scope: str | None = None
    published_tally: Tally | None = None  # None: not read yet (or nothing published)
    revisions: list[_Planned] = field(default_factory=list)


@dataclass
class _Planned:
    """An accepted item, to be written."""

    head: _Head
    values: dict[str, Any]  # the revision's columns but report_id
    cells: list[tuple[str, str, str, int | None]]
    id: int | None = None  # the revision's id, once inserted


@write_use_case
def put_reports(session: Session, items: Sequence[ChunkItem], *, writer: Writer) -> list[Outcome]:
    """Store ``items`` in one transaction, each checked as one PUT would check it; returns
    each item's outcome, in order (a ProblemError for a refused one)."""
    connection = begin_write(session)
    for agency_id, year in sorted({(row_id(item.agency), item.year) for item in items}):
        store.lock_report(connection, agency_id=agency_id, year=year)
    chunk = _Chunk.load(connection, items)
    outcomes: list[Outcome] = []
    for item in items:
        try:
            outcomes.append(chunk.accept(item, writer=writer))
        except ProblemError as error:
            outcomes.append(error)
    try:
        chunk.write(connection)
        session.commit()
    except IntegrityError:
        # A first write of one of the reports raced past the locks; the chunk is undone.
        session.rollback()
        conflict = ConflictError("a report of this chunk was written concurrently; retry")
        return [conflict if isinstance(outcome, Written) else outcome for outcome in outcomes]
    return outcomes


class _Chunk:
    """The chunk's reports as stored before it and as its accepted items change them."""

    def __init__(
        self,
        heads: dict[Key, _Head],
        latest_cells: dict[Key, chunk_reads.Rows],
        published_digests: dict[Key, str | None],
        names: dict[int, tuple[str, str]],
        digests: list[str | None],
    ) -> None:
        self.heads = heads
        self.latest_cells = latest_cells
        self.published_digests = published_digests
        self.names = names
        self.digests = iter(digests)
        self.planned: list[_Planned] = []
        self.publications: list[Publication] = []
        self.changes: list[dict[str, Any]] = []

    @classmethod
    def load(cls, connection: Connection, items: Sequence[ChunkItem]) -> _Chunk:
        agency_ids = sorted({row_id(item.agency) for item in items})
        years = sorted({item.year for item in items})
        heads = {
            (row.agency_id, row.year): _Head(
                row.agency_id,
                row.year,
                row.id,
                row.latest_revision,
                row.published_revision,
                row.published_seq,
                row.published_scope,
            )
            for row in chunk_reads.heads(connection, {(row_id(i.agency), i.year) for i in items})
        }
        latest_cells = chunk_reads.latest_cells(connection, agency_ids, [y - 1 for y in years])
        publishing = {(row_id(i.agency), i.year) for i in items if i.body.status == "published"}
        republished = {
            head.id: head
            for key, head in heads.items()
            if key in publishing and head.published_revision is not None and head.id is not None
        }
        for report_id, tally in chunk_reads.published_tallies(connection, republished).items():
            republished[report_id].published_tally = tally
        digests = [report_digest(item.body, item.completed) for item in items]
        published_digests: dict[Key, str | None] = {}
        names = {row_id(item.agency): (item.agency.code, item.agency.name) for item in items}
        wanted = sorted({digest for digest in digests if digest is not None})
        if wanted:
            for row in chunk_reads.same_digests(connection, wanted, years):
                published_digests[(row.agency_id, row.year)] = row.figures_digest
                names[row.agency_id] = (row.code, row.name)
        return cls(heads, latest_cells, published_digests, names, digests)

    # ----------------------------------------------------------------------------------------

    def accept(self, item: ChunkItem, *, writer: Writer) -> Written:
        """Check ``item`` as a PUT would; when it passes, plan its write and return it."""
        agency_id, year, body = row_id(item.agency), item.year, item.body
        digest = next(self.digests)
        context = RuleContext(digest, item.agency.kind, self._identical(agency_id, year, digest))
        evaluation, findings = evaluate_for_storage(
            body,
            year=year,
            previous=self._previous((agency_id, year - 1)),
            context=context,
            completed=item.completed,
        )
        head = self.heads.get((agency_id, year))
        locked = store.LockedHead(head.id or 0, head.latest_revision) if head else None
        check_if_match(item.if_match, locked)
        refuse_errors_of_a_final_report(body, findings)

        created = head is None
        if head is None:
            head = self.heads[(agency_id, year)] = _Head(agency_id, year)
        number = head.latest_revision + 1
        now = utcnow()
        values = revision_values(body, findings, number=number, writer=writer, created_at=now)
        values["computed_cells"] = computed_pointers(body.format, evaluation.computed)
        values["figures_digest"] = digest
        values["acknowledgements"] = acknowledgements_of(body)
        cells = stored_rows(body.format, evaluation.cells)
        planned = _Planned(head, values, cells)
        self.planned.append(planned)
        head.revisions.append(planned)
        head.latest_revision = number
        self.latest_cells[(agency_id, year)] = (body.format, cells)
        if body.status == "published":
            self._publish(head, body, cells, digest)
        self.changes.append(
            {
                "agency_id": agency_id,
                "year": year,
                "revision": number,
                "status": body.status,
                "at": now,
            }
        )
        return Written(created, number, findings)

    def _previous(self, key: Key) -> CompletedCells | None:
        """The latest revision of the year before, completed as the rules read it back."""
        found = self.latest_cells.get(key)
        if found is None:
            return None
        format_id, rows = found
        return complete(FORMATS[format_id], cells_from_rows(format_id, rows))

    def _identical(
        self, agency_id: int, year: int, digest: str | None
    ) -> tuple[IdenticalReport, ...]:
        if digest is None:
            return ()
        others = sorted(
            self.names[other]
            for (other, other_year), published in self.published_digests.items()
            if published == digest and other_year == year and other != agency_id
        )
        return tuple(IdenticalReport(code, name) for code, name in others[:IDENTICAL_LOOKUP_LIMIT])

    def _publish(
        self,
        head: _Head,
        body: ReportBase,
        cells: list[tuple[str, str, str, int | None]],
        digest: str | None,
    ) -> None:
        had_before = head.published_revision is not None
        old_own = head.published_tally if head.published_tally is not None else Tally()
        new_own = Tally.of_report(body.format, (((s, r, c), v) for s, r, c, v in cells))
        if not unchanged(
            had_before=had_before,
            before_scope=head.published_scope,
            new_scope=body.scope,
            old_own=old_own,
            new_own=new_own,
        ):
            self.publications.append(
                Publication(
                    head.agency_id, head.year, old_own, new_own, head.published_scope, body.scope
                )
            )
        head.published_revision = head.latest_revision
        head.published_scope = body.scope
        head.published_tally = new_own
        head.published_seq = None  # the id of the revision, known once inserted
        self.published_digests[(head.agency_id, head.year)] = digest

    # ----------------------------------------------------------------------------------------

    def write(self, connection: Connection) -> None:
        """The accepted items' rows, in a few statements; the change feed last."""
        if not self.planned:
            return
        now = utcnow()
        new_heads = [head for head in self.heads.values() if head.revisions and head.id is None]
        if new_heads:
            ids = connection.execute(
                _INSERT_HEADS, [_new_head_row(head, now) for head in new_heads]
            ).scalars()
            for head, report_id in zip(new_heads, ids, strict=True):
                head.id = int(report_id)
        revision_ids = connection.execute(
            _INSERT_REVISIONS,
            [{**planned.values, "report_id": planned.head.id} for planned in self.planned],
        ).scalars()
        for planned, revision_id in zip(self.planned, revision_ids, strict=True):
            planned.id = int(revision_id)
        store.insert_cells(
            connection,
            [
                (planned.head.id, planned.values["revision"], *cell)
                for planned in self.planned
                for cell in planned.cells
            ],
        )
        chunk_rollups.record_publications(connection, self.publications)
        connection.execute(
            _MOVE_HEADS,
            [_moved_head_row(head, now) for head in self.heads.values() if head.revisions],
        )
        serialize_appends(connection)  # last before COMMIT (app/reports/changes.py)
        connection.execute(_INSERT_CHANGES, self.changes)


def _new_head_row(head: _Head, now: datetime) -> dict[str, Any]:
    first = head.revisions[0].values
    return {
        "agency_id": head.agency_id,
        "year": head.year,
        "latest_revision": 0,
        "latest_seq": None,
        "format": first["format"],
        "status": first["status"],
        "scope": first["scope"],
        "error_count": 0,
        "warning_count": 0,
        "published_revision": None,
        "published_seq": None,
        "published_scope": None,
        "created_at": now,
        "updated_at": now,
    }


def _moved_head_row(head: _Head, now: datetime) -> dict[str, Any]:
    """The head pointing at the chunk's last revision of the report (and last published)."""
    last = head.revisions[-1]
    published = [p for p in head.revisions if p.values["status"] == "published"]
    return {
        "b_id": head.id,
        "b_latest_revision": last.values["revision"],
        "b_latest_seq": last.id,
        "b_format": last.values["format"],
        "b_status": last.values["status"],
        "b_scope": last.values["scope"],
        "b_error_count": last.values["error_count"],
        "b_warning_count": last.values["warning_count"],
        "b_updated_at": now,
        "b_published_revision": head.published_revision,
        "b_published_seq": published[-1].id if published else head.published_seq,
        "b_published_scope": head.published_scope,
    }
