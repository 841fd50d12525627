"""The OpenAPI document, completed where FastAPI's generator falls short of the contract."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

from app.agencies.dependencies import require_authenticated
from app.agencies.schemas import AgencyCreate, AgencyUpdate, KeyCreate
from app.errors import PROBLEM_JSON, Problem
from app.http.json_body import model_schemas
from app.reports.openapi import request_schemas, section_examples, stored_report_examples

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

TAGS = [
    {"name": "agencies", "description": "The agency hierarchy and its keys (the administrator)."},
    {
        "name": "reports",
        "description": "File a year's report, read it back whole, by section or by revision, "
        "and validate a body without storing it.",
    },
    {
        "name": "changes",
        "description": "The change feed: every publication (and, for those who may see them, "
        "every revision) in order, from a cursor.",
    },
    {
        "name": "summaries",
        "description": "Published reports summed over a subtree, trends, filing status, and "
        "the exports for statisticians (CSV, JSON Lines, a Data Package).",
    },
    {"name": "formats", "description": "The national formats and their rule catalogue."},
    {
        "name": "documents",
        "description": "The official document (HTML, Word) and a government's consolidated draft.",
    },
    {"name": "imports", "description": "Read a published document back into a report body."},
    {"name": "workbooks", "description": "Excel templates, workbook uploads and batch writes."},
    {"name": "operations", "description": "Health, readiness and metrics for operators."},
]
SERVERS = [
    {"url": "/", "description": "The server this document was fetched from."},
    {"url": "http://127.0.0.1:8000", "description": "`make run` on your own machine."},
]
CONTACT = {"name": "The operators of this service; see SECURITY.md for reporting vulnerabilities."}
LICENSE = {
    "name": "Public government information (《中华人民共和国政府信息公开条例》): free to reuse, "
    "citing the publishing agency."
}
HEADERS = {
    "ETag": {
        "description": "Version of this representation (one per revision and language); send "
        "it back in If-None-Match (304 when unchanged) or If-Match (412 when stale).",
        "schema": {"type": "string", "example": '"r1"'},
    },
    "Location": {
        "description": "Where the created resource is read.",
        "schema": {"type": "string", "example": "/api/v1/agencies/640181/reports/2020"},
    },
    "RetryAfter": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer", "minimum": 0, "example": 30},
    },
    "XRequestID": {
        "description": "Id of this request (the caller's own X-Request-ID when sane); it is in "
        "the logs and in every problem body.",
        "schema": {"type": "string", "example": "5f0c6a1e2b3d4c5e"},
    },
    "ContentDisposition": {
        "description": "`attachment` with the file name to save it under.",
        "schema": {"type": "string", "example": 'attachment; filename="disclosure-2020-all.csv"'},
    },
}
HEADER_NAMES = {
    "ETag": "ETag",
    "Location": "Location",
    "RetryAfter": "Retry-After",
    "XRequestID": "X-Request-ID",
    "ContentDisposition": "Content-Disposition",
}
# File downloads: their last path segment names the file (workbook.xlsx, export.csv, …).
DOWNLOAD_SUFFIXES = (".xlsx", ".csv", ".jsonl", ".docx")  # not datapackage.json: it is read
# Operations whose 201 says where the new resource lives.
CREATES = {"create_agency", "put_report", "post_report"}


def operation_id(route: APIRoute) -> str:
    """operationIds are the route functions' names (`put_report`, `get_section`, …): short,
    stable, and what generated clients name their functions and models after."""
    return route.name


def build_openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=TAGS,
        servers=SERVERS,
        contact=CONTACT,
        license_info=LICENSE,
    )
    schema.setdefault("components", {}).setdefault("schemas", {}).update(
        {**request_schemas(), **model_schemas(AgencyCreate, AgencyUpdate, KeyCreate)}
    )
    _mark_anonymous_access(schema, _token_required(app))
    _declare_common_errors(schema)
    _errors_as_problem_json(schema)
    _titles_match_components(schema)
    _integral_bounds(schema)
    _declare_headers(schema)
    _add_examples(schema)
    app.openapi_schema = schema
    return schema


def _token_required(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of the operations that refuse anonymous callers."""
    required: set[tuple[str, str]] = set()
    for route in iter_route_contexts(app.routes):
        dependant = getattr(route, "dependant", None)
        if dependant is not None and require_authenticated in _calls(dependant):
            required.update((method.lower(), route.path or "") for method in route.methods or ())
    return required


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from _calls(dependency)


