"""ETags of summaries, derived from the data so every replica computes the same one.

One cheap aggregate query reads what a summary depends on: the count and highest
``published_seq`` of the scope's published reports in the years asked (seqs only grow, so
any new publication changes it), the count and newest ``updated_at`` of all the scope's
reports (drafts matter to the filing status), the scope's agency count, and the newest
``Agency.updated_at`` anywhere (a move elsewhere can take agencies out of the scope).
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from app.agencies.models import Agency
from app.reports.models import Report
from app.summaries.scope import Scope, is_published, within


def data_etag(
    session: Session, *, scope: Scope, first_year: int, last_year: int, params: tuple[Hashable, ...]
) -> str:
    """A strong ETag for a response over ``scope`` and the years ``first_year..last_year``."""

    def of_reports(*columns: Any, published: bool = False) -> Any:
        query = (
            select(*columns)
            .select_from(Report)
            .join(Agency, col(Agency.id) == col(Report.agency_id))
            .where(col(Report.year).between(first_year, last_year), within(col(Agency.path), scope))
        )
        return (query.where(is_published()) if published else query).scalar_subquery()

    row = session.execute(
        select(
            of_reports(func.count(), published=True),
            of_reports(func.max(Report.published_seq), published=True),
            of_reports(func.count()),
            of_reports(func.max(Report.updated_at)),
            select(func.count())
            .select_from(Agency)
            .where(within(col(Agency.path), scope))
            .scalar_subquery(),
            select(func.max(Agency.updated_at)).scalar_subquery(),
        )
    ).one()
    digest = hashlib.sha256(repr((params, tuple(str(value) for value in row))).encode())
    return f'"s{digest.hexdigest()[:32]}"'
