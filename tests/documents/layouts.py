"""Documents the tests make themselves from report bodies, in the layouts agencies publish."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from docx import Document

from app.formats.definitions import FORMATS, plain_label

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def fixture_body(name: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return body


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def table_rows(body: dict[str, Any], section: str) -> list[list[str]]:
    """One printed row per row of the body: its label, then its cells."""
    spec = FORMATS[body["format"]].section(section)
    rows = []
    for row in spec.rows:
        if row.key not in body[section]:
            continue
        values = [_cell(body[section][row.key].get(c.key)) for c in row.columns]
        rows.append([row.label.zh, *values])
    return rows


def headings(year: int, agency: str) -> list[str]:
    return [
        f"{agency}{year}年政府信息公开工作年度报告",
        "如对本报告有疑问，请联系（地址：某市某路1号，电话：0517-1234567，电子邮箱：a@b.cn）。",
        "一、总体情况",
        "主动公开政府信息 20 条，其中政府网站公开政府信息 13 条，政务微博公开政府信息 7 条。",
    ]


def reviews_row(body: dict[str, Any]) -> list[str]:
    return [_cell(body["reviews"][g][c]) for g in body["reviews"] for c in body["reviews"][g]]


def as_html(body: dict[str, Any], year: int, agency: str) -> bytes:
    """Tables with rowspan/colspan headers, nested markup and page chrome around them."""
    parts = ["<html><head><meta charset='utf-8'><style>p{}</style></head><body>"]
    parts.append("<nav><a href='/'>首页</a> 1 2 3</nav><div class='content'>")
    parts += [f"<p><span>{line}</span></p>" for line in headings(year, agency)]
    parts.append("<p>二、主动公开政府信息情况</p><table>")
    for label, *values in table_rows(body, "proactive"):
        cells = "".join(f"<td><p><b>{v}</b></p></td>" for v in values)
        parts.append(f"<tr><td>{label}</td>{cells}</tr>")
    parts.append("</table><p>三、收到和处理政府信息公开申请情况</p><table>")
    parts.append(
        "<tr><td colspan='3' rowspan='3'>（本列数据的勾稽关系为：第一项加第二项之和，"
        "等于第三项加第四项之和）</td><td colspan='7'>申请人情况</td></tr>"
        "<tr><td rowspan='2'>自然人</td><td colspan='5'>法人或其他组织</td>"
        "<td rowspan='2'>总计</td></tr><tr><td>商业企业</td><td>科研机构</td>"
        "<td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>"
    )
    for label, *values in table_rows(body, "applications"):
        cells = "".join(f"<td>{v}</td>" for v in values)
        parts.append(f"<tr><td colspan='3'>{label}</td>{cells}</tr>")
    parts.append("</table><p>四、政府信息公开行政复议、行政诉讼情况</p><table>")
    parts.append("<tr><td colspan='5'>行政复议</td><td colspan='10'>行政诉讼</td></tr>")
    parts.append("<tr>" + "".join(f"<td>{v}</td>" for v in reviews_row(body)) + "</tr>")
    parts.append("</table><p>五、存在的主要问题及改进情况</p><p>问题。</p>")
    parts.append("<p>六、其他需要报告的事项</p><p>收取信息处理费 0 元。</p></div>")
    parts.append("<footer>版权所有 2024</footer><script>var x = 1;</script></body></html>")
    return "".join(parts).encode()


def as_docx(body: dict[str, Any], year: int, agency: str) -> bytes:
    document = Document()
    for line in headings(year, agency):
        document.add_paragraph(line)
    document.add_paragraph("二、主动公开政府信息情况")
    _docx_table(document, table_rows(body, "proactive"))
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    rows = table_rows(body, "applications")
    table = document.add_table(rows=len(rows) + 1, cols=9)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "（本列数据的勾稽关系为：第一项加第二项之和）"
    for r, (label, *values) in enumerate(rows, start=1):
        table.cell(r, 0).merge(table.cell(r, 1)).text = label  # a merged label cell
        for c, value in enumerate(values, start=2):
            table.cell(r, c).text = value
    document.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    _docx_table(document, [["行政复议"] + [""] * 14, reviews_row(body)])
    document.add_paragraph("五、存在的主要问题及改进情况")
    document.add_paragraph("六、其他需要报告的事项")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx_table(document: Any, rows: list[list[str]]) -> None:
    width = max(len(row) for row in rows)
    table = document.add_table(rows=len(rows), cols=width)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value


def as_tab_text(body: dict[str, Any], year: int, agency: str) -> bytes:
    lines = [*headings(year, agency), "二、主动公开政府信息情况"]
    lines += ["\t".join(row) for row in table_rows(body, "proactive")]
    lines.append("三、收到和处理政府信息公开申请情况")
    lines += ["\t".join([row[0], "", *row[1:]]) for row in table_rows(body, "applications")]
    lines += ["四、政府信息公开行政复议、行政诉讼情况", "\t".join(reviews_row(body))]
    lines += ["五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    return "\n".join(lines).encode()


def as_one_value_a_line(body: dict[str, Any], year: int, agency: str) -> bytes:
    lines = [*headings(year, agency), "二、主动公开政府信息情况"]
    for section in ("proactive", "applications"):
        if section == "applications":
            lines.append("三、收到和处理政府信息公开申请情况")
        for row in table_rows(body, section):
            lines += [row[0], *[value or "/" for value in row[1:]]]
    lines += ["四、政府信息公开行政复议、行政诉讼情况", *reviews_row(body)]
    lines += ["五、存在的主要问题及改进情况"]
    return "\n".join(lines).encode()


def short_label(key: str, section: str, format_id: str = "2021") -> str:
    return plain_label(FORMATS[format_id].section(section).row(key).label).zh


def as_pdf(body: dict[str, Any], year: int, agency: str) -> bytes:
    """A PDF with ruled tables, CJK in reportlab's built-in STSong-Light (no font file)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=9, leading=12)
    grid = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), "STSong-Light"),
            ("FONTSIZE", (0, 0), (-1, -1), 7),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ]
    )
    story: list[Any] = [Paragraph(line, style) for line in headings(year, agency)]
    story.append(Paragraph("二、主动公开政府信息情况", style))
    caption = [["第二十条第（一）项", "", "", ""]]
    story.append(Table(caption + table_rows(body, "proactive"), style=grid))
    story.append(Paragraph("三、收到和处理政府信息公开申请情况", style))
    matrix = [["（本列数据的勾稽关系为：第一项加第二项之和）"] + [""] * 7]
    # Labels wrap inside their cells, as published PDFs break them over lines.
    matrix += [[Paragraph(row[0], style), *row[1:]] for row in table_rows(body, "applications")]
    story.append(Table(matrix, style=grid, colWidths=[110] + [45] * 7))
    story.append(Paragraph("四、政府信息公开行政复议、行政诉讼情况", style))
    story.append(Table([["行政复议"] + [""] * 14, reviews_row(body)], style=grid))
    story.append(Paragraph("五、存在的主要问题及改进情况", style))
    story.append(Paragraph("六、其他需要报告的事项", style))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build(story)
    return out.getvalue()
