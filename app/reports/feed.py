"""`GET /api/v1/changes`: the change feed a portal follows from its last cursor."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Query
from pydantic import BaseModel, Field

from app.agencies.dependencies import CallerDep, public_read_router
from app.db import SessionDep
from app.errors import SchemaProblem, SchemaValidationError, problem_responses
from app.reports.changes import BadCursor, decode_cursor, encode_cursor, read_changes

router = public_read_router(tags=["changes"])

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class ChangeItem(BaseModel):
    """One stored revision of a report."""

    agency_code: str = Field(description="The agency the report belongs to.", examples=["640181"])
    year: int = Field(description="The report year.", examples=[2020])
    revision: int = Field(description="The revision stored.", examples=[1])
    status: str = Field(
        description="Its status: `published`, or (for callers who may see them) `draft` or "
        "`submitted`.",
        examples=["published"],
    )
    at: datetime = Field(description="When it was stored (UTC).")


class ChangeFeed(BaseModel):
    """A page of the feed; ask again with `since=next` for what came after."""

    items: list[ChangeItem] = Field(description="Changes in the order they happened.")
    next: str = Field(
        description="Opaque cursor after the last change looked at: keep it and send it back "
        "as `since`. It stays valid across replicas and restarts.",
        examples=["YzEuNDI"],
    )


@router.get(
    "/changes",
    summary="Every publication (and revision, for those who may see it) since a cursor",
    response_model=ChangeFeed,
    responses=problem_responses(401, 422),
)
def list_changes(
    caller: CallerDep,
    session: SessionDep,
    since: Annotated[
        str | None,
        Query(
            max_length=64,
            description="The `next` of the previous page; omitted: from the beginning.",
        ),
    ] = None,
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description="Most changes in this page.")
    ] = DEFAULT_LIMIT,
) -> ChangeFeed:
    """Anonymous callers see publications; an agency key also sees every revision (drafts,
    submissions) of its own agency and the agencies below it; the administrator sees all."""
    try:
        after = decode_cursor(since) if since is not None else 0
    except BadCursor:
        raise SchemaValidationError(
            [SchemaProblem(pointer="#/query/since", message="is not a cursor of this feed")]
        ) from None
    page = read_changes(session, after=after, limit=limit, private_path=caller.private_path())
    return ChangeFeed(
        items=[ChangeItem.model_validate(change, from_attributes=True) for change in page.items],
        next=encode_cursor(page.next_position),
    )
