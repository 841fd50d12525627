"""CSRF protection of every form of the pages.

Two tokens, neither kept in a process:
- signed in: the synchronizer token stored with the session (``page_session.csrf_token``);
- the login form, before any session: a double-submit token, an HMAC under the server
  secret of a random value kept in its own HttpOnly, SameSite=Strict cookie.

Each POST is also refused when the browser says it comes from another site (``Origin``,
``Sec-Fetch-Site``). A request with an Authorization header carries no cookie authority:
browsers never add a bearer token by themselves, so it needs no token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request, Response
from starlette.datastructures import FormData

from app.config import Settings
from app.pages.session import PageVisit, PageVisitDep

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
LOGIN_COOKIE = "disclosure_login_csrf"
REFUSED = "表单已失效或来源不明，请刷新页面后重试。"
MAX_FORM_FIELDS = 2000  # a report has some 300 cells and a dozen other fields


class PageRefused(Exception):
    """A page request refused with a Chinese message (rendered by app/pages/errors.py)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def check_origin(request: Request) -> None:
    """Refuse a POST the browser marks as sent from another site.

    ``Sec-Fetch-Site`` (every current browser) decides when present: it needs no idea of the
    site's own address, which a proxy may rewrite in ``Host``. Otherwise ``Origin`` must name
    the host the request was sent to.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        if fetch_site not in ("same-origin", "none"):
            raise PageRefused(403, REFUSED)
        return
    origin = request.headers.get("Origin")
    if origin is None:
        return
    # Host, not the scheme: behind a TLS proxy the app may see http for an https page.
    if origin == "null" or urlsplit(origin).netloc != request.headers.get("Host", ""):
        raise PageRefused(403, REFUSED)


def _login_token(key_secret: str, nonce: str) -> str:
    return hmac.new(key_secret.encode(), f"login:{nonce}".encode(), hashlib.sha256).hexdigest()


def login_token(request: Request) -> tuple[str, str]:
    """The login form's token and the cookie value it is bound to (kept, or new)."""
    nonce = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)
    return _login_token(request.app.state.key_secret, nonce), nonce


def set_login_cookie(response: Response, nonce: str, *, settings: Settings) -> None:
    response.set_cookie(
        LOGIN_COOKIE,
        nonce,
        max_age=3600,
        path="/login",
        secure=settings.env == "production",
        httponly=True,
        samesite="strict",
    )


def check_login_token(request: Request, form: FormData) -> None:
    check_origin(request)
    nonce = request.cookies.get(LOGIN_COOKIE)
    sent = form.get(CSRF_FIELD)
    if not nonce or not isinstance(sent, str):
        raise PageRefused(403, REFUSED)
    if not hmac.compare_digest(
        sent.encode(), _login_token(request.app.state.key_secret, nonce).encode()
    ):
        raise PageRefused(403, REFUSED)


@dataclass(frozen=True)
class CheckedForm:
    """A form whose POST passed the CSRF checks, and who sent it."""

    visit: PageVisit
    form: FormData


async def checked_form(request: Request, visit: PageVisitDep) -> AsyncIterator[CheckedForm]:
    """The form of a signed-in POST, or 403: no session, a wrong token, another site."""
    check_origin(request)
    form = await request.form(max_files=1, max_fields=MAX_FORM_FIELDS)
    try:
        if not visit.by_bearer:
            _check_session_token(request, visit, form)
        yield CheckedForm(visit, form)
    finally:
        await form.close()  # an uploaded file's temporary file


def _check_session_token(request: Request, visit: PageVisit, form: FormData) -> None:
    if visit.session is None:
        raise PageRefused(403, "登录已失效，请重新登录后再提交。")
    sent = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
    if not isinstance(sent, str) or not hmac.compare_digest(
        sent.encode(), visit.session.csrf_token.encode()
    ):
        raise PageRefused(403, REFUSED)


CheckedFormDep = Annotated[CheckedForm, Depends(checked_form)]
