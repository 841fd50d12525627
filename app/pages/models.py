"""Sign-ins to the pages: one row per session, shared by every replica through the database.

Only a hash of the session token is stored (the cookie holds the token), so a database dump
signs nobody in. A session belongs to an agency key (revoking the key ends it) or to the
administrator (an HMAC of the admin token: rotating the token ends those sessions).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow


class PageSession(SQLModel, table=True):
    __tablename__ = "page_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    api_key_id: int | None = Field(default=None, foreign_key="api_key.id", index=True)
    admin_token_hash: str | None = Field(default=None, max_length=64)
    # The synchronizer token every form of this session carries (app/pages/csrf.py).
    csrf_token: str = Field(max_length=64)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
