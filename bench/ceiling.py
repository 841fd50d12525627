"""The ceiling: the same routes served by the same uvicorn setup, doing no work at all.

``uvicorn --factory bench.ceiling:create_app`` answers the requests the benchmark sends to the
service, at the same paths, with FastAPI and plain ``def`` endpoints (run in the thread pool,
as the service's are):

* ``PUT /api/v1/agencies/{code}/reports/{year}`` reads the whole body and returns 204;
* ``GET /api/v1/agencies/{code}/reports/{year}/sections/{section}`` and ``GET /api/v1/summary``
  return a constant JSON document of the size the service's answer has (set by
  ``POST /_ceiling/sizes``), or 304 when the request has an ``If-None-Match``.

A measured figure divided by the ceiling's, same requests, same connections, same
duration, says how much of what uvicorn and FastAPI can serve the service keeps after its
own work: validation, SQL, rendering.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Header, Request, Response

ETAG = '"ceiling"'


async def raw_body(request: Request) -> bytes:
    return await request.body()


RawBody = Annotated[bytes, Depends(raw_body)]
IfNoneMatch = Annotated[str | None, Header()]


def constant_json(size: int) -> bytes:
    """A JSON object of exactly ``size`` bytes (at least 12)."""
    head, tail = b'{"padding":"', b'"}'
    return head + b"x" * max(0, size - len(head) - len(tail)) + tail


def create_app() -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    bodies: dict[str, bytes] = {"section": constant_json(16_000), "summary": constant_json(60_000)}

    def constant(kind: str, if_none_match: str | None) -> Response:
        if if_none_match is not None:
            return Response(status_code=304, headers={"ETag": ETAG})
        return Response(bodies[kind], media_type="application/json", headers={"ETag": ETAG})

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/_ceiling/sizes", status_code=204)
    def set_sizes(sizes: dict[str, int]) -> None:
        for kind, size in sizes.items():
            bodies[kind] = constant_json(size)

    @app.put("/api/v1/agencies/{code}/reports/{year}", status_code=204)
    def put_report(code: str, year: int, body: RawBody) -> Response:
        return Response(status_code=204)

    @app.get("/api/v1/agencies/{code}/reports/{year}/sections/{section}")
    def get_section(
        code: str, year: int, section: str, if_none_match: IfNoneMatch = None
    ) -> Response:
        return constant("section", if_none_match)

    @app.get("/api/v1/summary")
    def get_summary(
        year: int, agency: str | None = None, if_none_match: IfNoneMatch = None
    ) -> Response:
        return constant("summary", if_none_match)

    return app
