"""The document as a Word file: real tables, merged headers, repeated header rows, named
fonts with fallbacks, A4."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from docx import Document
from docx.oxml.ns import qn
from lxml import etree

from app.documents.render import render_document_docx
from tests.documents.render_cases import REPORTS, load

HONGZE = load(REPORTS[4][1])
BAITUGANG = load(REPORTS[0][1])


def _word(body: dict[str, Any] = HONGZE, year: int = 2024) -> Any:
    data = render_document_docx(body, agency_name="淮安市洪泽区人民政府", year=year)
    return Document(io.BytesIO(data)), data


def _repeated_rows(table: Any) -> list[int]:
    return [
        index
        for index, row in enumerate(table.rows)
        if row._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    ]


def test_it_opens_with_three_tables_between_the_six_parts() -> None:
    word, _ = _word()
    texts = [p.text for p in word.paragraphs]
    headings = [t for t in texts if t[:2] in ("一、", "二、", "三、", "四、", "五、", "六、")]
    assert headings == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]
    assert [len(t.columns) for t in word.tables] == [4, 10, 15]
    assert [len(t.rows) for t in word.tables] == [14, 3 + 23, 4]


def test_matrix_header_cells_are_merged() -> None:
    word, _ = _word()
    matrix = word.tables[1]
    first = matrix.rows[0]._tr.findall(qn("w:tc"))
    spans = [tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}") for tc in first]
    assert [span.get(qn("w:val")) for span in spans] == ["3", "7"]
    note = matrix.cell(0, 0)
    assert note.text.startswith("（本列数据的勾稽关系为")
    assert matrix.cell(2, 2) is not None and matrix.cell(2, 2).text == note.text  # rowspan 3
    assert matrix.cell(1, 3).text == "自然人" and matrix.cell(2, 3).text == "自然人"
    assert matrix.cell(1, 4).text == "法人或其他组织" and matrix.cell(1, 8).text == "法人或其他组织"
    results = [matrix.cell(r, 0).text for r in range(5, 25)]
    assert set(results) == {"三、本年度办理结果"}  # one cell merged down 20 rows
    restart = matrix.rows[5]._tr.findall(qn("w:tc"))[0].find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
    assert restart.get(qn("w:val")) == "restart"


def test_header_rows_repeat_on_every_page() -> None:
    word, _ = _word()
    proactive, matrix, reviews = word.tables
    assert _repeated_rows(proactive) == []
    assert _repeated_rows(matrix) == [0, 1, 2]
    assert _repeated_rows(reviews) == [0, 1, 2]


def test_reviews_values_sit_under_their_headers() -> None:
    word, _ = _word()
    reviews = word.tables[2]
    assert reviews.cell(0, 0).text == "行政复议" and reviews.cell(0, 5).text == "行政诉讼"
    assert reviews.cell(1, 5).text == "未经复议直接起诉"
    assert reviews.cell(1, 10).text == "复议后起诉"
    assert [c.text for c in reviews.rows[3].cells] == [
        "1", "1", "0", "0", "2", "1", "0", "0", "0", "1", "2", "0", "1", "0", "3"
    ]  # fmt: skip


def test_fonts_are_named_for_east_asian_text_with_fallbacks() -> None:
    word, data = _word()
    normal = word.styles["Normal"].element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    assert normal.get(qn("w:eastAsia")) == "仿宋"
    assert normal.get(qn("w:ascii")) == "Times New Roman"
    heading = next(p for p in word.paragraphs if p.text == "一、总体情况").runs[0]
    assert heading._element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}").get(qn("w:eastAsia")) == "黑体"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        fonts = etree.fromstring(archive.read("word/fontTable.xml"))
    named = {
        font.get(qn("w:name")): font.find(qn("w:altName")).get(qn("w:val"))
        for font in fonts.iter(qn("w:font"))
        if font.find(qn("w:altName")) is not None
    }
    assert named == {"仿宋": "FangSong", "黑体": "SimHei"}


def test_page_is_a4_with_official_margins() -> None:
    word, _ = _word()
    section = word.sections[0]
    sizes = ("page_width", "page_height", "top_margin", "bottom_margin", "left_margin")
    # Word stores twentieths of a point: millimetres to one decimal are exact enough.
    assert [round(getattr(section, size).mm, 1) for size in (*sizes, "right_margin")] == [
        210.0, 297.0, 37.0, 35.0, 28.0, 26.0
    ]  # fmt: skip


def test_2019_format_prints_its_own_proactive_table() -> None:
    word, _ = _word(BAITUGANG, 2020)
    proactive = word.tables[0]
    assert [c.text for c in proactive.rows[1].cells] == [
        "信息内容",
        "本年新制作数量",
        "本年新公开数量",
        "对外公开总数量",
    ]
    assert [c.text for c in proactive.rows[-1].cells] == ["政府集中采购", "0", "0", "0"]
    assert len(word.tables[1].rows) == 3 + 23
