"""OpenAPI declarations of report request bodies.

The PUT and validate routes read the body as plain JSON so that ``format`` can default from
the year before the discriminated union is applied; their documented schema is still the
typed union, registered here under ``<Model>Input`` names so it can never clash with the
response (serialization) schemas FastAPI generates from the same models.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter

from app.formats.definitions import FORMATS
from app.formats.rules import evaluate
from app.formats.samples import example_body
from app.formats.schema import REPORT_MODELS, ReportBody, parse_report, to_cells
from app.formats.sections import section_json
from app.reports.schemas import PostReportBody, ValidateRequestBody

REF = "#/components/schemas/{model}Input"


def request_schemas() -> dict[str, Any]:
    """Component schemas of the report request bodies, ready to merge into the document."""
    schema = TypeAdapter(ReportBody).json_schema(mode="validation", ref_template=REF)
    definitions: dict[str, Any] = schema.pop("$defs", {})
    components = {f"{name}Input": value for name, value in definitions.items()}
    components["ReportBodyInput"] = schema
    validate = TypeAdapter(ValidateRequestBody).json_schema(mode="validation", ref_template=REF)
    components.update((f"{name}Input", value) for name, value in validate.pop("$defs", {}).items())
    components["ValidateRequestInput"] = validate
    post = TypeAdapter(PostReportBody).json_schema(mode="validation", ref_template=REF)
    components.update((f"{name}Input", value) for name, value in post.pop("$defs", {}).items())
    components["PostReportInput"] = post
    return components


def _examples() -> dict[str, Any]:
    examples = {}
    for format_id in REPORT_MODELS:
        body = example_body(format_id)
        if body is not None:
            examples[f"format{format_id}"] = {
                "summary": f"A real report, format {format_id}",
                "value": body,
            }
    return examples


def report_request_body() -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "description": "One report. `format` defaults from the year when omitted.",
            "content": {
                "application/json": {
                    "schema": {"$ref": "#/components/schemas/ReportBodyInput"},
                    "examples": _examples(),
                }
            },
        }
    }


def post_report_request_body() -> dict[str, Any]:
    examples = _examples()
    for name, example in examples.items():
        year = EXAMPLE_YEARS[name.removeprefix("format")]
        example["value"] = {"year": year, **example["value"]}
    return {
        "requestBody": {
            "required": True,
            "description": "One report with the `year` it is for.",
            "content": {
                "application/json": {
                    "schema": {"$ref": "#/components/schemas/PostReportInput"},
                    "examples": examples,
                }
            },
        }
    }


def validate_request_body() -> dict[str, Any]:
    examples = _examples()
    for example in examples.values():
        example["value"] = {"agency_code": "640181", "year": 2020, **example["value"]}
    examples.get("format2021", {}).get("value", {}).update(year=2024)
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"$ref": "#/components/schemas/ValidateRequestInput"},
                    "examples": examples,
                }
            },
        }
    }


# The sample reports' years (app/formats/samples.py): 白土岗乡 2020 and 洪泽区 2024.
EXAMPLE_YEARS = {"2019": 2020, "2021": 2024}
EXAMPLE_AGENCIES = {"2019": "640181-baitugang", "2021": "320813"}


def stored_report_examples() -> dict[str, Any]:
    """Examples of a stored report, each the answer the service gives for a real sample."""
    examples = {}
    for format_id, year in EXAMPLE_YEARS.items():
        sample = example_body(format_id)
        if sample is None:
            continue
        body = parse_report(sample, year=year)
        evaluation = evaluate(body, year=year)
        findings = [finding.model_dump(mode="json") for finding in evaluation.findings]
        examples[f"format{format_id}"] = {
            "summary": f"A real report, format {format_id}, as stored",
            "value": {
                **body.model_dump(mode="json"),
                "agency_code": EXAMPLE_AGENCIES[format_id],
                "year": year,
                "revision": 1,
                "written_by": "key:3f9a1c2b4d5e6f70",
                "written_at": f"{year + 1}-01-20T08:00:00Z",
                "error_count": sum(f["severity"] == "error" for f in findings),
                "warning_count": sum(f["severity"] == "warning" for f in findings),
                "findings": findings,
                "computed_cells": [],
            },
        }
    return examples


def section_examples() -> dict[str, Any]:
    """The applications section of each sample, exactly as ``GET …/sections/applications``."""
    examples = {}
    for format_id, year in EXAMPLE_YEARS.items():
        sample = example_body(format_id)
        if sample is None:
            continue
        cells = to_cells(parse_report(sample, year=year))
        examples[f"applications{format_id}"] = {
            "summary": f"Section 三 (applications) of a real report, format {format_id}",
            "value": json.loads(section_json(FORMATS[format_id], "applications", cells)),
        }
    return examples
