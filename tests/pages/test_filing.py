"""The filing page: the API's authorization, If-Match, findings on the cells, CSRF, escaping."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from app.agencies.models import Agency
from app.formats.definitions import FORMATS
from tests.conftest import ADMIN_TOKEN
from tests.factories import bearer, issue_key, make_agency
from tests.pages.helpers import broken_workbook, csrf_of, etag_of, report_form, sign_in
from tests.reports.helpers import hongze

PAGE = "/file/320813/2024"
API = "/api/v1/agencies/320813/reports/2024"
GRANTED = "/applications/granted/natural_person"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def city(session: Session) -> Agency:
    return make_agency(session, "320800", name="淮安市人民政府")


@pytest.fixture
def agency(session: Session, city: Agency) -> Agency:
    return make_agency(session, "320813", name="淮安市洪泽区人民政府", parent=city)


@pytest.fixture
def key(session: Session, agency: Agency) -> str:
    return issue_key(session, agency)


@pytest.fixture
def signed_in(client: TestClient, key: str) -> TestClient:
    sign_in(client, key)
    return client


def opened(client: TestClient, path: str = PAGE) -> tuple[str, str]:
    """The page's CSRF token and the ETag it was loaded with."""
    page = client.get(path)
    assert page.status_code == 200, page.text
    return csrf_of(page.text), etag_of(page.text)


def save(client: TestClient, body: dict[str, Any], status: str, **fields: str) -> Any:
    token, etag = opened(client)
    data = report_form(body, csrf_token=token, etag=etag, status=status, **fields)
    return client.post(PAGE, data=data, follow_redirects=False)


def cell_classes(html: str, pointer: str) -> str:
    found = re.search(rf'<td data-cell="{re.escape(pointer)}" class="([^"]*)"', html)
    assert found is not None, pointer
    return found.group(1)


