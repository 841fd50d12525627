"""/login (paste a key) and /logout: the pages' session, app/pages/session.py."""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.errors import UnauthorizedError
from app.http.ratelimit import RateLimits
from app.pages.csrf import (
    CSRF_FIELD,
    LOGIN_COOKIE,
    REFUSED,
    PageRefused,
    check_login_token,
    check_origin,
    login_token,
    set_login_cookie,
)
from app.pages.router import render
from app.pages.session import (
    SESSION_COOKIE,
    PageVisitDep,
    SignedIn,
    clear_session_cookie,
    set_session_cookie,
    sign_in,
    sign_out,
)

router = APIRouter(include_in_schema=False)

WRONG_KEY = "密钥无效、已停用或已过期，请核对后重新粘贴。"
MAX_KEY_LENGTH = 200


def safe_next(target: str | None) -> str:
    """Only a path of this site: never an open redirect to another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _login_page(request: Request, *, next_path: str, error: str | None, status: int) -> Response:
    token, nonce = login_token(request)
    response = render(
        request,
        "login.html",
        {"title": "登录", "csrf_token": token, "next": next_path, "error": error},
    )
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"  # its token is bound to this browser's cookie
    set_login_cookie(response, nonce, settings=request.app.state.settings)
    return response


@router.get("/login", response_class=HTMLResponse)
async def login_form(
    request: Request, next: str | None = Query(default=None, max_length=500)
) -> Response:
    return _login_page(request, next_path=safe_next(next), error=None, status=200)


def _sign_in(request: Request, token: str, previous: str | None) -> tuple[str, SignedIn]:
    state = request.app.state
    with Session(state.engine, expire_on_commit=False) as session:
        signed_in = sign_in(
            session,
            token=token,
            admin_token=state.admin_token,
            key_secret=state.key_secret,
            hours=state.settings.page_session_hours,
        )
        if previous:  # a new sign-in replaces the browser's earlier session
            sign_out(session, session_token=previous, key_secret=state.key_secret)
        return signed_in


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=10)
    check_login_token(request, form)
    next_path = safe_next(_text(form.get("next")))
    key = _text(form.get("key")).strip()
    try:
        if not key or len(key) > MAX_KEY_LENGTH:
            raise UnauthorizedError("no key")
        session_token, signed_in = await run_in_threadpool(
            _sign_in, request, key, request.cookies.get(SESSION_COOKIE)
        )
    except UnauthorizedError:
        limits: RateLimits | None = getattr(request.app.state, "rate_limits", None)
        if limits is not None:  # guessing keys through the form is throttled like the API
            limits.check_failed_authentication(request.scope)
        return _login_page(request, next_path=next_path, error=WRONG_KEY, status=401)
    response = RedirectResponse(next_path, status_code=303)
    settings = request.app.state.settings
    set_session_cookie(response, session_token, settings=settings, expires_at=signed_in.expires_at)
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
async def logout(request: Request, visit: PageVisitDep) -> Response:
    """Ends the session in the database (every replica), then forgets the cookie."""
    check_origin(request)
    form = await request.form(max_files=0, max_fields=10)
    session_token = request.cookies.get(SESSION_COOKIE)
    if visit.session is not None and session_token:
        sent = _text(form.get(CSRF_FIELD)).encode()
        if not hmac.compare_digest(sent, visit.session.csrf_token.encode()):
            raise PageRefused(403, REFUSED)
        await run_in_threadpool(_sign_out, request, session_token)
    response = RedirectResponse("/", status_code=303)
    clear_session_cookie(response, settings=request.app.state.settings)
    return response


def _sign_out(request: Request, session_token: str) -> None:
    state = request.app.state
    with Session(state.engine) as session:
        sign_out(session, session_token=session_token, key_secret=state.key_secret)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
