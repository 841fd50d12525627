"""The printed document as data: parts, paragraphs and tables of merged cells.

Built from the format definitions (``app.formats.definitions``), so both writers (HTML and
Word) print every format's tables without knowing any format by name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from app.formats.cells import CellValue, complete
from app.formats.definitions import (
    FORMATS,
    CellKey,
    ColumnSpec,
    Label,
    ReportFormat,
    RowRole,
    RowSpec,
    SectionSpec,
    ValueKind,
    cell_pointer,
)
from app.formats.schema import ReportBody, to_cells

# Printed in the official tables but not cells of the report, so not in the definitions.
APPLICANTS_HEADER = "申请人情况"
BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
ITEM_HEADER = "信息内容"


@dataclass(frozen=True)
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    pointer: str | None = None  # set on every number cell: the JSON Pointer of its value

    @property
    def is_number(self) -> bool:
        return self.pointer is not None


@dataclass(frozen=True)
class Table:
    section: str
    columns: int
    rows: tuple[tuple[Cell, ...], ...]
    header_rows: int  # the leading rows that repeat on every page the table runs over
    label_columns: int = 0  # leading columns holding row labels (narrow ones are numbers)


@dataclass(frozen=True)
class Part:
    heading: str
    paragraphs: tuple[str, ...] = ()
    table: Table | None = None
    after: tuple[str, ...] = ()  # paragraphs printed below the table


@dataclass(frozen=True)
class DocumentLayout:
    title: str
    preamble: tuple[str, ...]
    parts: tuple[Part, ...]
    format: ReportFormat = field(repr=False)


def printed_value(kind: ValueKind, value: CellValue) -> str:
    """A cell as the table prints it: blank for not reported, 本年增/减 with its sign."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if kind is ValueKind.CHANGE and value > 0:
        return f"+{value}"
    return str(value)


def printed_cells(report: ReportBody) -> dict[CellKey, CellValue]:
    """What the tables print, cell by cell: the stated cells, and the totals the service
    computes where the body omits them. A blank (null) stays blank: the agency did not
    report it. Rows the layout does not print (（六）'s other form) are left out."""
    fmt = FORMATS[report.format]
    stated = to_cells(report)
    completed = complete(fmt, stated)
    applications = fmt.section("applications")
    shown = {row.key for row in applications_rows(applications, stated)}
    printed: dict[CellKey, CellValue] = {}
    for cell in fmt.cells():
        if cell.section == applications.key and cell.row not in shown:
            continue
        if cell.key in stated:
            printed[cell.key] = stated[cell.key]
        elif cell.is_total:
            printed[cell.key] = completed.values[cell.key]
        else:
            printed[cell.key] = None
    return printed


def _number(
    section: str, row: RowSpec, column: ColumnSpec, values: Mapping[CellKey, CellValue]
) -> Cell:
    key = (section, row.key, column.key)
    return Cell(printed_value(column.kind, values[key]), pointer=cell_pointer(key))


def _header(text: str, rowspan: int = 1, colspan: int = 1) -> Cell:
    return Cell(text, rowspan=rowspan, colspan=colspan, header=True)


def proactive_table(section: SectionSpec, values: Mapping[CellKey, CellValue]) -> Table:
    """二: one block per 条例 article, each with its caption and its own column headers."""
    width = 1 + max(len(row.columns) for row in section.rows)
    rows: list[tuple[Cell, ...]] = []
    previous: tuple[Label | None, tuple[ColumnSpec, ...]] | None = None
    for row in section.rows:
        block = (row.caption, row.columns)
        if block != previous:
            if row.caption is not None:
                rows.append((_header(row.caption.zh, colspan=width),))
            labels = [column.label.zh for column in row.columns]
            rows.append((_header(ITEM_HEADER), *_spread(labels, width - 1, header=True)))
            previous = block
        numbers = [_number(section.key, row, column, values) for column in row.columns]
        rows.append((Cell(row.label.zh), *_widen(numbers, width - 1)))
    return Table(section.key, width, tuple(rows), header_rows=0, label_columns=1)


def _spread(texts: list[str], width: int, *, header: bool) -> list[Cell]:
    cells = [Cell(text, header=header) for text in texts]
    return _widen(cells, width)


