"""The board: statuses, counts, days late, sorting, filters, paging, downloads and visibility.

Today is fixed at 10 April 2025 for the 2024 reports, so lateness is exact: a department was
due on 31 January (69 days before), a 县级以上地方人民政府 on 31 March (10 days before).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import update
from sqlmodel import Session, col, select

from app.agencies.models import Agency
from app.agencies.schemas import AgencyKind
from app.pages.board import board_today
from app.pages.headers import CONTENT_SECURITY_POLICY
from app.reports.models import Report, ReportRevision
from tests.factories import bearer, issue_key, make_agency
from tests.summaries.helpers import body, store

CITY, COUNTY = AgencyKind.CITY, AgencyKind.COUNTY
TOWNSHIP, DEPARTMENT = AgencyKind.TOWNSHIP, AgencyKind.DEPARTMENT
TODAY = date(2025, 4, 10)
YEAR = 2024


@pytest.fixture
def today(app: FastAPI) -> Iterator[date]:
    app.dependency_overrides[board_today] = lambda: TODAY
    yield TODAY
    app.dependency_overrides.pop(board_today)


@dataclass(frozen=True)
class Province:
    city: Agency
    county: Agency
    token_of_county: str


def _published(on: str | None = None, *, status: str = "published") -> dict[str, object]:
    report = body("2021", new=3, granted=3, status=status)
    if on is not None:
        report["published_on"] = on
    return report


def _broken_draft() -> dict[str, object]:
    report = body("2021", new=3, granted=3, status="draft")
    report["applications"]["new_received"]["total"] = 4  # type: ignore[index]
    return report


def _build(session: Session) -> Province:
    """淮安市 (a city, due 31 March) and below it five departments, a county and its township."""
    city = make_agency(session, "3208", name="淮安市人民政府", kind=CITY)
    d1 = make_agency(session, "320801", name="市教育局", parent=city, kind=DEPARTMENT)
    d2 = make_agency(session, "320802", name="市民政局", parent=city, kind=DEPARTMENT)
    d3 = make_agency(session, "320803", name="市财政局", parent=city, kind=DEPARTMENT)
    make_agency(
        session, "320804", name="市<script>alert(1)</script>局", parent=city, kind=DEPARTMENT
    )
    county = make_agency(session, "320810", name="甲县人民政府", parent=city, kind=COUNTY)
    town = make_agency(session, "32081001", name="甲县一镇", parent=county, kind=TOWNSHIP)
    store(session, city, YEAR, _published("2025-03-30"))
    store(session, d1, YEAR, _published("2025-02-05"))
    store(session, d2, YEAR, _published("2025-01-20"))
    store(session, d2, YEAR, _published(status="draft"))  # a correction on top, unpublished
    store(session, d3, YEAR, _broken_draft())
    store(session, county, YEAR, _published(status="submitted"))
    store(session, town, YEAR, _published())
    # Stored at 00:30 on 1 February in China: one day late, though still 31 January in UTC.
    town_report = session.exec(select(Report).where(Report.agency_id == town.id)).one()
    session.execute(
        update(ReportRevision)
        .where(col(ReportRevision.report_id) == town_report.id)
        .values(created_at=datetime(2025, 1, 31, 16, 30, tzinfo=UTC))
    )
    session.commit()
    return Province(city=city, county=county, token_of_county=issue_key(session, county))


_ROW = re.compile(r'<tr class="status-\w+">(.*?)</tr>', re.S)
_CELL = re.compile(r"<t[dh][^>]*>(.*?)</t[dh]>", re.S)
_TAG = re.compile(r"<[^>]+>")


def rows(html: str) -> list[tuple[str, ...]]:
    """The board's body rows as cell texts (markup removed, entities kept)."""
    return [tuple(_TAG.sub("", cell) for cell in _CELL.findall(row)) for row in _ROW.findall(html)]


def codes(html: str) -> list[str]:
    return [row[0] for row in rows(html)]


NAME = "市&lt;script&gt;alert(1)&lt;/script&gt;局"

