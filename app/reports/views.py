"""JSON views of stored reports."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, Field
from pydantic_core import to_json

from app.formats.cells import CellValue
from app.formats.definitions import FORMATS, CellKey
from app.formats.schema import Channels, Contact, Narrative, ReportBase
from app.reports.cells import is_amount
from app.reports.findings import localized
from app.reports.models import ReportRevision
from app.reports.schemas import STORED_MODELS
from app.reports.service import StoredReport
from app.types import UNIT_YUAN, in_unit


def stored_report_json(
    stored: StoredReport, lang: str, *, show_writer: bool = True
) -> dict[str, Any]:
    """``show_writer``: whether the caller may see who wrote it (a key id is not public)."""
    shown = {**stored.body().model_dump(mode="json"), **_revision_json(stored, lang)}
    if not show_writer:
        shown["written_by"] = public_writer(stored.revision.written_by)
    return shown


def public_writer(written_by: str) -> str:
    """Which kind of writer, not which key: a key id is for the agency and those above it."""
    return "key" if written_by.startswith("key:") else written_by


def written_report_json(stored: StoredReport, body: ReportBase, lang: str) -> dict[str, Any]:
    """The PUT response: ``stored_report_json`` of the revision just written, made from the
    validated body and its evaluated cells rather than a body rebuilt and validated again."""
    return {**_body_with_cells_json(body, stored.cells), **_revision_json(stored, lang)}


def written_report_bytes(stored: StoredReport, body: ReportBase, lang: str) -> bytes:
    """``written_report_json`` as the PUT's response body, rendered without the response
    model's validate-and-dump round trip (~0.7 ms a PUT): the keys in the model's order, so
    the bytes are what the model would give (tests/reports/test_put_response.py)."""
    shown = written_report_json(stored, body, lang)
    return to_json({name: shown[name] for name in _STORED_FIELDS[body.format]})


_STORED_FIELDS = {name: tuple(model.model_fields) for name, model in STORED_MODELS.items()}


def _revision_json(stored: StoredReport, lang: str) -> dict[str, Any]:
    """What a stored report adds to its body: whose, which revision, by whom, its findings."""
    revision = stored.revision
    return {
        "agency_code": stored.agency.code,
        "year": stored.year,
        "revision": revision.revision,
        "written_by": revision.written_by,
        "written_at": revision.created_at,
        "error_count": revision.error_count,
        "warning_count": revision.warning_count,
        "findings": localized(revision.findings, lang),
        "computed_cells": revision.computed_cells or [],
    }


def _body_with_cells_json(body: ReportBase, cells: Mapping[CellKey, CellValue]) -> dict[str, Any]:
    """``body`` as JSON with every cell as stored: omitted and blank totals computed."""
    dumped = body.model_dump(mode="json")
    # Only a total can differ from the body: the service computes those left out or blank.
    for key in _TOTAL_CELLS[body.format]:
        value = cells[key]
        section, row, column = key
        # Amounts are strings in JSON; a computed amount total may be a plain int.
        amount = value is not None and is_amount(body.format, key)
        dumped[section][row][column] = str(value) if amount else value
    if dumped["narrative"] is None:
        # A stored revision always reads back with a narrative, its parts null.
        dumped["narrative"] = dict.fromkeys(Narrative.model_fields)
    return dumped


_TOTAL_CELLS = {
    format_id: tuple(cell.key for cell in fmt.total_cells()) for format_id, fmt in FORMATS.items()
}


NARRATIVE_PARTS = (
    ("overview", "一、总体情况", "I. General situation"),
    (
        "problems_and_improvements",
        "五、存在的主要问题及改进情况",
        "V. Main problems and improvements",
    ),
    ("other_matters", "六、其他需要报告的事项", "VI. Other matters to report"),
)


class NarrativePart(BaseModel):
    key: str = Field(description="Key of the part in the report body.", examples=["overview"])
    label_zh: str = Field(description="Chinese heading.", examples=["一、总体情况"])
    label_en: str = Field(description="English heading.", examples=["I. General situation"])
    text: str | None = Field(description="The text as filed; null when not given.")


class NarrativeView(BaseModel):
    """Parts 一, 五 and 六 of a report, with the figures the narrative states."""

    format: str = Field(description="Report format.", examples=["2019"])
    key: Literal["narrative"] = Field(description="Section key.")
    label_zh: str = Field(description="Chinese heading.", examples=["叙述部分"])
    label_en: str = Field(description="English heading.", examples=["Narrative"])
    parts: list[NarrativePart] = Field(description="The narrative parts, in report order.")
    channels: Channels | None = Field(description="Proactive-disclosure counts per channel.")
    contact: Contact | None = Field(description="Whom to ask about the report.")
    fees_collected_yuan: str | None = Field(
        description="Information processing fees collected, in yuan (元), as a decimal string.",
        examples=["0"],
        json_schema_extra=in_unit(UNIT_YUAN),
    )


def narrative_section(revision: ReportRevision) -> NarrativeView:
    return NarrativeView(
        format=revision.format,
        key="narrative",
        label_zh="叙述部分",
        label_en="Narrative",
        parts=[
            NarrativePart(key=key, label_zh=zh, label_en=en, text=getattr(revision, key))
            for key, zh, en in NARRATIVE_PARTS
        ],
        channels=Channels.model_validate(revision.channels) if revision.channels else None,
        contact=Contact.model_validate(revision.contact) if revision.contact else None,
        fees_collected_yuan=revision.fees_collected_yuan,
    )
