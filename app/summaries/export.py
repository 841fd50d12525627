"""The published cells of a subtree as CSV or JSON Lines, streamed, and what describes them
(the dictionary and a Frictionless Data Package).

Rows come from a server-side cursor (``yield_per``) in tree order; each report's cells are
written in the format's order. The file starts with a UTF-8 BOM: Excel otherwise reads it
in the local code page and garbles the Chinese names.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from app.agencies.models import Agency
from app.formats.definitions import FORMATS, ValueKind
from app.formats.values import VALUE_UNITS
from app.reports.cells import cells_from_rows
from app.reports.models import Report, ReportCell, ReportRevision
from app.summaries.schemas import CellEntry, CsvColumn, ExportDictionary
from app.summaries.scope import CELL_KEY, Scope, is_published, published_cells_join, within

BOM = "\ufeff"
# Rows fetched per round trip of the server-side cursor; each report is one chunk sent.
FETCH_ROWS = 2000

# (name, zh, en, Frictionless type): the CSV's columns, in order; the same names in JSON Lines.
COLUMNS = (
    ("agency_code", "机关代码", "Agency code", "string"),
    ("agency_name", "机关名称", "Agency name", "string"),
    ("parent_code", "上级机关代码", "Code of the agency above (empty for a root)", "string"),
    ("year", "报告年度", "Report year", "integer"),
    ("format", "报告格式", "Report format (see cells)", "string"),
    (
        "scope",
        "报告范围：agency 本机关，consolidated 本级政府汇总（已含下级，勿重复相加）",
        "agency: this body only; consolidated: the government's sum over its subtree "
        "(already includes the reports below it: do not add both)",
        "string",
    ),
    ("revision", "修订号", "Published revision", "integer"),
    ("published_at", "发布时间（UTC）", "When that revision was stored (UTC)", "datetime"),
    ("section", "部分代码", "Section key", "string"),
    ("row", "行代码", "Row key", "string"),
    ("column", "列代码", "Column key", "string"),
    ("section_zh", "部分名称", "Section (Chinese)", "string"),
    ("row_zh", "行名称", "Row (Chinese)", "string"),
    ("column_zh", "列名称", "Column (Chinese)", "string"),
    ("kind", "数值类型：count 件数，change 增减，amount 金额", "count, change or amount", "string"),
    ("unit", "单位", "Unit: 件 (items) or 万元 (10,000 yuan)", "string"),
    (
        "is_total",
        "是否合计格（true 时勿与各分项相加）",
        "A total of other cells of the row or column: do not add it to them",
        "boolean",
    ),
    (
        "value",
        "件数或增减（整数）；空表示未填报或为金额",
        "Count or change, an integer; empty when not reported or an amount",
        "integer",
    ),
    ("amount", "金额（万元）；空表示未填报或非金额", "Amount in 万元; empty otherwise", "number"),
)
CSV_COLUMNS = tuple(
    CsvColumn(name=name, label_zh=zh, label_en=en, zh=zh, en=en) for name, zh, en, _type in COLUMNS
)
_PARENT = aliased(Agency, name="parent")
_TEXT_COLUMNS = frozenset({"agency_code", "agency_name", "parent_code"})


def export_records(
    engine: Engine, *, scope: Scope, first_year: int, last_year: int
) -> Iterator[list[dict[str, Any]]]:
    """Each published report of the subtree and years as its cells' records, in tree order.

    Opens its own session: the body is produced after the route has returned.
    """
    revision_join, cells_join = published_cells_join()
    query = (
        select(
            col(Report.id),
            col(Agency.code),
            col(Agency.name),
            col(_PARENT.code),
            col(Report.year),
            col(ReportRevision.format),
            col(ReportRevision.scope),
            col(ReportRevision.revision),
            col(ReportRevision.created_at),
            *CELL_KEY,
            col(ReportCell.value),
        )
        .select_from(Report)
        .join(Agency, col(Agency.id) == col(Report.agency_id))
        .outerjoin(_PARENT, col(_PARENT.id) == col(Agency.parent_id))
        .join(ReportRevision, revision_join)
        # Outer: a report of zeros only has no cell rows (zero is the stored default).
        .outerjoin(ReportCell, cells_join)
        .where(
            col(Report.year).between(first_year, last_year),
            within(col(Agency.path), scope),
            is_published(),
        )
        .order_by(col(Report.year), Agency.path, col(Report.id))
        .execution_options(yield_per=FETCH_ROWS)
    )
    with Session(engine) as session:
        report: list[Sequence[Any]] = []
        for row in session.execute(query):
            if report and report[0][0] != row[0]:
                yield _records(report)
                report = []
            report.append(row)
        if report:
            yield _records(report)


def _records(report: list[Sequence[Any]]) -> list[dict[str, Any]]:
    _, code, name, parent, year, format_id, scope, revision, stored_at = report[0][:9]
    fmt = FORMATS[format_id]
    stored = [(r[9], r[10], r[11], r[12]) for r in report if r[9] is not None]
    records = []
    for key, shown in cells_from_rows(format_id, stored).items():
        section, row, column = key
        spec, cell = fmt.section(section), fmt.cell(key)
        row_spec = spec.row(row)
        amount = cell.kind is ValueKind.AMOUNT
        records.append(
            {
                "agency_code": code,
                "agency_name": name,
                "parent_code": parent,
                "year": year,
                "format": format_id,
                "scope": scope,
                "revision": revision,
                "published_at": stored_at.isoformat().replace("+00:00", "Z"),
                "section": section,
                "row": row,
                "column": column,
                "section_zh": spec.label.zh,
                "row_zh": row_spec.path_label.zh,
                "column_zh": row_spec.column(column).label.zh,
                "kind": str(cell.kind),
                "unit": VALUE_UNITS[cell.kind],
                "is_total": cell.is_total,
                "value": None if amount or shown is None else int(shown),
                "amount": str(shown) if amount and shown is not None else None,
            }
        )
    return records


def export_rows(
    engine: Engine, *, scope: Scope, year: int, last_year: int | None = None
) -> Iterator[str]:
    """CSV text in chunks: header, then one line per cell of each published report."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(column.name for column in CSV_COLUMNS)
    first = True
    for records in export_records(
        engine, scope=scope, first_year=year, last_year=last_year or year
    ):
        for record in records:
            writer.writerow(_csv_field(name, record[name]) for name, *_ in COLUMNS)
        yield _drain(buffer)
        first = False
    if first:
        yield _drain(buffer)


