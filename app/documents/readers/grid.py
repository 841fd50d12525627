"""Expand a table's merged cells into a grid: the text at the top-left, ``None`` elsewhere."""

from __future__ import annotations

from dataclasses import dataclass

MAX_SPAN = 100  # a hostile table cannot make the grid explode


@dataclass(frozen=True)
class SpannedCell:
    text: str
    rowspan: int = 1
    colspan: int = 1


def expand(rows: list[list[SpannedCell]]) -> list[list[str | None]]:
    grid: list[list[str | None]] = []
    pending: dict[tuple[int, int], bool] = {}  # (row, column) covered by a rowspan above
    for r, cells in enumerate(rows):
        line: list[str | None] = []
        column = 0
        for cell in cells:
            while pending.pop((r, column), False):
                line.append(None)
                column += 1
            rowspan = max(1, min(cell.rowspan, MAX_SPAN))
            colspan = max(1, min(cell.colspan, MAX_SPAN))
            line.append(cell.text)
            line.extend([None] * (colspan - 1))
            for below in range(1, rowspan):
                for offset in range(colspan):
                    pending[(r + below, column + offset)] = True
            column += colspan
        while pending.pop((r, column), False):
            line.append(None)
            column += 1
        grid.append(line)
    return grid
