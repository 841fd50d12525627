"""Conditional requests per RFC 9110: weak If-None-Match, strong If-Match, `*` for both."""

from __future__ import annotations

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from tests.factories import bearer, issue_key, make_agency
from tests.reports.helpers import seed_report

PATH = "/api/v1/agencies/640181/reports/2020"


@pytest.fixture
def own(session: Session) -> dict[str, str]:
    return bearer(issue_key(session, make_agency(session, "640181", name="灵武市人民政府")))


def test_a_weak_if_none_match_gets_its_304(client: TestClient, own: dict[str, str]) -> None:
    assert client.put(PATH, json=seed_report(), headers=own).status_code == 201

    for path in (PATH, f"{PATH}/sections/applications", f"{PATH}/revisions/1"):
        assert client.get(path, headers={"If-None-Match": 'W/"r1"'}).status_code == 304, path


def test_each_language_has_its_own_etag(client: TestClient, own: dict[str, str]) -> None:
    assert client.put(PATH, json=seed_report(), headers=own).status_code == 201

    chinese = client.get(PATH)
    english = client.get(PATH, headers={"Accept-Language": "en"})

    assert (chinese.headers["ETag"], english.headers["ETag"]) == ('"r1"', '"r1-en"')
    stale = client.get(PATH, headers={"If-None-Match": '"r1"', "Accept-Language": "en"})
    assert stale.status_code == 200
    assert "Accept-Language" in chinese.headers["Vary"]


def test_if_match_is_strong_and_takes_either_languages_etag(
    client: TestClient, own: dict[str, str]
) -> None:
    assert client.put(PATH, json=seed_report(), headers=own).status_code == 201

    weak = client.put(PATH, json=seed_report(), headers=own | {"If-Match": 'W/"r1"'})
    english = client.put(PATH, json=seed_report(), headers=own | {"If-Match": '"r1-en"'})

    assert weak.status_code == 412
    assert english.status_code == 200


def test_if_none_match_star_creates_only(client: TestClient, own: dict[str, str]) -> None:
    create_only = own | {"If-None-Match": "*"}

    assert client.put(PATH, json=seed_report(), headers=create_only).status_code == 201
    again = client.put(PATH, json=seed_report(), headers=create_only)

    assert again.status_code == 412
    assert client.get(f"{PATH}/revisions", headers=own).json()["items"][-1]["revision"] == 1
