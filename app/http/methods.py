"""`OPTIONS` and 405 answers that list every method of a path.

Starlette answers both from the first route whose path matches, so a path served by a GET
route and a PUT route said `Allow: GET, HEAD` for a PUT-only caller. This handler only runs
when routing already failed on the method: it costs the requests that succeed nothing.
"""

from __future__ import annotations

from fastapi import FastAPI, Request, Response
from fastapi.routing import iter_route_contexts
from starlette.exceptions import HTTPException

from app.errors import STATUS_CODES, problem_response


def allowed_methods(request: Request) -> list[str]:
    """Every method some route answers on this path, OPTIONS included, in a stable order."""
    methods = {"OPTIONS"}
    path = request.scope["path"]
    for route in iter_route_contexts(request.app.routes):
        pattern = getattr(route, "path_regex", None)
        if pattern is not None and pattern.match(path):
            methods.update(route.methods or ())
    return sorted(methods)


async def method_not_allowed(request: Request, exc: Exception) -> Response:
    allow = ", ".join(allowed_methods(request))
    if request.method == "OPTIONS":
        return Response(status_code=204, headers={"Allow": allow})
    detail = exc.detail if isinstance(exc, HTTPException) else "Method Not Allowed"
    return problem_response(
        request,
        status=405,
        code=STATUS_CODES.get(405, "method_not_allowed"),
        title="Method Not Allowed",
        detail=f"{detail}: this path answers {allow}",
        headers={"Allow": allow},
    )


def install_allowed_methods(app: FastAPI) -> None:
    # A status handler is looked up before the HTTPException handler of app.errors.
    app.add_exception_handler(405, method_not_allowed)
