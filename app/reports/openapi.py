"""OpenAPI declarations of report request bodies.

The PUT and validate routes read the body as plain JSON so that ``format`` can default from
the year before the discriminated union is applied; their documented schema is still the
typed union, registered here under ``<Model>Input`` names so it can never clash with the
response (serialization) schemas FastAPI generates from the same models.
"""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from app.formats.samples import example_body
from app.formats.schema import REPORT_MODELS, ReportBody
from app.reports.schemas import ValidateRequestBody

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
