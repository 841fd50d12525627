"""What a batch chunk reads before its checks (app.reports.bulk): each a statement for the
whole chunk, where a PUT reads the same for its one report."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Row, and_, bindparam, select, tuple_

from app.db import metadata
from app.reports import store
from app.summaries.tally import Tally

Key = tuple[int, int]  # (agency id, year)
Rows = tuple[str, list[tuple[str, str, str, int | None]]]  # a format and its stored cells

_REPORT, _REVISION, _CELL = store.REPORT_TABLE.c, store.REVISION_TABLE.c, store.REPORT_CELL_TABLE.c

_AGENCY_TABLE = metadata.tables["agency"]
_AGENCY = _AGENCY_TABLE.c
_IN_CHUNK = and_(
    _REPORT.agency_id.in_(bindparam("agency_ids")), _REPORT.year.in_(bindparam("years"))
)
_HEADS = (
    select(
        _REPORT.id,
        _REPORT.agency_id,
        _REPORT.year,
        _REPORT.latest_revision,
        _REPORT.published_revision,
        _REPORT.published_seq,
        _REPORT.published_scope,
    )
    # Exactly the chunk's reports, which its advisory locks cover: locking the head of any
    # other (agency, year) could wait in a cycle with another chunk locking this one's.
    .where(tuple_(_REPORT.agency_id, _REPORT.year).in_(bindparam("keys", expanding=True)))
    .with_for_update()
)
_LATEST_CELLS = (
    select(
        _REPORT.agency_id,
        _REPORT.year,
        _REVISION.format,
        _CELL.section,
        _CELL.row,
        _CELL.column,
        _CELL.value,
    )
    .select_from(store.REPORT_TABLE)
    .join(
        store.REVISION_TABLE,
        and_(_REVISION.report_id == _REPORT.id, _REVISION.revision == _REPORT.latest_revision),
    )
    .outerjoin(
        store.REPORT_CELL_TABLE,
        and_(_CELL.report_id == _REVISION.report_id, _CELL.revision == _REVISION.revision),
    )
    .where(_IN_CHUNK)
)
_PUBLISHED_CELLS = (
    select(_REPORT.id, _REVISION.format, _CELL.section, _CELL.row, _CELL.column, _CELL.value)
    .select_from(store.REPORT_TABLE)
    .join(
        store.REVISION_TABLE,
        and_(_REVISION.report_id == _REPORT.id, _REVISION.revision == _REPORT.published_revision),
    )
    .outerjoin(
        store.REPORT_CELL_TABLE,
        and_(_CELL.report_id == _REVISION.report_id, _CELL.revision == _REVISION.revision),
    )
    .where(_REPORT.id.in_(bindparam("report_ids")))
)
# Published reports with one of the chunk's digests: the identical-report rule's candidates.
_SAME_DIGESTS = (
    select(_REPORT.agency_id, _REPORT.year, _REVISION.figures_digest, _AGENCY.code, _AGENCY.name)
    .select_from(store.REVISION_TABLE)
    .join(
        store.REPORT_TABLE,
        and_(_REPORT.id == _REVISION.report_id, _REPORT.published_revision == _REVISION.revision),
    )
    .join(_AGENCY_TABLE, _AGENCY.id == _REPORT.agency_id)
    .where(_REVISION.figures_digest.in_(bindparam("digests")), _REPORT.year.in_(bindparam("years")))
)


def heads(connection: Connection, keys: Iterable[Key]) -> Any:
    """The heads of those (agency, year) reports, locked until COMMIT (PostgreSQL)."""
    return connection.execute(_HEADS, {"keys": sorted(keys)})


def latest_cells(
    connection: Connection, agency_ids: Sequence[int], years: Sequence[int]
) -> dict[Key, Rows]:
    """The stored cells of the latest revision of each report of the agencies in those years
    (the years before the chunk's): what the cross-year rules compare with."""
    found: dict[Key, Rows] = {}
    for agency_id, year, format_id, section, row, column, value in connection.execute(
        _LATEST_CELLS, {"agency_ids": list(agency_ids), "years": list(years)}
    ):
        _, rows = found.setdefault((agency_id, year), (format_id, []))
        if section is not None:
            rows.append((section, row, column, value))
    return found


def published_tallies(connection: Connection, report_ids: Iterable[int]) -> dict[int, Tally]:
    """The tallies of the reports' published revisions: what publishing anew takes out of the
    roll-ups."""
    wanted = sorted(report_ids)
    if not wanted:
        return {}
    found: dict[int, tuple[str, list[tuple[tuple[str, str, str], int | None]]]] = {}
    for report_id, format_id, section, row, column, value in connection.execute(
        _PUBLISHED_CELLS, {"report_ids": wanted}
    ):
        _, cells = found.setdefault(report_id, (format_id, []))
        if section is not None:
            cells.append(((section, row, column), value))
    return {
        report_id: Tally.of_report(format_id, cells)
        for report_id, (format_id, cells) in found.items()
    }


def same_digests(
    connection: Connection, digests: Sequence[str], years: Sequence[int]
) -> Iterable[Row[Any]]:
    """The published reports of those years whose figures have one of ``digests``."""
    return connection.execute(_SAME_DIGESTS, {"digests": list(digests), "years": list(years)})
