"""The identities table 三 must satisfy, checked on cells where a blank is unknown, not 0.

Used to choose among readings (splits of digits run together, assignments of figure rows
printed without their label); never to change a printed figure.
"""

from __future__ import annotations

from app.documents.interpret.figures import Value
from app.formats.definitions import CellKey, RowRole, RowSpec, SectionSpec


def row_identity_holds(row: RowSpec, values: list[Value]) -> bool:
    """The row's own identity: 总计 = the sum of the other columns, where the row has one."""
    keys = [column.key for column in row.columns]
    if "total" not in keys:
        return True
    total = values[keys.index("total")]
    parts = [v for k, v in zip(keys, values, strict=True) if k != "total"]
    if total is None:
        return True
    return sum(v or 0 for v in parts) == total


def rows_hold(section: SectionSpec, cells: dict[CellKey, Value]) -> bool:
    """Every printed row with no blank cell: its 总计 = the sum of its columns."""
    for row in section.rows:
        values = [cells.get((section.key, row.key, column.key)) for column in row.columns]
        if all(value is not None for value in values) and not row_identity_holds(row, values):
            return False
    return True


def columns_hold(section: SectionSpec, cells: dict[CellKey, Value]) -> bool:
    """Per column: 办理结果总计 = the result rows; 新收 + 结转 = 总计 + 结转下年度; and a
    subtotal printed with its parts (（六） as one row and as three) = the parts."""
    rows = {row.key: row for row in section.rows}
    parts = [r for r in section.rows if r.role is RowRole.RESULT_PART]
    has_parts = any((section.key, r.key, "total") in cells for r in parts)
    result_rows = [
        r
        for r in section.rows
        if r.role is RowRole.RESULT
        or (r.role is RowRole.RESULT_PART and has_parts)
        or (r.role is RowRole.RESULT_SUBTOTAL and not has_parts)
    ]
    subtotals = [r for r in section.rows if r.role is RowRole.RESULT_SUBTOTAL]
    for column in rows["results_total"].columns:
        results = column_sum(cells, section.key, [r.key for r in result_rows], column.key)
        stated = cells.get((section.key, "results_total", column.key))  # None: not printed
        if results is not None and stated is not None and results != stated:
            return False
        intake = column_sum(cells, section.key, ["new_received", "carried_over"], column.key)
        outcome = column_sum(cells, section.key, ["results_total", "carried_forward"], column.key)
        if intake is not None and outcome is not None and intake != outcome:
            return False
        for subtotal in subtotals if has_parts else ():
            printed = cells.get((section.key, subtotal.key, column.key))
            summed = column_sum(cells, section.key, [p.key for p in parts], column.key)
            if printed is not None and summed is not None and printed != summed:
                return False
    return True


def column_sum(
    cells: dict[CellKey, Value], section: str, rows: list[str], column: str
) -> int | None:
    """The sum of a column over ``rows`` (a row not printed counts 0); None if one is blank."""
    total = 0
    for row in rows:
        key = (section, row, column)
        if key in cells and cells[key] is None:
            return None
        total += int(cells.get(key) or 0)
    return total
