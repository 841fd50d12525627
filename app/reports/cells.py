"""Report cells to and from ``report_cell`` rows.

Zero is the default: a cell whose value is 0 has no row. Most agencies (townships above all)
report zeros in nearly every cell, so this keeps the table and every sum over it a fraction
of the size; a blank (not reported) cell keeps its row, with NULL, so blank stays apart
from zero. Counts and changes are stored as they are. Amounts (万元, at most six decimal places) are
stored as integers in millionths of 万元 — one 分 — so that ``SUM`` is exact on SQLite and
PostgreSQL alike and never passes through a float.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import cache

from app.formats.cells import CellValue
from app.formats.definitions import FORMATS, CellKey, ValueKind, cell_pointer

AMOUNT_SCALE = Decimal(10) ** 6


def _amount_keys(format_id: str) -> frozenset[CellKey]:
    return frozenset(
        cell.key for cell in FORMATS[format_id].cells() if cell.kind is ValueKind.AMOUNT
    )


_AMOUNT_KEYS = {format_id: _amount_keys(format_id) for format_id in FORMATS}


@cache
def _keys_and_amount(format_id: str, section: str | None) -> tuple[tuple[CellKey, bool], ...]:
    """The cell keys of a format (or of one section), in format order, with whether each holds
    an amount: kept, because stored_rows and cells_from_rows run on every write and read."""
    amounts = _AMOUNT_KEYS[format_id]
    return tuple(
        (key, key in amounts)
        for key in FORMATS[format_id].cell_keys()
        if section is None or key[0] == section
    )


def is_amount(format_id: str, key: CellKey) -> bool:
    return key in _AMOUNT_KEYS[format_id]


def from_stored(format_id: str, key: CellKey, stored: int | None) -> CellValue:
    if stored is None:
        return None
    if is_amount(format_id, key):
        return amount_from_stored(stored)
    return stored


def amount_from_stored(stored: int) -> Decimal:
    value = Decimal(stored) / AMOUNT_SCALE
    # Drop the trailing zeros the scaling adds ("7730.280000" → "7730.28"), keep integers plain.
    normalized = value.normalize()
    return normalized.quantize(Decimal(1)) if normalized == normalized.to_integral() else normalized


def stored_rows(
    format_id: str, cells: Mapping[CellKey, CellValue]
) -> list[tuple[str, str, str, int | None]]:
    """The cells to store as (section, row, column, stored value): every cell but zeros."""
    rows: list[tuple[str, str, str, int | None]] = []
    for key, amount in _keys_and_amount(format_id, None):
        value = cells.get(key)
        if value is None:
            rows.append((*key, None))
        elif stored := int(Decimal(value) * AMOUNT_SCALE) if amount else int(value):
            rows.append((*key, stored))
    return rows


def cells_from_rows(
    format_id: str, rows: Iterable[tuple[str, str, str, int | None]], section: str | None = None
) -> dict[CellKey, CellValue]:
    """Every cell of the format (or of one ``section``), in format order: the stored rows, 0
    where there is none."""
    stored = {(part, row, column): value for part, row, column, value in rows}
    cells: dict[CellKey, CellValue] = {}
    for key, amount in _keys_and_amount(format_id, section):
        value = stored.get(key, 0)
        cells[key] = amount_from_stored(value) if amount and value is not None else value
    return cells


def computed_pointers(format_id: str, computed: frozenset[CellKey]) -> list[str]:
    """The JSON Pointers of the computed cells, in format order, as a revision keeps them."""
    return [cell_pointer(key) for key in FORMATS[format_id].cell_keys() if key in computed]


def computed_keys(format_id: str, pointers: Iterable[str] | None) -> frozenset[CellKey]:
    """The inverse of ``computed_pointers``."""
    if not pointers:
        return frozenset()
    keys = _KEY_OF_POINTER[format_id]
    return frozenset(keys[pointer] for pointer in pointers if pointer in keys)


# Built once: a section read must not join ~300 pointers to look up a few.
_KEY_OF_POINTER = {
    format_id: {cell_pointer(key): key for key in fmt.cell_keys()}
    for format_id, fmt in FORMATS.items()
}
