# syntax=docker/dockerfile:1
# Builder: uv resolves the locked environment; the runtime image gets only the venv and code.
FROM python:3.11-slim-bookworm AS builder
COPY --from=ghcr.io/astral-sh/uv:0.13 /uv /bin/uv
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never
WORKDIR /srv
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv uv sync --locked --no-dev --no-install-project
COPY app ./app
COPY migrations ./migrations
COPY alembic.ini ./

FROM python:3.11-slim-bookworm
RUN groupadd --system --gid 10001 disclosure \
    && useradd --system --uid 10001 --gid disclosure --home-dir /srv --shell /usr/sbin/nologin disclosure
WORKDIR /srv
COPY --from=builder --chown=10001:10001 /srv /srv
# DISCLOSURE_WORKERS: uvicorn worker processes (`docker run -e DISCLOSURE_WORKERS=4`); with
# more than one, metrics are summed across them (app/ops/serve.py, README "Workers").
ENV PATH="/srv/.venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    DISCLOSURE_ENV=production \
    DISCLOSURE_WORKERS=1
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2).status != 200)"]
# Migrations run at start; Alembic's version table makes a concurrent second replica a no-op
# once the first has finished (run one replica first, or a separate migrate job, in production).
CMD ["sh", "-c", "alembic upgrade head && exec python -m app serve --host 0.0.0.0 --port 8000"]