def export_lines(engine: Engine, *, scope: Scope, year: int, last_year: int) -> Iterator[str]:
    """JSON Lines: one object per cell, typed (integers, booleans, null), no BOM."""
    for records in export_records(engine, scope=scope, first_year=year, last_year=last_year):
        yield "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)


def _csv_field(name: str, value: Any) -> str:
    # Empty for null: pandas then reads a column of counts as integers (or Int64), never "None".
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return inert(value) if name in _TEXT_COLUMNS else str(value)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(text: str) -> str:
    """Text a spreadsheet will not run as a formula: one starting like a formula gets a
    leading apostrophe (OWASP's advice for CSV injection). Figures are never text here."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def datapackage(csv_path: str) -> dict[str, Any]:
    """A Frictionless Data Package describing ``export.csv`` (fetched from ``csv_path``)."""
    fields = [
        {"name": name, "title": zh, "description": en, "type": kind}
        | ({"format": "default", "bareNumber": True} if kind == "number" else {})
        for name, zh, en, kind in COLUMNS
    ]
    return {
        "profile": "tabular-data-package",
        "name": "disclosure-statistics",
        "title": "政府信息公开工作年度报告统计数据",
        "description": "Every cell of the published reports. Do not sum the `value` column "
        "naively: drop rows with `is_total` true (they total other rows), and rows of "
        "`consolidated` reports or of the reports below them (a consolidated report already "
        "includes its subtree).",
        "resources": [
            {
                "name": "cells",
                "path": csv_path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
                "schema": {
                    "fields": fields,
                    "missingValues": [""],
                    "primaryKey": ["agency_code", "year", "section", "row", "column"],
                },
            }
        ],
    }


def dictionary() -> ExportDictionary:
    return ExportDictionary(
        columns=list(CSV_COLUMNS),
        cells=[
            CellEntry(
                format=fmt.id,
                section=section.key,
                row=row.key,
                column=column.key,
                section_zh=section.label.zh,
                section_en=section.label.en,
                row_zh=row.path_label.zh,
                row_en=row.path_label.en,
                column_zh=column.label.zh,
                column_en=column.label.en,
                kind=column.kind,
                unit=VALUE_UNITS[column.kind],
                is_total=fmt.cell((section.key, row.key, column.key)).is_total,
            )
            for fmt in FORMATS.values()
            for section in fmt.sections
            for row in section.rows
            for column in row.columns
        ],
    )
