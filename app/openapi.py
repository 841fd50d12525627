"""The OpenAPI document, completed where FastAPI's generator falls short of the contract."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import iter_route_contexts

from app.agencies.dependencies import require_authenticated
from app.agencies.schemas import AgencyCreate, AgencyUpdate, KeyCreate
from app.errors import PROBLEM_JSON, Problem
from app.http.json_body import model_schemas
from app.reports.openapi import request_schemas

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def build_openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
    )
    schema.setdefault("components", {}).setdefault("schemas", {}).update(
        {**request_schemas(), **model_schemas(AgencyCreate, AgencyUpdate, KeyCreate)}
    )
    _mark_anonymous_access(schema, _token_required(app))
    _declare_common_errors(schema)
    _errors_as_problem_json(schema)
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
