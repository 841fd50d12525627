"""The likely wrong cell: one suggestion where a single change mends every broken identity,
none where several would."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.formats.definitions import FORMATS, CellRole
from app.formats.rules import Evaluation

from .factories import Edits, edited, hongze, run, seed, without_totals
from .test_properties import balanced_reports

A = "/applications"
R = "/reviews"
IDENTITY_RULES = {
    "applications.balance",
    "applications.row_total",
    "applications.results_total",
    "applications.other_subtotal",
    "reviews.total",
}


def suggested(evaluation: Evaluation) -> dict[str, set[tuple[str, int]]]:
    """Per identity rule that fails: the (pointer, value) its findings suggest."""
    out: dict[str, set[tuple[str, int]]] = {}
    for finding in evaluation.findings:
        if finding.rule in IDENTITY_RULES:
            out.setdefault(finding.rule, set()).update(
                (s.pointer, s.value) for s in finding.suggestions or []
            )
    return out


CASES: list[tuple[str, dict[str, Any], int, Edits, dict[str, set[tuple[str, int]]]]] = [
    (
        "matrix-cell-mends-its-row-total-and-its-column-balance",
        seed(),
        2020,
        {f"{A}/new_received/natural_person": 3},
        {
            "applications.row_total": {(f"{A}/new_received/natural_person", 0)},
            "applications.balance": {(f"{A}/new_received/natural_person", 0)},
        },
    ),
    (
        "result-cell-mends-its-row-and-its-results-total",
        hongze(2024),
        2024,
        {f"{A}/granted/commercial_enterprise": 7},
        {
            "applications.row_total": {(f"{A}/granted/commercial_enterprise", 0)},
            "applications.results_total": {(f"{A}/granted/commercial_enterprise", 0)},
        },
    ),
    (
        "a-wrong-row-total-alone-is-the-total",
        hongze(2024),
        2024,
        {f"{A}/granted/total": 51},
        {
            "applications.row_total": {(f"{A}/granted/total", 50)},
            "applications.results_total": {(f"{A}/granted/total", 50)},
        },
    ),
    (
        "totals-omitted-two-cells-could-mend-the-balance",
        without_totals(seed()),
        2020,
        {f"{A}/new_received/natural_person": 3},
        {"applications.balance": set()},
    ),
    (
        "a-review-row-is-mended-by-its-total-or-by-any-outcome",
        seed(),
        2020,
        {f"{R}/review/upheld": 2},
        {"reviews.total": set()},
    ),
    (
        "hongze-2023-review-totals-printed-0",
        hongze(2023),
        2023,
        {},
        {"reviews.total": set()},
    ),
    (
        "two-wrong-cells-have-no-single-fix",
        seed(),
        2020,
        {f"{A}/new_received/natural_person": 3, f"{A}/carried_forward/other_org": 2},
        {"applications.row_total": set(), "applications.balance": set()},
    ),
]


@pytest.mark.parametrize(
    ("body", "year", "edits", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_suggestions(
    body: dict[str, Any], year: int, edits: Edits, expected: dict[str, set[tuple[str, int]]]
) -> None:
    assert suggested(run(edited(body, edits), year)) == expected


def test_a_finding_without_suggestion_has_no_suggestions_key() -> None:
    evaluation = run(edited(seed(), {f"{R}/review/upheld": 2}), 2020)
    assert "suggestions" not in evaluation.findings[0].model_dump(mode="json")
    assert "acknowledged" not in evaluation.findings[0].model_dump(mode="json")


def test_a_suggestion_is_part_of_the_finding_json() -> None:
    evaluation = run(edited(hongze(2024), {f"{A}/granted/total": 51}), 2024)
    (row_total,) = [f for f in evaluation.findings if f.rule == "applications.row_total"]
    assert row_total.model_dump(mode="json")["suggestions"] == [
        {"pointer": f"{A}/granted/total", "value": 50}
    ]


@pytest.mark.parametrize("format_id", ["2019", "2021"])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_one_changed_cell_is_the_suggestion_with_its_value_when_unique(
    format_id: str, data: st.DataObject
) -> None:
    body = data.draw(balanced_reports(format_id, "checkable"))
    fmt = FORMATS[format_id]
    data_cells = [
        cell
        for cell in fmt.cells()
        if cell.section in ("applications", "reviews")
        and cell.role is CellRole.DATA
        and cell.column in body[cell.section].get(cell.row, {})
    ]
    target = data.draw(st.sampled_from(data_cells))
    original = body[target.section][target.row][target.column]
    changed = data.draw(st.integers(0, 60).filter(lambda value: value != original))
    evaluation = run(edited(body, {target.pointer: changed}), fmt.first_year)

    offered = {
        (s.pointer, s.value) for finding in evaluation.findings for s in finding.suggestions or []
    }
    assert evaluation.errors  # the change is caught
    assert offered <= {(target.pointer, original)}
    # With every applications total given, a matrix cell is always the only single fix.
    if target.section == "applications" and _all_totals_given(body, "applications"):
        assert offered == {(target.pointer, original)}


def _all_totals_given(body: dict[str, Any], section: str) -> bool:
    fmt = FORMATS[body["format"]]
    return all(
        cell.column in body[section].get(cell.row, {})
        for cell in fmt.total_cells()
        if cell.section == section and cell.role is CellRole.TOTAL
    )
