"""Workbooks written with XlsxWriter: a format's template, one report, or a subtree.

XlsxWriter because it writes what a filing clerk needs and the readers ignore: merged
headers, locked label and formula cells, data validation, a hidden marker sheet.

    report workbook   one sheet per table (二 三 四), a sheet for the narrative, contact and
                      channels, a sheet of instructions and rules, a hidden ``_meta`` sheet
    subtree workbook  one sheet per agency holding all of the above but the instructions
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]
from xlsxwriter.worksheet import Worksheet  # type: ignore[import-untyped]

from app.formats.cells import CellValue
from app.formats.definitions import CellKey, ReportFormat, ValueKind
from app.formats.rules import rule_catalogue
from app.workbooks.labels import (
    CHANNEL_COUNT_LABEL,
    CHANNEL_NAME_LABEL,
    IDENTITY_FIELDS,
    INSTRUCTIONS_SHEET,
    META_SHEET,
    NARRATIVE_SHEET,
    NARRATIVE_TITLE,
    narrative_fields,
    sheet_title,
)
from app.workbooks.layout import SheetWriter
from app.workbooks.styles import Styles, make_styles

MAX_TEXT_CELL = 32_000  # Excel keeps at most 32,767 characters in a cell: longer text spans cells
CHANNEL_ROWS_MIN = 10
WORKBOOK_KIND_REPORT = "report"
WORKBOOK_KIND_SUBTREE = "subtree"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_PROTECTION = {"format_columns": True, "format_rows": True, "select_locked_cells": True}


@dataclass(frozen=True)
class WorkbookReport:
    """What one report's sheets show: figures, the other fields (as JSON), last year's
    reference figures, and whose report it is."""

    fmt: ReportFormat
    year: int | None = None
    agency_code: str | None = None
    agency_name: str | None = None
    values: Mapping[CellKey, CellValue] = field(default_factory=dict)
    other: Mapping[str, Any] = field(default_factory=dict)
    reference: Mapping[CellKey, CellValue] = field(default_factory=dict)


def report_workbook(report: WorkbookReport) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    styles = make_styles(book)
    for section in report.fmt.sections:
        sheet = book.add_worksheet(sheet_title(section))
        writer = SheetWriter(sheet, styles, report.fmt, report.values, report.reference)
        getattr(writer, section.key)(0)
        _widths(sheet, section.key)
        sheet.protect("", _PROTECTION)
    sheet = book.add_worksheet(NARRATIVE_SHEET)
    row = _identity(sheet, styles, report, 0)
    _narrative(sheet, styles, report, row + 1)
    sheet.protect("", _PROTECTION)
    _instructions(book.add_worksheet(INSTRUCTIONS_SHEET), styles, report.fmt)
    _meta(book.add_worksheet(META_SHEET), WORKBOOK_KIND_REPORT, report.fmt.id, report)
    book.close()
    return buffer.getvalue()


def subtree_workbook(
    reports: Sequence[WorkbookReport], *, year: int, names: Sequence[str]
) -> bytes:
    """One sheet per agency (``names`` are the sheet names, unique, ≤ 31 characters)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    styles = make_styles(book)
    for report, name in zip(reports, names, strict=True):
        sheet = book.add_worksheet(name)
        row = _identity(sheet, styles, report, 0) + 1
        writer = SheetWriter(sheet, styles, report.fmt, report.values, report.reference)
        for section in report.fmt.sections:
            row = getattr(writer, section.key)(row) + 1
        _narrative(sheet, styles, report, row)
        _widths(sheet, "applications")
        sheet.protect("", _PROTECTION)
    formats = {report.fmt.id: report.fmt for report in reports}
    for fmt in formats.values():
        _instructions(book.add_worksheet(f"{INSTRUCTIONS_SHEET}（{fmt.id}）"), styles, fmt)
    _meta(book.add_worksheet(META_SHEET), WORKBOOK_KIND_SUBTREE, None, None, year=year)
    book.close()
    return buffer.getvalue()


def _widths(sheet: Worksheet, key: str) -> None:
    if key == "proactive":
        sheet.set_column(0, 0, 30)
        sheet.set_column(1, 4, 18)
    elif key == "applications":
        sheet.set_column(0, 1, 14)
        sheet.set_column(2, 2, 44)
        sheet.set_column(3, 16, 11)
    else:
        sheet.set_column(0, 14, 10)


def _identity(sheet: Worksheet, styles: Styles, report: WorkbookReport, top: int) -> int:
    values = {
        "agency_code": report.agency_code,
        "agency_name": report.agency_name,
        "year": str(report.year) if report.year is not None else None,
        "format": report.fmt.id,
    }
    for offset, (key, label) in enumerate(IDENTITY_FIELDS):
        sheet.write_string(top + offset, 0, label, styles.header)
        # Text, so a code like 640181001 stays a code (and keeps leading zeros).
        sheet.write_string(top + offset, 1, values[key] or "", styles.label)
    return top + len(IDENTITY_FIELDS)


