"""The service's errors, rendered by one handler as RFC 9457 ``application/problem+json``.

    ProblemError                      any error the service answers on purpose
    ├── UnauthorizedError      401    no, unknown or revoked token
    ├── ForbiddenError         403    a known caller acting outside its agencies
    ├── NotFoundError          404    unknown agency, report, revision, format
    │   ├── ReportNotFound               no (published) report of an agency for a year
    │   └── RevisionNotFound             no such revision, or not one the caller may see
    ├── ConflictError          409    duplicate code, cycle in the hierarchy
    ├── PreconditionFailed     412    stale If-Match
    ├── PayloadTooLarge        413    body over the configured limit
    ├── UnprocessableError     422    schema problems (``errors``) or rule failures (``findings``)
    ├── TooManyRequests        429    over the caller's rate limit (app.http.ratelimit)
    └── ServiceUnavailable     503    database unreachable or not migrated

Routes and services raise these; nothing else builds an error response.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_BASE = "https://disclosure.example.gov.cn/problems/"

logger = logging.getLogger("app.errors")


class SchemaProblem(BaseModel):
    """One problem with the request: where it is and what is wrong."""

    pointer: str = Field(
        description="RFC 6901 JSON Pointer to the offending field of the request body "
        "(query and path parameters: `#/query/<name>`, `#/path/<name>`).",
        examples=["/applications/granted/natural_person"],
    )
    message: str = Field(description="What is wrong with it.", examples=["must be ≥ 0"])


class Problem(BaseModel):
    """RFC 9457 problem details, the body of every error response."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(
        description="URI naming the kind of problem; stable, one per error code.",
        examples=[PROBLEM_TYPE_BASE + "not-found"],
    )
    title: str = Field(description="Short summary of the kind of problem.", examples=["Not Found"])
    status: int = Field(description="The HTTP status code.", examples=[404])
    detail: str = Field(
        description="Human-readable explanation of this occurrence.",
        examples=["agency 640181 has no report for 2020"],
    )
    code: str = Field(description="Stable machine-readable error code.", examples=["not_found"])
    errors: list[SchemaProblem] | None = Field(
        default=None, description="Schema problems, one per bad field (422 only)."
    )
    findings: list[dict[str, Any]] | None = Field(
        default=None,
        description="Rule failures of a report that may not be stored as requested (422 only).",
    )
    request_id: str | None = Field(
        default=None, description="Id of the request, as in the X-Request-ID response header."
    )


class ProblemError(Exception):
    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"
    title: ClassVar[str] = "Internal Server Error"

    def __init__(
        self, detail: str, *, headers: dict[str, str] | None = None, **extensions: Any
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}
        self.extensions = extensions


class UnauthorizedError(ProblemError):
    status, code, title = 401, "unauthorized", "Unauthorized"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class ForbiddenError(ProblemError):
    status, code, title = 403, "forbidden", "Forbidden"


class NotFoundError(ProblemError):
    status, code, title = 404, "not_found", "Not Found"


class ReportNotFound(NotFoundError):
    """An agency has no report for a year, or none the caller may see."""

    def __init__(self, agency_code: str, year: int, *, published: bool = False) -> None:
        what = "published report" if published else "report"
        super().__init__(f"agency {agency_code} has no {what} for {year}")


class RevisionNotFound(NotFoundError):
    def __init__(self, agency_code: str, year: int, number: int) -> None:
        super().__init__(f"report {agency_code}/{year} has no revision {number} you may see")


class ConflictError(ProblemError):
    status, code, title = 409, "conflict", "Conflict"


class PreconditionFailed(ProblemError):
    status, code, title = 412, "precondition_failed", "Precondition Failed"


class PayloadTooLarge(ProblemError):
    status, code, title = 413, "payload_too_large", "Payload Too Large"


class UnprocessableError(ProblemError):
    status, code, title = 422, "unprocessable", "Unprocessable Content"


class SchemaValidationError(UnprocessableError):
    code = "schema_invalid"

    def __init__(self, errors: Sequence[SchemaProblem], detail: str | None = None) -> None:
        super().__init__(
            detail or f"the request has {len(errors)} invalid field(s)",
            errors=[error.model_dump() for error in errors],
        )


