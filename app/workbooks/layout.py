"""The three tables laid out as the national format prints them, on an XlsxWriter sheet.

Each ``write_*`` function starts at a given sheet row and returns the next free row and where
it put every cell, so the per-section template and the one-sheet-per-agency subtree workbook
share one layout. Totals are formulas (locked) whose cached value is the figure the service
holds, so a workbook re-read without recalculation gives back the same numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from itertools import groupby
from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell  # type: ignore[import-untyped]
from xlsxwriter.worksheet import Worksheet  # type: ignore[import-untyped]

from app.formats.cells import CellValue
from app.formats.definitions import CellKey, ReportFormat, RowRole, RowSpec, SectionSpec, ValueKind
from app.workbooks.labels import APPLICANTS_HEADER, BALANCE_NOTE, CONTENT_HEADER, REFERENCE_SUFFIX
from app.workbooks.styles import Styles

Placed = dict[CellKey, tuple[int, int]]
REFERENCE_COLUMNS = ("in_force",)  # shown as last year's figure beside the 2021 rows

_VALIDATION: dict[ValueKind, dict[str, Any]] = {
    ValueKind.COUNT: {
        "validate": "integer",
        "criteria": ">=",
        "value": 0,
        "error_message": "请填写不小于 0 的整数；未填报请留空（空白与 0 不同）。",
    },
    ValueKind.CHANGE: {
        "validate": "integer",
        "criteria": "between",
        "minimum": -(10**15),
        "maximum": 10**15,
        "error_message": "请填写整数，可带正负号（本年增/减）；未填报请留空。",
    },
    ValueKind.AMOUNT: {
        "validate": "decimal",
        "criteria": ">=",
        "value": 0,
        "error_message": "请填写不小于 0 的金额（单位：万元，可带小数）；未填报请留空。",
    },
}


class SheetWriter:
    """Writes one report's tables onto ``sheet``; ``values`` are the completed cells."""

    def __init__(
        self,
        sheet: Worksheet,
        styles: Styles,
        fmt: ReportFormat,
        values: Mapping[CellKey, CellValue],
        reference: Mapping[CellKey, CellValue],
    ) -> None:
        self.sheet, self.styles, self.fmt = sheet, styles, fmt
        self.values, self.reference = values, reference
        self.placed: Placed = {}

    # -- cells ---------------------------------------------------------------------------

    def _input(self, row: int, col: int, key: CellKey, kind: ValueKind) -> None:
        self.placed[key] = (row, col)
        style = self.styles.inputs[kind]
        write_value(self.sheet, row, col, self.values.get(key), style)
        self.sheet.data_validation(
            row, col, row, col, {**_VALIDATION[kind], "error_type": "warning"}
        )

    def _formula(
        self, row: int, col: int, key: CellKey, kind: ValueKind, addends: list[CellKey]
    ) -> None:
        self.placed[key] = (row, col)
        cells = ",".join(xl_rowcol_to_cell(*self.placed[addend]) for addend in addends)
        value = self.values.get(key)
        cached: Any = (
            0 if value is None else (float(value) if isinstance(value, Decimal) else value)
        )
        self.sheet.write_formula(row, col, f"=SUM({cells})", self.styles.computed[kind], cached)

    # -- 二、主动公开政府信息情况 ----------------------------------------------------------

    def proactive(self, top: int) -> int:
        section = self.fmt.section("proactive")
        self.sheet.write_string(top, 0, section.label.zh, self.styles.title)
        row = top + 1
        blocks = groupby(section.rows, key=lambda spec: (spec.caption, spec.columns))
        for (caption, columns), rows in blocks:
            specs = list(rows)
            references = [c for c in columns if c.key in REFERENCE_COLUMNS]
            last = len(columns) + len(references)
            caption_text = caption.zh if caption else ""
            self.sheet.merge_range(row, 0, row, last, caption_text, self.styles.header)
            self.sheet.write_string(row + 1, 0, CONTENT_HEADER, self.styles.header)
            for index, column in enumerate(columns, start=1):
                self.sheet.write_string(row + 1, index, column.label.zh, self.styles.header)
            for index, column in enumerate(references, start=len(columns) + 1):
                heading = column.label.zh + REFERENCE_SUFFIX
                self.sheet.write_string(row + 1, index, heading, self.styles.header)
            row += 2
            for spec in specs:
                self.sheet.write_string(row, 0, spec.label.zh, self.styles.label)
                for index, column in enumerate(columns, start=1):
                    self._input(row, index, ("proactive", spec.key, column.key), column.kind)
                for index, column in enumerate(references, start=len(columns) + 1):
                    value = self.reference.get(("proactive", spec.key, column.key))
                    write_value(self.sheet, row, index, value, self.styles.reference)
                row += 1
            row += 1
        return row

    # -- 三、收到和处理政府信息公开申请情况 ------------------------------------------------

    def applications(self, top: int) -> int:
        section = self.fmt.section("applications")
        self.sheet.write_string(top, 0, section.label.zh, self.styles.title)
        header, rows = top + 1, section.rows
        label_cols = 1 + max(len(spec.groups) for spec in rows)
        columns = rows[0].columns
        first, last = label_cols, label_cols + len(columns) - 1
        h = self.styles.header
        self.sheet.merge_range(header, 0, header + 2, label_cols - 1, BALANCE_NOTE, h)
        self.sheet.merge_range(header, first, header, last, APPLICANTS_HEADER, h)
        col = first
        for group, members in groupby(columns, key=lambda column: column.group):
            spans = list(members)
            if group is None:
                for column in spans:
                    self.sheet.merge_range(header + 1, col, header + 2, col, column.label.zh, h)
                    col += 1
                continue
            self.sheet.merge_range(header + 1, col, header + 1, col + len(spans) - 1, group.zh, h)
            for column in spans:
                self.sheet.write_string(header + 2, col, column.label.zh, h)
                col += 1
        body = header + 3
        self._row_labels(body, rows, label_cols)
        self._matrix(section, body, first)
        return body + len(rows) + 1

    def _row_labels(self, body: int, rows: tuple[RowSpec, ...], label_cols: int) -> None:
        style = self.styles.label
        for index, spec in enumerate(rows):
            depth = len(spec.groups)
            if depth == label_cols - 1:
                self.sheet.write_string(body + index, depth, spec.label.zh, style)
            else:
                self.sheet.merge_range(
                    body + index, depth, body + index, label_cols - 1, spec.label.zh, style
                )
        for level in range(label_cols - 1):
            runs = groupby(
                enumerate(rows),
                key=lambda pair: (
                    pair[1].groups[: level + 1] if len(pair[1].groups) > level else None
                ),
            )
            for prefix, members in runs:
                indexes = [index for index, _ in members]
                if prefix is None:
                    continue
                text = prefix[level].zh
                start, end = body + indexes[0], body + indexes[-1]
                if start == end:
                    self.sheet.write_string(start, level, text, style)
                else:
                    self.sheet.merge_range(start, level, end, level, text, style)

    def _matrix(self, section: SectionSpec, body: int, first: int) -> None:
        rows = section.rows
        parts = section.rows_with_role(RowRole.RESULT_PART)
        counted = (RowRole.RESULT, RowRole.RESULT_PART if parts else RowRole.RESULT_SUBTOTAL)
        for index, spec in enumerate(rows):  # data cells first: the formulas refer to them
            for offset, column in enumerate(spec.columns):
                if not self.fmt.cell((section.key, spec.key, column.key)).is_total:
                    key = (section.key, spec.key, column.key)
                    self._input(body + index, first + offset, key, column.kind)
        for index, spec in enumerate(rows):
            if spec.role is not RowRole.RESULT_SUBTOTAL:
                continue
            for offset, column in enumerate(spec.columns):
                if column.is_total:
                    continue
                addends = [(section.key, part.key, column.key) for part in parts]
                self._formula(
                    body + index,
                    first + offset,
                    (section.key, spec.key, column.key),
                    column.kind,
                    addends,
                )
        for index, spec in enumerate(rows):
            if spec.role is not RowRole.RESULTS_TOTAL:
                continue
            for offset, column in enumerate(spec.columns):
                if column.is_total:
                    continue
                addends = [
                    (section.key, other.key, column.key)
                    for other in section.rows_with_role(*counted)
                ]
                self._formula(
                    body + index,
                    first + offset,
                    (section.key, spec.key, column.key),
                    column.kind,
                    addends,
                )
        for index, spec in enumerate(rows):
            self._row_total(section, spec, body + index, first)

    def _row_total(self, section: SectionSpec, spec: RowSpec, row: int, first: int) -> None:
        for offset, column in enumerate(spec.columns):
            if column.is_total:
                addends = [(section.key, spec.key, c.key) for c in spec.columns if not c.is_total]
                self._formula(
                    row, first + offset, (section.key, spec.key, column.key), column.kind, addends
                )

    # -- 四、政府信息公开行政复议、行政诉讼情况 --------------------------------------------

    def reviews(self, top: int) -> int:
        section = self.fmt.section("reviews")
        self.sheet.write_string(top, 0, section.label.zh, self.styles.title)
        header, h = top + 1, self.styles.header
        col = 0
        for group, members in groupby(section.rows, key=lambda spec: spec.groups[:1]):
            specs = list(members)
            width = sum(len(spec.columns) for spec in specs)
            if group:
                self.sheet.merge_range(header, col, header, col + width - 1, group[0].zh, h)
            for spec in specs:
                span = len(spec.columns)
                label_top = header + 1 if group else header
                self.sheet.merge_range(label_top, col, header + 1, col + span - 1, spec.label.zh, h)
                for offset, column in enumerate(spec.columns):
                    self.sheet.write_string(header + 2, col + offset, column.label.zh, h)
                    if not column.is_total:
                        key = (section.key, spec.key, column.key)
                        self._input(header + 3, col + offset, key, column.kind)
                self._row_total(section, spec, header + 3, col)
                col += span
        return header + 5


def write_value(sheet: Worksheet, row: int, col: int, value: CellValue, style: Any) -> None:
    """A figure as a number when the spreadsheet can hold it exactly, else as text."""
    if value is None:
        sheet.write_blank(row, col, None, style)
    elif isinstance(value, Decimal) and Decimal(repr(float(value))) != value:
        sheet.write_string(row, col, str(value), style)  # more digits than a double keeps
    elif isinstance(value, int) and abs(value) > 2**53:
        sheet.write_string(row, col, str(value), style)
    else:
        sheet.write_number(row, col, float(value) if isinstance(value, Decimal) else value, style)
