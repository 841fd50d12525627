"""Signing in to the pages: a server-side session in an HttpOnly, SameSite=Strict cookie.

The session feeds the same ``Caller`` the API builds from a bearer token, so the pages obey
exactly the API's authorization. It is for pages only: the JSON API never reads the cookie
(a cookie that authorized /api/v1 writes would open them to cross-site requests).

Every replica reads the one ``page_session`` table: signing out or revoking the key ends the
session everywhere at once, and nothing about it is kept in a process.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine, delete
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool

from app.agencies.dependencies import ANONYMOUS, Caller, get_caller
from app.agencies.keys import authenticate_key, record_use
from app.agencies.models import Agency, ApiKey
from app.config import Settings
from app.db import begin_write, row_id, utcnow
from app.http.ratelimit import RateLimits
from app.pages.models import PageSession

SESSION_COOKIE = "disclosure_session"
_bearer = HTTPBearer(auto_error=False)


@dataclass(frozen=True)
class SignedIn:
    """A live session: who it stands for and the CSRF token its forms carry."""

    caller: Caller
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True)
class PageVisit:
    """Who looks at a page: from an Authorization header (no session), a session, or nobody."""

    caller: Caller
    session: SignedIn | None = None

    @property
    def by_bearer(self) -> bool:
        return self.session is None and self.caller.kind != "anonymous"


def _hash(secret: str, value: str) -> str:
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()


def sign_in(
    session: Session, *, token: str, admin_token: str, key_secret: str, hours: float
) -> tuple[str, SignedIn]:
    """A new session for a pasted key or the admin token; UnauthorizedError otherwise.

    Returns the session token (for the cookie; only its hash is stored) and the session.
    """
    now = utcnow()
    row = PageSession(
        token_hash="",
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    if hmac.compare_digest(token.encode(), admin_token.encode()):
        caller = Caller(kind="admin")
        row.admin_token_hash = _hash(key_secret, admin_token)
    else:
        api_key, agency = authenticate_key(session, token=token, key_secret=key_secret)
        record_use(session, api_key=api_key)  # signing in is a use: the key is not dormant
        caller = Caller(kind="agency", agency=agency, key=api_key)
        row.api_key_id = row_id(api_key)
    session_token = secrets.token_urlsafe(32)
    row.token_hash = _hash(key_secret, session_token)
    begin_write(session)
    # Expired sessions go when someone signs in: the table holds live sessions only.
    session.exec(delete(PageSession).where(col(PageSession.expires_at) < now))
    session.add(row)
    session.commit()
    return session_token, SignedIn(caller, row.csrf_token, row.expires_at)


def find_session(
    engine: Engine, *, session_token: str, admin_token: str, key_secret: str
) -> SignedIn | None:
    """The live session of a cookie: None when it is unknown, expired, signed out, its key
    revoked or (for the administrator) the admin token changed since."""
    with Session(engine, expire_on_commit=False) as session:
        row = session.exec(
            select(PageSession).where(PageSession.token_hash == _hash(key_secret, session_token))
        ).first()
        if row is None or row.expires_at <= utcnow():
            return None
        if row.api_key_id is None:
            current = _hash(key_secret, admin_token)
            if row.admin_token_hash is None or not hmac.compare_digest(
                row.admin_token_hash, current
            ):
                return None
            return SignedIn(Caller(kind="admin"), row.csrf_token, row.expires_at)
        found = session.exec(
            select(ApiKey, Agency)
            .join(Agency, col(Agency.id) == col(ApiKey.agency_id))
            .where(ApiKey.id == row.api_key_id)
        ).first()
        if found is None or found[0].revoked_at is not None:
            return None
        api_key, agency = found
        return SignedIn(
            Caller(kind="agency", agency=agency, key=api_key), row.csrf_token, row.expires_at
        )


def sign_out(session: Session, *, session_token: str, key_secret: str) -> None:
    begin_write(session)
    session.exec(
        delete(PageSession).where(col(PageSession.token_hash) == _hash(key_secret, session_token))
    )
    session.commit()


def set_session_cookie(
    response: Response, session_token: str, *, settings: Settings, expires_at: datetime
) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        session_token,
        max_age=int(settings.page_session_hours * 3600),
        expires=expires_at,
        path="/",
        secure=settings.env == "production",
        httponly=True,
        samesite="strict",
    )


def clear_session_cookie(response: Response, *, settings: Settings) -> None:
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        secure=settings.env == "production",
        httponly=True,
        samesite="strict",
    )


async def page_visit(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> PageVisit:
    """An Authorization header wins (scripts and tests), checked exactly as the API does;
    else the session cookie; else anonymous. A dead session is simply anonymous."""
    visit = await _visit(request, credentials)
    request.state.page_visit = visit
    return visit


async def _visit(request: Request, credentials: HTTPAuthorizationCredentials | None) -> PageVisit:
    if request.headers.get("Authorization"):
        return PageVisit(await get_caller(request, credentials))
    session_token = request.cookies.get(SESSION_COOKIE)
    if not session_token or len(session_token) > 100:
        return PageVisit(ANONYMOUS)
    signed_in = await run_in_threadpool(
        find_session,
        request.app.state.engine,
        session_token=session_token,
        admin_token=request.app.state.admin_token,
        key_secret=request.app.state.key_secret,
    )
    if signed_in is None:
        return PageVisit(ANONYMOUS)
    limits: RateLimits | None = getattr(request.app.state, "rate_limits", None)
    if limits is not None:  # the bucket of the key the session stands for, as with a token
        await run_in_threadpool(limits.check_caller, signed_in.caller.bucket)
    return PageVisit(signed_in.caller, signed_in)


PageVisitDep = Annotated[PageVisit, Depends(page_visit)]


async def page_caller(visit: PageVisitDep) -> Caller:
    return visit.caller


PageCallerDep = Annotated[Caller, Depends(page_caller)]
"""The caller of a page: the API's ``Caller``, from a bearer token or the session cookie."""