def _narrative(sheet: Worksheet, styles: Styles, report: WorkbookReport, top: int) -> int:
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 90)
    sheet.write_string(top, 0, NARRATIVE_TITLE, styles.title)
    row = top + 1
    for text_field in narrative_fields():
        sheet.write_string(row, 0, text_field.label, styles.label)
        value = _lookup(report.other, text_field.path)
        text = "" if value is None else str(value)
        chunks = [text[i : i + MAX_TEXT_CELL] for i in range(0, len(text), MAX_TEXT_CELL)] or [""]
        for offset, chunk in enumerate(chunks, start=1):
            if text_field.kind in ("count",) and chunk:
                sheet.write_number(row, offset, int(chunk), styles.text)
            else:
                sheet.write_string(row, offset, chunk, styles.text)
        if text_field.kind == "text" and len(text) > 60:
            sheet.set_row(row, min(409, 15 * (1 + len(text) // 60)))
        row += 1
    row += 1
    sheet.write_string(row, 0, CHANNEL_NAME_LABEL, styles.header)
    sheet.write_string(row, 1, CHANNEL_COUNT_LABEL, styles.header)
    channels = report.other.get("channels") or {}
    items = list(channels.get("items") or [])
    for index in range(max(len(items) + 5, CHANNEL_ROWS_MIN)):
        item = items[index] if index < len(items) else {}
        sheet.write_string(row + 1 + index, 0, str(item.get("name", "")), styles.text)
        if "count" in item:
            sheet.write_number(
                row + 1 + index, 1, int(item["count"]), styles.inputs[ValueKind.COUNT]
            )
        else:
            sheet.write_blank(row + 1 + index, 1, None, styles.inputs[ValueKind.COUNT])
    return row + 1 + max(len(items) + 5, CHANNEL_ROWS_MIN)


def _lookup(data: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = data
    for part in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


_RULES_OF_FILLING = (
    "一、空白与 0 不同：空白表示未填报（不掌握、未统计），0 表示数量为零。未填报的单元格请留空，"
    "服务会提示“未填报”；有数据为零时请填 0。",
    "二、单元格内填写“/”“—”视同空白（未填报）。",
    "三、数量填写不小于 0 的整数；“12件”“１２”（全角数字）可以识别为 12，但请尽量只填数字。",
    "四、本年增/减可带正负号（如 +1036、-5）；金额单位为万元，可带小数（如 7730.28）。"
    "写成“251000元”的金额按 25.1 万元读入。",
    "五、灰色单元格（总计、小计）由公式计算并锁定；上传时服务会重新计算并核对勾稽关系。",
    "六、工作表已保护但未设密码：需要时可在“审阅→撤销工作表保护”后修改。"
    "可以移动行或插入列，服务按行名和列名读取，不依赖单元格位置；行名和列名请勿修改。",
    "七、上传：PUT /api/v1/agencies/{机关代码}/reports/{年度}，Content-Type 为 xlsx 类型；"
    "每条问题都注明所在单元格（如 三、收到和处理申请情况!D7）。",
)


def _instructions(sheet: Worksheet, styles: Styles, fmt: ReportFormat) -> None:
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 10)
    sheet.set_column(2, 3, 60)
    sheet.write_string(0, 0, f"填表说明（{fmt.document.zh}）", styles.title)
    for offset, line in enumerate(_RULES_OF_FILLING, start=2):
        sheet.merge_range(offset, 0, offset, 3, line, styles.note)
        sheet.set_row(offset, 32)
    top = len(_RULES_OF_FILLING) + 3
    sheet.write_string(top, 0, "勾稽关系与校验规则", styles.title)
    headers = ("规则代码", "严重程度", "公式", "说明")
    for col, heading in enumerate(headers):
        sheet.write_string(top + 1, col, heading, styles.header)
    severity = {"error": "错误", "warning": "提示"}
    for offset, rule in enumerate(rule_catalogue(fmt.id), start=top + 2):
        row = (rule.code, severity[rule.severity], rule.formula_zh, rule.description_zh)
        for col, text in enumerate(row):
            sheet.write_string(offset, col, text, styles.label)
    sheet.protect("", _PROTECTION)


def _meta(
    sheet: Worksheet,
    kind: str,
    format_id: str | None,
    report: WorkbookReport | None,
    *,
    year: int | None = None,
) -> None:
    """Machine-readable markers; the reader finds them by key, never by position."""
    entries = {
        "kind": kind,
        "format": format_id or "",
        "year": str(report.year if report and report.year is not None else (year or "")),
        "agency_code": (report.agency_code or "") if report else "",
    }
    for row, (key, value) in enumerate(entries.items()):
        sheet.write_string(row, 0, key)
        sheet.write_string(row, 1, value)
    sheet.hide()
