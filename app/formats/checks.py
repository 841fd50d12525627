"""The checks behind the rules: pure functions that yield every issue they find.

A check reads the completed cells and names a message template; it never decides
severity or wording (the catalogue in ``rules.py`` and ``messages.py`` do).

A comparison made only of computed cells is skipped: it can only restate a problem
that a check on the given cells already reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from app.formats.cells import CompletedCells, result_addends
from app.formats.definitions import (
    CellKey,
    CellSpec,
    Label,
    RowRole,
    SectionSpec,
    cell_pointer,
    format_for_year,
)
from app.formats.messages import Param, Terms
from app.formats.row_totals import row_total_plan

if TYPE_CHECKING:
    from app.formats.schema import ReportBase

APPLICATIONS = "applications"
PROACTIVE = "proactive"
REVIEWS = "reviews"

_RESULTS_TOTAL = Label("办理结果总计", "results total")
_IN_FORCE_COLUMNS = ("issued", "repealed", "in_force")


@dataclass(frozen=True)
class IdenticalReport:
    """Another agency's published report of the same year with the very same figures."""

    agency_code: str
    agency_name: str


@dataclass(frozen=True)
class Context:
    report: ReportBase
    year: int
    cells: CompletedCells
    previous: CompletedCells | None  # the same agency's report for the year before
    # What only the caller knows: the agency's kind (None: unknown, the kind rules stay
    # silent) and the other agencies' reports with the same figures (looked up in storage).
    agency_kind: str | None = None
    identical: tuple[IdenticalReport, ...] = ()


@dataclass(frozen=True)
class Issue:
    template: str
    # JSON Pointers into the body; a total comes first, then the cells it was compared with.
    cells: tuple[str, ...]
    params: Mapping[str, Param] = field(default_factory=dict)
    expected: int | Decimal | str | None = None
    actual: int | Decimal | str | None = None


def _difference(expected: int, actual: int) -> int:
    return abs(expected - actual)


def _pointers(keys: Iterable[CellKey]) -> tuple[str, ...]:
    return tuple(cell_pointer(key) for key in keys)


def _all_computed(cells: CompletedCells, keys: Iterable[CellKey]) -> bool:
    return all(cells.is_computed(key) for key in keys)


# --------------------------------------------------------------------------------------------
# Identities of one report (errors)


def check_balance(ctx: Context) -> Iterator[Issue]:
    """Per column: 本年新收 + 上年结转 = 办理结果总计 + 结转下年度."""
    cells = ctx.cells
    section = cells.fmt.section(APPLICATIONS)
    inputs = section.rows_with_role(RowRole.INTAKE)
    outputs = section.rows_with_role(RowRole.RESULTS_TOTAL, RowRole.CARRIED_FORWARD)
    for column in section.rows[0].columns:
        input_keys = [(APPLICATIONS, row.key, column.key) for row in inputs]
        output_keys = [(APPLICATIONS, row.key, column.key) for row in outputs]
        if _all_computed(cells, input_keys + output_keys):
            continue
        expected = sum(map(cells.numbers.__getitem__, input_keys))
        actual = sum(map(cells.numbers.__getitem__, output_keys))
        if expected != actual:
            yield Issue(
                "applications.balance",
                _pointers(input_keys + output_keys),
                {
                    "column": column.label,
                    "inputs": Terms(
                        tuple(
                            (row.short_label, cells.number(key))
                            for row, key in zip(inputs, input_keys, strict=True)
                        )
                    ),
                    "outputs": Terms(
                        tuple(
                            (row.short_label, cells.number(key))
                            for row, key in zip(outputs, output_keys, strict=True)
                        )
                    ),
                    "difference": _difference(expected, actual),
                },
                expected,
                actual,
            )


def check_application_row_totals(ctx: Context) -> Iterator[Issue]:
    """Per row: 总计 = the six applicant columns."""
    return _row_totals(ctx, ctx.cells.fmt.section(APPLICATIONS), "applications.row_total")


def check_review_totals(ctx: Context) -> Iterator[Issue]:
    """Per group: 总计 = 维持 + 纠正 + 其他结果 + 尚未审结."""
    return _row_totals(ctx, ctx.cells.fmt.section(REVIEWS), "reviews.total")


