"""Roll-ups kept in the transaction of each publication, so a summary reads one row.

``summary_rollup`` holds, per agency and year, the tally of the agency's subtree exactly as
/summary counts it (app.summaries.tally, app.summaries.scope): every published report, except
that a published consolidated report (本级政府汇总) stands for everything below it.

When a report's published revision changes, the agency's tally is recomputed from its old
one (the old revision's contribution out, the new one's in) and the difference goes up the
path to the root. Above a consolidated report only the count of published reports changes.
A report turning consolidated, or ceasing to be, swaps its subtree's sums for its own, or
back (then re-added from its children's rows).

Concurrency. On SQLite writers are serialised already. On PostgreSQL writers under one
province update the same ancestor rows: each locks the rows of its path root first (then by
agency id), with inserts of missing rows in the same order, so two writers wait for each
other at their first shared ancestor and never in a cycle. An agency move rewrites the
paths, so it takes the tree lock exclusively, publications share it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from typing import Any

from sqlalchemy import Connection, and_, bindparam, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

import app.agencies.models  # noqa: F401  (the agency table on the metadata)
from app.db import metadata
from app.reports.models import ReportRevision
from app.summaries.models import SummaryRollup
from app.summaries.tally import Tally, total

CONSOLIDATED = "consolidated"

_ROLLUP_TABLE = metadata.tables[SummaryRollup.__tablename__]
_AGENCY_TABLE = metadata.tables["agency"]  # Agency declares no __tablename__ of its own
_REPORT_TABLE = metadata.tables["report"]
_REVISION_TABLE = metadata.tables["report_revision"]
_CELL_TABLE = metadata.tables["report_cell"]
_ROLLUP, _AGENCY, _REPORT = _ROLLUP_TABLE.c, _AGENCY_TABLE.c, _REPORT_TABLE.c
_REVISION, _CELL = _REVISION_TABLE.c, _CELL_TABLE.c

# One key for the whole tree, in the one-bigint key space (report locks use two ints).
_TREE_LOCK_KEY = 0x5_0115_7EE
_SHARE_TREE = text(f"SELECT pg_advisory_xact_lock_shared({_TREE_LOCK_KEY})")
_OWN_TREE = text(f"SELECT pg_advisory_xact_lock({_TREE_LOCK_KEY})")

_PATH = select(_AGENCY.path).where(_AGENCY.id == bindparam("agency_id"))
# The revision published before, with its cells (outer: an all-zero one has no cell rows).
_PUBLISHED_BEFORE = (
    select(_REVISION.format, _REVISION.scope, _CELL.section, _CELL.row, _CELL.column, _CELL.value)
    .select_from(_REPORT_TABLE)
    .join(
        _REVISION_TABLE,
        and_(_REVISION.report_id == _REPORT.id, _REVISION.revision == _REPORT.published_revision),
    )
    .outerjoin(
        _CELL_TABLE,
        and_(_CELL.report_id == _REVISION.report_id, _CELL.revision == _REVISION.revision),
    )
    .where(_REPORT.id == bindparam("report_id"))
)
_LOCK_ROWS = (
    select(_ROLLUP.agency_id, _ROLLUP.reported, _ROLLUP.covered, _ROLLUP.sums)
    .select_from(_ROLLUP_TABLE)
    .join(_AGENCY_TABLE, _AGENCY.id == _ROLLUP.agency_id)
    .where(_ROLLUP.agency_id.in_(bindparam("agency_ids")), _ROLLUP.year == bindparam("year"))
    .order_by(_AGENCY.depth, _AGENCY.id)
    .with_for_update(of=_ROLLUP_TABLE)
)
_CONSOLIDATED_AMONG = select(_REPORT.agency_id).where(
    _REPORT.agency_id.in_(bindparam("agency_ids")),
    _REPORT.year == bindparam("year"),
    _REPORT.published_scope == CONSOLIDATED,
    _REPORT.published_revision.is_not(None),
)
_CHILDREN_ROWS = (
    select(_ROLLUP.reported, _ROLLUP.covered, _ROLLUP.sums)
    .select_from(_ROLLUP_TABLE)
    .join(_AGENCY_TABLE, _AGENCY.id == _ROLLUP.agency_id)
    .where(_AGENCY.parent_id == bindparam("agency_id"), _ROLLUP.year == bindparam("year"))
)
_OWN_PUBLISHED = (
    select(_REVISION.format, _REVISION.scope, _CELL.section, _CELL.row, _CELL.column, _CELL.value)
    .select_from(_REPORT_TABLE)
    .join(
        _REVISION_TABLE,
        and_(_REVISION.report_id == _REPORT.id, _REVISION.revision == _REPORT.published_revision),
    )
    .outerjoin(
        _CELL_TABLE,
        and_(_CELL.report_id == _REVISION.report_id, _CELL.revision == _REVISION.revision),
    )
    .where(_REPORT.agency_id == bindparam("agency_id"), _REPORT.year == bindparam("year"))
)
_UPDATE_ROW = (
    update(_ROLLUP_TABLE)
    .where(_ROLLUP.agency_id == bindparam("b_agency_id"), _ROLLUP.year == bindparam("b_year"))
    .values(
        reported=bindparam("b_reported"), covered=bindparam("b_covered"), sums=bindparam("b_sums")
    )
)

# Built once per dialect: a statement built per call is compiled per call.
_INSERT_MISSING = {
    "postgresql": pg_insert(_ROLLUP_TABLE).on_conflict_do_nothing(),
    "sqlite": sqlite_insert(_ROLLUP_TABLE).on_conflict_do_nothing(),
}


# --------------------------------------------------------------------------------------------
# Publication


def record_publication(
    session: Session,
    *,
    report_id: int,
    agency_id: int,
    year: int,
    revision: ReportRevision,
    cells: Iterable[tuple[str, str, str, int | None]],
) -> None:
    """Move the roll-ups from the report's published revision to ``revision``, whose stored
    cells are ``cells`` (``app.reports.cells.stored_rows``).

    Call inside the write transaction, before the head points at the revision; a revision
    that is not published changes nothing.
    """
    if revision.status != "published":
        return
    connection = session.connection()
    share_tree(connection)
    chain = _path_ids(connection.execute(_PATH, {"agency_id": agency_id}).scalar_one())
    published = connection.execute(_PUBLISHED_BEFORE, {"report_id": report_id}).all()
    before = published[0] if published else None
    new_own = Tally.of_report(revision.format, (((s, r, c), v) for s, r, c, v in cells))
    old_own = (
        Tally.of_report(
            before.format,
            (((p.section, p.row, p.column), p.value) for p in published if p.section is not None),
        )
        if before
        else Tally()
    )
    if unchanged(
        had_before=before is not None,
        before_scope=before.scope if before else None,
        new_scope=revision.scope,
        old_own=old_own,
        new_own=new_own,
    ):
        return  # same figures, same kind of report: no roll-up changes, none is locked

    current = _lock_chain(connection, chain, year)
    consolidated = set(
        connection.execute(_CONSOLIDATED_AMONG, {"agency_ids": list(chain[:-1]), "year": year})
        .scalars()
        .all()
    )
    updated = next_tallies(
        chain,
        current,
        consolidated,
        old_own=old_own,
        new_own=new_own,
        before_scope=before.scope if before else None,
        new_scope=revision.scope,
        children_total=lambda: _children_total(connection, agency_id, year),
    )
    store_tallies(connection, {(agency_id, year): tally for agency_id, tally in updated.items()})


def unchanged(
    *, had_before: bool, before_scope: str | None, new_scope: str, old_own: Tally, new_own: Tally
) -> bool:
    """Whether a publication leaves every roll-up as it is: same figures, same kind."""
    return (
        had_before
        and (before_scope == CONSOLIDATED) == (new_scope == CONSOLIDATED)
        and new_own == old_own
    )


def next_tallies(
    chain: Sequence[int],
    current: Mapping[int, Tally],
    consolidated: Set[int],
    *,
    old_own: Tally,
    new_own: Tally,
    before_scope: str | None,
    new_scope: str,
    children_total: Callable[[], Tally],
) -> dict[int, Tally]:
    """The tallies of ``chain`` (root first, the publishing agency last) once its report's
    published revision went from ``old_own`` to ``new_own``. ``current``: their tallies now;
    ``consolidated``: the ancestors whose published report is consolidated."""
    agency_id = chain[-1]
    mine = current[agency_id]
    # Below the agency: everything but its own report; only counted when it was consolidated.
    rest = mine.minus(old_own)
    if new_scope == CONSOLIDATED:
        new = new_own.plus(rest.published_only())
    elif before_scope == CONSOLIDATED:
        new = new_own.plus(children_total())
    else:
        new = new_own.plus(rest)
    delta = new.minus(mine)
    updated = {agency_id: new}
    for ancestor in reversed(chain[:-1]):
        if ancestor in consolidated:
            delta = delta.published_only()
        updated[ancestor] = current[ancestor].plus(delta)
    return updated


def share_tree(connection: Connection) -> None:
    """Keep agency moves out until this transaction ends (PostgreSQL; SQLite is serial)."""
    if connection.dialect.name == "postgresql":
        connection.execute(_SHARE_TREE)


def own_tree(connection: Connection) -> None:
    """Keep publications and other moves out until this transaction ends."""
    if connection.dialect.name == "postgresql":
        connection.execute(_OWN_TREE)


def _path_ids(path: str) -> list[int]:
    """The agency ids of a materialised path ("1/5/23/"), root first."""
    return [int(part) for part in path.split("/") if part]


def _lock_chain(connection: Connection, chain: Sequence[int], year: int) -> dict[int, Tally]:
    """The tallies of the chain's agencies for ``year``, their rows created and locked."""
    rows = [
        {"agency_id": agency_id, "year": year, "reported": 0, "covered": 0, "sums": {}}
        for agency_id in chain
    ]
    # Root first, like the locks below: a concurrent insert of the same row is waited for.
    connection.execute(_INSERT_MISSING[connection.dialect.name], rows)
    found = connection.execute(_LOCK_ROWS, {"agency_ids": list(chain), "year": year})
    return {row.agency_id: _tally(row) for row in found}