def _operations(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, path_item in schema.get("paths", {}).items():
        for method, operation in path_item.items():
            yield method, path, operation


def _mark_anonymous_access(schema: dict[str, Any], required: set[tuple[str, str]]) -> None:
    # FastAPI marks an optional bearer scheme as required; `{}` says "or no token at all".
    for method, path, operation in _operations(schema):
        if "security" in operation and (method, path) not in required:
            operation["security"].append({})


def _declare_common_errors(schema: dict[str, Any]) -> None:
    for _method, path, operation in _operations(schema):
        responses = operation["responses"]
        if "security" in operation:
            # Any route that looks at the token answers 401 to an unknown or revoked one.
            responses.setdefault("401", {"description": "No token, or an unknown or revoked one."})
        if path.startswith("/api/"):
            # The rate limit (app.http.ratelimit) stands in front of every API route.
            responses.setdefault(
                "429", {"description": "Too many requests from this caller; see Retry-After."}
            )


def _errors_as_problem_json(schema: dict[str, Any]) -> None:
    """Declare every 4xx/5xx response as problem+json, FastAPI's own 422 included."""
    for _method, _path, operation in _operations(schema):
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                response["content"] = {PROBLEM_JSON: {"schema": PROBLEM_REF}}
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    if "Problem" not in components:
        problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(problem.pop("$defs", {}))
        components["Problem"] = problem


def _titles_match_components(schema: dict[str, Any]) -> None:
    # A component renamed on registration (`Report2019Input`) keeps its model's title, and
    # generators name classes by title: two classes `Report2019`, one of them dropped.
    for name, component in schema["components"]["schemas"].items():
        if "title" in component:
            component["title"] = name


def _integral_bounds(node: Any) -> None:
    # FastAPI writes some integer bounds as floats (1000000000000.0); a generator then types
    # the bound, or the field, as a float. Integral bounds are written as integers.
    if isinstance(node, dict):
        for key, value in node.items():
            if key in _BOUNDS and isinstance(value, float) and value.is_integer():
                node[key] = int(value)
            else:
                _integral_bounds(value)
    elif isinstance(node, list):
        for item in node:
            _integral_bounds(item)


_BOUNDS = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}


def _declare_headers(schema: dict[str, Any]) -> None:
    """The response headers the service really sends, declared where it sends them."""
    schema["components"]["headers"] = {HEADER_NAMES[key]: value for key, value in HEADERS.items()}
    for method, path, operation in _operations(schema):
        conditional = "304" in operation["responses"] or any(
            parameter.get("name") in {"If-Match", "If-None-Match"}
            for parameter in operation.get("parameters", [])
        )
        for status, response in operation["responses"].items():
            names = ["XRequestID"]  # app.http.log: on every response
            if conditional and status in {"200", "201", "304"}:
                names.append("ETag")
            if status == "201" and operation["operationId"] in CREATES:
                names.append("Location")
            if status == "429":
                names.append("RetryAfter")
            if status == "200" and method == "get" and path.endswith(DOWNLOAD_SUFFIXES):
                names.append("ContentDisposition")
            response["headers"] = {
                HEADER_NAMES[name]: {"$ref": f"#/components/headers/{HEADER_NAMES[name]}"}
                for name in names
            }


def _add_examples(schema: dict[str, Any]) -> None:
    """Answers of real reports (app/ops/sample) beside the report and section schemas."""
    reports = stored_report_examples()
    examples = {
        "put_report": reports,
        "post_report": reports,
        "get_report": reports,
        "get_revision": reports,
        "get_section": section_examples(),
    }
    for _method, _path, operation in _operations(schema):
        if (chosen := examples.get(operation["operationId"])) is None:
            continue
        for status in ("200", "201"):
            content = operation["responses"].get(status, {}).get("content", {})
            if "application/json" in content:
                content["application/json"]["examples"] = chosen
