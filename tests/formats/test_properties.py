"""Properties: reports that satisfy the identities pass; any one wrong figure is caught."""

from __future__ import annotations

from typing import Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.formats.definitions import FORMATS, CellRole, ColumnSpec, RowRole, ValueKind
from app.formats.rules import evaluate
from app.formats.schema import parse_report

from .factories import OMIT, edited

TotalsMode = Literal["any", "checkable"]
COUNTS = st.integers(0, 40)


def _value(kind: ValueKind) -> st.SearchStrategy[Any]:
    # Up to a tenth of the bound (10^12): a total of up to ten such parts stays within it.
    if kind is ValueKind.CHANGE:
        return st.integers(-(10**11), 10**11)
    if kind is ValueKind.AMOUNT:
        return st.decimals(0, 10**9, places=2).map(str)
    return st.integers(0, 10**11)


@st.composite
def balanced_reports(draw: st.DrawFn, format_id: str, totals: TotalsMode) -> dict[str, Any]:
    """A body satisfying every identity of its format.

    ``any``: each total given, omitted or null. ``checkable``: the reviews totals given
    (without them a review figure has no identity to break).
    """
    fmt = FORMATS[format_id]
    body: dict[str, Any] = {
        "format": format_id,
        "proactive": {
            row.key: {column.key: draw(_value(column.kind)) for column in row.columns}
            for row in fmt.section("proactive").rows
        },
    }

    section = fmt.section("applications")
    has_parts = bool(section.rows_with_role(RowRole.RESULT_PART))
    # How the report prints （六）: sub-rows, the one subtotal row, or both.
    style = draw(st.sampled_from(["parts", "subtotal", "both"])) if has_parts else "single"
    matrix: dict[str, dict[str, int]] = {}
    applicants = [column for column in section.rows[0].columns if not column.is_total]
    for column in applicants:
        _balanced_column(draw, section.rows, column, style, matrix)
    for values in matrix.values():
        values["total"] = sum(values.values())
    body["applications"] = matrix

    body["reviews"] = {}
    for row in fmt.section("reviews").rows:
        outcomes = {column.key: draw(COUNTS) for column in row.columns if not column.is_total}
        body["reviews"][row.key] = {**outcomes, "total": sum(outcomes.values())}

    counts = draw(st.lists(COUNTS, max_size=4))
    body["channels"] = {
        "total": sum(counts),
        "items": [{"name": f"渠道{index}", "count": count} for index, count in enumerate(counts)],
    }

    edits: dict[str, Any] = {}
    for cell in fmt.total_cells():
        if cell.role is not CellRole.TOTAL or not _present(body, cell.key):
            continue
        if totals == "checkable" and cell.section == "reviews":
            continue
        choice = draw(
            st.sampled_from(
                ["given", "omitted", "null"] if totals == "any" else ["given", "omitted"]
            )
        )
        if choice != "given":
            edits[cell.pointer] = OMIT if choice == "omitted" else None
    return edited(body, edits)


def _balanced_column(
    draw: st.DrawFn, rows: Any, column: ColumnSpec, style: str, matrix: dict[str, dict[str, int]]
) -> None:
    results = {row.key: draw(COUNTS) for row in rows if row.role is RowRole.RESULT}
    parts = {row.key: draw(COUNTS) for row in rows if row.role is RowRole.RESULT_PART}
    subtotal = sum(parts.values())
    results_total = sum(results.values()) + subtotal
    carried_forward = draw(COUNTS)
    carried_over = draw(st.integers(0, results_total + carried_forward))
    values = {
        **results,
        "results_total": results_total,
        "carried_forward": carried_forward,
        "carried_over": carried_over,
        "new_received": results_total + carried_forward - carried_over,
    }
    if style in ("parts", "both"):
        values.update(parts)
    if style in ("subtotal", "both"):
        values["other"] = subtotal
    for row_key, value in values.items():
        matrix.setdefault(row_key, {})[column.key] = value


def _present(body: dict[str, Any], key: tuple[str, str, str]) -> bool:
    section, row, column = key
    return column in body.get(section, {}).get(row, {})


def _identity_cells(body: dict[str, Any], section: str) -> list[str]:
    return [
        f"/{section}/{row}/{column}"
        for row, values in body[section].items()
        for column in values
        if values[column] is not None
    ]


@pytest.mark.parametrize("format_id", ["2019", "2021"])
@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_reports_satisfying_the_identities_have_no_error(
    format_id: str, data: st.DataObject
) -> None:
    body = data.draw(balanced_reports(format_id, "any"))
    year = FORMATS[format_id].first_year

    evaluation = evaluate(parse_report(body, year=year), year=year)

    assert evaluation.errors == []


@pytest.mark.parametrize("format_id", ["2019", "2021"])
@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_any_one_changed_figure_is_caught_by_an_error_rule(
    format_id: str, data: st.DataObject
) -> None:
    body = data.draw(balanced_reports(format_id, "checkable"))
    # The section first, so the 15 review cells are not drowned by the ~170 application cells.
    section = data.draw(st.sampled_from(["applications", "reviews"]))
    pointer = data.draw(st.sampled_from(_identity_cells(body, section)))
    _, _, row, column = pointer.split("/")
    value = body[section][row][column]
    delta = data.draw(st.integers(1, 50))
    changed = value - delta if value >= delta and data.draw(st.booleans()) else value + delta
    year = FORMATS[format_id].first_year

    evaluation = evaluate(parse_report(edited(body, {pointer: changed}), year=year), year=year)

    assert evaluation.errors, pointer