ADMIN_ROWS = [
    ("3208", "淮安市人民政府", "市级政府", "已公开", "0", "0", "2025-03-30", "2025-03-31", ""),
    ("320801", "市教育局", "部门", "已公开", "0", "0", "2025-02-05", "2025-01-31", "5"),
    ("320802", "市民政局", "部门", "草稿", "0", "0", "2025-01-20", "2025-01-31", ""),
    ("320803", "市财政局", "部门", "草稿", "{errors}", "0", "", "2025-01-31", "69"),
    ("320804", NAME, "部门", "未填报", "", "", "", "2025-01-31", "69"),
    ("320810", "甲县人民政府", "县级政府", "已提交", "0", "0", "", "2025-03-31", "10"),
    ("32081001", "甲县一镇", "乡镇", "已公开", "0", "0", "2025-02-01", "2025-01-31", "1"),
]


def _errors_of_320803(client: TestClient, admin_headers: dict[str, str]) -> int:
    report = client.get(f"/api/v1/agencies/320803/reports/{YEAR}", headers=admin_headers).json()
    return int(report["error_count"])


def test_the_office_sees_every_status_count_and_day_late(
    client: TestClient, session: Session, admin_headers: dict[str, str], today: date
) -> None:
    _build(session)
    errors = _errors_of_320803(client, admin_headers)
    assert errors > 0
    page = client.get(f"/board?year={YEAR}&agency=3208", headers=admin_headers)
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    expected = [tuple(cell.format(errors=errors) for cell in row) for row in ADMIN_ROWS]
    assert rows(page.text) == expected
    for state, count in (("未填报", 1), ("草稿", 2), ("已提交", 1), ("已公开", 3), ("逾期", 5)):
        assert f"<li>{state}：<strong>{count}</strong></li>" in page.text
    assert "截止日期：部门 2025-01-31；县级以上地方人民政府 2025-03-31。" in page.text
    assert '<td><a href="/agencies/320801">320801</a></td>' in page.text
    assert f'<a href="/agencies/320801/reports/{YEAR}">市教育局</a>' in page.text
    assert "<script>alert" not in page.text


def test_anonymous_visitors_see_published_or_missing_and_no_counts(
    client: TestClient, session: Session, today: date
) -> None:
    _build(session)
    page = client.get(f"/board?year={YEAR}&agency=3208")
    assert rows(page.text) == [
        ("3208", "淮安市人民政府", "市级政府", "已公开", "", "", "2025-03-30", "2025-03-31", ""),
        ("320801", "市教育局", "部门", "已公开", "", "", "2025-02-05", "2025-01-31", "5"),
        ("320802", "市民政局", "部门", "已公开", "", "", "2025-01-20", "2025-01-31", ""),
        ("320803", "市财政局", "部门", "未填报", "", "", "", "2025-01-31", "69"),
        ("320804", NAME, "部门", "未填报", "", "", "", "2025-01-31", "69"),
        ("320810", "甲县人民政府", "县级政府", "未填报", "", "", "", "2025-03-31", "10"),
        ("32081001", "甲县一镇", "乡镇", "已公开", "", "", "2025-02-01", "2025-01-31", "1"),
    ]
    assert "<li>已公开：<strong>4</strong></li>" in page.text
    assert "<li>未填报：<strong>3</strong></li>" in page.text
    assert "草稿" not in page.text
    assert "已提交" not in page.text
    # A hidden state is a valid filter that no agency is in, for an anonymous caller.
    assert rows(client.get(f"/board?year={YEAR}&agency=3208&status=draft").text) == []


def test_a_county_key_sees_the_drafts_of_its_own_subtree_only(
    client: TestClient, session: Session, today: date
) -> None:
    province = _build(session)
    page = client.get(f"/board?year={YEAR}&agency=3208", headers=bearer(province.token_of_county))
    statuses = {row[0]: (row[3], row[4]) for row in rows(page.text)}
    assert statuses["320810"] == ("已提交", "0")
    assert statuses["32081001"] == ("已公开", "0")
    assert statuses["320803"] == ("未填报", "")  # another branch's draft
    assert statuses["320802"] == ("已公开", "")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "sort=code&order=desc",
            ["32081001", "320810", "320804", "320803", "320802", "320801", "3208"],
        ),
        ("sort=name", ["320804", "320801", "320802", "320803", "3208", "32081001", "320810"]),
        # Ties are broken by code, in the same direction.
        (
            "sort=days_late&order=desc",
            ["320804", "320803", "320810", "320801", "32081001", "320802", "3208"],
        ),
        ("sort=days_late", ["3208", "320802", "32081001", "320801", "320810", "320803", "320804"]),
        ("sort=status", ["320804", "320802", "320803", "320810", "3208", "320801", "32081001"]),
        (
            "sort=errors&order=desc",
            ["320803", "32081001", "320810", "320802", "320801", "3208", "320804"],
        ),
    ],
)
def test_sorting(
    client: TestClient,
    session: Session,
    admin_headers: dict[str, str],
    today: date,
    query: str,
    expected: list[str],
) -> None:
    _build(session)
    page = client.get(f"/board?year={YEAR}&agency=3208&{query}", headers=admin_headers)
    assert codes(page.text) == expected


