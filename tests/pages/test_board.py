"""The board: anonymous visitors see published or missing only, never a draft."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.summaries.helpers import body, make_tree, store


def test_anonymous_board_shows_no_draft(client: TestClient, admin_headers: dict[str, str]) -> None:
    created = client.post(
        "/api/v1/agencies",
        json={"code": "B1", "name": "<script>x</script>局", "kind": "department"},
        headers=admin_headers,
    )
    assert created.status_code == 201, created.text
    page = client.get("/board?year=2024&agency=B1")
    assert page.status_code == 200
    assert "<td>B1</td>" in page.text
    assert "&lt;script&gt;x&lt;/script&gt;局" in page.text
    assert "<script>x" not in page.text
    assert "未填报：<strong>1</strong>" in page.text
    assert "草稿" not in page.text
    assert "已提交" not in page.text


def test_unknown_agency_is_404(client: TestClient) -> None:
    assert client.get("/board?year=2024&agency=NOPE").status_code == 404


def test_the_office_sees_the_draft_that_anonymous_visitors_do_not(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    tree = make_tree(session)
    store(session, tree.town_a2, 2021, body("2021", new=1, granted=1, status="draft"))
    anonymous = client.get("/board?year=2021&agency=32080102").text
    assert "<td>已公开</td>" not in anonymous
    assert "<td>未填报</td>" in anonymous
    assert "草稿" not in anonymous
    office = client.get("/board?year=2021&agency=32080102", headers=admin_headers).text
    assert "<td>草稿</td>" in office
    assert "草稿：<strong>1</strong>" in office
