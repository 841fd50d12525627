"""POST /api/v1/imports on both databases: auth, answers, limits and hostile files."""

from __future__ import annotations

import io
import zipfile

from fastapi import FastAPI
from sqlmodel import Session
from starlette.testclient import TestClient

from app.documents.readers import DOCX, XLSX
from app.formats.cells import complete
from app.formats.definitions import FORMATS
from app.formats.schema import parse_report, to_cells
from tests.conftest import make_settings
from tests.documents.layouts import as_docx, as_tab_text, fixture_body
from tests.factories import bearer, issue_key, make_agency

PROBLEM = "application/problem+json"


def _text_document() -> bytes:
    return as_tab_text(fixture_body("hongze_2023.json"), 2023, "淮安市洪泽区人民政府")


def test_anonymous_callers_are_refused(client: TestClient) -> None:
    response = client.post(
        "/api/v1/imports", content=_text_document(), headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM


def test_agency_key_imports_raw_text(client: TestClient, session: Session) -> None:
    agency = make_agency(session, "320813", name="淮安市洪泽区人民政府")
    token = issue_key(session, agency)
    response = client.post(
        "/api/v1/imports?agency_code=320813",
        content=_text_document(),
        headers={**bearer(token), "Content-Type": "text/plain; charset=utf-8"},
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["format"], answer["year"]) == ("2021", 2023)
    assert answer["agency_name"] == "淮安市洪泽区人民政府"
    expected = fixture_body("hongze_2023.json")
    assert answer["report"]["applications"] == expected["applications"]
    assert answer["report"]["reviews"] == expected["reviews"]
    # The same findings /validate gives for the body read.
    validated = client.post(
        "/api/v1/validate",
        json={**answer["report"], "year": 2023, "agency_code": "320813"},
        headers=bearer(token),
    )
    assert validated.status_code == 200, validated.text
    assert answer["findings"] == validated.json()["findings"]
    assert answer["valid"] == validated.json()["valid"]


def test_multipart_docx_upload(client: TestClient, admin_headers: dict[str, str]) -> None:
    document = as_docx(fixture_body("hongze_2024.json"), 2024, "某局")
    response = client.post(
        "/api/v1/imports",
        files={"file": ("report.docx", document, DOCX)},
        headers=admin_headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["report"]["proactive"] == fixture_body("hongze_2024.json")["proactive"]


def test_the_services_own_workbook_imports_cell_exact(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    make_agency(session, "320829", name="淮安市洪泽区人民政府")
    published = fixture_body("hongze_2024.json")
    path = "/api/v1/agencies/320829/reports/2024"
    assert client.put(path, json=published, headers=admin_headers).status_code == 201
    workbook = client.get(f"{path}/workbook.xlsx").content

    response = client.post(
        "/api/v1/imports", content=workbook, headers={**admin_headers, "Content-Type": XLSX}
    )

    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["format"], answer["year"]) == ("2021", 2024)
    # The same cells as stored: the workbook's totals are formulas, so they come back given
    # where the published body left them to the service.
    fmt = FORMATS["2021"]
    imported = complete(fmt, to_cells(parse_report(answer["report"], year=2024))).values
    assert imported == complete(fmt, to_cells(parse_report(published, year=2024))).values
    assert answer["valid"] is True


def test_a_broken_workbook_is_422(client: TestClient, admin_headers: dict[str, str]) -> None:
    response = client.post(
        "/api/v1/imports", content=b"PK", headers={**admin_headers, "Content-Type": XLSX}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM


def test_unreadable_pdf_is_422(client: TestClient, admin_headers: dict[str, str]) -> None:
    response = client.post(
        "/api/v1/imports",
        content=b"%PDF-1.4\n garbage without objects",
        headers={**admin_headers, "Content-Type": "application/pdf"},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert "PDF" in response.json()["detail"] or "read" in response.json()["detail"]


def test_zip_bomb_docx_is_refused_before_inflating(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (60 * 2**20))
    response = client.post(
        "/api/v1/imports",
        content=buffer.getvalue(),
        headers={**admin_headers, "Content-Type": DOCX},
    )
    assert response.status_code == 413
    assert "zip bomb" in response.json()["detail"]


def _endless_pdf() -> bytes:
    # A page whose content stream declares no length and never closes: parsers keep reading.
    stream = b"0 0 m 1 1 l S\n" * 400_000
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 600 800]/Contents 4 0 R>>endobj\n"
        b"4 0 obj<<>>stream\n" + stream
    )


def test_pdf_reading_is_cut_off_at_the_deadline(database_url: str) -> None:
    # A deadline no reader can meet stands in for a PDF that never ends.
    app: FastAPI = __import__("app.main", fromlist=["create_app"]).create_app(
        make_settings(database_url, import_timeout_seconds=0.05)
    )
    client = TestClient(app)
    response = client.post(
        "/api/v1/imports",
        content=_endless_pdf(),
        headers={
            "Authorization": "Bearer test-admin-token-0123456789abcdef0123456789",
            "Content-Type": "application/pdf",
        },
    )
    app.state.engine.dispose()
    assert response.status_code == 422
    assert response.json()["detail"] == "the document could not be read within 0.05 s"


def test_upload_limit_is_larger_than_the_json_limit(database_url: str) -> None:
    from app.main import create_app

    app = create_app(make_settings(database_url, max_body_bytes=1000, max_upload_bytes=5000))
    client = TestClient(app)
    headers = {
        "Authorization": "Bearer test-admin-token-0123456789abcdef0123456789",
        "Content-Type": "text/plain",
    }
    too_large = client.post("/api/v1/imports", content=b"x" * 6000, headers=headers)
    allowed = client.post("/api/v1/imports", content="某".encode() * 1000, headers=headers)
    json_route = client.post("/api/v1/validate", content=b"{" + b" " * 2000 + b"}", headers=headers)
    app.state.engine.dispose()
    assert too_large.status_code == 413
    assert allowed.status_code == 422  # read, but no report in it: not refused for size
    assert json_route.status_code == 413


def _pdf(objects: bytes, root_pages: bytes) -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj"
        + root_pages
        + b"endobj\n"
        + objects
        + b"trailer<</Root 1 0 R>>\n%%EOF"
    )


def test_pdf_with_hundreds_of_thousands_of_objects_is_413(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    objects = b"".join(b"%d 0 obj<<>>endobj\n" % i for i in range(3, 300_003))
    response = client.post(
        "/api/v1/imports",
        content=_pdf(objects, b"<</Type/Pages/Kids[]/Count 0>>"),
        headers={**admin_headers, "Content-Type": "application/pdf"},
    )
    assert response.status_code == 413
    assert response.json()["detail"] == "the PDF declares 300002 objects (at most 200000)"


def test_pdf_with_too_many_pages_is_413(client: TestClient, admin_headers: dict[str, str]) -> None:
    count = 500
    kids = b" ".join(b"%d 0 R" % i for i in range(3, 3 + count))
    pages = b"".join(
        b"%d 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\n" % i
        for i in range(3, 3 + count)
    )
    response = client.post(
        "/api/v1/imports",
        content=_pdf(pages, b"<</Type/Pages/Kids[" + kids + b"]/Count %d>>" % count),
        headers={**admin_headers, "Content-Type": "application/pdf"},
    )
    assert response.status_code == 413
    assert response.json()["detail"] == "the PDF has 500 pages (at most 60)"
