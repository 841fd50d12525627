"""Exports a statistician can use: typed columns, several years, JSON Lines, a Data Package."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from tests.factories import bearer, issue_key, make_agency
from tests.reports.helpers import hongze, seed_report

INTEGER = re.compile(r"^-?[0-9]+$")


@pytest.fixture
def stored(client: TestClient, session: Session) -> None:
    """淮安市洪泽区 2024's figures filed for 2024 and 2023 (format 2021), and a township of
    灵武市 in 2020 (format 2019)."""
    huaian = make_agency(session, "320800", name="淮安市人民政府")
    hongze_district = make_agency(session, "320813", name="淮安市洪泽区人民政府", parent=huaian)
    key = bearer(issue_key(session, hongze_district))
    for year in (2024, 2023):  # 2024 first: no cross-year rule meets a 2023 of other figures
        path = f"/api/v1/agencies/320813/reports/{year}"
        assert client.put(path, json=hongze(2024), headers=key).status_code == 201
    township = make_agency(session, "640181-baitugang", name="灵武市白土岗乡人民政府")
    path = "/api/v1/agencies/640181-baitugang/reports/2020"
    own = bearer(issue_key(session, township))
    assert client.put(path, json=seed_report(), headers=own).status_code == 201


def csv_rows(client: TestClient, **params: Any) -> list[dict[str, str]]:
    answer = client.get("/api/v1/export.csv", params=params)
    assert answer.status_code == 200, answer.text
    return list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))


@pytest.mark.usefixtures("stored")
def test_from_and_to_export_several_years_in_year_order(client: TestClient) -> None:
    rows = csv_rows(client, **{"from": 2020, "to": 2024})

    reports = list(dict.fromkeys((r["agency_code"], r["year"]) for r in rows))
    assert reports == [("640181-baitugang", "2020"), ("320813", "2023"), ("320813", "2024")]
    only_2023 = csv_rows(client, **{"from": 2023})
    assert {(r["agency_code"], r["year"]) for r in only_2023} == {("320813", "2023")}


@pytest.mark.usefixtures("stored")
def test_counts_are_integers_and_amounts_have_their_own_column(client: TestClient) -> None:
    rows = csv_rows(client, **{"from": 2023, "to": 2024})

    counts = [r["value"] for r in rows if r["kind"] in {"count", "change"}]
    assert counts and all(INTEGER.match(value) or value == "" for value in counts)
    assert {r["value"] for r in rows if r["kind"] == "amount"} == {""}
    assert {r["unit"] for r in rows if r["kind"] == "amount"} == {"万元"}
    assert {r["unit"] for r in rows if r["kind"] != "amount"} == {"件"}
    assert {r["parent_code"] for r in rows} == {"320800"}


@pytest.mark.usefixtures("stored")
def test_a_sum_without_totals_gives_the_reported_total(client: TestClient) -> None:
    rows = csv_rows(client, year=2024)
    new_received = [r for r in rows if (r["section"], r["row"]) == ("applications", "new_received")]

    parts = sum(int(r["value"]) for r in new_received if r["is_total"] == "false")
    (total,) = [int(r["value"]) for r in new_received if r["is_total"] == "true"]
    assert parts == total == hongze(2024)["applications"]["new_received"]["total"]


@pytest.mark.usefixtures("stored")
def test_json_lines_are_typed(client: TestClient) -> None:
    answer = client.get("/api/v1/export.jsonl", params={"year": 2020})
    records = [json.loads(line) for line in answer.text.splitlines()]

    assert answer.headers["Content-Disposition"] == (
        'attachment; filename="disclosure-2020-all.jsonl"'
    )
    first = records[0]
    assert {k: first[k] for k in ("agency_code", "parent_code", "year", "revision")} == {
        "agency_code": "640181-baitugang",
        "parent_code": None,
        "year": 2020,
        "revision": 1,
    }
    assert (first["value"], first["amount"], first["is_total"]) == (0, None, False)
    procurement = next(r for r in records if (r["row"], r["column"]) == ("procurement", "amount"))
    assert (procurement["value"], procurement["amount"]) == (None, "0")


def test_the_data_package_describes_the_csv_columns(client: TestClient) -> None:
    package = client.get("/api/v1/datapackage.json", params={"from": 2020, "to": 2024}).json()
    header = client.get("/api/v1/export.csv", params={"year": 2020}).content.decode("utf-8-sig")

    (resource,) = package["resources"]
    fields = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
    assert list(fields) == header.strip().split(",")
    assert resource["path"] == "/api/v1/export.csv?from=2020&to=2024"
    assert (fields["value"], fields["year"], fields["revision"]) == ("integer",) * 3
    assert (fields["is_total"], fields["amount"], fields["published_at"]) == (
        "boolean",
        "number",
        "datetime",
    )
    assert "is_total" in package["description"]


@pytest.mark.parametrize(
    ("params", "pointer"),
    [
        ({}, "#/query/year"),
        ({"to": 2024}, "#/query/from"),
        ({"from": 2024, "to": 2020}, "#/query/to"),
        ({"year": 2020, "from": 2020}, "#/query/year"),
        ({"from": 1950, "to": 2024}, "#/query/from"),
    ],
)
def test_bad_years_are_a_422_naming_the_parameter(
    client: TestClient, params: dict[str, Any], pointer: str
) -> None:
    for path in ("/api/v1/export.csv", "/api/v1/export.jsonl", "/api/v1/datapackage.json"):
        answer = client.get(path, params=params)
        assert answer.status_code == 422, path
        assert [e["pointer"] for e in answer.json()["errors"]] == [pointer], path
