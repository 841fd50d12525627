"""The report page: the official layout, findings listed and marked, revisions, visibility."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.agencies.models import Agency
from app.agencies.schemas import AgencyKind
from app.pages.headers import CONTENT_SECURITY_POLICY
from tests.factories import bearer, issue_key, make_agency
from tests.summaries.helpers import body, store


def _broken(status: str = "draft") -> dict[str, object]:
    report = body("2021", new=3, granted=3, status=status)
    report["applications"]["new_received"]["total"] = 4  # type: ignore[index]
    return report


def _agency(session: Session) -> Agency:
    city = make_agency(session, "3208", name="淮安市", kind=AgencyKind.CITY)
    return make_agency(
        session, "320813", name="洪泽区<script>x</script>", parent=city, kind=AgencyKind.COUNTY
    )


def _history(session: Session) -> Agency:
    """Revision 1 published and clean, revision 2 a draft with two errors."""
    agency = _agency(session)
    store(session, agency, 2024, body("2021", new=3, granted=3))
    store(session, agency, 2024, _broken())
    return agency


NAME = "洪泽区&lt;script&gt;x&lt;/script&gt;"
BALANCE = "总计：本年新收(4)+上年结转(0) ≠ 办理结果总计(3)+结转下年度(0)，相差 1"


def test_the_office_sees_the_draft_its_findings_listed_and_marked(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    _history(session)
    page = client.get("/agencies/320813/reports/2024", headers=admin_headers)
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    text = page.text
    assert f"<h1>{NAME} 2024 年度报告</h1>" in text
    assert '<p class="revision-state">第 2 次修订，草稿。</p>' in text
    assert "<p>错误 2 项，提示 0 项。</p>" in text
    assert (
        f'<li class="finding-error"><span class="severity-error">错误</span>：{BALANCE}（单元格：'
        '<a href="#cell-applications-new_received-total">收到和处理政府信息公开申请情况：'
        "本年新收政府信息公开申请数量·总计</a>；"
    ) in text
    # The cell it names is marked in the document, with the message as its title.
    assert (
        '<td id="cell-applications-new_received-total" data-cell="/applications/new_received/total"'
        f' class="number finding-error" title="{BALANCE}\n'
    ) in text
    assert '<link rel="stylesheet" href="/styles/document.css">' in text
    assert '<li><a href="/file/320813/2024">填报或修改</a></li>' in text
    assert "<script>x" not in text
    assert "<style" not in text and "style=" not in text


def test_revisions_are_listed_newest_first_and_selectable(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    _history(session)
    latest = client.get("/agencies/320813/reports/2024", headers=admin_headers).text
    revisions = latest.split('<section class="revisions"')[1].split("</section>")[0]
    assert revisions.index("第 2 次（当前显示）") < revisions.index(
        '<a href="/agencies/320813/reports/2024?revision=1">第 1 次</a>'
    )
    earlier = client.get("/agencies/320813/reports/2024?revision=1", headers=admin_headers).text
    assert '<p class="revision-state">第 1 次修订，已公开（早先的修订）。</p>' in earlier
    assert "<p>未发现问题。</p>" in earlier
    assert 'href="/api/v1/agencies/320813/reports/2024/document.docx?revision=1"' in earlier
    assert 'href="/api/v1/agencies/320813/reports/2024/document.html?revision=1"' in earlier
    assert '<a href="/agencies/320813/reports/2024?revision=2">第 2 次</a>' in earlier
    assert "finding-error" not in earlier.split('<section class="document"')[1]


def test_anonymous_visitors_see_the_published_revision_only(
    client: TestClient, session: Session
) -> None:
    _history(session)
    text = client.get("/agencies/320813/reports/2024").text
    assert '<p class="revision-state">第 1 次修订，已公开。</p>' in text
    assert "<p>未发现问题。</p>" in text
    assert "第 2 次" not in text
    assert "草稿" not in text
    assert "/file/" not in text
    assert 'href="/api/v1/agencies/320813/reports/2024/workbook.xlsx"' in text
    hidden = client.get("/agencies/320813/reports/2024?revision=2")
    assert hidden.status_code == 404
    assert "没有可查看的 2024 年度第 2 次修订" in hidden.text


def test_a_draft_only_report_is_404_for_anonymous_visitors_and_agencies_below(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    agency = _agency(session)
    below = make_agency(
        session, "32081301", name="高良涧街道", parent=agency, kind=AgencyKind.TOWNSHIP
    )
    store(session, agency, 2023, _broken())
    for headers in ({}, bearer(issue_key(session, below))):
        response = client.get("/agencies/320813/reports/2023", headers=headers)
        assert response.status_code == 404
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert f"<p>{NAME}没有可查看的 2023 年度报告。</p>" in response.text
    own = client.get("/agencies/320813/reports/2023", headers=bearer(issue_key(session, agency)))
    assert own.status_code == 200
    assert "第 1 次修订，草稿。" in own.text
    assert client.get("/agencies/320813/reports/2023", headers=admin_headers).status_code == 200


def test_unknown_agency_year_or_revision_is_404(client: TestClient, session: Session) -> None:
    agency = _history(session)
    assert client.get("/agencies/NOPE/reports/2024").status_code == 404
    missing = client.get("/agencies/320813/reports/2022")
    assert missing.status_code == 404
    assert "/file/" not in missing.text
    # The agency itself is offered to file the report it has not filed.
    own = client.get("/agencies/320813/reports/2022", headers=bearer(issue_key(session, agency)))
    assert own.status_code == 404
    assert '<p><a href="/file/320813/2022">填报这一年度的报告</a></p>' in own.text
    assert client.get("/agencies/320813/reports/2024?revision=9").status_code == 404
    bad = client.get("/agencies/320813/reports/2024?revision=0")
    assert bad.status_code == 422
    assert [error["pointer"] for error in bad.json()["errors"]] == ["#/query/revision"]


def test_the_document_stylesheet_is_served_as_a_file(client: TestClient) -> None:
    from app.documents.render import document_stylesheet

    response = client.get("/styles/document.css")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/css; charset=utf-8"
    assert response.text == document_stylesheet()


def test_every_read_page_has_the_policy_and_no_inline_script_or_style(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    _history(session)
    for path in (
        "/board?year=2024&agency=3208",
        "/agencies/320813",
        "/agencies/320813/reports/2024",
        "/agencies/320813/reports/2024?revision=1",
        "/agencies/NOPE",
    ):
        for headers in ({}, admin_headers):
            response = client.get(path, headers=headers)
            assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
            assert response.headers["content-type"] == "text/html; charset=utf-8", path
            assert "<script" not in response.text, path
            assert "<style" not in response.text and "style=" not in response.text, path
