"""GET of one section of a report: the revision each caller may see, and the 404s."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from app.agencies.models import Agency
from app.agencies.service import get_agency_by_code
from app.formats.definitions import FORMATS
from app.formats.sections import render_section
from app.reports import service
from app.reports.views import narrative_section
from tests.conftest import ADMIN_TOKEN
from tests.factories import bearer, issue_key, make_agency
from tests.reports.helpers import hongze, with_cell

PATH = "/api/v1/agencies/320829/reports/2024"
SECTIONS = ("proactive", "applications", "reviews", "narrative")


@pytest.fixture
def district(session: Session) -> Agency:
    city = make_agency(session, "320800", name="淮安市人民政府")
    return make_agency(session, "320829", name="淮安市洪泽区人民政府", parent=city)


def _expected(session: Session, agency: Agency, revision: int, section: str) -> Any:
    """The section as the view models render it from the stored revision."""
    stored = service.get_report(
        session, agency=agency, year=2024, include_unpublished=True, revision=revision
    )
    if section == "narrative":
        return narrative_section(stored.revision).model_dump(mode="json")
    fmt = FORMATS[stored.revision.format]
    return render_section(fmt, section, stored.cells, computed=stored.computed).model_dump(
        mode="json"
    )


def test_each_caller_sees_the_revision_it_may_see_in_every_section(
    client: TestClient, session: Session, district: Agency
) -> None:
    own = bearer(issue_key(session, district))
    stranger = bearer(issue_key(session, make_agency(session, "320900", name="盐城市人民政府")))
    city_key = bearer(issue_key(session, get_agency_by_code(session, "320800")))
    published = hongze(2024)
    changed = with_cell(published, "/proactive/coercion/decisions", 3)
    draft = with_cell(changed, "/reviews/review/pending", None) | {
        "status": "draft",
        "narrative": {"overview": "草稿"},
    }
    assert client.put(PATH, json=published, headers=own).status_code == 201
    assert client.put(PATH, json=draft, headers=own).status_code == 200

    for section in SECTIONS:
        url = f"{PATH}/sections/{section}"
        for headers, revision in (({}, 1), (stranger, 1), (own, 2), (city_key, 2), ({}, 1)):
            response = client.get(url, headers=headers)
            assert response.status_code == 200, (section, headers, response.text)
            assert response.headers["etag"] == f'"r{revision}"'
            assert response.json() == _expected(session, district, revision, section)


def test_section_404s_say_what_is_missing(
    client: TestClient, session: Session, district: Agency
) -> None:
    own = bearer(issue_key(session, district))
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    assert client.put(PATH, json=hongze(2024) | {"status": "draft"}, headers=own).status_code == 201

    cases = [
        ("/api/v1/agencies/999999/reports/2024", {}, "unknown agency 999999"),
        # Anonymous: no report and a draft-only report read alike.
        (
            "/api/v1/agencies/320800/reports/2024",
            {},
            "agency 320800 has no published report for 2024",
        ),
        ("/api/v1/agencies/320800/reports/2024", admin, "agency 320800 has no report for 2024"),
        (PATH, {}, "agency 320829 has no published report for 2024"),
    ]
    for path, headers, detail in cases:
        for section in SECTIONS:
            response = client.get(f"{path}/sections/{section}", headers=headers)
            assert response.status_code == 404, response.text
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["detail"] == detail
    assert client.get(f"{PATH}/sections/applications", headers=own).status_code == 200
