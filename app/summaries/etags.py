"""ETags of summaries, derived from the data so every replica computes the same one.

One query of index seeks: per year asked, the newest published revision id (and, for a
response showing unpublished data, the newest revision id of any report of that year: ids
only grow, so any write changes them), and the
agency tree's version counter (bumped by every agency change). Deliberately coarse — any
change in those years changes every summary's ETag — so that it costs almost nothing and can
never miss a change: a 304 or a cached body is only ever served for data that did not move.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable

from sqlalchemy import ScalarSelect, func, select
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col

from app.agencies.tree_version import AGENCY_TREE, DataVersion
from app.reports.models import Report
from app.summaries.scope import Scope

# Bumped when a summary's JSON changes shape (2: issue 18's one spelling), so a cache that
# holds a body of the old shape revalidates instead of getting a 304 for it.
BODY_SHAPE = 2


def data_etag(
    session: Session,
    *,
    scope: Scope,
    first_year: int,
    last_year: int,
    params: tuple[Hashable, ...],
    include_unpublished: bool = False,
) -> str:
    """A strong ETag for a response over ``scope`` and the years ``first_year..last_year``.

    Only a response showing unpublished data (the filing status, to those who may see
    drafts) changes with unpublished writes: an anonymous caller must not see an ETag move
    when a draft is stored."""
    years = range(first_year, last_year + 1)
    unpublished = (_newest(col(Report.latest_seq), year) for year in years)
    row = session.execute(
        select(
            *(_newest(col(Report.published_seq), year) for year in years),
            *(unpublished if include_unpublished else ()),
            select(col(DataVersion.version))
            .where(col(DataVersion.name) == AGENCY_TREE)
            .scalar_subquery(),
        )
    ).one()
    stamp = (BODY_SHAPE, params, scope.code, tuple(row))
    return f'"s{hashlib.sha256(repr(stamp).encode()).hexdigest()[:32]}"'


def _newest(seq: Mapped[int | None], year: int) -> ScalarSelect[int | None]:
    """max(seq) of one year: an equality on the year lets both databases read it from the
    end of the (year, seq) index in one seek; a range of years would scan the range."""
    return select(func.max(seq)).where(col(Report.year) == year).scalar_subquery()
