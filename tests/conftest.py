"""Test databases: SQLite always, PostgreSQL whenever DISCLOSURE_TEST_POSTGRES_URL is set.

Each database is built once per run by the Alembic migrations; every test that touches it
starts from empty tables (TRUNCATE/DELETE after each test), so tests may commit, run
concurrent writers, and still not see each other's data.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, text
from sqlmodel import Session
from starlette.testclient import TestClient

from app.config import Settings
from app.db import create_db_engine, metadata
from app.http.cache import clear_all as clear_cached_responses
from app.main import create_app
from app.ops.migrate import upgrade
from tests.route_spy import RouteSpy

ADMIN_TOKEN = "test-admin-token-0123456789abcdef0123456789"
KEY_SECRET = "test-key-secret-0123456789abcdef0123456789"
POSTGRES_URL = os.environ.get("DISCLOSURE_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    else:
        assert POSTGRES_URL is not None
        url = POSTGRES_URL
        _reset_postgres_schema(url)
    upgrade(url)
    return url


def _reset_postgres_schema(url: str) -> None:
    # Fails loudly when PostgreSQL is unreachable: CI must not pass on SQLite alone.
    engine = create_db_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def make_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "admin_token": ADMIN_TOKEN,
        "key_secret": KEY_SECRET,
        "sample_data": False,
        "log_format": "console",
        "log_level": "WARNING",
        "rate_limit_per_minute": 0,
        "tune_gc": False,  # a test process builds many apps; serving tunes once
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[FastAPI]:
    application = create_app(make_settings(database_url))
    yield application
    application.state.engine.dispose()


@pytest.fixture(scope="session")
def engine(app: FastAPI) -> Engine:
    engine: Engine = app.state.engine
    return engine


@pytest.fixture
def clean_db(engine: Engine) -> Iterator[Engine]:
    yield engine
    _empty_tables(engine)


def _empty_tables(engine: Engine) -> None:
    clear_cached_responses()  # their keys are ids the emptied tables will hand out again
    tables = [table.name for table in reversed(metadata.sorted_tables)]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            quoted = ", ".join(f'"{name}"' for name in tables)
            # Table names come from our own metadata, never from input.
            connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                connection.execute(text(f'DELETE FROM "{name}"'))  # noqa: S608


@pytest.fixture
def session(clean_db: Engine) -> Iterator[Session]:
    with Session(clean_db, expire_on_commit=False) as db_session:
        yield db_session


@pytest.fixture
def client(app: FastAPI, clean_db: Engine) -> TestClient:
    # Not entered as a context manager: the lifespan's shutdown would dispose the shared
    # engine under connections other fixtures still hold. The app fixture disposes it.
    return TestClient(app)


@pytest.fixture
def spy(app: FastAPI) -> RouteSpy:
    return RouteSpy(app)


@pytest.fixture
def spied(spy: RouteSpy, clean_db: Engine) -> TestClient:
    """A client of the app that keeps who answered: a shortcut or the route (tests/route_spy.py)."""
    return TestClient(spy)


@pytest.fixture
def admin_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture(scope="session")
def project_root() -> Path:
    return Path(__file__).resolve().parent.parent
