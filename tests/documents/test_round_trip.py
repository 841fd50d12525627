"""The proof both documents are right: rendered, then read back by the importer, every report
gives exactly the cells it was printed from."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from app.documents.importer import import_document
from app.documents.readers import DOCX
from app.documents.render import render_document_docx, render_document_html
from app.documents.render.layout import printed_cells
from app.formats.schema import parse_report, to_cells
from tests.documents.render_cases import REPORTS, load, with_other_handling_parts

RENDERERS: dict[str, tuple[str, Callable[..., Any]]] = {
    "html": ("text/html", lambda body, **kw: render_document_html(body, **kw).encode()),
    "docx": (DOCX, render_document_docx),
}

CASES = [(name, load(path), year, agency) for name, path, year, agency in REPORTS]
CASES.append(
    (
        "洪泽区 2024 with （六） as sub-rows",
        with_other_handling_parts(load(REPORTS[2][1])),
        2024,
        "淮安市洪泽区人民政府",
    )
)


@pytest.mark.parametrize("kind", list(RENDERERS))
@pytest.mark.parametrize(("name", "body", "year", "agency"), CASES, ids=[c[0] for c in CASES])
def test_rendered_document_reads_back_cell_exact(
    kind: str, name: str, body: dict[str, Any], year: int, agency: str
) -> None:
    report = parse_report(body, year=year)
    media_type, render = RENDERERS[kind]
    imported = import_document(render(report, agency_name=agency, year=year), media_type)
    assert (imported.interpretation.year, imported.interpretation.format) == (year, body["format"])
    assert imported.interpretation.agency_name == agency
    read = to_cells(imported.body)
    assert read == printed_cells(report)
    # Every cell the body states is printed as stated (blanks stay blank).
    assert {key: read[key] for key in to_cells(report)} == to_cells(report)
    assert imported.body.contact == report.contact
    assert imported.body.channels == report.channels
    if report.fees_collected_yuan is not None:
        assert imported.body.fees_collected_yuan == report.fees_collected_yuan
    assert [d.code for d in imported.interpretation.diagnostics if d.severity != "info"] == []
