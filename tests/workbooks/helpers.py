"""Workbooks for tests: download, edit with openpyxl (a second library), upload."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from typing import Any

import openpyxl
from openpyxl.workbook.workbook import Workbook
from starlette.testclient import TestClient

from app.formats.definitions import FORMATS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROACTIVE = "二、主动公开政府信息情况"
APPLICATIONS = "三、收到和处理申请情况"
REVIEWS = "四、政府信息公开行政复议、行政诉讼情况"
NARRATIVE = "一五六、叙述、联系方式和渠道"


def put_workbook(
    client: TestClient, path: str, data: bytes, headers: dict[str, str], **query: str
) -> Any:
    return client.put(path, content=data, params=query, headers={**headers, "Content-Type": XLSX})


def edited(data: bytes, edit: Callable[[Workbook], None]) -> bytes:
    """The workbook loaded, changed and saved again by openpyxl (formulas lose their values,
    as in files other spreadsheet programs write without recalculating)."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    edit(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def resaved(data: bytes) -> bytes:
    return edited(data, lambda book: None)


def with_sheet_xml(data: bytes, sheet_number: int, change: Callable[[str], str]) -> bytes:
    """The workbook with one worksheet's XML rewritten (sheet1.xml is the first sheet)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == f"xl/worksheets/sheet{sheet_number}.xml":
                content = change(content.decode()).encode()
            target.writestr(item.filename, content)
    return out.getvalue()


def cell_xml(xml: str, ref: str) -> str:
    found = re.search(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', xml)
    assert found is not None, ref
    return found.group(0)


def table_cells(report: dict[str, Any], format_id: str) -> dict[str, Any]:
    return {
        spec.pointer: report[spec.section][spec.row][spec.column]
        for spec in FORMATS[format_id].cells()
    }
