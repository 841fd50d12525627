"""The application factory."""

from __future__ import annotations

import logging
import secrets
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.agencies.router import router as agencies_router
from app.config import Settings, get_settings, key_secret
from app.db import create_db_engine
from app.errors import install_error_handlers
from app.http import metrics
from app.http.body_limit import BodyLimits
from app.http.docs import install_docs
from app.http.edge import EdgeMiddleware
from app.http.log import configure_logging
from app.http.methods import install_allowed_methods
from app.http.ratelimit import RateLimits
from app.http.shortcuts import ShortcutMiddleware
from app.openapi import build_openapi, operation_id
from app.ops.gc_tuning import tune_for_serving
from app.ops.health import router as health_router
from app.ops.sample_data import load_sample_when_migrated
from app.pages.router import install_pages
from app.reports.put_shortcut import PUT_REPORT_SHORTCUT
from app.reports.section_answer import SECTION_SHORTCUT
from app.summaries.router import SUMMARY_SHORTCUT

logger = logging.getLogger("app")

DESCRIPTION = """\
The system of record for 政府信息公开工作年度报告 statistics (government information
disclosure annual reports): agencies file their yearly tables, the service checks every
balance rule cell by cell, keeps every revision, and sums them up the hierarchy.

* Send JSON bodies with `Content-Type: application/json`.
* Authenticate with `Authorization: Bearer <token>`: the administrator's token, or an agency
  key (it acts on its own agency and every agency below it). Anonymous callers read published
  data.
* Every error is `application/problem+json` (RFC 9457).
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_format)
    engine = create_db_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.sample_data and settings.uses_default_database:
            load_sample_when_migrated(engine)
        if settings.tune_gc:
            tune_for_serving()
        yield
        engine.dispose()
        metrics.worker_exiting()

    app = FastAPI(
        title="Disclosure statistics service",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        # Per-request OpenTelemetry checks cost ~20 µs; the service exports Prometheus instead.
        telemetry={"tracing": False, "metrics": False, "logs": False},
        # A trailing-slash redirect is built from the Host header: a forged Host made the
        # service redirect to any host. Paths are exact; /formats/ is a 404.
        redirect_slashes=False,
        generate_unique_id_function=operation_id,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.admin_token = _admin_token(settings)
    app.state.key_secret = key_secret(settings)

    install_error_handlers(app)
    install_allowed_methods(app)
    install_docs(app)
    install_pages(app)
    app.include_router(health_router)
    app.include_router(metrics.router)
    for router in _api_routers():
        app.include_router(router)

    # Last added runs first: the edge (request id, metrics, rate limit, body size), then CORS,
    # then the shortcuts of the hottest anonymous reads and of the JSON PUT (app/http/shortcuts.py).
    app.add_middleware(
        ShortcutMiddleware,
        engine=engine,
        shortcuts=[SECTION_SHORTCUT, SUMMARY_SHORTCUT],
        writes=[PUT_REPORT_SHORTCUT],
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "PUT", "POST", "DELETE", "PATCH"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "If-Match",
                "If-None-Match",
                "Accept-Language",
                "X-Request-ID",
            ],
            expose_headers=["ETag", "X-Request-ID", "Location"],
        )
    app.state.rate_limits = None
    if settings.rate_limit_per_minute:
        app.state.rate_limits = RateLimits(
            per_minute=settings.rate_limit_per_minute,
            failed_auth_per_minute=settings.failed_auth_per_minute,
            storage=settings.rate_limit_storage,
            trusted_proxies=settings.trusted_proxies,
        )
    app.add_middleware(
        EdgeMiddleware,
        body_limits=BodyLimits.of(settings.max_body_bytes, settings.max_upload_bytes),
        rate_limits=app.state.rate_limits,
    )
    app.openapi = lambda: build_openapi(app)  # type: ignore[method-assign]
    return app


def _admin_token(settings: Settings) -> str:
    if settings.admin_token is not None:
        return settings.admin_token.get_secret_value()
    # Development only: production settings refuse to load without a token.
    token = secrets.token_urlsafe(32)
    print(
        f"DISCLOSURE_ADMIN_TOKEN not set; this run's admin token: {token}",
        file=sys.stderr,
        flush=True,
    )
    return token


def _api_routers() -> list[Any]:
    """The domain routers, in the order the docs list them."""
    from app.documents.consolidation_router import router as consolidation_router
    from app.documents.official_router import router as official_documents_router
    from app.documents.router import router as documents_router
    from app.formats.router import router as formats_router
    from app.reports.feed import router as feed_router
    from app.reports.router import router as reports_router
    from app.summaries.export_router import router as export_router
    from app.summaries.router import router as summaries_router
    from app.workbooks.router import router as workbooks_router

    return [
        agencies_router,
        reports_router,
        feed_router,
        summaries_router,
        export_router,
        formats_router,
        documents_router,
        official_documents_router,
        consolidation_router,
        workbooks_router,
    ]
