"""OPTIONS and 405 list every method of a path; a forged Host never becomes a redirect."""

from __future__ import annotations

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from tests.factories import make_agency

PATHS = [
    ("/api/v1/agencies", "GET, OPTIONS, POST", "DELETE"),
    ("/api/v1/agencies/640100", "GET, OPTIONS, PATCH", "PUT"),
    ("/api/v1/agencies/640100/keys", "GET, OPTIONS, POST", "PATCH"),
    ("/api/v1/agencies/640100/keys/3f9c2a7b1d4e6f80", "DELETE, OPTIONS", "GET"),
    ("/api/v1/agencies/640100/reports/2020", "GET, OPTIONS, PUT", "DELETE"),
    ("/api/v1/summary", "GET, OPTIONS", "POST"),
    ("/api/v1/validate", "OPTIONS, POST", "GET"),
]


@pytest.mark.parametrize(("path", "allow", "_wrong"), PATHS)
def test_options_answers_204_with_every_method_of_the_path(
    client: TestClient, path: str, allow: str, _wrong: str
) -> None:
    response = client.options(path)

    assert response.status_code == 204
    assert response.headers["allow"] == allow
    assert response.content == b""


@pytest.mark.parametrize(("path", "allow", "wrong"), PATHS)
def test_a_wrong_method_is_405_with_the_same_allow(
    client: TestClient, path: str, allow: str, wrong: str
) -> None:
    response = client.request(wrong, path)

    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "method_not_allowed"
    assert response.json()["detail"] == f"Method Not Allowed: this path answers {allow}"


def test_options_on_an_unknown_path_is_404(client: TestClient) -> None:
    response = client.options("/api/v1/nothing-here")

    assert response.status_code == 404
    assert "allow" not in response.headers


def test_options_needs_no_token_and_reveals_no_agency(client: TestClient, session: Session) -> None:
    make_agency(session, "640100", name="银川市人民政府")

    known = client.options("/api/v1/agencies/640100")
    unknown = client.options("/api/v1/agencies/999999")

    assert (known.status_code, known.headers["allow"]) == (204, "GET, OPTIONS, PATCH")
    assert (unknown.status_code, unknown.headers["allow"]) == (204, "GET, OPTIONS, PATCH")


@pytest.mark.parametrize("path", ["/api/v1/formats/", "/api/v1/agencies/", "/api/v1/summary/"])
def test_a_trailing_slash_with_a_forged_host_is_a_404_not_a_redirect(
    client: TestClient, path: str
) -> None:
    response = client.get(path, headers={"Host": "evil.example"}, follow_redirects=False)

    assert response.status_code == 404
    assert "location" not in response.headers
    assert "evil.example" not in response.text
