"""GET /api/v1/formats, /formats/{id} and /rules, through the whole application."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient


def test_lists_the_formats_with_their_years(client: TestClient) -> None:
    response = client.get("/api/v1/formats")

    assert response.status_code == 200
    assert [(item["id"], item["first_year"], item["last_year"]) for item in response.json()] == [
        ("2019", 2019, 2020),
        ("2021", 2021, None),
    ]
    assert "国办公开办函〔2019〕60号" in response.json()[0]["document_zh"]


def test_one_format_in_full(client: TestClient) -> None:
    body = client.get("/api/v1/formats/2021").json()

    assert [section["key"] for section in body["sections"]] == [
        "proactive",
        "applications",
        "reviews",
    ]
    fees = body["sections"][0]["rows"][-1]
    assert (fees["key"], fees["label_zh"], fees["columns"][0]["kind"]) == (
        "fees",
        "行政事业性收费",
        "amount",
    )
    assert len(body["sections"][1]["rows"]) == 26


def test_unknown_format_is_404(client: TestClient) -> None:
    response = client.get("/api/v1/formats/2020")

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(("query", "count"), [("", 17), ("?format=2019", 15), ("?format=2021", 17)])
def test_rule_catalogue(client: TestClient, query: str, count: int) -> None:
    rules = client.get("/api/v1/rules" + query).json()

    assert len(rules) == count
    balance = next(rule for rule in rules if rule["code"] == "applications.balance")
    assert balance["severity"] == "error"
    assert balance["formula_zh"].startswith("每列：")
    assert balance["version"]


def test_rule_catalogue_refuses_an_unknown_format(client: TestClient) -> None:
    assert client.get("/api/v1/rules?format=2020").status_code == 422


def test_rule_catalogue_lists_the_plausibility_rules_as_warnings(client: TestClient) -> None:
    rules = {rule["code"]: rule for rule in client.get("/api/v1/rules").json()}

    for code in (
        "narrative.table_mismatch",
        "history.figure_jump",
        "history.result_share_jump",
        "proactive.regulations_by_kind",
        "report.identical_to_other_agency",
        "acknowledgements.unmatched",
    ):
        assert (rules[code]["severity"], rules[code]["formats"]) == ("warning", ["2019", "2021"])
    assert rules["history.figure_jump"]["formula_zh"] == (
        "关键数字与同一机关上年相比 ×5 或 ÷5 以上（两年均不少于 10）"
    )
