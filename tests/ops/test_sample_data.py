from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session, func, select
from starlette.testclient import TestClient

from app.agencies.models import Agency
from app.main import create_app
from app.ops.sample_data import load_sample
from tests.conftest import make_settings


def test_sample_loads_hierarchy_and_seed_report_once(clean_db: Engine, client: TestClient) -> None:
    assert load_sample(clean_db) is True
    assert load_sample(clean_db) is False  # not into a database that has agencies

    with Session(clean_db) as session:
        assert session.exec(select(func.count()).select_from(Agency)).one() == 13
    township = client.get("/api/v1/agencies/640181-baitugang").json()
    assert township["parent"]["code"] == "640181"
    report = client.get("/api/v1/agencies/640181-baitugang/reports/2020").json()
    assert (report["status"], report["written_by"], report["findings"]) == (
        "published",
        "sample",
        [],
    )
    assert report["channels"]["total"] == 3074


def test_sample_has_hongze_published_for_two_years(clean_db: Engine, client: TestClient) -> None:
    load_sample(clean_db)
    hongze = client.get("/api/v1/agencies/320813").json()
    assert (hongze["name"], hongze["parent"]["code"]) == ("淮安市洪泽区人民政府", "320800")
    listed = client.get("/api/v1/agencies/320813/reports").json()["items"]
    assert sorted((item["year"], item["status"], item["error_count"]) for item in listed) == [
        (2023, "published", 0),
        (2024, "published", 0),
    ]
    # The two 四 totals the published 2023 report printed as 0 are computed from their parts.
    review = client.get("/api/v1/agencies/320813/reports/2023").json()["reviews"]["review"]
    assert review == {"upheld": 10, "corrected": 1, "other": 0, "pending": 0, "total": 11}


def test_a_configured_database_is_never_seeded(clean_db: Engine, database_url: str) -> None:
    app = create_app(make_settings(database_url, sample_data=True))
    with TestClient(app):
        pass
    app.state.engine.dispose()
    with Session(clean_db) as session:
        assert session.exec(select(func.count()).select_from(Agency)).one() == 0