def _row_totals(ctx: Context, section: SectionSpec, template: str) -> Iterator[Issue]:
    cells = ctx.cells
    numbers, computed = cells.numbers, cells.computed
    for row, parts, part_keys, totals in row_total_plan(section):
        for total, total_key in totals:
            if total_key in computed:
                continue
            expected = sum(map(numbers.__getitem__, part_keys))
            actual = numbers[total_key]
            if expected != actual:
                yield Issue(
                    template,
                    _pointers([total_key, *part_keys]),
                    {
                        "row": row.short_label,
                        "total": total.label,
                        "expected": expected,
                        "actual": actual,
                        "difference": _difference(expected, actual),
                        "terms": Terms(
                            tuple(
                                (column.label, cells.number(key))
                                for column, key in zip(parts, part_keys, strict=True)
                            )
                        ),
                    },
                    expected,
                    actual,
                )


def check_results_total(ctx: Context) -> Iterator[Issue]:
    """Per column: （七）总计 = every result row, （六） counted once."""
    cells = ctx.cells
    section = cells.fmt.section(APPLICATIONS)
    for total_row in section.rows_with_role(RowRole.RESULTS_TOTAL):
        for column in total_row.columns:
            total_key = (APPLICATIONS, total_row.key, column.key)
            if cells.is_computed(total_key):
                continue
            addends = result_addends(cells.fmt, cells.stated, column.key)
            addend_keys = [(APPLICATIONS, row.key, column.key) for row in addends]
            expected = sum(map(cells.numbers.__getitem__, addend_keys))
            actual = cells.numbers[total_key]
            if expected != actual:
                yield Issue(
                    "applications.results_total",
                    _pointers([total_key, *addend_keys]),
                    {
                        "column": column.label,
                        "total": _RESULTS_TOTAL,
                        "expected": expected,
                        "actual": actual,
                        "difference": _difference(expected, actual),
                        "terms": Terms(
                            tuple(
                                (row.short_label, cells.number(key))
                                for row, key in zip(addends, addend_keys, strict=True)
                            ),
                            nonzero_only=True,
                        ),
                    },
                    expected,
                    actual,
                )


def check_other_subtotal(ctx: Context) -> Iterator[Issue]:
    """2021, per column: （六）其他处理 = its three sub-rows, when both are given."""
    cells = ctx.cells
    section = cells.fmt.section(APPLICATIONS)
    parts = section.rows_with_role(RowRole.RESULT_PART)
    for subtotal in section.rows_with_role(RowRole.RESULT_SUBTOTAL):
        for column in subtotal.columns:
            subtotal_key = (APPLICATIONS, subtotal.key, column.key)
            part_keys = [(APPLICATIONS, row.key, column.key) for row in parts]
            if not cells.is_given(subtotal_key) or not any(map(cells.is_given, part_keys)):
                continue
            expected = sum(map(cells.numbers.__getitem__, part_keys))
            actual = cells.numbers[subtotal_key]
            if expected != actual:
                yield Issue(
                    "applications.other_subtotal",
                    _pointers([subtotal_key, *part_keys]),
                    {
                        "column": column.label,
                        "subtotal": subtotal.short_label,
                        "expected": expected,
                        "actual": actual,
                        "difference": _difference(expected, actual),
                        "terms": Terms(
                            tuple(
                                (row.short_label, cells.number(key))
                                for row, key in zip(parts, part_keys, strict=True)
                            )
                        ),
                    },
                    expected,
                    actual,
                )


def check_channels_sum(ctx: Context) -> Iterator[Issue]:
    """Part 一's per-channel counts add up to the total it states."""
    channels = ctx.report.channels
    if channels is None or channels.total is None or not channels.items:
        return
    expected = sum(item.count for item in channels.items)
    actual = channels.total
    if expected != actual:
        yield Issue(
            "narrative.channels_sum",
            (
                "/channels/total",
                *(f"/channels/items/{index}/count" for index in range(len(channels.items))),
            ),
            {
                "terms": Terms(tuple((item.name, item.count) for item in channels.items)),
                "expected": expected,
                "actual": actual,
                "difference": _difference(expected, actual),
            },
            expected,
            actual,
        )


# --------------------------------------------------------------------------------------------
# Plausibility (warnings)


