"""The document as HTML: parts in order, the national tables' merged headers, cell pointers,
escaping of everything agencies typed, and findings marked on their cells."""

from __future__ import annotations

from typing import Any

import lxml.html
import pytest

from app.documents.render import cell_id, document_stylesheet, render_document_html
from app.formats.definitions import FORMATS
from app.formats.finding import Finding
from tests.documents.render_cases import REPORTS, load

BAITUGANG = load(REPORTS[0][1])  # format 2019
HONGZE = load(REPORTS[4][1])  # format 2021, （六） as one row
PARTS = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]


def _page(body: dict[str, Any], year: int = 2024, **options: Any) -> Any:
    html = render_document_html(body, agency_name="淮安市洪泽区人民政府", year=year, **options)
    return lxml.html.document_fromstring(html)


def _spans(cell: Any) -> tuple[str, int, int]:
    text = " ".join(cell.text_content().split())
    return text, int(cell.get("rowspan", 1)), int(cell.get("colspan", 1))


@pytest.mark.parametrize(("body", "year"), [(BAITUGANG, 2020), (HONGZE, 2024)])
def test_the_six_parts_come_in_order(body: dict[str, Any], year: int) -> None:
    page = _page(body, year)
    assert [h.text_content() for h in page.iter("h2")] == PARTS
    assert (
        page.find(".//h1").text_content() == f"淮安市洪泽区人民政府{year}年政府信息公开工作年度报告"
    )


def test_preamble_states_the_period_and_the_contact() -> None:
    paragraphs = [p.text_content() for p in _page(HONGZE).iter("p")]
    assert "本报告中所列数据的统计期限自2024年1月1日起至2024年12月31日止。" in paragraphs
    assert (
        "如对本报告有疑问，请联系（地址：淮安市洪泽区洪泽湖大道90号，电话：0517-87290606）。"
        in (paragraphs)
    )


def test_matrix_headers_are_merged_as_the_format_prints_them() -> None:
    table = _page(HONGZE).find_class("section-applications")[0]
    head = [[_spans(cell) for cell in row] for row in table.find("thead").iter("tr")]
    assert head == [
        [
            ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3),
            ("申请人情况", 1, 7),
        ],
        [("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)],
        [
            ("商业企业", 1, 1),
            ("科研机构", 1, 1),
            ("社会公益组织", 1, 1),
            ("法律服务机构", 1, 1),
            ("其他", 1, 1),
        ],
    ]
    labels = [
        _spans(cell)
        for row in table.find("tbody").iter("tr")
        for cell in row
        if cell.get("data-cell") is None
    ]
    assert labels[:5] == [
        ("一、本年新收政府信息公开申请数量", 1, 3),
        ("二、上年结转政府信息公开申请数量", 1, 3),
        ("三、本年度办理结果", 20, 1),  # （一）…（五）'s 18 rows, （六） and （七）
        ("（一）予以公开", 1, 2),
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 1, 2),
    ]
    assert ("（三）不予公开", 8, 1) in labels
    assert ("（四）无法提供", 3, 1) in labels
    assert ("（五）不予处理", 5, 1) in labels
    assert labels[-3:] == [
        ("（六）其他处理", 1, 2),
        ("（七）总计", 1, 2),
        ("四、结转下年度继续办理", 1, 3),
    ]


