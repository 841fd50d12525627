"""One worksheet as the reader sees it: values (python-calamine), merged ranges, formulas.

A merged range's text is seen in every cell it covers, so a label merged across rows or
columns is found from any of them, however a spreadsheet program re-saved the merge.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import python_calamine
from xlsxwriter.utility import xl_rowcol_to_cell  # type: ignore[import-untyped]

from app.errors import PayloadTooLarge
from app.workbooks.labels import normalize
from app.workbooks.safety import (
    MAX_COLUMNS,
    MAX_ROWS,
    FormulaCells,
    UnreadableWorkbook,
    check_archive,
    formula_cells,
    sheet_parts,
)


@dataclass
class Grid:
    name: str
    rows: list[list[Any]]
    merged: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    formulas: dict[tuple[int, int], bool] = field(default_factory=dict)
    _texts: dict[tuple[int, int], str] = field(default_factory=dict, repr=False)
    _index: dict[str, list[tuple[int, int]]] | None = field(default=None, repr=False)

    @property
    def height(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        return max((len(row) for row in self.rows), default=0)

    def raw(self, row: int, col: int) -> Any:
        if 0 <= row < len(self.rows) and 0 <= col < len(self.rows[row]):
            return self.rows[row][col]
        return None

    def text(self, row: int, col: int) -> str:
        """The normalized label shown at the cell, merged ranges included."""
        key = (row, col)
        if key not in self._texts:
            owner = self.merged.get(key, key)
            self._texts[key] = normalize(self.raw(*owner))
        return self._texts[key]

    def formula(self, row: int, col: int) -> bool | None:
        return self.formulas.get((row, col))

    def ref(self, row: int, col: int) -> str:
        return f"{self.name}!{xl_rowcol_to_cell(row, col)}"

    def find(self, wanted: str, rows: range | None = None) -> Iterator[tuple[int, int]]:
        """Cells whose own (not merged-over) text is ``wanted``, top to bottom."""
        if self._index is None:
            # One pass over the sheet, then every label is a lookup: a big sheet costs once.
            index: dict[str, list[tuple[int, int]]] = {}
            for row, values in enumerate(self.rows):
                for col, value in enumerate(values):
                    if isinstance(value, str) and value and (row, col) not in self.merged:
                        index.setdefault(normalize(value), []).append((row, col))
            self._index = index
        for place in self._index.get(wanted, ()):
            if rows is None or place[0] in rows:
                yield place


def load_grids(data: bytes) -> list[Grid]:
    """Every worksheet of the workbook, after the archive's size checks."""
    archive = check_archive(data)
    formulas: FormulaCells = formula_cells(archive, sheet_parts(archive))
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as error:  # calamine raises its own error types, and ValueError
        raise UnreadableWorkbook(f"the workbook cannot be read: {error}") from None
    grids = []
    for name in book.sheet_names:
        try:
            sheet = book.get_sheet_by_name(name)
        except Exception as error:
            raise UnreadableWorkbook(f"sheet {name} cannot be read: {error}") from None
        if sheet.height > MAX_ROWS or sheet.width > MAX_COLUMNS:
            raise PayloadTooLarge(
                f"sheet {name} has {sheet.height} rows and {sheet.width} columns; "
                f"at most {MAX_ROWS} rows and {MAX_COLUMNS} columns are read"
            )
        rows = sheet.to_python(skip_empty_area=False)
        grids.append(
            Grid(name, rows, _merged(sheet.merged_cell_ranges), formulas.by_sheet.get(name, {}))
        )
    return grids


def _merged(ranges: Any) -> dict[tuple[int, int], tuple[int, int]]:
    """Every cell covered by a merged range, except its top left, → that top left."""
    covered: dict[tuple[int, int], tuple[int, int]] = {}
    for (top, left), (bottom, right) in ranges or ():
        if (bottom - top + 1) * (right - left + 1) > MAX_ROWS * 4:
            continue  # a sheet-wide merge carries no label worth spreading
        for row in range(top, bottom + 1):
            for col in range(left, right + 1):
                if (row, col) != (top, left):
                    covered[(row, col)] = (top, left)
    return covered
