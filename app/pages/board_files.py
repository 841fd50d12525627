"""The board as files: CSV (UTF-8 with a BOM, so Excel reads the Chinese) and XLSX.

Both hold every row the filters leave, in the board's order, with its columns in Chinese.
Names are the agencies' own text: a spreadsheet must never run one as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date

import xlsxwriter  # type: ignore[import-untyped]
from sqlalchemy import Engine

from app.pages.labels import KIND_NAMES, STATUS_NAMES
from app.summaries.board import BoardQuery, BoardRow, stream_board_rows
from app.summaries.export import BOM, inert

HEADER = (
    "机关代码",
    "机关名称",
    "类型",
    "状态",
    "错误",
    "警告",
    "公开日期",
    "截止日期",
    "逾期天数",
)


def _cells(
    row: BoardRow,
) -> tuple[str, str, str, str, int | None, int | None, date | None, date, int]:
    return (
        row.code,
        row.name,
        KIND_NAMES.get(row.kind or "", ""),
        STATUS_NAMES[row.status],
        row.error_count,
        row.warning_count,
        row.published_on,
        row.deadline,
        row.days_late,
    )


def board_csv(engine: Engine, query: BoardQuery) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(HEADER)
    for rows in stream_board_rows(engine, query):
        for row in rows:
            code, name, *rest = _cells(row)
            writer.writerow(
                [inert(code), inert(name), *("" if value is None else str(value) for value in rest)]
            )
        yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def board_xlsx(engine: Engine, query: BoardQuery) -> bytes:
    output = io.BytesIO()
    # constant_memory: rows go to disk as written, whatever the subtree's size.
    book = xlsxwriter.Workbook(output, {"constant_memory": True, "in_memory": False})
    sheet = book.add_worksheet(f"{query.year}年度填报情况")
    bold = book.add_format({"bold": True})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, HEADER, bold)
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 36)
    sheet.set_column(6, 7, 12)
    sheet.freeze_panes(1, 0)
    number = 1
    for rows in stream_board_rows(engine, query):
        for row in rows:
            code, name, kind, status, errors, warnings, published_on, due, late = _cells(row)
            # write_string: text stays text, never a formula or a number.
            for column, text in enumerate((code, name, kind, status)):
                sheet.write_string(number, column, text)
            for column, value in ((4, errors), (5, warnings)):
                if value is not None:
                    sheet.write_number(number, column, value)
            if published_on is not None:
                sheet.write_datetime(number, 6, published_on, day)
            sheet.write_datetime(number, 7, due, day)
            sheet.write_number(number, 8, late)
            number += 1
    book.close()
    return output.getvalue()
