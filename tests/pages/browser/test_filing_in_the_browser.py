"""Issue 17 in a real browser: the board, signing in, uploading, fixing, publishing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.conftest import ADMIN_TOKEN
from tests.pages.browser.conftest import DRAFT_TEXT, YEAR, Site
from tests.pages.helpers import broken_workbook

pytestmark = pytest.mark.browser

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GRANTED = "/applications/granted/natural_person"
RESULTS_TOTAL = "/applications/results_total/natural_person"
FINDING = re.compile(r"\bfinding-error\b")


@pytest.fixture
def context(browser: Browser, site: Site) -> Iterator[BrowserContext]:
    opened = browser.new_context(base_url=site.base_url, locale="zh-CN")
    yield opened
    opened.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def cell(page: Page, pointer: str) -> object:
    return page.locator(f'td[data-cell="{pointer}"]')


def sign_in_with_keyboard(page: Page, key: str) -> None:
    """The login form filled and sent without a mouse: type the key, press Enter."""
    expect(page.locator("#key")).to_be_focused()  # autofocus: no click needed
    page.keyboard.type(key)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)  # the session cookie is set by now


def api(site: Site, path: str, token: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.get(f"{site.base_url}/api/v1{path}", headers=headers, timeout=10)


def board_status(page: Page, code: str) -> str:
    """The text of the board's row of ``code`` (the markup may change; the words may not)."""
    return page.locator("tr", has=page.get_by_text(code, exact=True)).inner_text()


def test_the_board_lists_the_subtree_with_each_status(
    site: Site, page: Page, screenshots: Path
) -> None:
    page.goto("/")
    page.screenshot(path=screenshots / "index.png", full_page=True)
    page.goto("/login")
    sign_in_with_keyboard(page, site.city_key)  # the session shows the city its drafts

    page.goto(f"/board?year={YEAR}&agency=320800")
    page.screenshot(path=screenshots / "board.png", full_page=True)
    assert "已公开" in board_status(page, "320812")
    assert "草稿" in board_status(page, "320804")
    assert "未填报" in board_status(page, "320831")


def test_anonymous_visitors_see_no_draft(site: Site, page: Page) -> None:
    page.goto(f"/board?year={YEAR}&agency=320800")
    assert "未填报" in board_status(page, "320804")  # its draft does not count as filed
    assert "已公开" in board_status(page, "320812")
    assert "草稿" not in page.locator("main").inner_text()

    assert api(site, f"/agencies/320804/reports/{YEAR}").status_code == 404
    page.goto(f"/agencies/320804/reports/{YEAR}")
    assert DRAFT_TEXT not in page.content()
    page.goto(f"/file/320804/{YEAR}")  # the filing page asks for a sign-in first
    assert page.url.endswith(f"/login?next=/file/320804/{YEAR}")


def test_an_agency_uploads_fixes_and_publishes(site: Site, page: Page, screenshots: Path) -> None:
    page.goto(f"/file/320813/{YEAR}")
    assert "/login?next=" in page.url
    page.screenshot(path=screenshots / "login.png", full_page=True)
    sign_in_with_keyboard(page, site.filer_key)
    assert page.url.endswith(f"/file/320813/{YEAR}")

    page.set_input_files(
        "#upload-file",
        files=[
            {
                "name": "洪泽区2024.xlsx",
                "mimeType": XLSX,
                "buffer": broken_workbook("320813", "淮安市洪泽区人民政府"),
            }
        ],
    )
    page.get_by_role("button", name="读取文件").click()
    page.wait_for_url(f"**/file/320813/{YEAR}/upload")
    expect(cell(page, RESULTS_TOTAL)).to_have_class(FINDING)
    expect(cell(page, RESULTS_TOTAL)).to_contain_text("相差 1")
    expect(page.locator("#findings-list")).to_contain_text("办理结果总计(96)")
    page.screenshot(path=screenshots / "file-with-findings.png", full_page=True)
    assert api(site, f"/agencies/320813/reports/{YEAR}", site.filer_key).status_code == 404

    page.locator(f'input[name="{GRANTED}"]').fill("50")  # the live check clears the mark
    expect(cell(page, RESULTS_TOTAL)).not_to_have_class(FINDING)
    expect(page.locator("#findings-summary")).not_to_contain_text("错误 1")

    page.get_by_role("button", name="公开").click()
    page.wait_for_url("**?saved=1")
    expect(page.locator("#notice")).to_contain_text("已保存为第 1 版，状态：已公开")
    page.screenshot(path=screenshots / "after-publish.png", full_page=True)

    published = api(site, f"/agencies/320813/reports/{YEAR}")  # anonymous: published only
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert published.json()["applications"]["granted"]["natural_person"] == 50


