"""Roll-ups of a chunk of publications stored in one transaction (a batch, app.reports.bulk).

The same arithmetic as one publication (``rollups.next_tallies``), applied to the chunk's
publications in the order they came, but on the tallies held in memory: every row the chunk
touches is locked and read once, and each one changed is written once, however many of the
chunk's publications pass through it (a province's row, once per chunk rather than once per
report).

Locks (PostgreSQL): the tree shared, then every row by (depth, agency id) in one statement, so
a chunk and a single publication wait for each other at their first shared ancestor and never
in a cycle, as two single publications do (app.summaries.rollups).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from sqlalchemy import Connection, bindparam, select

from app.summaries.rollups import (
    _AGENCY,
    _AGENCY_TABLE,
    _INSERT_MISSING,
    _REPORT,
    _ROLLUP,
    _ROLLUP_TABLE,
    CONSOLIDATED,
    _path_ids,
    _tally,
    next_tallies,
    share_tree,
    store_tallies,
)
from app.summaries.tally import Tally, total

Key = tuple[int, int]  # (agency id, year)


@dataclass(frozen=True)
class Publication:
    """A report's published revision moving from ``old_own`` to ``new_own`` (its tallies)."""

    agency_id: int
    year: int
    old_own: Tally
    new_own: Tally
    before_scope: str | None  # the scope of the revision published before, if any
    new_scope: str


_PATHS = select(_AGENCY.id, _AGENCY.path).where(_AGENCY.id.in_(bindparam("agency_ids")))
_LOCK_ROWS = (
    select(_ROLLUP.agency_id, _ROLLUP.year, _ROLLUP.reported, _ROLLUP.covered, _ROLLUP.sums)
    .select_from(_ROLLUP_TABLE)
    .join(_AGENCY_TABLE, _AGENCY.id == _ROLLUP.agency_id)
    .where(_ROLLUP.agency_id.in_(bindparam("agency_ids")), _ROLLUP.year.in_(bindparam("years")))
    .order_by(_AGENCY.depth, _AGENCY.id, _ROLLUP.year)
    .with_for_update(of=_ROLLUP_TABLE)
)
_CONSOLIDATED = select(_REPORT.agency_id, _REPORT.year).where(
    _REPORT.agency_id.in_(bindparam("agency_ids")),
    _REPORT.year.in_(bindparam("years")),
    _REPORT.published_scope == CONSOLIDATED,
    _REPORT.published_revision.is_not(None),
)
_CHILDREN_ROWS = (
    select(_ROLLUP.agency_id, _ROLLUP.reported, _ROLLUP.covered, _ROLLUP.sums)
    .select_from(_ROLLUP_TABLE)
    .join(_AGENCY_TABLE, _AGENCY.id == _ROLLUP.agency_id)
    .where(_AGENCY.parent_id == bindparam("agency_id"), _ROLLUP.year == bindparam("year"))
)


def record_publications(connection: Connection, publications: Sequence[Publication]) -> None:
    """Move the roll-ups by every publication of the chunk, in order; inside its transaction.

    The caller passes only publications that change something (``rollups.unchanged``)."""
    if not publications:
        return
    share_tree(connection)
    agency_ids = sorted({publication.agency_id for publication in publications})
    paths = dict(connection.execute(_PATHS, {"agency_ids": agency_ids}).all())
    chains = {agency_id: _path_ids(paths[agency_id]) for agency_id in agency_ids}
    current = _lock_rows(connection, publications, chains)
    consolidated = _consolidated(connection, current)
    changed: set[Key] = set()
    for publication in publications:
        year, chain = publication.year, chains[publication.agency_id]
        updated = next_tallies(
            chain,
            {agency_id: current[(agency_id, year)] for agency_id in chain},
            {agency_id for agency_id in chain[:-1] if (agency_id, year) in consolidated},
            old_own=publication.old_own,
            new_own=publication.new_own,
            before_scope=publication.before_scope,
            new_scope=publication.new_scope,
            children_total=partial(_children_total, connection, publication, current),
        )
        for agency_id, tally in updated.items():
            current[(agency_id, year)] = tally
            changed.add((agency_id, year))
        consolidated.discard((publication.agency_id, year))
        if publication.new_scope == CONSOLIDATED:
            consolidated.add((publication.agency_id, year))
    store_tallies(connection, {key: current[key] for key in sorted(changed)})


def _lock_rows(
    connection: Connection, publications: Sequence[Publication], chains: dict[int, list[int]]
) -> dict[Key, Tally]:
    """The tallies of every (agency, year) the chunk passes through, created and locked."""
    depth_of: dict[Key, int] = {}
    for publication in publications:
        for depth, agency_id in enumerate(chains[publication.agency_id]):
            depth_of[(agency_id, publication.year)] = depth
    wanted = sorted(depth_of, key=lambda key: (depth_of[key], key))
    rows = [
        {"agency_id": agency_id, "year": year, "reported": 0, "covered": 0, "sums": {}}
        for agency_id, year in wanted
    ]
    # Root first, like the locks below: a concurrent insert of the same row is waited for.
    connection.execute(_INSERT_MISSING[connection.dialect.name], rows)
    found = connection.execute(
        _LOCK_ROWS,
        {
            "agency_ids": sorted({agency_id for agency_id, _ in wanted}),
            "years": sorted({year for _, year in wanted}),
        },
    )
    tallies = {(row.agency_id, row.year): _tally(row) for row in found}
    return {key: tallies[key] for key in wanted}


def _consolidated(connection: Connection, keys: dict[Key, Tally]) -> set[Key]:
    """Which of ``keys`` have a published consolidated report (before the chunk)."""
    found = connection.execute(
        _CONSOLIDATED,
        {
            "agency_ids": sorted({agency_id for agency_id, _ in keys}),
            "years": sorted({year for _, year in keys}),
        },
    )
    return {(row.agency_id, row.year) for row in found} & set(keys)


def _children_total(
    connection: Connection, publication: Publication, current: dict[Key, Tally]
) -> Tally:
    """The children's tallies, as the chunk has left them so far."""
    rows = connection.execute(
        _CHILDREN_ROWS, {"agency_id": publication.agency_id, "year": publication.year}
    )
    return total(current.get((row.agency_id, publication.year), _tally(row)) for row in rows)