class TooManyRequests(ProblemError):
    status, code, title = 429, "too_many_requests", "Too Many Requests"

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(
            f"rate limit exceeded; retry after {retry_after_seconds} s",
            headers={"Retry-After": str(retry_after_seconds)},
        )


class ServiceUnavailable(ProblemError):
    status, code, title = 503, "unavailable", "Service Unavailable"


STATUS_CODES = {
    cls.status: cls.code
    for cls in (
        UnauthorizedError,
        ForbiddenError,
        NotFoundError,
        ConflictError,
        PreconditionFailed,
        PayloadTooLarge,
        UnprocessableError,
        TooManyRequests,
        ServiceUnavailable,
    )
}


def problem_response(
    request: Request,
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + code.replace("_", "-"),
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        **{key: value for key, value in extensions.items() if value is not None},
    }
    request_id = getattr(request.state, "request_id", None)
    if request_id:
        body["request_id"] = request_id
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def render_problem(request: Request, exc: ProblemError) -> JSONResponse:
    """The one rendering of a ProblemError: the exception handler's, and the middlewares'
    that refuse a request before any route runs (413, 429)."""
    return problem_response(
        request,
        status=exc.status,
        code=exc.code,
        title=exc.title,
        detail=exc.detail,
        headers=exc.headers,
        **exc.extensions,
    )


def loc_to_pointer(loc: Sequence[int | str]) -> str:
    """Turn a pydantic error location into a JSON Pointer (RFC 6901)."""
    parts = list(loc)
    if parts and parts[0] in ("query", "path", "header", "cookie"):
        return "#/" + "/".join(_escape(part) for part in parts)
    if parts and parts[0] == "body":
        parts = parts[1:]
    return "".join("/" + _escape(part) for part in parts)


def _escape(part: int | str) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


def schema_message(error: Mapping[str, Any]) -> str:
    """What a pydantic (or FastAPI) error says, in the words of the service's problems."""
    if error["type"] == "missing":
        return "is required"
    if error["type"] == "extra_forbidden":
        return "is not a known field"
    if error["type"] == "json_invalid":
        return "the body is not valid JSON: " + str(error.get("ctx", {}).get("error", ""))
    return str(error["msg"])


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ProblemError)
    async def handle_problem(request: Request, exc: ProblemError) -> JSONResponse:
        return render_problem(request, exc)

    @app.exception_handler(RequestValidationError)
    async def handle_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"pointer": loc_to_pointer(error["loc"]), "message": schema_message(error)}
            for error in exc.errors()
        ]
        return problem_response(
            request,
            status=422,
            code="schema_invalid",
            title="Unprocessable Content",
            detail=f"the request has {len(problems)} invalid field(s)",
            errors=problems,
        )

    @app.exception_handler(StarletteHTTPException)
    async def handle_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = STATUS_CODES.get(exc.status_code, "http_error")
        return problem_response(
            request,
            status=exc.status_code,
            code=code,
            title=_reason(exc.status_code),
            detail=str(exc.detail),
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def handle_unexpected(request: Request, exc: Exception) -> JSONResponse:
        return internal_error(request, exc)


def internal_error(request: Request, exc: BaseException) -> JSONResponse:
    """The 500 problem, with nothing of the error in it; the error goes to the log."""
    logger.error("unhandled error", exc_info=exc)
    return problem_response(
        request,
        status=500,
        code="internal_error",
        title="Internal Server Error",
        detail="an unexpected error occurred; it has been logged",
    )


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI declarations of the problem responses a route can give."""
    descriptions = {
        304: "Not modified: the ETag in If-None-Match still matches.",
        400: "Malformed request.",
        401: "No token, or an unknown or revoked one.",
        403: "The token may not act on this agency.",
        404: "Unknown agency, report or resource.",
        409: "Conflicts with existing data.",
        412: "The If-Match ETag is stale.",
        413: "The body is larger than the configured limit.",
        422: "Schema problems (`errors`) or rule failures (`findings`).",
        429: "Too many requests from this caller; see Retry-After.",
        503: "The database is unreachable or not migrated.",
    }
    responses: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        if status == 304:
            responses[status] = {"description": descriptions[status]}
            continue
        responses[status] = {
            "description": descriptions[status],
            "model": Problem,
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
    return responses
