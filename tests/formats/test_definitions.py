"""The format definitions: the official structure, once, in order."""

from __future__ import annotations

import pytest

from app.formats.definitions import FORMATS, CellRole, RowRole, ValueKind, format_for_year

APPLICANTS = [
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_agency",
    "other_org",
]


@pytest.mark.parametrize(
    ("year", "format_id"),
    [
        (2008, "2019"),
        (2019, "2019"),
        (2020, "2019"),
        (2021, "2021"),
        (2024, "2021"),
        (2099, "2021"),
    ],
)
def test_format_for_year(year: int, format_id: str) -> None:
    assert format_for_year(year).id == format_id


@pytest.mark.parametrize(("format_id", "data_rows"), [("2019", 23), ("2021", 25)])
def test_applications_matrix_shape(format_id: str, data_rows: int) -> None:
    section = FORMATS[format_id].section("applications")
    subtotals = section.rows_with_role(RowRole.RESULT_SUBTOTAL)

    assert len(section.rows) - len(subtotals) == data_rows
    assert all(
        [column.key for column in row.columns] == [*APPLICANTS, "total"] for row in section.rows
    )


def test_2021_splits_other_handling_into_three_sub_rows_under_a_subtotal() -> None:
    rows = FORMATS["2021"].section("applications").rows
    keys = [row.key for row in rows]

    assert keys[-6:] == [
        "other",
        "other_no_correction",
        "other_fee_unpaid",
        "other_misc",
        "results_total",
        "carried_forward",
    ]
    assert rows[keys.index("other_misc")].groups[-1].zh == "（六）其他处理"
    assert rows[keys.index("other")].role is RowRole.RESULT_SUBTOTAL


@pytest.mark.parametrize(
    ("format_id", "rows"),
    [
        (
            "2019",
            [
                "regulations",
                "normative_documents",
                "licensing",
                "other_services",
                "penalties",
                "coercion",
                "fees",
                "procurement",
            ],
        ),
        (
            "2021",
            ["regulations", "normative_documents", "licensing", "penalties", "coercion", "fees"],
        ),
    ],
)
def test_proactive_rows_in_order(format_id: str, rows: list[str]) -> None:
    assert [row.key for row in FORMATS[format_id].section("proactive").rows] == rows


def test_value_kinds() -> None:
    kinds = {cell.pointer: cell.kind for fmt in FORMATS.values() for cell in fmt.cells()}

    assert kinds["/proactive/licensing/change"] is ValueKind.CHANGE
    assert kinds["/proactive/procurement/amount"] is ValueKind.AMOUNT
    assert kinds["/proactive/fees/amount"] is ValueKind.AMOUNT
    assert kinds["/proactive/regulations/in_force"] is ValueKind.COUNT


def test_official_labels_and_captions() -> None:
    fmt = FORMATS["2019"]
    proactive = fmt.section("proactive")
    applications = fmt.section("applications")

    caption = proactive.row("fees").caption
    assert caption is not None
    assert caption.zh == "第二十条第（八）项"
    assert applications.row("withheld_security_stability").label.zh == "3.危及“三安全一稳定”"
    assert applications.row("withheld_security_stability").groups[-1].zh == "（三）不予公开"
    assert applications.row("new_received").label.zh == "一、本年新收政府信息公开申请数量"


@pytest.mark.parametrize("format_id", ["2019", "2021"])
def test_cells_in_table_order_with_pointers(format_id: str) -> None:
    cells = list(FORMATS[format_id].cells())

    assert cells[0].pointer == "/proactive/regulations/" + (
        "made" if format_id == "2019" else "issued"
    )
    assert cells[-1].pointer == "/reviews/litigation_after_review/total"
    assert len({cell.key for cell in cells}) == len(cells)


@pytest.mark.parametrize(("format_id", "totals", "subtotals"), [("2019", 32, 0), ("2021", 35, 6)])
def test_total_cells(format_id: str, totals: int, subtotals: int) -> None:
    roles = [cell.role for cell in FORMATS[format_id].total_cells()]

    # applications: the total column of every row plus the six applicant results_total cells;
    # reviews: three totals; 2021 adds the （六） subtotal row's applicant cells.
    assert roles.count(CellRole.TOTAL) == totals
    assert roles.count(CellRole.SUBTOTAL) == subtotals


def test_reviews_groups() -> None:
    section = FORMATS["2021"].section("reviews")

    assert [row.key for row in section.rows] == [
        "review",
        "litigation_direct",
        "litigation_after_review",
    ]
    assert [column.key for column in section.rows[0].columns] == [
        "upheld",
        "corrected",
        "other",
        "pending",
        "total",
    ]
