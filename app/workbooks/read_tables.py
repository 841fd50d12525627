"""Find the cells of tables 二, 三 and 四 in a sheet region by their labels.

Nothing depends on positions: a row is where its label is, a column where its header is, so
a row moved or a column inserted by hand is still read. What cannot be told apart for
certain (a label found twice, a header missing) is refused with the cells named.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from app.formats.definitions import CellKey, ReportFormat, RowSpec, SectionSpec
from app.workbooks.grid import Grid
from app.workbooks.labels import normalize

Diagnose = Callable[..., None]


@dataclass
class Region:
    grid: Grid
    rows: range

    def cols(self) -> range:
        return range(self.grid.width)


@dataclass
class Located:
    cells: dict[CellKey, tuple[int, int]] = field(default_factory=dict)


def locate(fmt: ReportFormat, section: SectionSpec, region: Region, diagnose: Diagnose) -> Located:
    if section.key == "proactive":
        return _proactive(section, region, diagnose)
    if section.key == "applications":
        return _matrix(section, region, diagnose)
    return _reviews(section, region, diagnose)


def _proactive(section: SectionSpec, region: Region, diagnose: Diagnose) -> Located:
    grid, found = region.grid, Located()
    for spec in section.rows:
        places = list(grid.find(normalize(spec.label.zh), region.rows))
        pointer = f"/{section.key}/{spec.key}"
        if not _one_place(spec, places, grid, pointer, diagnose):
            continue
        row, col = places[0]
        header = _header_row(spec, grid, row, col, region)
        if header is None:
            diagnose(
                "header_not_found",
                "error",
                f"{spec.label.zh}：上方找不到列标题 / no header row above",
                pointer,
                grid.ref(row, col),
            )
            continue
        for column in spec.columns:
            places = list(grid.find(normalize(column.label.zh), range(header, header + 1)))
            places = [(r, c) for r, c in places if c > col]
            if len(places) != 1:
                diagnose(
                    "column_not_found",
                    "error",
                    f"{spec.label.zh}：第 {header + 1} 行找不到唯一的列“{column.label.zh}”"
                    f" / column not found once in the header",
                    f"{pointer}/{column.key}",
                    grid.ref(header, col),
                )
                continue
            found.cells[(section.key, spec.key, column.key)] = (row, places[0][1])
    return found


def _header_row(spec: RowSpec, grid: Grid, row: int, col: int, region: Region) -> int | None:
    wanted = {normalize(column.label.zh) for column in spec.columns}
    for above in range(row - 1, region.rows.start - 1, -1):
        if any(grid.text(above, c) in wanted for c in range(col + 1, grid.width)):
            return above
    return None


def _one_place(
    spec: RowSpec, places: list[tuple[int, int]], grid: Grid, pointer: str, diagnose: Diagnose
) -> bool:
    if len(places) == 1:
        return True
    if not places:
        diagnose(
            "row_not_found",
            "warning",
            f"找不到“{spec.label.zh}”一行，其数据按未填报处理 / row not found: not reported",
            pointer,
        )
    else:
        where = "、".join(grid.ref(*place) for place in places)
        diagnose(
            "row_ambiguous",
            "error",
            f"“{spec.label.zh}”出现了 {len(places)} 次：{where}"
            f" / the row label appears more than once",
            pointer,
            grid.ref(*places[0]),
        )
    return False


def _column_map(
    section: SectionSpec, region: Region, diagnose: Diagnose
) -> tuple[dict[str, int], int] | None:
    """Column key → sheet column, and the last header row; from the header labels."""
    grid, columns = region.grid, section.rows[0].columns
    mapping: dict[str, int] = {}
    last_header = region.rows.start
    for column in columns:
        places = list(grid.find(normalize(column.label.zh), region.rows))
        cols = sorted({c for _, c in places})
        if len(cols) != 1:
            where = "、".join(grid.ref(*place) for place in places) or "无 / none"
            diagnose(
                "column_not_found",
                "error",
                f"列“{column.label.zh}”找不到或不唯一（{where}）"
                f"/ column header not found exactly once",
                f"/{section.key}",
            )
            return None
        mapping[column.key] = cols[0]
        last_header = max(last_header, max(r for r, _ in places))
    return mapping, last_header


def _matrix(section: SectionSpec, region: Region, diagnose: Diagnose) -> Located:
    grid, found = region.grid, Located()
    mapped = _column_map(section, region, diagnose)
    if mapped is None:
        return found
    mapping, last_header = mapped
    first_data = min(mapping.values())
    by_label: dict[str, list[RowSpec]] = {}
    for spec in section.rows:
        by_label.setdefault(normalize(spec.label.zh), []).append(spec)
    seen: dict[str, tuple[int, int]] = {}
    for row in range(last_header + 1, region.rows.stop):
        texts: list[str] = []
        for col in range(first_data):
            text = grid.text(row, col)
            if text and (not texts or texts[-1] != text):
                texts.append(text)
        if not texts or texts[-1] not in by_label:
            continue
        spec = _best_match(by_label[texts[-1]], texts[:-1])
        label_col = max(c for c in range(first_data) if grid.text(row, c) == texts[-1])
        if spec.key in seen:
            first = grid.ref(*seen[spec.key])
            diagnose(
                "row_ambiguous",
                "error",
                f"“{spec.label.zh}”出现了两次：{first}、{grid.ref(row, label_col)}"
                f" / the row label appears twice",
                f"/{section.key}/{spec.key}",
                grid.ref(row, label_col),
            )
            for column in spec.columns:
                found.cells.pop((section.key, spec.key, column.key), None)
            continue
        seen[spec.key] = (row, label_col)
        for column in spec.columns:
            found.cells[(section.key, spec.key, column.key)] = (row, mapping[column.key])
    for spec in section.rows:
        if spec.key not in seen:
            diagnose(
                "row_not_found",
                "warning",
                f"找不到“{spec.path_label.zh}”一行，其数据按未填报处理"
                f" / row not found: not reported",
                f"/{section.key}/{spec.key}",
            )
    return found


def _best_match(candidates: list[RowSpec], before: list[str]) -> RowSpec:
    """The row whose groups the labels to its left name (（六）其他处理 is a row and a group)."""

    def score(spec: RowSpec) -> tuple[bool, int]:
        groups = [normalize(group.zh) for group in spec.groups]
        return all(group in before for group in groups), len(groups)

    return max(candidates, key=score)


def _reviews(section: SectionSpec, region: Region, diagnose: Diagnose) -> Located:
    grid, found = region.grid, Located()
    column_labels = {normalize(c.label.zh): c for c in section.rows[0].columns}
    row_labels = {normalize(spec.label.zh): spec for spec in section.rows}
    places = [(r, c) for label in column_labels for r, c in grid.find(label, region.rows)]
    if not places:
        diagnose(
            "header_not_found",
            "error",
            "找不到行政复议、行政诉讼的列标题 / no header row",
            f"/{section.key}",
        )
        return found
    label_row = max(r for r, _ in places)
    for row, col in sorted(places):
        if row != label_row:
            continue
        column = column_labels[grid.text(row, col)]
        spec = next(
            (
                row_labels[grid.text(above, col)]
                for above in range(label_row - 1, region.rows.start - 1, -1)
                if grid.text(above, col) in row_labels
            ),
            None,
        )
        if spec is None:
            diagnose(
                "header_not_found",
                "error",
                f"{grid.ref(row, col)} 上方找不到所属的组（行政复议、未经复议直接起诉、复议后起诉）"
                f"/ no group above",
                f"/{section.key}",
                grid.ref(row, col),
            )
            continue
        key = (section.key, spec.key, column.key)
        if key in found.cells:
            diagnose(
                "column_ambiguous",
                "error",
                f"“{spec.label.zh}·{column.label.zh}”出现了两次 / the column appears twice",
                "/" + "/".join(key),
                grid.ref(row, col),
            )
            continue
        found.cells[key] = (label_row + 1, col)
    return found
