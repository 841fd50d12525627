"""Which cells of a section's rows add up to which totals: worked out once per section."""

from __future__ import annotations

from app.formats.definitions import CellKey, ColumnSpec, RowSpec, SectionSpec

_RowTotals = tuple[
    RowSpec, tuple[ColumnSpec, ...], tuple[CellKey, ...], tuple[tuple[ColumnSpec, CellKey], ...]
]
_ROW_TOTAL_PLANS: dict[int, tuple[SectionSpec, tuple[_RowTotals, ...]]] = {}


def row_total_plan(section: SectionSpec) -> tuple[_RowTotals, ...]:
    """Per row: its parts, their keys and its totals with theirs, worked out once."""
    known = _ROW_TOTAL_PLANS.get(id(section))
    if known is not None and known[0] is section:
        return known[1]
    plan = tuple(
        (
            row,
            parts := tuple(column for column in row.columns if not column.is_total),
            tuple((section.key, row.key, column.key) for column in parts),
            tuple(
                (column, (section.key, row.key, column.key))
                for column in row.columns
                if column.is_total
            ),
        )
        for row in section.rows
    )
    _ROW_TOTAL_PLANS[id(section)] = (section, plan)
    return plan
