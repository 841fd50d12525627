"""The summary and the export as XLSX: Chinese labels, codes typed as text (640181001 stays a
code, not a number), integers as integers, amounts exact, and text that a spreadsheet would
take for a formula (= + - @) escaped with a leading apostrophe.

Both reuse what the JSON and CSV routes compute (``summarize``'s JSON, ``export_rows``'s CSV),
so the XLSX can never disagree with them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]
from xlsxwriter.worksheet import Worksheet  # type: ignore[import-untyped]

from app.formats.definitions import FORMATS, ValueKind
from app.workbooks.labels import SHEET_TITLES
from app.workbooks.layout import write_value

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")

EXPORT_HEADERS = (
    "机关代码",
    "机关名称",
    "报告年度",
    "报告格式",
    "部分代码",
    "行代码",
    "列代码",
    "部分",
    "行",
    "列",
    "数值（金额单位：万元；空白表示未填报）",
)


def safe_text(text: str) -> str:
    """Text that no spreadsheet evaluates: a leading = + - @ is escaped with an apostrophe."""
    return "'" + text if text.startswith(FORMULA_LEADS) else text


def summary_workbook(summary_json: bytes) -> bytes:
    summary = json.loads(summary_json)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": False})
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet("汇总范围")
    agency = summary.get("agency") or {}
    lines: list[tuple[str, Any]] = [
        ("报告年度", summary["year"]),
        ("机关代码", agency.get("code", "全部")),
        ("机关名称", agency.get("name", "全部机关")),
        ("机关总数", summary["agencies_total"]),
        ("已汇总的已公开报告数", summary["agencies_reported"]),
        ("报告格式", "、".join(summary.get("formats") or [])),
    ]
    for row, (label, value) in enumerate(lines):
        sheet.write_string(row, 0, label, bold)
        _cell(sheet, row, 1, value)
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 30)
    listed = [("已汇总", entry) for entry in summary.get("agencies") or []]
    listed += [("已含于本级政府汇总", e) for e in summary.get("covered_agencies") or []]
    top = len(lines) + 1
    for col, heading in enumerate(("机关代码", "机关名称", "报告格式", "范围", "汇总情况")):
        sheet.write_string(top, col, heading, bold)
    for offset, (how, entry) in enumerate(listed, start=top + 1):
        scope = {"agency": "本机关", "consolidated": "本级政府汇总"}.get(entry.get("scope"), "")
        for col, value in enumerate(
            (entry.get("code"), entry.get("name"), entry.get("format"), scope, how)
        ):
            _cell(sheet, offset, col, value or "")
    for key, section in (summary.get("sections") or {}).items():
        _summary_section(book.add_worksheet(SHEET_TITLES.get(key, key)[:31]), section, bold)
    book.close()
    return buffer.getvalue()


def _summary_section(sheet: Worksheet, section: dict[str, Any], bold: Any) -> None:
    sheet.write_string(0, 0, section["label_zh"], bold)
    rows = section["rows"]
    columns: list[str] = []
    for row in rows:
        for column in row["columns"]:
            if column["label_zh"] not in columns:
                columns.append(column["label_zh"])
    sheet.write_string(1, 0, "项目", bold)
    for col, label in enumerate(columns, start=1):
        sheet.write_string(1, col, label, bold)
    for index, row in enumerate(rows, start=2):
        label = "·".join([group["zh"] for group in row.get("groups") or []] + [row["label_zh"]])
        sheet.write_string(index, 0, safe_text(label))
        for column in row["columns"]:
            _figure(
                sheet, index, 1 + columns.index(column["label_zh"]), column["kind"], column["value"]
            )
    sheet.set_column(0, 0, 60)
    sheet.set_column(1, len(columns), 14)


def export_workbook(csv_chunks: Iterable[str]) -> bytes:
    """The export's CSV lines, one sheet row each, with the cells' Chinese labels."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet("导出")
    for col, heading in enumerate(EXPORT_HEADERS):
        sheet.write_string(0, col, heading, bold)
    text = "".join(csv_chunks).lstrip("\ufeff")
    for index, record in enumerate(csv.DictReader(io.StringIO(text)), 1):
        code, name, year = record["agency_code"], record["agency_name"], record["year"]
        format_id, section, row, column = (
            record[k] for k in ("format", "section", "row", "column")
        )
        value = record["value"] or record["amount"]
        fmt = FORMATS[format_id]
        spec = fmt.section(section)
        row_spec = spec.row(row)
        labels = (spec.label.zh, row_spec.path_label.zh, row_spec.column(column).label.zh)
        for col, cell_text in enumerate((code, name), start=0):
            sheet.write_string(index, col, safe_text(cell_text))
        sheet.write_number(index, 2, int(year))
        for col, cell_text in enumerate((format_id, section, row, column, *labels), start=3):
            sheet.write_string(index, col, safe_text(cell_text))
        kind = fmt.cell((section, row, column)).kind
        _figure(sheet, index, len(EXPORT_HEADERS) - 1, kind, value or None)
    sheet.set_column(0, 1, 24)
    sheet.set_column(7, 9, 30)
    book.close()
    return buffer.getvalue()


def _figure(sheet: Worksheet, row: int, col: int, kind: str, value: Any) -> None:
    if value is None or value == "":
        sheet.write_blank(row, col, None)
    elif kind == ValueKind.AMOUNT:
        write_value(sheet, row, col, Decimal(str(value)), None)
    else:
        write_value(sheet, row, col, int(value), None)


def _cell(sheet: Worksheet, row: int, col: int, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        sheet.write_string(row, col, safe_text(str(value)))
    else:
        sheet.write_number(row, col, value)
