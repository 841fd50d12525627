"""Agency names that display as something else, and codes that read as paths, are refused."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.reports.helpers import seed_report


@pytest.mark.parametrize(
    "name",
    ["测试\u202e局府政", "灵武\u200b市", "灵武\u2066市", "灵武\x07市"],
    ids=["bidi-override", "zero-width-space", "bidi-isolate", "control"],
)
def test_invisible_characters_in_a_name_are_422(
    client: TestClient, admin_headers: dict[str, str], name: str
) -> None:
    response = client.post(
        "/api/v1/agencies", json={"code": "640100", "name": name}, headers=admin_headers
    )

    assert response.status_code == 422, response.text
    assert [e["pointer"] for e in response.json()["errors"]] == ["/name"]


@pytest.mark.parametrize("code", [".", "..", "..."])
def test_dot_only_codes_are_422(
    client: TestClient, admin_headers: dict[str, str], code: str
) -> None:
    response = client.post(
        "/api/v1/agencies", json={"code": code, "name": "某局"}, headers=admin_headers
    )

    assert response.status_code == 422, response.text
    assert [e["pointer"] for e in response.json()["errors"]] == ["/code"]


def test_a_code_differing_only_in_case_is_409(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    first = client.post(
        "/api/v1/agencies", json={"code": "640181A", "name": "某局"}, headers=admin_headers
    )
    twin = client.post(
        "/api/v1/agencies", json={"code": "640181a", "name": "某局"}, headers=admin_headers
    )

    assert first.status_code == 201
    assert twin.status_code == 409
    assert twin.json()["detail"] == "agency 640181A exists; codes may not differ only in case"


def test_an_agency_name_like_a_formula_is_inert_in_the_csv_export(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    created = client.post(
        "/api/v1/agencies",
        json={"code": "640181", "name": '=HYPERLINK("http://x")局'},
        headers=admin_headers,
    )
    assert created.status_code == 201
    body = seed_report()
    put = client.put("/api/v1/agencies/640181/reports/2020", json=body, headers=admin_headers)
    assert put.status_code == 201

    csv_text = client.get("/api/v1/export.csv", params={"year": 2020}).text

    line = csv_text.splitlines()[1]
    assert line.startswith('640181,"\'=HYPERLINK(""http://x"")局",,2020,')


def test_swagger_ui_calls_no_outside_validator(client: TestClient) -> None:
    assert '"validatorUrl": null' in client.get("/docs").text


@pytest.mark.parametrize(
    ("pointer", "value"),
    [
        ("/proactive/procurement/amount", "٣"),
        ("/published_on", 0),
        ("/published_on", "1970-01-01"),
        ("/published_on", "3000-01-01"),
    ],
)
def test_amounts_take_ascii_digits_and_dates_iso_strings_in_range(
    client: TestClient, admin_headers: dict[str, str], pointer: str, value: object
) -> None:
    created = client.post(
        "/api/v1/agencies", json={"code": "640181", "name": "灵武市"}, headers=admin_headers
    )
    assert created.status_code == 201
    body = seed_report()
    if pointer == "/published_on":
        body["published_on"] = value
    else:
        body["proactive"]["procurement"]["amount"] = value

    response = client.put("/api/v1/agencies/640181/reports/2020", json=body, headers=admin_headers)

    assert response.status_code == 422, response.text
    assert [e["pointer"] for e in response.json()["errors"]] == [pointer]
