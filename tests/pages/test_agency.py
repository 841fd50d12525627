"""The agency page: identity, family, reports by year with their links, the trend chart."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.agencies.schemas import AgencyKind
from app.pages.chart import Series, line_chart, nice_ceiling
from app.pages.headers import CONTENT_SECURITY_POLICY
from tests.factories import bearer, issue_key, make_agency
from tests.summaries.helpers import body, store


def _litigated(
    fmt: str, *, new: int, granted: int, direct: int, status: str = "published"
) -> dict[str, object]:
    report = body(fmt, new=new, granted=granted, upheld=1, status=status)
    report["reviews"]["litigation_direct"].update(upheld=direct, total=direct)  # type: ignore[index]
    return report


def _county(session: Session) -> None:
    city = make_agency(session, "3208", name="淮安市", kind=AgencyKind.CITY)
    county = make_agency(
        session, "320813", name="洪泽区<b>人民政府</b>", parent=city, kind=AgencyKind.COUNTY
    )
    make_agency(session, "32081301", name="高良涧街道", parent=county, kind=AgencyKind.TOWNSHIP)
    make_agency(session, "32081302", name="朱坝街道", parent=county, kind=AgencyKind.TOWNSHIP)
    store(session, county, 2021, _litigated("2021", new=10, granted=8, direct=2))
    store(session, county, 2023, _litigated("2021", new=30, granted=20, direct=0))
    store(session, county, 2024, _litigated("2021", new=5, granted=5, direct=1, status="draft"))


def test_the_agency_its_parent_and_children(client: TestClient, session: Session) -> None:
    _county(session)
    page = client.get("/agencies/320813")
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    text = page.text
    assert "<h1>洪泽区&lt;b&gt;人民政府&lt;/b&gt;</h1>" in text
    assert "<dt>机关代码</dt><dd>320813</dd>" in text
    assert "<dt>类型</dt><dd>县级政府</dd>" in text
    assert '<dt>上级机关</dt><dd><a href="/agencies/3208">淮安市</a></dd>' in text
    assert '<li><a href="/agencies/32081301">高良涧街道</a>（32081301）</li>' in text
    assert '<li><a href="/agencies/32081302">朱坝街道</a>（32081302）</li>' in text
    assert '<p><a href="/board?agency=320813">本机关及下级机关的填报情况</a></p>' in text
    assert "<b>" not in text


def _report_rows(text: str) -> list[str]:
    table = text.split('<table class="data reports">')[1].split("</table>")[0]
    return re.findall(r'<a href="/agencies/320813/reports/(\d+)">', table)


def test_anonymous_visitors_see_published_reports_only(
    client: TestClient, session: Session
) -> None:
    _county(session)
    text = client.get("/agencies/320813").text
    assert _report_rows(text) == ["2021", "2023"]
    base = "/api/v1/agencies/320813/reports/2023"
    assert (
        '<tr><th scope="row"><a href="/agencies/320813/reports/2023">2023 年度报告</a></th>'
        "<td>已公开</td><td>1</td><td>0</td><td>0</td>"
        f'<td><a href="{base}/document.html">网页版</a>'
        f' · <a href="{base}/document.docx">Word</a>'
        f' · <a href="{base}/workbook.xlsx">工作簿</a></td></tr>'
    ) in text


def test_the_agency_and_the_office_see_the_draft_too(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    _county(session)
    assert _report_rows(client.get("/agencies/320813", headers=admin_headers).text) == [
        "2021",
        "2023",
        "2024",
    ]
    from app.agencies.service import get_agency_by_code

    token = issue_key(session, get_agency_by_code(session, "320813"))
    text = client.get("/agencies/320813", headers=bearer(token)).text
    assert "<td>草稿</td>" in text
    # A township's key is below the county: it sees the county's published reports only.
    township = issue_key(session, get_agency_by_code(session, "32081301"))
    assert _report_rows(client.get("/agencies/320813", headers=bearer(township)).text) == [
        "2021",
        "2023",
    ]


def test_trend_table_and_chart_from_published_reports(client: TestClient, session: Session) -> None:
    _county(session)
    text = client.get("/agencies/320813", headers={}).text
    trend = text.split('<table class="data trend">')[1].split("</table>")[0]
    assert (
        '<thead><tr><th scope="col">年度</th><th scope="col">新收申请</th>'
        '<th scope="col">予以公开</th><th scope="col">行政复议</th>'
        '<th scope="col">行政诉讼</th></tr></thead>'
    ) in trend
    assert '<tr><th scope="row">2021</th><td>10</td><td>8</td><td>1</td><td>2</td></tr>' in trend
    assert '<tr><th scope="row">2022</th><td>—</td><td>—</td><td>—</td><td>—</td></tr>' in trend
    assert '<tr><th scope="row">2023</th><td>30</td><td>20</td><td>1</td><td>0</td></tr>' in trend
    assert "2024" not in trend  # the draft is not in the trend
    assert '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 320" role="img"' in text
    assert (
        '<title id="trend-title">洪泽区&lt;b&gt;人民政府&lt;/b&gt;'
        "主要数据趋势（2021—2023 年）</title>" in text
    )
    assert "<title>2023 年新收申请：30</title>" in text
    # A year without a report breaks the line: two separate moves, no line through 2022.
    assert '<path class="series series-0" d="M56.0 227.2 M624.0 121.6"/>' in text
    assert "style=" not in text and "<script" not in text


def test_no_trend_without_a_published_report(client: TestClient, session: Session) -> None:
    make_agency(session, "X9", name="新设局")
    text = client.get("/agencies/X9").text
    assert "<p>尚无已公开的报告。</p>" in text
    assert "<p>尚无已公开的报告，暂无趋势。</p>" in text
    assert "<svg" not in text
    assert "<dd>无（顶级机关）</dd>" in text


def test_unknown_agency_is_a_chinese_404_page(client: TestClient) -> None:
    response = client.get("/agencies/NOPE")
    assert response.status_code == 404
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "<p>没有代码为 NOPE 的机关。</p>" in response.text


def test_chart_geometry() -> None:
    assert [nice_ceiling(value) for value in (0, 1, 3, 7, 10, 11, 30, 120)] == [
        1,
        1,
        5,
        10,
        10,
        20,
        50,
        200,
    ]
    chart = line_chart([2020, 2021, 2022], [Series("a", [0, None, 20]), Series("b", [5, 10, 15])])
    assert [tick.label for tick in chart.y_ticks] == ["0", "5", "10", "15", "20"]
    assert [(tick.position, tick.label) for tick in chart.x_ticks] == [
        (56.0, "2020"),
        (340.0, "2021"),
        (624.0, "2022"),
    ]
    assert chart.lines[0].path == "M56.0 280.0 M624.0 16.0"
    assert chart.lines[1].path == "M56.0 214.0 L340.0 148.0 L624.0 82.0"
    assert [dot.value for dot in chart.lines[0].dots] == [0, 20]
