"""Section views: a report's tables with labels beside the keys, in the format's order."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.errors import NotFoundError
from app.formats.cells import CellValue
from app.formats.definitions import FORMATS, CellKey, ValueKind
from app.formats.schema import parse_report, to_cells
from app.formats.sections import format_definition, render_section, section_json

from .factories import OMIT, edited, hongze, run, seed


def test_applications_section_of_hongze_2024() -> None:
    evaluation = run(hongze(2024), 2024)

    view = render_section(
        FORMATS["2021"], "applications", evaluation.cells, evaluation.computed
    ).model_dump()

    assert view["label_zh"] == "三、收到和处理政府信息公开申请情况"
    assert [row["key"] for row in view["rows"]][:3] == ["new_received", "carried_over", "granted"]
    granted = view["rows"][2]
    assert granted["label_zh"] == "（一）予以公开"
    assert [group["label_zh"] for group in granted["groups"]] == ["三、本年度办理结果"]
    assert [(cell["key"], cell["label_zh"], cell["value"]) for cell in granted["columns"]][::6] == [
        ("natural_person", "自然人", 50),
        ("total", "总计", 50),
    ]


def test_group_labels_ride_on_their_rows() -> None:
    view = render_section(FORMATS["2019"], "applications", {})
    rows = {row.key: row for row in view.rows}

    assert [group.label_zh for group in rows["unavailable_not_held"].groups] == [
        "三、本年度办理结果",
        "（四）无法提供",
    ]
    assert rows["new_received"].groups == []


def test_proactive_section_shows_captions_and_amounts_as_strings() -> None:
    report = parse_report(hongze(2023), year=2023)

    view = render_section(FORMATS["2021"], "proactive", to_cells(report))
    fees = view.rows[-1]

    assert (fees.caption_zh, fees.caption_en) == ("第二十条第（八）项", "Article 20(8)")
    assert (fees.columns[0].label_zh, fees.columns[0].value, fees.columns[0].unit) == (
        "本年收费金额（单位：万元）",
        "7730.28",
        "万元",
    )


def test_computed_totals_are_marked_and_blanks_are_null() -> None:
    body = edited(seed(), {"/reviews/review/total": OMIT, "/reviews/review/pending": None})
    evaluation = run(body, 2020)

    view = render_section(FORMATS["2019"], "reviews", evaluation.cells, evaluation.computed)
    review = {cell.key: cell for cell in view.rows[0].columns}

    assert (review["total"].value, review["total"].computed) == (0, True)
    assert (review["pending"].value, review["pending"].computed) == (None, False)


def test_unknown_section_is_not_found() -> None:
    with pytest.raises(NotFoundError):
        render_section(FORMATS["2019"], "narrative", {})


def _every_cell_distinct(format_id: str) -> dict[CellKey, CellValue]:
    """Signed changes, amounts with decimals, large counts: every kind of value a cell holds."""
    cells: dict[CellKey, CellValue] = {}
    for index, cell in enumerate(FORMATS[format_id].cells(), start=1):
        if cell.kind is ValueKind.AMOUNT:
            cells[cell.key] = Decimal(index * 1_000_003) / Decimal(10**6)
        elif cell.kind is ValueKind.CHANGE:
            cells[cell.key] = -index
        else:
            cells[cell.key] = index * 123_457
    return cells


@pytest.mark.parametrize(
    ("format_id", "section"),
    [(fmt.id, section.key) for fmt in FORMATS.values() for section in fmt.sections],
)
def test_section_json_serialises_to_the_section_views_json(format_id: str, section: str) -> None:
    fmt = FORMATS[format_id]
    distinct = _every_cell_distinct(format_id)
    every_other = frozenset(list(distinct)[::2])
    for cells, computed in ((distinct, every_other), ({}, frozenset())):
        expected = render_section(fmt, section, cells, computed).model_dump_json().encode()

        assert section_json(fmt, section, cells, computed) == expected


def test_format_definition_lists_every_cell_in_order() -> None:
    for fmt in FORMATS.values():
        definition = format_definition(fmt)
        keys = [
            (section.key, row.key, column.key)
            for section in definition.sections
            for row in section.rows
            for column in row.columns
        ]
        assert keys == [cell.key for cell in fmt.cells()]
