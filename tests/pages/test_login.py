"""Signing in to the pages: the cookie, its end, and the CSRF checks of the login form."""

from __future__ import annotations

from datetime import timedelta
from http.cookies import SimpleCookie

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, update
from sqlmodel import Session, select
from starlette.testclient import TestClient

from app.agencies.models import Agency
from app.db import utcnow
from app.main import create_app
from app.pages.models import PageSession
from app.pages.session import SESSION_COOKIE
from tests.conftest import ADMIN_TOKEN, make_settings
from tests.factories import bearer, issue_key, make_agency
from tests.pages.helpers import csrf_of, sign_in
from tests.reports.helpers import hongze

WRONG_KEY = "密钥无效、已停用或已过期，请核对后重新粘贴。"
FILE_PAGE = "/file/320813/2024"


@pytest.fixture
def agency(session: Session) -> Agency:
    return make_agency(session, "320813", name="淮安市洪泽区人民政府")


@pytest.fixture
def key(session: Session, agency: Agency) -> str:
    return issue_key(session, agency)


def session_cookie(set_cookie: str) -> dict[str, str]:
    """The attributes of the session cookie in a Set-Cookie header, lower-cased names."""
    parsed = SimpleCookie()
    parsed.load(set_cookie)
    morsel = parsed[SESSION_COOKIE]
    flags = {part.strip().lower() for part in set_cookie.split(";")}
    return {
        "max-age": morsel["max-age"],
        "path": morsel["path"],
        "samesite": morsel["samesite"],
        "httponly": str("httponly" in flags),
        "secure": str("secure" in flags),
    }


def post_login(client: TestClient, key: str, **extra: str) -> object:
    form = client.get("/login")
    data = {"key": key, "csrf_token": csrf_of(form.text), "next": FILE_PAGE, **extra}
    return client.post("/login", data=data, follow_redirects=False)


def test_the_login_form_carries_a_token_bound_to_its_own_cookie(client: TestClient) -> None:
    response = client.get("/login?next=/file/320813/2024")
    assert response.status_code == 200
    assert 'name="next" value="/file/320813/2024"' in response.text
    assert '<input id="key" name="key" type="password"' in response.text
    assert response.headers["cache-control"] == "no-store"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("disclosure_login_csrf=")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Path=/login" in cookie


def test_a_key_signs_in_with_an_http_only_strict_cookie_that_expires(
    client: TestClient, key: str, engine: Engine
) -> None:
    response = post_login(client, key)

    assert response.status_code == 303
    assert response.headers["location"] == FILE_PAGE
    cookies = [value for name, value in response.headers.multi_items() if name == "set-cookie"]
    session = next(value for value in cookies if value.startswith(SESSION_COOKIE))
    assert session_cookie(session) == {
        "max-age": "28800",
        "path": "/",
        "samesite": "strict",
        "httponly": "True",
        "secure": "False",
    }
    with Session(engine) as db:
        row = db.exec(select(PageSession)).one()
    assert row.expires_at - row.created_at == timedelta(hours=8)
    token = SimpleCookie(session)[SESSION_COOKIE].value
    assert token not in (row.token_hash, row.csrf_token)  # only a hash of it is stored
    assert client.get(FILE_PAGE).status_code == 200


def test_production_cookies_are_secure_and_the_lifetime_is_a_setting(
    database_url: str, clean_db: Engine, session: Session, agency: Agency, key: str
) -> None:
    app: FastAPI = create_app(make_settings(database_url, env="production", page_session_hours=1.5))
    try:
        client = TestClient(app, base_url="https://testserver")
        response = post_login(client, key)
        cookies = [value for name, value in response.headers.multi_items() if name == "set-cookie"]
        session_header = next(value for value in cookies if value.startswith(SESSION_COOKIE))
        assert session_cookie(session_header)["secure"] == "True"
        assert session_cookie(session_header)["max-age"] == "5400"
    finally:
        app.state.engine.dispose()


@pytest.mark.parametrize(
    "pasted",
    [
        "dsk_0123456789abcdef_" + "A" * 43,  # well formed, unknown
        "not a key at all",
        "",
    ],
)
def test_a_wrong_key_shows_the_form_again_with_one_chinese_message(
    client: TestClient, pasted: str
) -> None:
    response = post_login(client, pasted)
    assert response.status_code == 401
    assert WRONG_KEY in response.text
    assert 'aria-invalid="true"' in response.text
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")