def _tally(row: Any) -> Tally:
    return Tally.from_stored(reported=row.reported, covered=row.covered, sums=row.sums)


def _children_total(connection: Connection, agency_id: int, year: int) -> Tally:
    rows = connection.execute(_CHILDREN_ROWS, {"agency_id": agency_id, "year": year})
    return total(_tally(row) for row in rows)


def store_tallies(connection: Connection, tallies: Mapping[tuple[int, int], Tally]) -> None:
    """Write roll-up rows keyed by (agency id, year): the single write's and the chunk's."""
    if not tallies:
        return
    connection.execute(
        _UPDATE_ROW,
        [
            {
                "b_agency_id": agency_id,
                "b_year": year,
                "b_reported": tally.reported,
                "b_covered": tally.covered,
                "b_sums": tally.stored_sums(),
            }
            for (agency_id, year), tally in tallies.items()
        ],
    )


# --------------------------------------------------------------------------------------------
# Moves


def recompute_after_move(session: Session, *, moved_id: int, affected: Iterable[int]) -> None:
    """Recompute the tallies of ``affected`` (the old and new ancestors of a moved agency)
    from their own reports and their children's rows, deepest first, for every year the
    moved subtree has a roll-up in. The caller holds the tree (``own_tree``)."""
    connection = session.connection()
    years = (
        connection.execute(select(_ROLLUP.year).where(_ROLLUP.agency_id == moved_id))
        .scalars()
        .all()
    )
    ids = sorted(set(affected))
    if not years or not ids:
        return
    depth_of = dict(
        connection.execute(select(_AGENCY.id, _AGENCY.depth).where(_AGENCY.id.in_(ids))).all()
    )
    deepest_first = sorted(ids, key=lambda agency_id: (-depth_of[agency_id], agency_id))
    for year in years:
        _lock_chain(connection, deepest_first[::-1], year)
        for agency_id in deepest_first:
            store_tallies(connection, {(agency_id, year): recompute(connection, agency_id, year)})


