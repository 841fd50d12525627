"""A live server on a fresh migrated SQLite file, and Debian's Chromium driven by Playwright.

Nothing is downloaded: Playwright's pip package launches the system browser
(``executable_path``; ``make browser`` installs it). The tests run on SQLite only: the pages
reach the database through the services the PostgreSQL suites already cover, and a second
server and browser run would double the time of the slowest tests in the suite.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, expect, sync_playwright
from sqlmodel import Session

from app.db import create_db_engine
from app.formats.schema import parse_report
from app.ops.migrate import upgrade
from app.reports import service
from tests.factories import issue_key, make_agency
from tests.reports.helpers import hongze
from tests.robustness.live_server import LiveServer, live_server

SCREENSHOTS = Path(__file__).resolve().parents[3] / "var" / "test-output" / "screenshots"
YEAR = 2024
DRAFT_TEXT = "只在草稿里的总体情况文字"


@dataclass(frozen=True)
class Site:
    """The seeded service: a city, three districts, and the keys that act on them."""

    base_url: str
    city_key: str
    filer_key: str  # 洪泽区: files its 2024 report in the tests
    keyboard_key: str  # 金湖县: fills its form with the keyboard


def _seed(database_url: str) -> Site:
    engine = create_db_engine(database_url)
    admin = service.Writer(written_by="admin")
    with Session(engine, expire_on_commit=False) as session:
        city = make_agency(session, "320800", name="淮安市人民政府")
        filer = make_agency(session, "320813", name="淮安市洪泽区人民政府", parent=city)
        published = make_agency(session, "320812", name="淮安市清江浦区人民政府", parent=city)
        drafted = make_agency(session, "320804", name="淮安市淮阴区人民政府", parent=city)
        keyboard = make_agency(session, "320831", name="金湖县人民政府", parent=city)
        for agency, status, narrative in (
            (published, "published", None),
            (drafted, "draft", DRAFT_TEXT),
        ):
            body = hongze(YEAR) | {"status": status}
            if narrative:
                body["narrative"] = {"overview": narrative}
            service.put_report(
                session,
                agency=agency,
                year=YEAR,
                body=parse_report(body, year=YEAR),
                writer=admin,
                if_match=None,
            )
        site = Site(
            "", issue_key(session, city), issue_key(session, filer), issue_key(session, keyboard)
        )
    engine.dispose()
    return site


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'pages.sqlite3'}"
    upgrade(url)
    seeded = _seed(url)
    server: LiveServer
    with live_server(url) as server:
        yield Site(server.base_url, seeded.city_key, seeded.filer_key, seeded.keyboard_key)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    # The machine may be busy (two cores, several suites): waits are for events, and generous.
    expect.set_options(timeout=15_000)
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("the browser tests need Debian's chromium: run `make browser`")
    launched = playwright.chromium.launch(executable_path=chromium, headless=True)
    yield launched
    launched.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