def test_a_form_post_without_the_csrf_token_is_refused_and_writes_nothing(
    site: Site, page: Page
) -> None:
    page.goto("/login")
    sign_in_with_keyboard(page, site.city_key)
    page.goto(f"/file/320831/{YEAR}")
    page.locator('input[name="/proactive/regulations/issued"]').fill("7")
    page.evaluate(
        "document.querySelectorAll('#report-form input[name=csrf_token]')"
        ".forEach(field => field.remove())"
    )
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name="保存草稿").click()
    assert posted.value.status == 403
    expect(page.locator("h1")).to_have_text("无权操作")
    expect(page.locator("main")).to_contain_text("表单已失效或来源不明")

    forged = page.evaluate(
        """async () => (await fetch('/file/320831/2024', {
            method: 'POST',
            body: new URLSearchParams({status: 'published', '/proactive/regulations/issued': '9'}),
        })).status"""
    )
    assert forged == 403
    assert api(site, f"/agencies/320831/reports/{YEAR}", site.city_key).status_code == 404


def test_the_form_is_filled_and_saved_with_the_keyboard(site: Site, page: Page) -> None:
    page.goto(f"/file/320831/{YEAR}")
    sign_in_with_keyboard(page, site.keyboard_key)
    page.locator('input[name="/proactive/regulations/issued"]').focus()
    for value, next_field in (
        ("3", "/proactive/regulations/repealed"),
        ("1", "/proactive/regulations/in_force"),
        ("8", None),
    ):
        page.keyboard.type(value)
        if next_field is not None:
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.name") == next_field
    page.keyboard.press("Enter")  # the form's first button: 保存草稿
    page.wait_for_url("**?saved=1")
    expect(page.locator("#notice")).to_contain_text("状态：草稿")

    stored = api(site, f"/agencies/320831/reports/{YEAR}", site.keyboard_key).json()
    assert stored["status"] == "draft"
    assert stored["proactive"]["regulations"] == {"issued": 3, "repealed": 1, "in_force": 8}


def test_the_file_page_fits_a_phone(browser: Browser, site: Site, screenshots: Path) -> None:
    phone = browser.new_context(
        base_url=site.base_url,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        extra_http_headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    page = phone.new_page()
    page.goto(f"/file/320813/{YEAR}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("document.body.scrollWidth") <= 390
    # The wide table scrolls inside its own box instead.
    assert (
        page.evaluate("document.querySelector('.section-applications').parentElement.scrollWidth")
        > 390
    )
    page.screenshot(path=screenshots / "file-on-a-phone.png", full_page=False)
    phone.close()


def test_the_agency_and_report_pages_render_under_the_csp(
    site: Site, page: Page, screenshots: Path
) -> None:
    # A stylesheet or script the policy blocks shows up as a console error, not as a failure.
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    page.goto("/agencies/320812")
    chart = page.locator("svg[role=img]")
    expect(chart).to_be_visible()
    expect(page.locator("table.reports")).to_contain_text("已公开")
    page.screenshot(path=screenshots / "agency.png", full_page=True)

    page.goto(f"/agencies/320812/reports/{YEAR}")
    expect(page.locator("section.document")).to_contain_text("收到和处理政府信息公开申请情况")
    expect(page.locator("section.findings")).to_be_visible()
    # The document's stylesheet is applied (served from the app): its tables have borders.
    border = page.locator("section.document table").first.evaluate(
        "table => getComputedStyle(table).borderCollapse"
    )
    assert border == "collapse"
    page.screenshot(path=screenshots / "report.png", full_page=True)
    assert refused == []
