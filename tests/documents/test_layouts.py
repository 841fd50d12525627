"""Every layout of the same report reads back to the same cells."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from app.documents.importer import import_document
from app.documents.readers import DOCX
from tests.documents.layouts import (
    as_docx,
    as_html,
    as_one_value_a_line,
    as_pdf,
    as_tab_text,
    fixture_body,
)

LAYOUTS: dict[str, tuple[str, Callable[[dict[str, Any], int, str], bytes]]] = {
    "html": ("text/html", as_html),
    "docx": (DOCX, as_docx),
    "pdf": ("application/pdf", as_pdf),
    "tab-separated text": ("text/plain", as_tab_text),
    "one value a line": ("text/plain", as_one_value_a_line),
}
SECTIONS = ("proactive", "applications", "reviews")


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("fixture", ["hongze_2023.json", "hongze_2024.json"])
def test_layout_reads_back_every_cell(layout: str, fixture: str) -> None:
    body = fixture_body(fixture)
    media_type, render = LAYOUTS[layout]
    imported = import_document(render(body, 2023, "淮安市洪泽区人民政府"), media_type)
    report = imported.body.model_dump(mode="json", exclude_unset=True)
    assert imported.interpretation.year == 2023
    assert imported.interpretation.format == "2021"
    assert imported.interpretation.agency_name == "淮安市洪泽区人民政府"
    for section in SECTIONS:
        assert report[section] == body[section], section
    assert report["contact"] == {
        "address": "某市某路1号",
        "phone": "0517-1234567",
        "email": "a@b.cn",
    }
    assert report["channels"] == {
        "total": 20,
        "items": [{"name": "政府网站", "count": 13}, {"name": "政务微博", "count": 7}],
    }


def test_html_blank_cells_stay_null() -> None:
    body = fixture_body("hongze_2023.json")
    for row in body["applications"].values():
        row["commercial_enterprise"] = None
    imported = import_document(as_html(body, 2023, "某局"), "text/html")
    report = imported.body.model_dump(mode="json", exclude_unset=True)
    assert report["applications"]["new_received"]["commercial_enterprise"] is None
    assert report["applications"]["new_received"]["natural_person"] == 21