def test_reviews_row_has_its_two_level_header() -> None:
    table = _page(HONGZE).find_class("section-reviews")[0]
    head = [[_spans(cell) for cell in row] for row in table.find("thead").iter("tr")]
    outcomes = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert head == [
        [("行政复议", 1, 5), ("行政诉讼", 1, 10)],
        [*((label, 2, 1) for label in outcomes), ("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)],
        [(label, 1, 1) for label in outcomes * 2],
    ]
    values = [cell.text_content() for cell in table.find("tbody").iter("td")]
    assert values == ["1", "1", "0", "0", "2", "1", "0", "0", "0", "1", "2", "0", "1", "0", "3"]


def test_2019_proactive_table_has_its_article_blocks() -> None:
    table = _page(BAITUGANG, 2020).find_class("section-proactive")[0]
    rows = [[_spans(cell) for cell in row] for row in table.iter("tr")]
    assert rows[0] == [("第二十条第（一）项", 1, 4)]
    assert rows[1] == [
        ("信息内容", 1, 1),
        ("本年新制作数量", 1, 1),
        ("本年新公开数量", 1, 1),
        ("对外公开总数量", 1, 1),
    ]
    fees = next(row for row in rows if row[0][0] == "行政事业性收费")
    assert [span[2] for span in fees] == [1, 1, 2]  # two columns in a four-wide table
    assert rows[-1] == [("政府集中采购", 1, 1), ("0", 1, 1), ("0", 1, 2)]


@pytest.mark.parametrize(("body", "year"), [(BAITUGANG, 2020), (HONGZE, 2024)])
def test_every_number_cell_names_its_pointer(body: dict[str, Any], year: int) -> None:
    page = _page(body, year)
    cells = page.xpath("//td[@data-cell]")
    pointers = [cell.get("data-cell") for cell in cells]
    fmt = FORMATS[body["format"]]
    printed_rows = set(body["applications"]) | {"proactive", "reviews"}
    expected = [
        c.pointer for c in fmt.cells() if c.section != "applications" or c.row in printed_rows
    ]
    assert pointers == expected
    assert [cell.get("id") for cell in cells] == [cell_id(p) for p in pointers]
    assert cell_id("/applications/granted/total") == "cell-applications-granted-total"


def test_a_change_prints_its_sign_and_a_blank_stays_blank() -> None:
    body = load(REPORTS[0][1])
    body["proactive"]["licensing"]["change"] = 5
    body["proactive"]["penalties"]["change"] = -3
    body["applications"]["granted"]["other_org"] = None
    page = _page(body, 2020)
    assert page.get_element_by_id("cell-proactive-licensing-change").text_content() == "+5"
    assert page.get_element_by_id("cell-proactive-penalties-change").text_content() == "-3"
    assert page.get_element_by_id("cell-applications-granted-other_org").text_content() == ""


def test_what_agencies_typed_is_escaped() -> None:
    body = load(REPORTS[4][1])
    body["narrative"]["overview"] = "<script>alert(1)</script>公开 & 透明"
    body["contact"]["address"] = '"><img src=x onerror=alert(2)>'
    html = render_document_html(body, agency_name="<script>alert(3)</script>局", year=2024)
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;公开 &amp; 透明" in html
    assert "<title>&lt;script&gt;alert(3)&lt;/script&gt;局2024年" in html


def test_findings_are_marked_on_the_cells_they_name() -> None:
    error = Finding(
        rule="applications.balance",
        severity="error",
        message="自然人：本年新收(95)+上年结转(0) ≠ 办理结果总计(94)+结转下年度(0)，相差 1 <b>",
        cells=[
            "/applications/new_received/natural_person",
            "/applications/results_total/natural_person",
        ],
    )
    warning = Finding(
        rule="narrative.table_mismatch",
        severity="warning",
        message="总体情况称收到申请 17 件",
        cells=["/applications/new_received/natural_person", "/applications/new_received/total"],
    )
    page = _page(HONGZE, findings=[warning, error])
    both = page.get_element_by_id("cell-applications-new_received-natural_person")
    assert both.get("class") == "number finding-error"  # an error outweighs a warning
    assert both.get("title") == f"{warning.message}\n{error.message}"
    total = page.get_element_by_id("cell-applications-new_received-total")
    assert (total.get("class"), total.get("title")) == ("number finding-warning", warning.message)
    plain = page.get_element_by_id("cell-applications-granted-total")
    assert (plain.get("class"), plain.get("title")) == ("number", None)


def test_fragment_has_no_page_around_it() -> None:
    fragment = render_document_html(HONGZE, agency_name="某区", year=2024, standalone=False)
    assert fragment.startswith('<article class="disclosure-document" lang="zh-CN">')
    assert "<html" not in fragment and "<style" not in fragment and "<head" not in fragment


def test_page_inlines_the_stylesheet_and_fetches_nothing() -> None:
    html = render_document_html(HONGZE, agency_name="某区", year=2024)
    assert html.startswith("<!DOCTYPE html>")
    css = document_stylesheet()
    assert f"<style>\n{css}</style>" in html
    assert "@page { size: A4;" in css
    assert "url(" not in css and "@import" not in css
    assert "src=" not in html and "href=" not in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


def test_unwritten_parts_say_so_and_the_fee_is_stated_in_part_six() -> None:
    body = load(REPORTS[4][1])
    body["narrative"] = {"overview": "概述。"}
    body["fees_collected_yuan"] = "12.5"
    page = _page(body)
    sections = [
        [p.text_content() for p in section.iter("p")] for section in page.find_class("part")
    ]
    assert sections[0] == ["主动公开政府信息 2428 条，其中政府网站公开政府信息 2428 条。", "概述。"]
    assert sections[4] == ["（本部分内容待填写。）"]
    assert sections[5] == ["（本部分内容待填写。）", "本年度收取政府信息公开信息处理费 12.5 元。"]
