"""The document as a web page (print-ready) or as a fragment for the service's own pages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from app.documents.render.document import as_report, build_layout
from app.formats.finding import Finding
from app.formats.schema import ReportBase


@dataclass(frozen=True)
class CellMark:
    severity: str  # error wins over warning on a cell both name
    title: str


@cache
def _environment() -> Environment:
    # Autoescape: agency names and narrative are typed by agencies and must stay text.
    environment = Environment(
        loader=PackageLoader("app.documents.render", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    environment.globals["cell_id"] = cell_id
    return environment


def cell_id(pointer: str) -> str:
    """The element id of a number cell: ``/applications/granted/total`` becomes
    ``cell-applications-granted-total`` (row and column keys are ``[a-z_]``)."""
    return "cell" + pointer.replace("/", "-")


@cache
def document_stylesheet() -> str:
    """The document's CSS, also served by the pages as a static file."""
    return resources.files("app.documents.render").joinpath("document.css").read_text("utf-8")


def cell_marks(findings: Sequence[Finding]) -> dict[str, CellMark]:
    messages: dict[str, list[str]] = {}
    severities: dict[str, str] = {}
    for finding in findings:
        for pointer in finding.cells:
            messages.setdefault(pointer, []).append(finding.message)
            if severities.get(pointer) != "error":
                severities[pointer] = finding.severity
    return {
        pointer: CellMark(severities[pointer], "\n".join(lines))
        for pointer, lines in messages.items()
    }


def render_document_html(
    body: ReportBase | Mapping[str, Any],
    *,
    agency_name: str,
    year: int,
    standalone: bool = True,
    findings: Sequence[Finding] = (),
) -> str:
    """The report in the national layout; ``standalone=False`` gives the bare ``<article>``."""
    layout = build_layout(as_report(body, year), agency_name=agency_name, year=year)
    template = "page.html.j2" if standalone else "document.html.j2"
    return (
        _environment()
        .get_template(template)
        .render(layout=layout, marks=cell_marks(findings), stylesheet=document_stylesheet())
    )