def test_sortable_headers_link_to_the_other_direction_and_say_aria_sort(
    client: TestClient, session: Session, today: date
) -> None:
    _build(session)
    page = client.get(f"/board?year={YEAR}&agency=3208&sort=days_late&order=desc&late=1").text
    assert (
        '<th scope="col" aria-sort="descending"><a href="/board?year=2024&amp;agency=3208'
        '&amp;late=1&amp;sort=days_late">逾期天数</a></th>'
    ) in page
    assert (
        '<th scope="col"><a href="/board?year=2024&amp;agency=3208&amp;late=1">机关代码</a></th>'
    ) in page
    assert '<th scope="col">警告</th>' in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=draft", ["320802", "320803"]),
        ("status=missing", ["320804"]),
        ("late=1", ["320801", "320803", "320804", "320810", "32081001"]),
        ("late=1&status=published", ["320801", "32081001"]),
        ("q=县", ["320810", "32081001"]),
        ("q=3208100", ["32081001"]),
        ("q=%25", []),  # LIKE wildcards are text
        ("q=script", ["320804"]),
    ],
)
def test_filters(
    client: TestClient,
    session: Session,
    admin_headers: dict[str, str],
    today: date,
    query: str,
    expected: list[str],
) -> None:
    _build(session)
    page = client.get(f"/board?year={YEAR}&agency=3208&{query}", headers=admin_headers)
    assert codes(page.text) == expected
    assert f"共 {len(expected)} 个机关" in page.text
    # The counts at the top stay those of the whole subtree.
    assert "<li>逾期：<strong>5</strong></li>" in page.text


def test_paging_links_keep_the_query(
    client: TestClient, session: Session, admin_headers: dict[str, str], today: date
) -> None:
    city = make_agency(session, "9000", name="市", kind=CITY)
    for number in range(1, 121):
        make_agency(session, f"9000{number:03d}", name=f"局{number}", parent=city, kind=DEPARTMENT)
    first = client.get("/board?year=2024&agency=9000&sort=code", headers=admin_headers).text
    assert len(rows(first)) == 100
    assert "共 121 个机关，第 1 / 2 页。" in first
    assert '<a href="/board?year=2024&amp;agency=9000&amp;page=2" rel="next">下一页</a>' in first
    assert "上一页" not in first
    second = client.get("/board?year=2024&agency=9000&page=2", headers=admin_headers).text
    assert codes(second) == [f"9000{number:03d}" for number in range(100, 121)]
    assert '<a href="/board?year=2024&amp;agency=9000" rel="prev">上一页</a>' in second
    assert "下一页" not in second
    small = client.get("/board?year=2024&agency=9000&size=50&page=3", headers=admin_headers)
    assert codes(small.text) == [f"9000{number:03d}" for number in range(100, 121)]


def test_bad_query_values_are_problems_naming_the_field(client: TestClient) -> None:
    for query, pointer in (
        ("year=2024&sort=bogus", "#/query/sort"),
        ("year=2024&size=7", "#/query/size"),
        ("year=1900", "#/query/year"),
        ("year=2024&page=0", "#/query/page"),
    ):
        response = client.get(f"/board?{query}")
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert [error["pointer"] for error in response.json()["errors"]] == [pointer]


def test_without_a_year_the_board_shows_the_reports_due_this_year(
    client: TestClient, session: Session, today: date
) -> None:
    _build(session)
    page = client.get("/board?agency=3208").text
    assert "<h1>2024 年度填报情况：淮安市人民政府</h1>" in page
    assert '<input type="hidden" name="year" value="2024">' in page


def test_unknown_agency_is_a_chinese_404_page(client: TestClient) -> None:
    response = client.get("/board?year=2024&agency=NOPE")
    assert response.status_code == 404
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "没有代码为 NOPE 的机关。" in response.text