def _widen(cells: list[Cell], width: int) -> list[Cell]:
    # Fewer columns than the table is wide: the last one takes the rest of the row.
    if len(cells) < width:
        last = cells[-1]
        cells[-1] = Cell(
            last.text, colspan=width - len(cells) + 1, header=last.header, pointer=last.pointer
        )
    return cells


def applications_rows(section: SectionSpec, stated: Mapping[CellKey, CellValue]) -> list[RowSpec]:
    """The rows a report prints: （六）其他处理 as its sub-rows when any is given, else as
    one row — the two ways published reports print it."""
    parts = section.rows_with_role(RowRole.RESULT_PART)
    parts_given = any(
        stated.get((section.key, row.key, column.key)) is not None
        for row in parts
        for column in row.columns
    )
    printed = []
    for row in section.rows:
        if row.role is RowRole.RESULT_PART and not parts_given:
            continue
        if row.role is RowRole.RESULT_SUBTOTAL and parts_given:
            continue
        printed.append(row)
    return printed


def matrix_table(
    section: SectionSpec, rows: Sequence[RowSpec], values: Mapping[CellKey, CellValue]
) -> Table:
    """三: the 申请人情况 headers over the columns, the group labels down the left."""
    columns = rows[0].columns
    depth = 1 + max(len(row.groups) for row in rows)  # label columns
    grouped = any(column.group is not None for column in columns)
    header_depth = 2 + (1 if grouped else 0)
    top = (
        _header(BALANCE_NOTE, rowspan=header_depth, colspan=depth),
        _header(APPLICANTS_HEADER, colspan=len(columns)),
    )
    middle: list[Cell] = []
    bottom: list[Cell] = []
    index = 0
    while index < len(columns):
        column = columns[index]
        if column.group is None:
            middle.append(_header(column.label.zh, rowspan=header_depth - 1))
            index += 1
            continue
        run = 0
        while index + run < len(columns) and columns[index + run].group == column.group:
            run += 1
        middle.append(_header(column.group.zh, colspan=run))
        bottom.extend(_header(c.label.zh) for c in columns[index : index + run])
        index += run
    header = [top, tuple(middle)] + ([tuple(bottom)] if grouped else [])
    body: list[tuple[Cell, ...]] = []
    for position, row in enumerate(rows):
        labels: list[Cell] = []
        for level, group in enumerate(row.groups):
            earlier = rows[position - 1].groups[: level + 1] if position else ()
            if earlier == row.groups[: level + 1]:
                continue  # covered by the group's cell above
            span = 1
            while (
                position + span < len(rows)
                and rows[position + span].groups[: level + 1] == row.groups[: level + 1]
            ):
                span += 1
            labels.append(Cell(group.zh, rowspan=span))
        labels.append(Cell(row.label.zh, colspan=depth - len(row.groups)))
        numbers = [_number(section.key, row, column, values) for column in row.columns]
        body.append((*labels, *numbers))
    return Table(
        section.key,
        depth + len(columns),
        (*header, *body),
        header_rows=len(header),
        label_columns=depth,
    )


def row_of_groups_table(section: SectionSpec, values: Mapping[CellKey, CellValue]) -> Table:
    """四: one printed row of every group's cells under a two-level header."""
    rows = section.rows
    # 行政复议 | 行政诉讼 › 未经复议直接起诉, 复议后起诉: one level of groups at most.
    levels = 1 + max(len(row.groups) for row in rows)  # header levels above the column labels
    header: list[list[Cell]] = [[] for _ in range(levels + 1)]
    position = 0
    while position < len(rows):
        row = rows[position]
        width = len(row.columns)
        if not row.groups:
            header[0].append(_header(row.label.zh, colspan=width))
            header[1].extend(_header(column.label.zh, rowspan=levels) for column in row.columns)
            position += 1
            continue
        members = []
        for candidate in rows[position:]:
            if candidate.groups != row.groups:
                break
            members.append(candidate)
        header[0].append(_header(row.groups[0].zh, colspan=sum(len(r.columns) for r in members)))
        for member in members:
            header[1].append(_header(member.label.zh, colspan=len(member.columns)))
            header[2].extend(_header(column.label.zh) for column in member.columns)
        position += len(members)
    numbers = tuple(
        _number(section.key, row, column, values) for row in rows for column in row.columns
    )
    width = len(numbers)
    return Table(
        section.key,
        width,
        (*(tuple(line) for line in header if line), numbers),
        header_rows=sum(1 for line in header if line),
    )
