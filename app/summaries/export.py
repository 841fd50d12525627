"""The published cells of a subtree as CSV, streamed, and the dictionary describing it.

Rows come from a server-side cursor (``yield_per``) in tree order; each report's cells are
written in the format's order. The file starts with a UTF-8 BOM: Excel otherwise reads it
in the local code page and garbles the Chinese names.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from app.agencies.models import Agency
from app.formats.definitions import FORMATS
from app.reports.cells import cells_from_rows
from app.reports.models import Report, ReportCell, ReportRevision
from app.summaries.schemas import CellEntry, CsvColumn, ExportDictionary
from app.summaries.scope import CELL_KEY, Scope, is_published, published_cells_join, within

BOM = "\ufeff"
# Rows fetched per round trip of the server-side cursor; each report is one chunk sent.
FETCH_ROWS = 2000

CSV_COLUMNS = (
    CsvColumn(name="agency_code", zh="机关代码", en="Agency code"),
    CsvColumn(name="agency_name", zh="机关名称", en="Agency name"),
    CsvColumn(name="year", zh="报告年度", en="Report year"),
    CsvColumn(name="format", zh="报告格式", en="Report format (see cells)"),
    CsvColumn(name="section", zh="部分代码", en="Section key"),
    CsvColumn(name="row", zh="行代码", en="Row key"),
    CsvColumn(name="column", zh="列代码", en="Column key"),
    CsvColumn(
        name="value",
        zh="数值；金额单位万元；空表示未填报",
        en="Value; amounts in 10,000 yuan; empty when not reported",
    ),
)


def export_rows(engine: Engine, *, scope: Scope, year: int) -> Iterator[str]:
    """CSV text in chunks: header, then one line per cell of each published report.

    Opens its own session: the body is produced after the route has returned.
    """
    revision_join, cells_join = published_cells_join()
    query = (
        select(
            col(Report.id),
            col(Agency.code),
            col(Agency.name),
            col(Report.year),
            col(ReportRevision.format),
            *CELL_KEY,
            col(ReportCell.value),
        )
        .select_from(Report)
        .join(Agency, col(Agency.id) == col(Report.agency_id))
        .join(ReportRevision, revision_join)
        # Outer: a report of zeros only has no cell rows (zero is the stored default).
        .outerjoin(ReportCell, cells_join)
        .where(col(Report.year) == year, within(col(Agency.path), scope), is_published())
        .order_by(Agency.path, col(Report.id))
        .execution_options(yield_per=FETCH_ROWS)
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(column.name for column in CSV_COLUMNS)
    with Session(engine) as session:
        report: list[Sequence[Any]] = []
        for row in session.execute(query):
            if report and report[0][0] != row[0]:
                yield _flush(buffer, writer, report)
                report = []
            report.append(row)
        yield _flush(buffer, writer, report)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(text: str) -> str:
    """Text a spreadsheet will not run as a formula: one starting like a formula gets a
    leading apostrophe (OWASP's advice for CSV injection). Figures are never text here."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _flush(buffer: io.StringIO, writer: Any, report: list[Sequence[Any]]) -> str:
    """One report's lines, in its format's order, with whatever the buffer already held."""
    if report:
        _, code, name, year, format_id = report[0][:5]
        stored = [(r[5], r[6], r[7], r[8]) for r in report if r[5] is not None]
        for (section, row, column), shown in cells_from_rows(format_id, stored).items():
            value = "" if shown is None else str(shown)
            writer.writerow(
                (inert(code), inert(name), year, format_id, section, row, column, value)
            )
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


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
                is_total=fmt.cell((section.key, row.key, column.key)).is_total,
            )
            for fmt in FORMATS.values()
            for section in fmt.sections
            for row in section.rows
            for column in row.columns
        ],
    )
