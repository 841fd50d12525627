"""GET …/document.html and …/document.docx: the report GET's visibility, headers, revisions."""

from __future__ import annotations

import hashlib
import io
from typing import Any
from urllib.parse import quote

from docx import Document
from sqlmodel import Session
from starlette.testclient import TestClient

from app.documents.downloads import DOCX_MEDIA_TYPE
from tests.factories import bearer, issue_key, make_agency
from tests.reports.helpers import hongze

HONGZE = "淮安市洪泽区人民政府"
BASE = "/api/v1/agencies/320813/reports/2024"


def tag(revision: int, kind: str, name: str = HONGZE) -> str:
    """The document's ETag: the revision, the printed agency name and the representation."""
    digest = hashlib.blake2s(name.encode(), digest_size=4).hexdigest()
    return f'"r{revision}-{digest}-document-{kind}"'


def _put(client: TestClient, headers: dict[str, str], body: dict[str, Any]) -> None:
    response = client.put(BASE, json=body, headers=headers)
    assert response.status_code in (200, 201), response.text


def _published_then_draft(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> str:
    """Revision 1 published, revision 2 a draft with another 本年新收 figure; a key's token."""
    agency = make_agency(session, "320813", name=HONGZE)
    _put(client, admin_headers, hongze(2024))
    draft = hongze(2024)
    draft["status"] = "draft"
    draft["applications"]["new_received"]["natural_person"] = 4321
    _put(client, admin_headers, draft)
    return issue_key(session, agency)


def test_anonymous_caller_gets_the_published_revision_not_the_draft(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    _published_then_draft(client, session, admin_headers)
    response = client.get(f"{BASE}/document.html")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["etag"] == tag(1, "html")
    assert 'data-cell="/applications/new_received/natural_person" class="number">95<' in (
        response.text
    )
    assert "4321" not in response.text


def test_key_holder_sees_the_draft(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    token = _published_then_draft(client, session, admin_headers)
    response = client.get(f"{BASE}/document.html", headers=bearer(token))
    assert response.status_code == 200
    assert response.headers["etag"] == tag(2, "html")
    assert 'data-cell="/applications/new_received/natural_person" class="number">4321<' in (
        response.text
    )


def test_revision_parameter_gives_an_earlier_revision(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    token = _published_then_draft(client, session, admin_headers)
    response = client.get(f"{BASE}/document.html?revision=1", headers=bearer(token))
    assert response.status_code == 200
    assert response.headers["etag"] == tag(1, "html")
    assert ">4321<" not in response.text


def test_anonymous_caller_cannot_name_the_draft_revision(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    _published_then_draft(client, session, admin_headers)
    for kind in ("html", "docx"):
        response = client.get(f"{BASE}/document.{kind}?revision=2")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"


def test_anonymous_404_for_a_draft_only_report(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    agency = make_agency(session, "320813", name=HONGZE)
    draft = {**hongze(2024), "status": "draft"}
    _put(client, admin_headers, draft)
    for kind in ("html", "docx"):
        assert client.get(f"{BASE}/document.{kind}").status_code == 404
        own = client.get(f"{BASE}/document.{kind}", headers=bearer(issue_key(session, agency)))
        assert own.status_code == 200


def test_unknown_agency_and_year_are_404(client: TestClient, session: Session) -> None:
    make_agency(session, "320813", name=HONGZE)
    assert client.get("/api/v1/agencies/999999/reports/2024/document.html").status_code == 404
    assert client.get(f"{BASE}/document.docx").status_code == 404


def test_html_has_a_strict_content_security_policy_and_a_utf8_filename(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    _published_then_draft(client, session, admin_headers)
    response = client.get(f"{BASE}/document.html")
    assert response.headers["content-security-policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"
    )
    title = f"{HONGZE}2024年政府信息公开工作年度报告.html"
    assert response.headers["content-disposition"] == (
        f"inline; filename=\"320813-2024.html\"; filename*=UTF-8''{quote(title)}"
    )
    assert "<script" not in response.text
    assert "http" not in response.text.split("<body>")[0]  # nothing fetched by the head


def test_docx_is_a_word_attachment_that_opens(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    _published_then_draft(client, session, admin_headers)
    response = client.get(f"{BASE}/document.docx")
    assert response.status_code == 200
    assert response.headers["content-type"] == DOCX_MEDIA_TYPE
    assert response.headers["etag"] == tag(1, "docx")
    assert response.headers["content-disposition"].startswith(
        "attachment; filename=\"320813-2024.docx\"; filename*=UTF-8''%E6%B7%AE"
    )
    word = Document(io.BytesIO(response.content))
    assert word.paragraphs[0].text == f"{HONGZE}2024年政府信息公开工作年度报告"
    assert len(word.tables) == 3


def test_matching_etag_answers_304(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    _published_then_draft(client, session, admin_headers)
    response = client.get(f"{BASE}/document.docx", headers={"If-None-Match": tag(1, "docx")})
    assert response.status_code == 304
    assert response.content == b""


def test_a_rename_changes_the_etag_of_the_printed_title(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    _published_then_draft(client, session, admin_headers)
    renamed = client.patch(
        "/api/v1/agencies/320813", json={"name": "洪泽区人民政府"}, headers=admin_headers
    )
    assert renamed.status_code == 200, renamed.text
    response = client.get(f"{BASE}/document.html", headers={"If-None-Match": tag(1, "html")})
    assert response.status_code == 200
    assert response.headers["etag"] == tag(1, "html", "洪泽区人民政府")
    assert "洪泽区人民政府2024年政府信息公开工作年度报告" in response.text


def test_openapi_declares_both_media_types(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    html = paths["/api/v1/agencies/{code}/reports/{year}/document.html"]["get"]
    docx = paths["/api/v1/agencies/{code}/reports/{year}/document.docx"]["get"]
    assert list(html["responses"]["200"]["content"]) == ["text/html"]
    assert list(docx["responses"]["200"]["content"]) == [DOCX_MEDIA_TYPE]
    assert [p["name"] for p in html["parameters"] if p["in"] == "query"] == ["revision"]