def recompute(connection: Connection, agency_id: int, year: int) -> Tally:
    """An agency's tally from its own published report and its children's roll-ups."""
    own = Tally()
    scope = None
    rows = connection.execute(_OWN_PUBLISHED, {"agency_id": agency_id, "year": year}).all()
    if rows:
        format_id, scope = rows[0].format, rows[0].scope
        own = Tally.of_report(
            format_id,
            (((r.section, r.row, r.column), r.value) for r in rows if r.section is not None),
        )
    below = _children_total(connection, agency_id, year)
    return own.plus(below.published_only() if scope == CONSOLIDATED else below)


# --------------------------------------------------------------------------------------------
# Reading


def read(session: Session, *, agency_id: int | None, year: int) -> Tally:
    """The tally of one agency's subtree, or (``None``) of every root's, for ``year``."""
    query = select(_ROLLUP.reported, _ROLLUP.covered, _ROLLUP.sums).where(_ROLLUP.year == year)
    if agency_id is None:
        query = query.join(_AGENCY_TABLE, _AGENCY.id == _ROLLUP.agency_id).where(
            _AGENCY.parent_id.is_(None)
        )
    else:
        query = query.where(_ROLLUP.agency_id == agency_id)
    return total(_tally(row) for row in session.connection().execute(query))


def read_years(
    session: Session, *, agency_id: int, first_year: int, last_year: int
) -> dict[int, Tally]:
    """The tallies of one agency's subtree for each year of a range that has one."""
    rows = session.connection().execute(
        select(_ROLLUP.year, _ROLLUP.reported, _ROLLUP.covered, _ROLLUP.sums).where(
            _ROLLUP.agency_id == agency_id, _ROLLUP.year.between(first_year, last_year)
        )
    )
    return {row.year: _tally(row) for row in rows}
