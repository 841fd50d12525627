"""The whole document: title, preamble, the six parts in order, in the words reports use."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.documents.render.layout import (
    DocumentLayout,
    Part,
    applications_rows,
    matrix_table,
    printed_cells,
    proactive_table,
    row_of_groups_table,
)
from app.formats.definitions import FORMATS
from app.formats.schema import Narrative, ReportBase, ReportBody, parse_report, to_cells

NOT_WRITTEN = "（本部分内容待填写。）"
PART_ONE = "一、总体情况"
PART_FIVE = "五、存在的主要问题及改进情况"
PART_SIX = "六、其他需要报告的事项"


def as_report(body: ReportBase | Mapping[str, Any], year: int) -> ReportBody:
    """A body as the service stores it, or its JSON (then checked like a PUT)."""
    if isinstance(body, ReportBase):
        return body
    return parse_report(dict(body), year=year)


def build_layout(report: ReportBody, *, agency_name: str, year: int) -> DocumentLayout:
    fmt = FORMATS[report.format]
    values = printed_cells(report)
    narrative = report.narrative or Narrative()
    applications = fmt.section("applications")
    parts = (
        Part(PART_ONE, (*_channels(report), *_paragraphs(narrative.overview))),
        Part(
            fmt.section("proactive").label.zh,
            table=proactive_table(fmt.section("proactive"), values),
        ),
        Part(
            applications.label.zh,
            table=matrix_table(
                applications, applications_rows(applications, to_cells(report)), values
            ),
        ),
        Part(
            fmt.section("reviews").label.zh,
            table=row_of_groups_table(fmt.section("reviews"), values),
        ),
        Part(PART_FIVE, _paragraphs(narrative.problems_and_improvements)),
        Part(PART_SIX, (*_paragraphs(narrative.other_matters), *_fee(report))),
    )
    return DocumentLayout(
        title=f"{agency_name}{year}年政府信息公开工作年度报告",
        preamble=_preamble(report, agency_name=agency_name, year=year),
        parts=parts,
        format=fmt,
    )


def _preamble(report: ReportBody, *, agency_name: str, year: int) -> tuple[str, ...]:
    fmt = FORMATS[report.format]
    scope = "本级政府及其所属部门" if report.scope == "consolidated" else agency_name
    lines = [
        f"本报告由{agency_name}根据《中华人民共和国政府信息公开条例》（以下简称《条例》）"
        f"和{fmt.document.zh}要求编制，所列数据为{scope}的政府信息公开工作情况。",
        f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
    ]
    contact = report.contact
    if contact is not None:
        given = [
            f"{name}：{value}"
            for name, value in (
                ("地址", contact.address),
                ("电话", contact.phone),
                ("电子邮箱", contact.email),
            )
            if value
        ]
        if given:
            lines.append(f"如对本报告有疑问，请联系（{'，'.join(given)}）。")
    if report.published_on is not None:
        day = report.published_on
        lines.append(f"本报告于{day.year}年{day.month}月{day.day}日公开。")
    return tuple(lines)


def _paragraphs(text: str | None) -> tuple[str, ...]:
    if not text or not text.strip():
        return (NOT_WRITTEN,)
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def _channels(report: ReportBody) -> tuple[str, ...]:
    """Part 一 states the per-channel counts, unless the agency's own text already does."""
    channels = report.channels
    if channels is None or channels.total is None:
        return ()
    items = "，".join(f"{item.name}公开政府信息 {item.count} 条" for item in channels.items)
    sentence = f"主动公开政府信息 {channels.total} 条" + (f"，其中{items}" if items else "") + "。"
    overview = (report.narrative and report.narrative.overview) or ""
    if _squeezed(sentence) in _squeezed(overview):
        return ()
    return (sentence,)


def _fee(report: ReportBody) -> tuple[str, ...]:
    """The 信息处理费 in 元, stated in part 六 unless the agency's text already states it."""
    fee = report.fees_collected_yuan
    other = (report.narrative and report.narrative.other_matters) or ""
    if fee is None or "信息处理费" in other:
        return ()
    return (f"本年度收取政府信息公开信息处理费 {format(fee, 'f')} 元。",)


def _squeezed(text: str) -> str:
    return "".join(text.split())
