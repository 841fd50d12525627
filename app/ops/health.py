"""Liveness and readiness probes for orchestrators and load balancers."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from app.errors import ServiceUnavailable, problem_responses
from app.ops.migrate import current_revision, head_revision

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    status: Literal["ok"] = Field(description="Always `ok` when the process answers.")


class Readiness(BaseModel):
    status: Literal["ready"] = Field(description="`ready` when the service can take traffic.")
    database: str = Field(description="Database backend in use.", examples=["postgresql"])
    migration: str | None = Field(
        description="Alembic revision the database is at (the head).", examples=["0001"]
    )


@router.get("/healthz", summary="Liveness: the process is up")
def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    summary="Readiness: database reachable and migrated to head",
    responses=problem_responses(503),
)
def readyz(request: Request) -> Readiness:
    engine: Engine = request.app.state.engine
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = current_revision(connection)
    except SQLAlchemyError as exc:
        raise ServiceUnavailable(f"database unreachable: {type(exc).__name__}") from None
    head = head_revision()
    if current != head:
        raise ServiceUnavailable(f"database at migration {current}, expected {head}")
    return Readiness(status="ready", database=engine.dialect.name, migration=current)
