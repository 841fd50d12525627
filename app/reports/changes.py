"""The change log behind `GET /api/v1/changes`: one row per stored revision, in commit order.

Why appends are serialized on PostgreSQL: a follower reads "every change after id N". Ids
come from a sequence when the INSERT runs, but transactions commit in any order, so a
writer holding id 10 may commit after id 11 was already read — and the follower, now past
11, would never see 10. Reading only below the oldest in-flight id needs a view of every
open transaction (`pg_snapshot_xmin` and an xid column), which is harder to reason about
across replicas. Instead every append takes `LOCK TABLE report_change IN EXCLUSIVE MODE`
just before its INSERT, as the last statement before COMMIT: appends take their ids and
commit one at a time, so when a reader sees id N every smaller id is committed or gone for
good (rolled back). The lock conflicts with other appends only, not with readers (plain
SELECTs take ACCESS SHARE), and is held for the INSERT and the COMMIT alone. SQLite needs
nothing: it has one writer at a time for the whole file (`app.db.begin_write`).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Column, Connection, Integer, and_, func, insert, or_, select, text
from sqlmodel import Field, Session, SQLModel

from app.agencies.paths import path_within
from app.db import UTCDateTime, metadata

CURSOR_PREFIX = "c1."


class ReportChange(SQLModel, table=True):
    """One stored revision, as the change feed lists it; appended, never updated."""

    __tablename__ = "report_change"

    # The feed's order: ids are handed out and committed in one order (module docstring).
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    agency_id: int = Field(foreign_key="agency.id", index=True)
    year: int
    revision: int
    status: str = Field(max_length=16)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


CHANGE_TABLE = metadata.tables[ReportChange.__tablename__]
_CHANGE, _AGENCY = CHANGE_TABLE.c, metadata.tables["agency"].c
_INSERT = insert(CHANGE_TABLE)
_SERIALIZE_APPENDS = text("LOCK TABLE report_change IN EXCLUSIVE MODE")


def record_change(
    session: Session, *, agency_id: int, year: int, revision: int, status: str, at: datetime
) -> None:
    """Append the change of a revision; call it last before the write's COMMIT."""
    connection = session.connection()
    serialize_appends(connection)
    connection.execute(
        _INSERT,
        {"agency_id": agency_id, "year": year, "revision": revision, "status": status, "at": at},
    )


def serialize_appends(connection: Connection) -> None:
    """Queue behind the other appends until COMMIT (PostgreSQL; see the module docstring).
    Take it once per transaction, last before COMMIT, however many changes it appends."""
    if connection.dialect.name == "postgresql":
        connection.execute(_SERIALIZE_APPENDS)


# --------------------------------------------------------------------------------------------
# Cursors: opaque to callers, the id of the last change they were given underneath.


class BadCursor(ValueError):
    """A cursor this service did not hand out."""


def encode_cursor(position: int) -> str:
    raw = f"{CURSOR_PREFIX}{position}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadCursor(cursor) from None
    digits = raw.removeprefix(CURSOR_PREFIX)
    if not raw.startswith(CURSOR_PREFIX) or not digits.isascii() or not digits.isdigit():
        raise BadCursor(cursor)
    if len(digits) > 18:  # beyond any id a 64-bit column holds
        raise BadCursor(cursor)
    return int(digits)


# --------------------------------------------------------------------------------------------
# Reading the feed


@dataclass(frozen=True)
class Change:
    agency_code: str
    year: int
    revision: int
    status: str
    at: datetime


@dataclass(frozen=True)
class ChangePage:
    items: list[Change]
    next_position: int


_HIGHEST = select(func.max(_CHANGE.id))


def read_changes(
    session: Session, *, after: int, limit: int, private_path: str | None
) -> ChangePage:
    """Changes after position ``after`` the caller may see, oldest first.

    ``private_path``: the subtree whose every revision the caller sees ("" for all of them,
    the administrator); elsewhere, and for None (anonymous), publications only.
    """
    connection = session.connection()
    # Read first: every id up to it is committed (or never will be), so the page below misses
    # none of them even though it runs as a later statement with a later snapshot.
    highest = connection.execute(_HIGHEST).scalar_one_or_none() or 0
    query = (
        select(_CHANGE.id, _AGENCY.code, _CHANGE.year, _CHANGE.revision, _CHANGE.status, _CHANGE.at)
        .join_from(CHANGE_TABLE, metadata.tables["agency"], _AGENCY.id == _CHANGE.agency_id)
        .where(and_(_CHANGE.id > after, _CHANGE.id <= highest))
        .order_by(_CHANGE.id)
        .limit(limit)
    )
    if private_path is None:
        query = query.where(_CHANGE.status == "published")
    elif private_path != "":
        query = query.where(
            or_(_CHANGE.status == "published", path_within(_AGENCY.path, private_path))
        )
    rows = connection.execute(query).all()
    items = [Change(row.code, row.year, row.revision, row.status, row.at) for row in rows]
    # A short page has seen everything up to ``highest``: the next one starts there, so a
    # follower does not re-scan the changes it may not see.
    next_position = rows[-1].id if len(rows) == limit else max(after, highest)
    return ChangePage(items, next_position)
