"""Tests taking both ``client`` and ``session`` list ``client`` first: leaving the client
disposes the app's engine (its lifespan), which must not happen while the test's session still
holds a PostgreSQL connection, or that connection leaks (a ResourceWarning, an error here)."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, select
from starlette.testclient import TestClient

from app.agencies import keys
from app.agencies.models import Agency, ApiKey
from tests.conftest import KEY_SECRET
from tests.factories import bearer, issue_key, make_agency

AGENCIES = "/api/v1/agencies"


@pytest.fixture
def county(session: Session) -> Agency:
    return make_agency(session, "640181", name="灵武市")


def _issue(client: TestClient, admin_headers: dict[str, str], **body: str) -> dict[str, str]:
    response = client.post(f"{AGENCIES}/640181/keys", json=body or None, headers=admin_headers)
    assert response.status_code == 201
    issued: dict[str, str] = response.json()
    return issued


def _stored(session: Session, key_id: str) -> ApiKey:
    session.expire_all()
    stored = session.exec(select(ApiKey).where(ApiKey.key_id == key_id)).one()
    return stored


@pytest.mark.usefixtures("county")
def test_a_new_key_is_shown_once_with_its_id(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    issued = _issue(client, admin_headers, note="办公室")

    assert re.fullmatch(r"dsk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}", issued["key"])
    assert issued["key"].startswith(f"dsk_{issued['key_id']}_")
    assert (issued["agency_code"], issued["note"], issued["label"]) == (
        "640181",
        "办公室",
        "办公室",
    )
    listed = client.get(f"{AGENCIES}/640181/keys", headers=admin_headers).json()
    assert listed == [
        {
            "key_id": issued["key_id"],
            "note": "办公室",
            "label": "办公室",
            "created_at": issued["created_at"],
            "revoked_at": None,
            "last_used_at": None,
        }
    ]


@pytest.mark.usefixtures("county")
def test_a_key_needs_no_body(client: TestClient, admin_headers: dict[str, str]) -> None:
    response = client.post(f"{AGENCIES}/640181/keys", headers=admin_headers)
    assert (response.status_code, response.json()["label"]) == (201, None)


@pytest.mark.usefixtures("county")
def test_only_an_hmac_of_the_secret_is_stored(
    client: TestClient, admin_headers: dict[str, str], engine: Engine
) -> None:
    issued = _issue(client, admin_headers)
    secret = issued["key"].split("_", 2)[2]

    with engine.connect() as connection:
        row = connection.execute(text("SELECT * FROM api_key")).mappings().one()

    assert (
        row["secret_hash"]
        == hmac.new(KEY_SECRET.encode(), secret.encode(), hashlib.sha256).hexdigest()
    )
    assert not any(secret in str(value) for value in row.values())


def test_a_key_authenticates_as_its_agency(
    client: TestClient, session: Session, county: Agency
) -> None:
    token = issue_key(session, county)
    # Recognised (403: not the administrator), not unknown (401).
    response = client.get(f"{AGENCIES}/640181/keys", headers=bearer(token))
    assert response.status_code == 403


def test_a_revoked_key_is_unauthorized(
    client: TestClient, session: Session, county: Agency, admin_headers: dict[str, str]
) -> None:
    token = issue_key(session, county)
    key_id = token.split("_")[1]

    revoked = client.delete(f"{AGENCIES}/640181/keys/{key_id}", headers=admin_headers)
    response = client.get(f"{AGENCIES}/640181", headers=bearer(token))

    assert revoked.status_code == 204
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == f"key {key_id} has been revoked"


def test_revoking_twice_succeeds_and_keeps_the_first_time(
    client: TestClient, session: Session, county: Agency, admin_headers: dict[str, str]
) -> None:
    key_id = issue_key(session, county).split("_")[1]
    client.delete(f"{AGENCIES}/640181/keys/{key_id}", headers=admin_headers)
    first = _stored(session, key_id).revoked_at

    again = client.delete(f"{AGENCIES}/640181/keys/{key_id}", headers=admin_headers)

    assert again.status_code == 204
    assert first is not None
    assert _stored(session, key_id).revoked_at == first


def test_another_agencys_key_cannot_be_revoked_through_this_one(
    client: TestClient, session: Session, county: Agency, admin_headers: dict[str, str]
) -> None:
    other = make_agency(session, "640106")
    key_id = issue_key(session, other).split("_")[1]

    response = client.delete(f"{AGENCIES}/640181/keys/{key_id}", headers=admin_headers)

    assert response.status_code == 404
    assert response.json()["detail"] == f"agency 640181 has no key {key_id}"
    assert _stored(session, key_id).revoked_at is None


@pytest.mark.usefixtures("county")
def test_an_unknown_key_id_cannot_be_revoked(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    response = client.delete(f"{AGENCIES}/640181/keys/0123456789abcdef", headers=admin_headers)
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("authorization", "detail"),
    [
        ("Bearer dsk_0123456789abcdef_" + "A" * 43, "unknown key"),
        (
            "Bearer dsk_short",
            "malformed token: expected the administrator's token or an "
            "agency key dsk_<key_id>_<secret>",
        ),
        (
            "Bearer not-the-admin-token",
            "malformed token: expected the administrator's token "
            "or an agency key dsk_<key_id>_<secret>",
        ),
        ("Basic YWRtaW46YWRtaW4=", "the Authorization header must be `Bearer <token>`"),
        ("Bearer", "the Authorization header must be `Bearer <token>`"),
    ],
)
def test_unusable_credentials_are_unauthorized(
    client: TestClient, authorization: str, detail: str
) -> None:
    response = client.get(AGENCIES, headers={"Authorization": authorization})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["detail"] == detail


def test_a_key_with_a_wrong_secret_is_unknown(
    client: TestClient, session: Session, county: Agency
) -> None:
    token = issue_key(session, county)
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    response = client.get(AGENCIES, headers=bearer(forged))
    assert (response.status_code, response.json()["detail"]) == (401, "unknown key")


def test_a_key_issued_under_another_server_secret_is_unknown(
    client: TestClient, session: Session, county: Agency
) -> None:
    token = issue_key(session, county, key_secret="another-server-secret")
    assert client.get(AGENCIES, headers=bearer(token)).status_code == 401


def test_using_a_key_records_when(client: TestClient, session: Session, county: Agency) -> None:
    token = issue_key(session, county)
    before = datetime.now(UTC)

    client.get(AGENCIES, headers=bearer(token))

    last_used = _stored(session, token.split("_")[1]).last_used_at
    assert last_used is not None
    assert before <= last_used.replace(tzinfo=UTC) <= datetime.now(UTC)


def test_last_use_is_recorded_at_most_once_a_minute(session: Session, county: Agency) -> None:
    key_id = issue_key(session, county).split("_")[1]
    start = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    seen = []
    for offset in (0, 30, 59, 61):
        api_key = _stored(session, key_id)
        keys.record_use(session, api_key=api_key, now=start + timedelta(seconds=offset))
        last_used = _stored(session, key_id).last_used_at
        assert last_used is not None
        seen.append(last_used.replace(tzinfo=UTC) - start)
    assert seen == [timedelta(0), timedelta(0), timedelta(0), timedelta(seconds=61)]


def test_a_stale_copy_of_the_key_does_not_record_twice(session: Session, county: Agency) -> None:
    """Two requests that read the key before either wrote: the conditional UPDATE wins once."""
    key_id = issue_key(session, county).split("_")[1]
    stored = _stored(session, key_id)
    stale = ApiKey(id=stored.id, key_id=key_id, agency_id=stored.agency_id, secret_hash="")
    now = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)

    keys.record_use(session, api_key=stored, now=now)
    keys.record_use(session, api_key=stale, now=now + timedelta(seconds=5))

    last_used = _stored(session, key_id).last_used_at
    assert last_used is not None
    assert last_used.replace(tzinfo=UTC) == now