def test_csv_has_every_filtered_row_in_order_with_a_bom(
    client: TestClient, session: Session, admin_headers: dict[str, str], today: date
) -> None:
    _build(session)
    errors = _errors_of_320803(client, admin_headers)
    response = client.get(
        f"/board.csv?year={YEAR}&agency=3208&late=1&sort=days_late&order=desc&page=2",
        headers=admin_headers,
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="board-2024-3208.csv"'
    assert response.content.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines == [
        [
            "机关代码",
            "机关名称",
            "类型",
            "状态",
            "错误",
            "警告",
            "公开日期",
            "截止日期",
            "逾期天数",
        ],
        [
            "320804",
            "市<script>alert(1)</script>局",
            "部门",
            "未填报",
            "",
            "",
            "",
            "2025-01-31",
            "69",
        ],
        ["320803", "市财政局", "部门", "草稿", str(errors), "0", "", "2025-01-31", "69"],
        ["320810", "甲县人民政府", "县级政府", "已提交", "0", "0", "", "2025-03-31", "10"],
        ["320801", "市教育局", "部门", "已公开", "0", "0", "2025-02-05", "2025-01-31", "5"],
        ["32081001", "甲县一镇", "乡镇", "已公开", "0", "0", "2025-02-01", "2025-01-31", "1"],
    ]


def test_csv_for_anonymous_visitors_has_no_draft_and_no_counts(
    client: TestClient, session: Session, today: date
) -> None:
    _build(session)
    text = client.get(f"/board.csv?year={YEAR}&agency=3208&q=320803").content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1] == [
        "320803",
        "市财政局",
        "部门",
        "未填报",
        "",
        "",
        "",
        "2025-01-31",
        "69",
    ]


def test_a_name_starting_like_a_formula_stays_text_in_the_csv(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    make_agency(session, "X1", name="=HYPERLINK(1)", kind=DEPARTMENT)
    text = client.get("/board.csv?year=2024&agency=X1", headers=admin_headers).content
    assert list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))[1][1] == "'=HYPERLINK(1)"


def test_xlsx_has_the_same_rows_typed(
    client: TestClient, session: Session, admin_headers: dict[str, str], today: date
) -> None:
    _build(session)
    errors = _errors_of_320803(client, admin_headers)
    response = client.get(
        f"/board.xlsx?year={YEAR}&agency=3208&sort=days_late&order=desc", headers=admin_headers
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet.title == "2024年度填报情况"
    values = [tuple(cell.value for cell in row) for row in sheet.iter_rows()]
    assert values[0] == (
        "机关代码",
        "机关名称",
        "类型",
        "状态",
        "错误",
        "警告",
        "公开日期",
        "截止日期",
        "逾期天数",
    )
    assert values[1] == (
        "320804",
        "市<script>alert(1)</script>局",
        "部门",
        "未填报",
        None,
        None,
        None,
        datetime(2025, 1, 31),
        69,
    )
    assert values[2][:5] == ("320803", "市财政局", "部门", "草稿", errors)
    assert values[4] == (
        "320801",
        "市教育局",
        "部门",
        "已公开",
        0,
        0,
        datetime(2025, 2, 5),
        datetime(2025, 1, 31),
        5,
    )
    assert [row[0] for row in values[1:]] == [
        "320804",
        "320803",
        "320810",
        "320801",
        "32081001",
        "320802",
        "3208",
    ]


def test_downloads_are_linked_with_the_same_filters(
    client: TestClient, session: Session, today: date
) -> None:
    _build(session)
    page = client.get(f"/board?year={YEAR}&agency=3208&status=missing&page=1&size=50").text
    assert (
        '<a href="/board.csv?year=2024&amp;agency=3208&amp;status=missing" download>CSV</a>' in page
    )
    assert '<a href="/board.xlsx?year=2024&amp;agency=3208&amp;status=missing" download>' in page


def test_a_board_of_every_agency_without_a_subtree(
    client: TestClient, session: Session, admin_headers: dict[str, str], today: date
) -> None:
    _build(session)
    make_agency(session, "6401", name="银川市", kind=CITY)
    page = client.get(f"/board?year={YEAR}", headers=admin_headers).text
    assert "6401" in codes(page)
    assert len(rows(page)) == 8


def test_home_page_and_navigation_link_to_the_board(client: TestClient) -> None:
    text = client.get("/").text
    assert '<li><a href="/board">填报情况看板</a></li>' in text  # the navigation
    assert '<li><a href="/board">填报情况看板</a>：' in text  # the home page's list
    assert "填报情况看板、机关页面、报告页面" not in text
