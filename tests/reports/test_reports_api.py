"""PUT and GET of reports through HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session, func, select
from starlette.testclient import TestClient

from app.agencies.models import Agency
from app.formats.definitions import FORMATS
from app.reports.models import ReportCell, ReportRevision
from tests.factories import bearer, issue_key, make_agency
from tests.reports.helpers import cell, every_cell_distinct, hongze, seed_report, with_cell

SEED_PATH = "/api/v1/agencies/640181-baitugang/reports/2020"


@pytest.fixture
def township(session: Session) -> Agency:
    county = make_agency(session, "640181", name="灵武市人民政府")
    return make_agency(session, "640181-baitugang", name="灵武市白土岗乡人民政府", parent=county)


@pytest.fixture
def key(session: Session, township: Agency) -> dict[str, str]:
    return bearer(issue_key(session, township))


def put(
    client: TestClient,
    key: dict[str, str],
    body: dict[str, Any],
    *,
    path: str = SEED_PATH,
    **headers: str,
) -> Any:
    return client.put(path, json=body, headers={**key, **headers})


def test_seed_report_put_as_published_reads_back_cell_for_cell(
    client: TestClient, key: dict[str, str]
) -> None:
    seed = seed_report()
    created = put(client, key, seed)
    assert created.status_code == 201
    assert created.headers["etag"] == '"r1"'
    assert created.json()["findings"] == []

    read = client.get(SEED_PATH)  # anonymous: it is published
    assert read.status_code == 200
    body = read.json()
    for spec in FORMATS["2019"].cells():
        pointer = f"/{spec.section}/{spec.row}/{spec.column}"
        assert cell(body, pointer) == cell(seed, pointer), pointer
    assert body["narrative"] == seed["narrative"]
    assert body["channels"] == seed["channels"]
    assert body["contact"] == seed["contact"]
    assert (body["revision"], body["status"], body["format"]) == (1, "published", "2019")


def test_seed_report_appears_in_applications_section_with_labels(
    client: TestClient, key: dict[str, str]
) -> None:
    put(client, key, seed_report())
    section = client.get(f"{SEED_PATH}/sections/applications").json()
    assert [row["key"] for row in section["rows"]] == [
        row.key for row in FORMATS["2019"].section("applications").rows
    ]
    first = section["rows"][0]
    assert first["label_zh"] == "一、本年新收政府信息公开申请数量"
    assert [(c["key"], c["label_zh"], c["value"]) for c in first["columns"]] == [
        ("natural_person", "自然人", 0),
        ("commercial_enterprise", "商业企业", 0),
        ("research_institution", "科研机构", 0),
        ("social_welfare_org", "社会公益组织", 0),
        ("legal_service_agency", "法律服务机构", 0),
        ("other_org", "其他", 0),
        ("total", "总计", 0),
    ]


@pytest.mark.parametrize("format_id", ["2019", "2021"])
def test_every_cell_round_trips(client: TestClient, key: dict[str, str], format_id: str) -> None:
    year = 2020 if format_id == "2019" else 2022
    body = every_cell_distinct(format_id)
    path = f"/api/v1/agencies/640181-baitugang/reports/{year}"
    assert put(client, key, body, path=path).status_code == 201
    stored = client.get(path, headers=key).json()
    for spec in FORMATS[format_id].cells():
        pointer = f"/{spec.section}/{spec.row}/{spec.column}"
        assert cell(stored, pointer) == cell(body, pointer), pointer


def test_hongze_2024_amount_is_exact_in_wanyuan(client: TestClient, key: dict[str, str]) -> None:
    path = "/api/v1/agencies/640181-baitugang/reports/2024"
    assert put(client, key, hongze(2024), path=path).status_code == 201
    assert client.get(path).json()["proactive"]["fees"]["amount"] == "7545"


def test_omitted_totals_are_computed_and_stored(
    client: TestClient, key: dict[str, str], session: Session
) -> None:
    body = with_cell(seed_report(), "/applications/new_received/natural_person", 21)
    body = with_cell(body, "/applications/granted/natural_person", 21)
    for row in body["applications"].values():
        del row["total"]
    del body["applications"]["results_total"]
    response = put(client, key, body)
    assert response.status_code == 201, response.text
    stored = client.get(SEED_PATH).json()["applications"]
    assert stored["new_received"]["total"] == 21
    assert stored["results_total"]["natural_person"] == 21
    assert stored["results_total"]["total"] == 21
    value = session.exec(
        select(ReportCell.value).where(
            ReportCell.section == "applications",
            ReportCell.row == "results_total",
            ReportCell.column == "total",
        )
    ).one()
    assert value == 21


def test_blank_cell_stays_null_and_is_warned(client: TestClient, key: dict[str, str]) -> None:
    body = with_cell(seed_report(), "/proactive/licensing/decisions", None)
    response = put(client, key, body)
    assert response.status_code == 201
    assert [(f["rule"], f["cells"]) for f in response.json()["findings"]] == [
        ("cells.not_reported", ["/proactive/licensing/decisions"])
    ]
    assert client.get(SEED_PATH).json()["proactive"]["licensing"]["decisions"] is None


def test_broken_published_report_is_refused_and_changes_nothing(
    client: TestClient, key: dict[str, str], session: Session
) -> None:
    put(client, key, seed_report())
    broken = seed_report()
    broken["reviews"]["review"].update(upheld=10, corrected=1, total=0)
    refused = put(client, key, broken, **{"If-Match": '"r1"'})
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert [
        (f["rule"], f["severity"], f["expected"], f["actual"]) for f in refused.json()["findings"]
    ] == [("reviews.total", "error", 11, 0)]
    assert "/reviews/review/total" in refused.json()["findings"][0]["cells"]

    after = client.get(SEED_PATH, headers=key)
    assert after.json()["revision"] == 1
    assert after.json()["reviews"]["review"]["upheld"] == 0
    assert session.exec(select(func.count()).select_from(ReportRevision)).one() == 1


def test_broken_draft_is_stored_with_its_findings(client: TestClient, key: dict[str, str]) -> None:
    broken = seed_report() | {"status": "draft"}
    broken["reviews"]["review"].update(upheld=10, corrected=1, total=0)
    response = put(client, key, broken)
    assert response.status_code == 201
    assert response.json()["error_count"] == 1
    assert client.get(SEED_PATH).status_code == 404  # anonymous: nothing published
    assert client.get(SEED_PATH, headers=key).json()["status"] == "draft"


def test_replacing_keeps_every_revision(client: TestClient, key: dict[str, str]) -> None:
    first = put(client, key, seed_report())
    second_body = with_cell(seed_report(), "/proactive/penalties/decisions", 7)
    second = put(client, key, second_body, **{"If-Match": first.headers["etag"]})
    assert (second.status_code, second.headers["etag"]) == (200, '"r2"')

    history = client.get(f"{SEED_PATH}/revisions").json()["items"]
    assert [(r["revision"], r["status"]) for r in history] == [(1, "published"), (2, "published")]
    # Who wrote it (a key id) is for the agency and those above it, not for everyone.
    assert history[0]["written_by"] == "key"
    own_history = client.get(f"{SEED_PATH}/revisions", headers=key).json()["items"]
    assert own_history[0]["written_by"].startswith("key:")
    old = client.get(f"{SEED_PATH}/revisions/1").json()
    assert old["proactive"]["penalties"]["decisions"] == 0
    assert client.get(SEED_PATH).json()["proactive"]["penalties"]["decisions"] == 7


def test_stale_if_match_is_412(client: TestClient, key: dict[str, str]) -> None:
    put(client, key, seed_report())
    put(client, key, seed_report(), **{"If-Match": '"r1"'})
    stale = put(client, key, seed_report(), **{"If-Match": '"r1"'})
    assert stale.status_code == 412
    assert stale.json()["detail"] == 'If-Match does not match the current revision: "r2"'


def test_if_match_on_a_report_that_does_not_exist_is_412(
    client: TestClient, key: dict[str, str]
) -> None:
    assert put(client, key, seed_report(), **{"If-Match": '"r1"'}).status_code == 412


def test_if_none_match_gives_304(client: TestClient, key: dict[str, str]) -> None:
    put(client, key, seed_report())
    for path in (SEED_PATH, f"{SEED_PATH}/sections/reviews", f"{SEED_PATH}/revisions/1"):
        response = client.get(path, headers={"If-None-Match": '"r1"'})
        assert response.status_code == 304, path
        assert response.headers["etag"] == '"r1"'
    assert client.get(SEED_PATH, headers={"If-None-Match": '"r0"'}).status_code == 200


def test_anonymous_sees_published_revision_while_a_draft_is_newer(
    client: TestClient, key: dict[str, str]
) -> None:
    put(client, key, seed_report())
    draft = with_cell(seed_report(), "/proactive/coercion/decisions", 3) | {"status": "draft"}
    put(client, key, draft)
    assert client.get(SEED_PATH).json()["revision"] == 1
    assert client.get(SEED_PATH, headers=key).json()["revision"] == 2
    assert client.get(f"{SEED_PATH}/revisions/2").status_code == 404
    listing = client.get("/api/v1/agencies/640181-baitugang/reports").json()["items"]
    assert [(i["year"], i["revision"], i["status"]) for i in listing] == [(2020, 1, "published")]


def test_format_defaults_from_the_year(client: TestClient, key: dict[str, str]) -> None:
    body = seed_report()
    del body["format"]
    assert put(client, key, body).json()["format"] == "2019"


def test_schema_problems_are_422_with_pointers(client: TestClient, key: dict[str, str]) -> None:
    body = with_cell(seed_report(), "/applications/granted/natural_person", False)
    body = with_cell(body, "/proactive/licensing/decisions", -1)
    response = put(client, key, body)
    assert response.status_code == 422
    assert sorted(e["pointer"] for e in response.json()["errors"]) == [
        "/applications/granted/natural_person",
        "/proactive/licensing/decisions",
    ]


def test_english_findings_on_request(client: TestClient, key: dict[str, str]) -> None:
    body = with_cell(seed_report(), "/proactive/licensing/decisions", None)
    put(client, key, body)
    zh = client.get(SEED_PATH).json()["findings"][0]["message"]
    en = client.get(SEED_PATH, headers={"Accept-Language": "en"}).json()["findings"][0]["message"]
    assert en == (
        "Administrative licensing — Decisions made: not reported (blank); counted as 0 in sums"
    )
    assert zh != en


def test_validate_stores_nothing(client: TestClient, township: Agency, session: Session) -> None:
    broken = seed_report()
    broken["reviews"]["review"].update(upheld=10, corrected=1, total=0)
    response = client.post(
        "/api/v1/validate", json={**broken, "agency_code": "640181-baitugang", "year": 2020}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is False
    assert [f["rule"] for f in body["findings"]] == ["reviews.total"]
    assert "/reviews/review/total" in body["findings"][0]["cells"]
    assert session.exec(select(func.count()).select_from(ReportRevision)).one() == 0


def test_validate_names_missing_agency_and_year(client: TestClient) -> None:
    response = client.post("/api/v1/validate", json=seed_report())
    assert response.status_code == 422
    assert sorted(e["pointer"] for e in response.json()["errors"]) == ["/agency_code", "/year"]


def test_validate_unknown_agency_is_404(client: TestClient) -> None:
    response = client.post(
        "/api/v1/validate", json={**seed_report(), "agency_code": "nobody", "year": 2020}
    )
    assert response.status_code == 404
