"""A report's cells completed: totals the body omitted or left blank are computed.

Null is not zero, but sums treat it as zero (the rule engine says so in a warning). A total
the body gives is kept as given, never overwritten, so the checks can compare it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import TypeAlias

from app.formats.definitions import CellKey, ColumnSpec, ReportFormat, RowRole, RowSpec

CellValue: TypeAlias = int | Decimal | None


@dataclass(frozen=True)
class CompletedCells:
    fmt: ReportFormat
    stated: Mapping[CellKey, CellValue]  # what the body says: absent = omitted, None = null
    values: Mapping[CellKey, CellValue]  # every cell of the format, totals computed
    computed: frozenset[CellKey]

    def value(self, key: CellKey) -> CellValue:
        return self.values[key]

    def number(self, key: CellKey) -> int:
        """The cell as an addend: a blank counts as 0."""
        value = self.values[key]
        return int(value) if value is not None else 0

    @cached_property
    def numbers(self) -> Mapping[CellKey, int]:
        """Every cell as ``number`` gives it, made once: the rules add up hundreds."""
        return {key: int(value) if value is not None else 0 for key, value in self.values.items()}

    @cached_property
    def blanks(self) -> frozenset[CellKey]:
        """The cells not reported: null in the body, or a data cell left out (an omitted
        total is computed, not blank; a total stated null stays blank though computed)."""
        missing = {key for key, value in self.values.items() if value is None}
        nulls = {key for key, value in self.stated.items() if value is None}
        return frozenset(missing | (nulls & self.computed))

    def is_given(self, key: CellKey) -> bool:
        return self.stated.get(key) is not None

    def is_null(self, key: CellKey) -> bool:
        return key in self.stated and self.stated[key] is None

    def is_computed(self, key: CellKey) -> bool:
        return key in self.computed


def result_addends(
    fmt: ReportFormat, stated: Mapping[CellKey, CellValue], column: str
) -> tuple[RowSpec, ...]:
    """The result rows that add up to （七）总计 in ``column``, each outcome counted once.

    （六）其他处理 counts through its sub-rows when the body gives any of them in this
    column, otherwise through the ``other`` row (many reports print it as one row).
    """
    section = fmt.section("applications")
    parts = section.rows_with_role(RowRole.RESULT_PART)
    parts_given = any(stated.get(("applications", row.key, column)) is not None for row in parts)
    counted = RowRole.RESULT_PART if parts_given else RowRole.RESULT_SUBTOTAL
    return section.rows_with_role(RowRole.RESULT, counted)


def complete(fmt: ReportFormat, stated: Mapping[CellKey, CellValue]) -> CompletedCells:
    values: dict[CellKey, CellValue] = dict.fromkeys(fmt.cell_keys())
    if stated.keys() <= values.keys():  # the usual case, checked in C: one update
        values.update(stated)
    else:
        values.update((key, value) for key, value in stated.items() if key in values)
    computed: set[CellKey] = set()
    for key, addends, probe, addends_without_parts in _completion_plan(fmt):
        if values[key] is not None:
            continue
        if probe is not None and not any(stated.get(part) is not None for part in probe):
            addends = addends_without_parts
        values[key] = sum(_as_number(values[addend]) for addend in addends)
        computed.add(key)
    return CompletedCells(fmt, dict(stated), values, frozenset(computed))


# A total to fill: its key, its addends, and for （七）总计 (else None) the result parts of
# which one given keeps those addends, none the last ones instead (``result_addends``).
_Step = tuple[CellKey, tuple[CellKey, ...], tuple[CellKey, ...] | None, tuple[CellKey, ...]]
_PLANS: dict[str, tuple[ReportFormat, tuple[_Step, ...]]] = {}


def _completion_plan(fmt: ReportFormat) -> tuple[_Step, ...]:
    """``complete``'s steps for a format, in order, worked out once: the format never changes."""
    known = _PLANS.get(fmt.id)
    if known is not None and known[0] is fmt:
        return known[1]
    steps: list[_Step] = []

    def fill(key: CellKey, addends: list[CellKey]) -> None:
        steps.append((key, tuple(addends), None, ()))

    # Order matters: row totals add up cells that column subtotals may have just filled.
    for section in fmt.sections:
        data_columns = [column for column in _columns(section.rows) if not column.is_total]
        subtotals = section.rows_with_role(RowRole.RESULT_SUBTOTAL)
        parts = section.rows_with_role(RowRole.RESULT_PART)
        for row in subtotals:
            for column in data_columns:
                fill(
                    (section.key, row.key, column.key),
                    [(section.key, part.key, column.key) for part in parts],
                )
        for row in section.rows_with_role(RowRole.RESULTS_TOTAL):
            for column in data_columns:
                applications = fmt.section("applications")
                probe = tuple(
                    ("applications", part.key, column.key)
                    for part in applications.rows_with_role(RowRole.RESULT_PART)
                )
                with_parts = applications.rows_with_role(RowRole.RESULT, RowRole.RESULT_PART)
                without = applications.rows_with_role(RowRole.RESULT, RowRole.RESULT_SUBTOTAL)
                steps.append(
                    (
                        (section.key, row.key, column.key),
                        tuple((section.key, addend.key, column.key) for addend in with_parts),
                        probe,
                        tuple((section.key, addend.key, column.key) for addend in without),
                    )
                )
        for row in section.rows:
            for column in row.columns:
                if column.is_total:
                    fill(
                        (section.key, row.key, column.key),
                        [
                            (section.key, row.key, other.key)
                            for other in row.columns
                            if not other.is_total
                        ],
                    )
    _PLANS[fmt.id] = (fmt, tuple(steps))
    return _PLANS[fmt.id][1]


def _columns(rows: tuple[RowSpec, ...]) -> tuple[ColumnSpec, ...]:
    # Matrix sections share their columns across rows; proactive rows have their own.
    return rows[0].columns if rows and all(row.columns == rows[0].columns for row in rows) else ()


def _as_number(value: CellValue) -> int:
    return int(value) if value is not None else 0