def test_a_revoked_key_cannot_sign_in_and_its_sessions_end(
    client: TestClient, key: str, agency: Agency
) -> None:
    sign_in(client, key)
    assert client.get(FILE_PAGE).status_code == 200
    key_id = key.split("_")[1]
    revoked = client.delete(f"/api/v1/agencies/320813/keys/{key_id}", headers=bearer(ADMIN_TOKEN))
    assert revoked.status_code == 204

    page = client.get(FILE_PAGE, follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=/file/320813/2024"
    again = post_login(client, key)
    assert again.status_code == 401
    assert WRONG_KEY in again.text  # the same words as for any other wrong key


def test_the_admin_token_signs_in(client: TestClient, agency: Agency) -> None:
    sign_in(client, ADMIN_TOKEN)
    page = client.get(FILE_PAGE)
    assert page.status_code == 200
    assert "已登录：管理员" in page.text


def test_logout_ends_the_session_in_the_database(
    client: TestClient, key: str, engine: Engine
) -> None:
    sign_in(client, key)
    token = client.cookies[SESSION_COOKIE]
    page = client.get(FILE_PAGE)
    assert "已登录：淮安市洪泽区人民政府" in page.text
    assert client.get("/").headers["cache-control"] == "private, no-store"

    response = client.post(
        "/logout", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False
    )

    assert response.status_code == 303
    assert f'{SESSION_COOKIE}=""' in response.headers["set-cookie"]
    with Session(engine) as db:
        assert db.exec(select(PageSession)).all() == []
    client.cookies.set(SESSION_COOKIE, token)  # a copy of the cookie kept elsewhere
    assert client.get(FILE_PAGE, follow_redirects=False).status_code == 303


def test_logout_without_the_token_is_refused(client: TestClient, key: str) -> None:
    sign_in(client, key)
    response = client.post("/logout", data={}, follow_redirects=False)
    assert response.status_code == 403
    assert client.get(FILE_PAGE).status_code == 200  # still signed in


def test_an_expired_session_is_anonymous(client: TestClient, key: str, engine: Engine) -> None:
    sign_in(client, key)
    with Session(engine) as db:
        db.exec(update(PageSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.commit()
    assert client.get(FILE_PAGE, follow_redirects=False).status_code == 303


def test_login_without_or_with_a_wrong_token_is_refused(client: TestClient, key: str) -> None:
    client.get("/login")  # the cookie is there; the form's token is not sent or is wrong
    for data in ({"key": key}, {"key": key, "csrf_token": "0" * 64}):
        response = client.post("/login", data=data, follow_redirects=False)
        assert response.status_code == 403
        assert "表单已失效或来源不明" in response.text
    fresh = TestClient(client.app)  # a token copied from elsewhere, without its cookie
    token = csrf_of(client.get("/login").text)
    response = fresh.post("/login", data={"key": key, "csrf_token": token})
    assert response.status_code == 403


@pytest.mark.parametrize(
    "headers",
    [{"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}, {"Origin": "null"}],
)
def test_a_login_from_another_site_is_refused(
    client: TestClient, key: str, headers: dict[str, str]
) -> None:
    response = post_login_with(client, key, headers)
    assert response.status_code == 403


def post_login_with(client: TestClient, key: str, headers: dict[str, str]) -> object:
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login",
        data={"key": key, "csrf_token": token},
        headers=headers,
        follow_redirects=False,
    )


def test_a_same_origin_login_passes_the_origin_check(client: TestClient, key: str) -> None:
    headers = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
    assert post_login_with(client, key, headers).status_code == 303


def test_next_never_leaves_the_site(client: TestClient, key: str) -> None:
    for target in ("//evil.example/x", "https://evil.example", "/\\evil.example"):
        response = post_login(client, key, next=target)
        assert response.headers["location"] == "/"


def test_the_session_cookie_does_not_authorize_the_api(client: TestClient, key: str) -> None:
    sign_in(client, key)
    response = client.put("/api/v1/agencies/320813/reports/2024", json=hongze(2024))
    assert response.status_code == 401


def test_sec_fetch_site_decides_when_a_proxy_rewrote_the_host(client: TestClient, key: str) -> None:
    # The browser's own word wins over comparing Origin with a Host a proxy may have changed.
    headers = {"Origin": "https://disclosure.example.gov.cn", "Sec-Fetch-Site": "same-origin"}
    assert post_login_with(client, key, headers).status_code == 303


def test_replicas_on_one_database_share_sign_in_and_sign_out(
    database_url: str, client: TestClient, key: str
) -> None:
    other: FastAPI = create_app(make_settings(database_url))  # a second replica
    try:
        replica = TestClient(other)
        sign_in(client, key)
        token = client.cookies[SESSION_COOKIE]
        replica.cookies.set(SESSION_COOKIE, token)  # the load balancer sends the next one there
        page = replica.get(FILE_PAGE)
        assert page.status_code == 200
        replica.post("/logout", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
        assert client.get(FILE_PAGE, follow_redirects=False).status_code == 303
    finally:
        other.state.engine.dispose()


def test_a_new_admin_token_ends_the_sessions_of_the_old_one(
    database_url: str, client: TestClient, agency: Agency
) -> None:
    sign_in(client, ADMIN_TOKEN)
    token = client.cookies[SESSION_COOKIE]
    rotated: FastAPI = create_app(
        make_settings(database_url, admin_token="rotated-admin-token-0123456789abcdef0123")
    )
    try:
        replica = TestClient(rotated)
        replica.cookies.set(SESSION_COOKIE, token)
        assert replica.get(FILE_PAGE, follow_redirects=False).status_code == 303
    finally:
        rotated.state.engine.dispose()


def test_signing_in_again_replaces_the_session_and_a_wrong_key_keeps_it(
    client: TestClient, key: str, engine: Engine
) -> None:
    sign_in(client, key)
    first = client.cookies[SESSION_COOKIE]
    assert post_login(client, "dsk_wrong").status_code == 401
    assert client.cookies[SESSION_COOKIE] == first
    assert client.get(FILE_PAGE).status_code == 200

    sign_in(client, key)  # the browser still holds the first session's cookie
    assert client.cookies[SESSION_COOKIE] != first
    with Session(engine) as db:
        assert len(db.exec(select(PageSession)).all()) == 1