def check_not_reported(ctx: Context) -> Iterator[Issue]:
    """A blank cell, or a total left blank that the service computed."""
    cells = ctx.cells
    # Most cells are reported: find the few blanks first, then pay for labels only on those.
    blanks = cells.blanks
    if not blanks:
        return
    for cell in (cell for cell in cells.fmt.cells() if cell.key in blanks):
        if _counted_as_one_row(cells, cell):
            continue
        row = cells.fmt.section(cell.section).row(cell.row)
        params: dict[str, Param] = {"row": row.short_label, "column": row.column(cell.column).label}
        if cells.is_computed(cell.key):
            value = cells.value(cell.key)
            params["expected"] = value if value is not None else 0
            yield Issue("cells.not_reported.computed", (cell.pointer,), params, value)
        else:
            yield Issue("cells.not_reported", (cell.pointer,), params)


def _counted_as_one_row(cells: CompletedCells, cell: CellSpec) -> bool:
    # A 2021 report may print （六）其他处理 as one row: its sub-rows are then not blanks.
    if cell.section != APPLICATIONS:
        return False
    section = cells.fmt.section(cell.section)
    if section.row(cell.row).role is not RowRole.RESULT_PART:
        return False
    subtotals = section.rows_with_role(RowRole.RESULT_SUBTOTAL)
    parts = section.rows_with_role(RowRole.RESULT_PART)
    subtotal_given = any(cells.is_given((cell.section, row.key, cell.column)) for row in subtotals)
    parts_given = any(cells.is_given((cell.section, row.key, cell.column)) for row in parts)
    return subtotal_given and not parts_given


def check_year_format(ctx: Context) -> Iterator[Issue]:
    due = format_for_year(ctx.year)
    used = ctx.cells.fmt
    if due.id != used.id:
        yield Issue(
            "format.year_mismatch",
            ("/format",),
            {"year": ctx.year, "expected": due.id, "actual": used.id},
            due.id,
            used.id,
        )


# --------------------------------------------------------------------------------------------
# Across years (warnings; need the previous year's report)


def check_carry_over(ctx: Context) -> Iterator[Issue]:
    """Per column: 上年结转 = last year's 结转下年度 (any format to any format)."""
    cells, previous = ctx.cells, ctx.previous
    if previous is None:
        return
    for column in cells.fmt.section(APPLICATIONS).row("carried_over").columns:
        this_key = (APPLICATIONS, "carried_over", column.key)
        last_key = (APPLICATIONS, "carried_forward", column.key)
        if not previous.fmt.has_cell(last_key):
            continue
        if cells.is_computed(this_key) and previous.is_computed(last_key):
            continue
        this, last = cells.value(this_key), previous.value(last_key)
        if this is None or last is None or this == last:
            continue
        yield Issue(
            "applications.carry_over_continuity",
            (cell_pointer(this_key),),
            {
                "column": column.label,
                "expected": last,
                "actual": this,
                "difference": _difference(int(last), int(this)),
            },
            last,
            this,
        )


def check_in_force(ctx: Context) -> Iterator[Issue]:
    """现行有效 = last year's 现行有效 + 本年制发 − 本年废止."""
    cells, previous = ctx.cells, ctx.previous
    if previous is None:
        return
    for row in cells.fmt.section(PROACTIVE).rows:
        issued_key, repealed_key, in_force_key = (
            (PROACTIVE, row.key, column) for column in _IN_FORCE_COLUMNS
        )
        if not all(cells.fmt.has_cell(key) for key in (issued_key, repealed_key, in_force_key)):
            continue
        if not previous.fmt.has_cell(in_force_key):
            continue  # a 2019-format year has no 现行有效 column to continue from
        last = previous.value(in_force_key)
        issued, repealed, in_force = (
            cells.value(key) for key in (issued_key, repealed_key, in_force_key)
        )
        if last is None or issued is None or repealed is None or in_force is None:
            continue
        expected = int(last) + int(issued) - int(repealed)
        if expected != in_force:
            yield Issue(
                "proactive.in_force_continuity",
                _pointers((in_force_key, issued_key, repealed_key)),
                {
                    "row": row.short_label,
                    "previous": last,
                    "issued": issued,
                    "repealed": repealed,
                    "expected": expected,
                    "actual": in_force,
                    "difference": _difference(expected, int(in_force)),
                },
                expected,
                in_force,
            )


def check_unchanged(ctx: Context) -> Iterator[Issue]:
    """Every figure the same as last year's: a copied table rather than new statistics."""
    cells, previous = ctx.cells, ctx.previous
    if previous is None or previous.fmt.id != cells.fmt.id:
        return
    if all(value is None for value in cells.values.values()):
        return
    if cells.values == previous.values:
        yield Issue(
            "report.unchanged_from_previous",
            tuple(f"/{section.key}" for section in cells.fmt.sections),
        )
