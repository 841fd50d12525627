"""Read a workbook back into a report body, with every figure's worksheet cell.

    read_workbook(data, format_id=None, year=None) -> WorkbookRead
        the service's report workbook (or any workbook whose sheets carry the official
        section titles and labels); raises 413 (too large, zip bomb) or 422 (not a workbook)
    read_subtree_workbook(data) -> list[WorkbookRead]
        the subtree workbook: one report per sheet that names its 机关代码

``WorkbookRead.report`` is a body as PUT takes it (not yet validated: ``parse_report`` names
what the schema refuses, and ``sheet_cells`` turns those pointers into cells). Diagnostics
say how cells were read; one of severity ``error`` means a figure could not be read for
certain and was left null.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.formats.definitions import FORMATS, ReportFormat, ValueKind, format_for_year
from app.workbooks.cell_values import read_figure
from app.workbooks.grid import Grid, load_grids
from app.workbooks.labels import (
    CHANNEL_COUNT_LABEL,
    CHANNEL_NAME_LABEL,
    IDENTITY_FIELDS,
    META_SHEET,
    NARRATIVE_TITLE,
    TextField,
    format_marker_labels,
    narrative_fields,
    normalize,
)
from app.workbooks.read_tables import Region, locate
from app.workbooks.safety import UnreadableWorkbook


@dataclass
class WorkbookRead:
    report: dict[str, Any]
    format: str | None = None
    year: int | None = None
    agency_code: str | None = None
    agency_name: str | None = None
    diagnostics: list[dict[str, Any]] = field(default_factory=list)
    sheet_cells: dict[str, str] = field(default_factory=dict)  # JSON Pointer → "sheet!C7"
    sheet: str | None = None  # the sheet of a subtree workbook this report was read from

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [d for d in self.diagnostics if d["severity"] == "error"]

    def cells_of(self, pointers: list[str]) -> list[str]:
        """The worksheet cells of ``pointers``, in their order (those the sheet holds)."""
        return [self.sheet_cells[p] for p in pointers if p in self.sheet_cells]

    def diagnose(
        self,
        code: str,
        severity: str,
        message: str,
        pointer: str | None = None,
        source: str | None = None,
    ) -> None:
        entry: dict[str, Any] = {"code": code, "severity": severity, "message": message}
        if pointer is not None:
            entry["pointer"] = pointer
        if source is not None:
            entry["source"] = source
        self.diagnostics.append(entry)


def read_workbook(
    data: bytes, *, format_id: str | None = None, year: int | None = None
) -> WorkbookRead:
    grids = load_grids(data)
    meta = _meta(grids)
    tables = [grid for grid in grids if grid.name != META_SHEET]
    return _read(tables, meta, format_id=format_id, year=year)


def read_subtree_workbook(data: bytes) -> list[WorkbookRead]:
    grids = load_grids(data)
    meta = _meta(grids)
    reads = []
    for grid in grids:
        if grid.name == META_SHEET or not any(grid.find(normalize(IDENTITY_FIELDS[0][1]))):
            continue
        read = _read([grid], {"year": meta.get("year", "")}, format_id=None, year=None)
        read.sheet = grid.name
        reads.append(read)
    if not reads:
        raise UnreadableWorkbook(
            "no sheet of the workbook names its 机关代码: not a subtree workbook"
        )
    return reads


def _meta(grids: list[Grid]) -> dict[str, str]:
    for grid in grids:
        if grid.name == META_SHEET:
            return {str(row[0]): str(row[1]) for row in grid.rows if len(row) >= 2 and row[0] != ""}
    return {}


def _read(
    grids: list[Grid], meta: dict[str, str], *, format_id: str | None, year: int | None
) -> WorkbookRead:
    read = WorkbookRead(report={})
    identity = _identity(grids)
    read.agency_code = identity.get("agency_code") or meta.get("agency_code") or None
    read.agency_name = identity.get("agency_name") or None
    year_text = identity.get("year") or meta.get("year") or ""
    read.year = year if year is not None else (int(year_text) if year_text.isdigit() else None)
    fmt = _format(grids, format_id or identity.get("format") or meta.get("format"), read)
    read.format = fmt.id
    read.report["format"] = fmt.id
    regions = _regions(grids, fmt, read)
    for section in fmt.sections:
        region = regions.get(section.label.zh)
        if region is None:
            read.diagnose(
                "section_not_found",
                "error",
                f"找不到“{section.label.zh}”（表格标题）/ section title not found",
                f"/{section.key}",
            )
            continue
        located = locate(fmt, section, region, read.diagnose)
        for key, (row, col) in located.cells.items():
            _figure(read, fmt, region.grid, key, row, col)
    narrative = regions.get(NARRATIVE_TITLE)
    if narrative is not None:
        _narrative(read, narrative)
    return read


def _identity(grids: list[Grid]) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, label in IDENTITY_FIELDS:
        for grid in grids:
            for row, col in grid.find(normalize(label)):
                value = _text_right_of(grid, row, col)
                if value:
                    found.setdefault(key, value)
    return found


def _format(grids: list[Grid], stated: str | None, read: WorkbookRead) -> ReportFormat:
    seen = {
        fmt.id: any(any(grid.find(label)) for grid in grids for label in format_marker_labels(fmt))
        for fmt in FORMATS.values()
    }
    detected = [format_id for format_id, found in seen.items() if found]
    if len(detected) > 1:
        raise UnreadableWorkbook(
            f"the workbook mixes the column headers of formats {' and '.join(detected)}"
        )
    if detected and stated in FORMATS and stated != detected[0]:
        read.diagnose(
            "format_mismatch",
            "warning",
            f"工作簿注明格式 {stated}，表头为 {detected[0]} 版格式"
            f" / headers are format {detected[0]}",
            "/format",
        )
    if detected:
        return FORMATS[detected[0]]
    if stated is not None and stated in FORMATS:
        return FORMATS[stated]
    if read.year is not None:
        return format_for_year(read.year)
    raise UnreadableWorkbook("the workbook shows neither format's table headers")


def _regions(grids: list[Grid], fmt: ReportFormat, read: WorkbookRead) -> dict[str, Region]:
    """Each section title → the rows below it, up to the next title on that sheet."""
    titles = [section.label.zh for section in fmt.sections] + [NARRATIVE_TITLE]
    regions: dict[str, Region] = {}
    for grid in grids:
        marks = sorted((row, title) for title in titles for row, _ in grid.find(normalize(title)))
        for index, (row, title) in enumerate(marks):
            end = marks[index + 1][0] if index + 1 < len(marks) else grid.height
            if title in regions:
                earlier = regions[title]
                first = earlier.grid.ref(earlier.rows.start - 1, 0)
                read.diagnose(
                    "section_ambiguous",
                    "error",
                    f"“{title}”出现了两次：{first}、{grid.ref(row, 0)} / the section appears twice",
                    None,
                    grid.ref(row, 0),
                )
                continue
            regions[title] = Region(grid, range(row + 1, end))
    return regions


def _figure(
    read: WorkbookRead, fmt: ReportFormat, grid: Grid, key: tuple[str, str, str], row: int, col: int
) -> None:
    spec = fmt.cell(key)
    pointer, source = spec.pointer, grid.ref(row, col)
    read.sheet_cells[pointer] = source
    formula = grid.formula(row, col)
    if formula is False:
        if spec.is_total:  # our own totals, re-saved without recalculation: computed again
            return
        read.diagnose(
            "formula_without_value",
            "error",
            f"{source} 是没有计算结果的公式，请在表格软件中重新计算并保存，或直接填写数字"
            f" / a formula without a computed value",
            pointer,
            source,
        )
        read.report.setdefault(key[0], {}).setdefault(key[1], {})[key[2]] = None
        return
    reading = read_figure(grid.raw(row, col), spec.kind)
    if formula and not spec.is_total:
        read.diagnose(
            "formula_value",
            "info",
            f"{source} 是公式，读取其计算结果 / a formula: its computed value is read",
            pointer,
            source,
        )
    if reading.code is not None and reading.message is not None:
        read.diagnose(
            reading.code, reading.severity, f"{source}：{reading.message}", pointer, source
        )
    read.report.setdefault(key[0], {}).setdefault(key[1], {})[key[2]] = reading.value


def _narrative(read: WorkbookRead, region: Region) -> None:
    grid = region.grid
    for text_field in narrative_fields():
        places = list(grid.find(normalize(text_field.label), region.rows))
        if not places:
            continue
        row, col = places[0]
        read.sheet_cells[text_field.pointer] = grid.ref(row, col + 1)
        value = _field_value(read, grid, row, col, text_field)
        if value is not None:
            target = read.report
            for part in text_field.path[:-1]:
                target = target.setdefault(part, {})
            target[text_field.path[-1]] = value
    _channels(read, region)


def _field_value(read: WorkbookRead, grid: Grid, row: int, col: int, text_field: TextField) -> Any:
    if text_field.kind == "text":
        return _text_right_of(grid, row, col, joined=True) or None
    raw = grid.raw(row, col + 1)
    if text_field.kind == "date":
        if isinstance(raw, datetime):
            return raw.date().isoformat()
        if isinstance(raw, date):
            return raw.isoformat()
        return str(raw).strip() or None
    if text_field.kind == "amount" and isinstance(raw, str):
        raw = raw.strip().removesuffix("元")  # the information processing fee is stated in 元
    kind = ValueKind.AMOUNT if text_field.kind == "amount" else ValueKind.COUNT
    reading = read_figure(raw, kind)
    if reading.code is not None and reading.message is not None:
        read.diagnose(
            reading.code,
            reading.severity,
            f"{grid.ref(row, col + 1)}：{reading.message}",
            text_field.pointer,
            grid.ref(row, col + 1),
        )
    return reading.value


def _text_right_of(grid: Grid, row: int, col: int, *, joined: bool = False) -> str:
    parts = []
    for right in range(col + 1, len(grid.rows[row]) if row < grid.height else 0):
        value = grid.raw(row, right)
        if value is None or value == "":
            continue
        text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
        if not joined:
            return text.strip()
        parts.append(text)
    return "".join(parts)


def _channels(read: WorkbookRead, region: Region) -> None:
    grid = region.grid
    headers = list(grid.find(normalize(CHANNEL_NAME_LABEL), region.rows))
    if not headers:
        return
    row, name_col = headers[0]
    count_cols = [c for _, c in grid.find(normalize(CHANNEL_COUNT_LABEL), range(row, row + 1))]
    count_col = count_cols[0] if count_cols else name_col + 1
    items: list[dict[str, Any]] = []
    for below in range(row + 1, region.rows.stop):
        name, raw = grid.raw(below, name_col), grid.raw(below, count_col)
        name = str(name).strip() if name not in (None, "") else ""
        if not name and raw in (None, ""):
            continue
        pointer = f"/channels/items/{len(items)}"
        read.sheet_cells[pointer + "/name"] = grid.ref(below, name_col)
        read.sheet_cells[pointer + "/count"] = grid.ref(below, count_col)
        reading = read_figure(raw, ValueKind.COUNT)
        if reading.code is not None and reading.message is not None:
            read.diagnose(
                reading.code,
                reading.severity,
                f"{grid.ref(below, count_col)}：{reading.message}",
                pointer + "/count",
                grid.ref(below, count_col),
            )
        items.append({"name": name, "count": reading.value})
    if items:
        read.report.setdefault("channels", {})["items"] = items
