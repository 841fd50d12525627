"""A server tunes CPython's garbage collector once it has started (app/ops/gc_tuning.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.ops.gc_tuning import FIRST_GENERATION_THRESHOLD
from tests.conftest import make_settings


@pytest.fixture
def restored_collector() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.usefixtures("restored_collector")
def test_the_started_app_freezes_startup_objects_and_collects_less_often(
    database_url: str,
) -> None:
    gc.unfreeze()
    app = create_app(make_settings(database_url, tune_gc=True))
    assert gc.get_freeze_count() == 0  # building the app tunes nothing: starting it does
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        assert gc.get_threshold()[0] == FIRST_GENERATION_THRESHOLD
        assert gc.get_freeze_count() > 10_000  # the modules, formats and schemas at least
    app.state.engine.dispose()


@pytest.mark.usefixtures("restored_collector")
def test_tuning_can_be_turned_off(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCLOSURE_TUNE_GC", "0")
    assert Settings().tune_gc is False
    gc.unfreeze()
    before = gc.get_threshold()
    app = create_app(make_settings(database_url))
    with TestClient(app):
        assert (gc.get_threshold(), gc.get_freeze_count()) == (before, 0)
    app.state.engine.dispose()
