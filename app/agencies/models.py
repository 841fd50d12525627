"""Agencies (the reporting hierarchy) and their API keys: tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from app.db import Timestamps, UTCDateTime, utcnow

# PostgreSQL must compare paths byte-wise for prefix ranges to use the index.
PathType = String(1000).with_variant(String(1000, collation="C"), "postgresql")


class Agency(Timestamps, table=True):
    """A body that files reports: a government, a department, a township."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)
    kind: str | None = Field(default=None, max_length=32)
    parent_id: int | None = Field(default=None, foreign_key="agency.id", index=True)
    # Materialised path of ids from the root, e.g. "1/5/23/": a subtree is one indexed range.
    path: str = Field(sa_column=Column(PathType, nullable=False, index=True))
    depth: int = Field(default=0)


class ApiKey(SQLModel, table=True):
    """A bearer key of one agency; only an HMAC of its secret part is stored."""

    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    key_id: str = Field(max_length=32, unique=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    secret_hash: str = Field(max_length=128)
    label: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    revoked_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    last_used_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