def input_value(html: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', html)
    assert found is not None, name
    return found.group(1)


def revisions(client: TestClient, key: str) -> list[int]:
    response = client.get(f"{API}/revisions", headers=bearer(key))
    return [item["revision"] for item in response.json()["items"]] if response.is_success else []


def test_anonymous_visitors_are_sent_to_the_login_form(client: TestClient, agency: Agency) -> None:
    response = client.get(PAGE, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/file/320813/2024"


def test_another_agencys_key_is_refused_as_the_api_refuses_it(
    client: TestClient, session: Session, agency: Agency, city: Agency
) -> None:
    other = make_agency(session, "320812", name="淮安市清江浦区人民政府", parent=city)
    sign_in(client, issue_key(session, other))
    response = client.get(PAGE)
    assert response.status_code == 403
    assert "不能填报淮安市洪泽区人民政府的报告" in response.text
    assert (
        client.put(API, json=hongze(2024), headers=bearer(issue_key(session, other))).status_code
        == 403
    )


def test_a_key_of_the_agency_above_may_file_and_an_unknown_agency_is_404(
    client: TestClient, session: Session, agency: Agency, city: Agency
) -> None:
    sign_in(client, issue_key(session, city))
    assert client.get(PAGE).status_code == 200
    missing = client.get("/file/999999/2024")
    assert missing.status_code == 404
    assert "没有代码为 999999 的机关" in missing.text


def test_a_bearer_token_opens_the_page_without_a_session(client: TestClient, key: str) -> None:
    assert client.get(PAGE, headers=bearer(key)).status_code == 200
    assert client.get(PAGE, headers=bearer("dsk_nonsense")).status_code == 401


def test_the_form_lays_out_every_cell_named_by_its_pointer(signed_in: TestClient) -> None:
    html = signed_in.get(PAGE).text
    cells = [spec for spec in FORMATS["2021"].cells() if spec.section == "applications"]
    assert html.count('<td data-cell="/applications/') == len(cells) == 7 * 26
    assert 'aria-label="三、本年度办理结果 （一）予以公开 申请人情况 自然人"' in html or (
        'aria-label="三、本年度办理结果 （一）予以公开 自然人"' in html
    )
    assert 'aria-describedby="msg--applications-granted-natural_person"' in html
    assert '<textarea id="field-overview" name="overview"' in html


def test_a_new_report_is_pre_filled_with_last_years_carried_forward(
    signed_in: TestClient, key: str
) -> None:
    last_year = hongze(2023) | {"status": "draft"}  # a draft is still last year's report
    last_year["applications"]["carried_forward"]["natural_person"] = 4
    stored = signed_in.put(
        "/api/v1/agencies/320813/reports/2023", json=last_year, headers=bearer(key)
    )
    assert stored.status_code in (200, 201), stored.text
    html = signed_in.get(PAGE).text
    assert input_value(html, "/applications/carried_over/natural_person") == "4"
    assert input_value(html, GRANTED) == ""
    assert etag_of(html) == ""


def test_saving_stores_a_revision_through_the_write_path(signed_in: TestClient, key: str) -> None:
    response = save(signed_in, hongze(2024), "published")

    assert response.status_code == 303
    assert response.headers["location"] == "/file/320813/2024?saved=1"
    stored = signed_in.get(API).json()  # anonymous: the published revision
    assert stored["status"] == "published"
    assert signed_in.get(API, headers=bearer(key)).json()["written_by"] == (
        f"key:{key.split('_')[1]}"
    )
    assert stored["applications"]["granted"]["natural_person"] == 50
    page = signed_in.get(response.headers["location"]).text
    assert "已保存为第 1 版，状态：已公开。" in page
    assert '<a href="/agencies/320813/reports/2024">查看报告页</a>' in page
    assert etag_of(page) == '"r1"'


def test_a_stale_etag_is_412_keeps_the_typed_values_and_overwrites_nothing(
    signed_in: TestClient, key: str
) -> None:
    assert save(signed_in, hongze(2024), "draft").status_code == 303
    token, etag = opened(signed_in)
    assert (
        signed_in.put(API, json=hongze(2024), headers={**bearer(key), "If-Match": etag}).status_code
        == 200
    )

    data = report_form(hongze(2024), csrf_token=token, etag=etag, status="draft")
    data[GRANTED] = "49"
    response = signed_in.post(PAGE, data=data)

    assert response.status_code == 412
    assert "已有人保存了本报告的新版本（第 2 版）" in response.text
    assert input_value(response.text, GRANTED) == "49"
    assert etag_of(response.text) == '"r1"'  # resending it cannot overwrite either
    assert revisions(signed_in, key) == [1, 2]


def test_two_forms_opened_before_the_first_save_cannot_both_create(
    signed_in: TestClient, key: str
) -> None:
    token, etag = opened(signed_in)
    assert etag == ""
    first = report_form(hongze(2024), csrf_token=token, etag=etag, status="draft")
    assert signed_in.post(PAGE, data=first, follow_redirects=False).status_code == 303
    assert signed_in.post(PAGE, data=first, follow_redirects=False).status_code == 412
    assert revisions(signed_in, key) == [1]


def test_an_error_blocks_publishing_and_is_shown_on_its_cells(
    signed_in: TestClient, key: str
) -> None:
    response = save(signed_in, hongze(2024), "published", **{GRANTED: "51"})

    assert response.status_code == 422
    assert "报告有违反勾稽关系的错误，不能公开" in response.text
    assert "finding-error" in cell_classes(response.text, GRANTED)
    assert "finding-error" in cell_classes(response.text, "/applications/granted/total")
    assert input_value(response.text, GRANTED) == "51"
    assert revisions(signed_in, key) == []
    assert save(signed_in, hongze(2024), "draft", **{GRANTED: "51"}).status_code == 303


def test_a_figure_that_is_no_number_is_refused_on_its_cell(signed_in: TestClient, key: str) -> None:
    response = save(signed_in, hongze(2024), "draft", **{GRANTED: "五十"})
    assert response.status_code == 422
    assert "有填写不是数字的单元格，未保存。" in response.text
    assert "请填写不小于 0 的整数" in response.text
    assert "finding-error" in cell_classes(response.text, GRANTED)
    assert input_value(response.text, GRANTED) == "五十"
    assert revisions(signed_in, key) == []


def test_full_width_digits_and_separators_are_read(signed_in: TestClient) -> None:
    body = hongze(2024)
    assert (
        save(
            signed_in, body, "draft", **{"/proactive/licensing/decisions": "９,４８７"}
        ).status_code
        == 303
    )
    assert signed_in.get(API, headers=bearer(ADMIN_TOKEN)).json()["proactive"]["licensing"] == {
        "decisions": 9487
    }


def test_the_live_check_answers_the_findings_by_field(signed_in: TestClient) -> None:
    token, etag = opened(signed_in)
    data = report_form(hongze(2024), csrf_token=token, etag=etag, **{GRANTED: "51"})
    response = signed_in.post(f"{PAGE}/validate", data=data)
    assert response.status_code == 200
    result = response.json()
    assert result["error_count"] == 2
    assert sorted(f["rule"] for f in result["findings"] if f["severity"] == "error") == [
        "applications.results_total",  # 自然人's column: 办理结果总计 is stated 95
        "applications.row_total",  # 予以公开's row: its 总计 is stated 50
    ]
    assert result["fields"][GRANTED][0][0] == "error"
    assert signed_in.post(f"{PAGE}/validate", data={**data, "csrf_token": "x"}).status_code == 403


@pytest.mark.parametrize("token", [None, "forged"])
def test_a_post_without_or_with_a_wrong_csrf_token_is_403_and_writes_nothing(
    signed_in: TestClient, key: str, token: str | None
) -> None:
    _, etag = opened(signed_in)
    data = report_form(hongze(2024), etag=etag, status="published")
    if token:
        data["csrf_token"] = token
    response = signed_in.post(PAGE, data=data)
    assert response.status_code == 403
    assert "表单已失效或来源不明，请刷新页面后重试。" in response.text
    assert revisions(signed_in, key) == []


def test_a_post_from_another_site_is_refused_even_with_the_token(
    signed_in: TestClient, key: str
) -> None:
    token, etag = opened(signed_in)
    data = report_form(hongze(2024), csrf_token=token, etag=etag, status="draft")
    response = signed_in.post(PAGE, data=data, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert revisions(signed_in, key) == []


def test_an_anonymous_post_is_refused(client: TestClient, agency: Agency, key: str) -> None:
    response = client.post(PAGE, data=report_form(hongze(2024), status="published"))
    assert response.status_code == 403
    assert "登录已失效" in response.text
    assert revisions(client, key) == []


def test_script_in_a_name_and_in_the_narrative_is_text(
    client: TestClient, session: Session, city: Agency
) -> None:
    hostile = make_agency(session, "320899", name="<script>alert('name')</script>区", parent=city)
    sign_in(client, issue_key(session, hostile))
    path = "/file/320899/2024"
    token, etag = opened(client, path)
    data = report_form(
        hongze(2024),
        csrf_token=token,
        etag=etag,
        status="draft",
        overview="<script>alert('narrative')</script>",
    )
    assert client.post(path, data=data, follow_redirects=False).status_code == 303
    html = client.get(path).text
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;区" in html
    assert "&lt;script&gt;alert(&#39;narrative&#39;)&lt;/script&gt;" in html


def test_an_uploaded_workbook_fills_the_form_with_its_findings_and_stores_nothing(
    signed_in: TestClient, key: str
) -> None:
    token, etag = opened(signed_in)
    workbook = broken_workbook("320813", "淮安市洪泽区人民政府")
    response = signed_in.post(
        f"{PAGE}/upload",
        data={"csrf_token": token, "etag": etag},
        files={"file": ("洪泽区.xlsx", workbook, XLSX)},
    )
    assert response.status_code == 200
    assert "已读取 洪泽区.xlsx" in response.text
    assert input_value(response.text, GRANTED) == "51"
    for pointer in (
        "/applications/new_received/natural_person",
        "/applications/results_total/natural_person",
    ):
        assert "finding-error" in cell_classes(response.text, pointer)
    assert "本年新收(95)+上年结转(0) ≠ 办理结果总计(96)+结转下年度(0)，相差 1" in response.text
    assert revisions(signed_in, key) == []


def test_a_file_the_service_cannot_read_is_explained(signed_in: TestClient) -> None:
    token, etag = opened(signed_in)
    response = signed_in.post(
        f"{PAGE}/upload",
        data={"csrf_token": token, "etag": etag},
        files={"file": ("report.zip", b"PK\x03\x04", "application/zip")},
    )
    assert response.status_code == 415
    assert "无法读取该文件" in response.text


def test_a_workbook_of_another_agency_is_not_read_into_the_form(signed_in: TestClient) -> None:
    token, etag = opened(signed_in)
    response = signed_in.post(
        f"{PAGE}/upload",
        data={"csrf_token": token, "etag": etag},
        files={
            "file": ("清江浦区.xlsx", broken_workbook("320812", "淮安市清江浦区人民政府"), XLSX)
        },
    )
    assert response.status_code == 422
    assert "这是机关 320812 的表格，不是淮安市洪泽区人民政府的" in response.text
    assert input_value(response.text, GRANTED) == ""


def test_the_session_shows_its_drafts_on_the_read_pages_and_nobody_else(
    signed_in: TestClient,
) -> None:
    assert save(signed_in, hongze(2024), "draft").status_code == 303
    report_page = "/agencies/320813/reports/2024"
    assert signed_in.get(report_page).status_code == 200
    anonymous = TestClient(signed_in.app)
    assert anonymous.get(report_page).status_code == 404
    board = "/board?year=2024&agency=320800"
    assert "草稿" in signed_in.get(board).text
    assert "草稿" not in anonymous.get(board).text
