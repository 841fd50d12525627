"""One spelling across the API (issue 18, docs/spelling.md): the OpenAPI document is walked
for names that say the same thing two ways, and the renamed fields are read back from real
responses with their exact values."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from tests.summaries.helpers import Tree, body, make_tree, store

Schema = dict[str, Any]

# Objects that are an agency: their own key is `code` (the contract's POST /agencies body).
AGENCY_OBJECTS = {"AgencyCreate", "AgencyPublic", "AgencyDetail", "AgencyRef", "AgencyChild"}
# Objects whose `code` is not an agency's: a problem's error code, a rule's code.
OTHER_CODES = {"Problem", "RulePublic"}
# How an agency is named from another object; `parent_code` is the contract's own name.
AGENCY_CODE_NAMES = {"agency_code", "parent_code"}
AGENCY_ALIASES = {"agency", "parent", "agency_id", "parent_agency"}
FORBIDDEN = {"caption", "label", "from_year", "to_year", "year_from", "year_to", "zh", "en"}
# Numbers that are not measures: ordinals, identifiers, an HTTP status, paging.
NOT_MEASURES = {
    "year",
    "first_year",
    "last_year",
    "from",
    "to",
    "from_year",
    "to_year",
    "revision",
    "latest_revision",
    "published_revision",
    "depth",
    "status",
    "limit",
    "offset",
}
UNITS = {"件", "万元", "元", "个", "份", "条", "件|万元"}


@pytest.fixture
def document(client: TestClient) -> Schema:
    schema: Schema = client.get("/openapi.json").json()
    return schema


def properties(document: Schema) -> Iterator[tuple[str, str, Schema]]:
    """(where, name, schema) of every property of every schema, components and inline."""
    for name, component in document["components"]["schemas"].items():
        yield from _walk(name, component)
    for path, item in document["paths"].items():
        for method, operation in item.items():
            where = f"{method.upper()} {path}"
            for content in operation.get("requestBody", {}).get("content", {}).values():
                yield from _walk(where, content.get("schema", {}))
            for response in operation["responses"].values():
                for content in response.get("content", {}).values():
                    yield from _walk(where, content.get("schema", {}))


def _walk(where: str, schema: Schema) -> Iterator[tuple[str, str, Schema]]:
    for name, prop in schema.get("properties", {}).items():
        yield where, name, prop
        yield from _walk(where, prop)
    for key in ("anyOf", "oneOf", "allOf"):
        for part in schema.get(key, []):
            yield from _walk(where, part)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            yield from _walk(where, schema[key])


def _types(schema: Schema) -> set[str]:
    found = {schema["type"]} if isinstance(schema.get("type"), str) else set()
    if "$ref" in schema:
        found.add(schema["$ref"].rsplit("/", 1)[-1])
    for part in schema.get("anyOf", []) + schema.get("oneOf", []):
        found |= _types(part)
    return found


def _is_measure(name: str, schema: Schema) -> bool:
    if name in NOT_MEASURES:
        return False
    numeric = _types(schema) & {"integer", "number"}
    values = schema.get("additionalProperties")
    counted = isinstance(values, dict) and bool(_types(values) & {"integer", "number"})
    money = "yuan" in name or name == "amount"
    return bool(numeric) or counted or money


def test_no_property_is_spelled_the_old_way(document: Schema) -> None:
    old = sorted(
        f"{where}.{name}"
        for where, name, prop in properties(document)
        if name in FORBIDDEN and not prop.get("deprecated")
    )
    assert old == []


def test_every_property_is_snake_case(document: Schema) -> None:
    others = sorted(
        f"{where}.{name}"
        for where, name, _ in properties(document)
        if not re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", name)
    )
    assert others == []


def test_every_deprecated_property_names_its_replacement(document: Schema) -> None:
    deprecated = {
        (where, name): prop.get("x-replaced-by")
        for where, name, prop in properties(document)
        if prop.get("deprecated")
    }
    assert deprecated["Trend", "from_year"] == "from"
    assert deprecated["FilingItem", "code"] == "agency_code"
    assert deprecated["RowView", "caption"] == "caption_zh"
    assert [key for key, replacement in deprecated.items() if not replacement] == []


def _refers_to_an_agency_otherwise(where: str, name: str, prop: Schema) -> bool:
    if name == "code":
        return where not in AGENCY_OBJECTS | OTHER_CODES
    if name.endswith("_code"):
        return name not in AGENCY_CODE_NAMES
    # `agency`/`parent` may only hold an embedded agency object, never a bare code.
    return name in AGENCY_ALIASES and not _types(prop) & AGENCY_OBJECTS


def test_agencies_are_referred_to_as_agency_code(document: Schema) -> None:
    misspelt = sorted(
        f"{where}.{name}"
        for where, name, prop in properties(document)
        if not prop.get("deprecated") and _refers_to_an_agency_otherwise(where, name, prop)
    )
    assert misspelt == []


def test_agency_query_parameters_keep_the_contracts_names(document: Schema) -> None:
    names = {
        (path, parameter["name"])
        for path, item in document["paths"].items()
        for operation in item.values()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query"
    }
    assert {("/api/v1/agencies/{code}/trend", "from"), ("/api/v1/agencies/{code}/trend", "to")} < (
        names
    )
    assert ("/api/v1/summary", "agency") in names
    assert ("/api/v1/export.csv", "from") in names
    assert [name for _, name in names if name in FORBIDDEN | {"from_", "agency_"}] == []


def test_every_count_and_amount_names_its_unit(document: Schema) -> None:
    unitless = sorted(
        f"{where}.{name}"
        for where, name, prop in properties(document)
        if _is_measure(name, prop) and prop.get("x-unit") not in UNITS
    )
    assert unitless == []


def test_units_of_the_report_body(document: Schema) -> None:
    schemas = document["components"]["schemas"]
    assert schemas["Report2021"]["properties"]["fees_collected_yuan"]["x-unit"] == "元"
    assert schemas["Proactive2021FeesInput"]["properties"]["amount"]["x-unit"] == "万元"
    assert schemas["Applications2021Row"]["properties"]["total"]["x-unit"] == "件"
    assert schemas["Summary"]["properties"]["agencies_total"]["x-unit"] == "个"


# --------------------------------------------------------------------------------------------
# The renamed fields in real responses


@pytest.fixture
def tree(session: Session) -> Tree:
    tree = make_tree(session)
    store(session, tree.town_a1, 2020, body("2019", new=3, granted=2))
    store(session, tree.county_a, 2021, body("2021", new=10, granted=6, amount="1.5"))
    return tree


@pytest.mark.usefixtures("tree")
def test_trend_answers_from_and_to_as_asked(client: TestClient) -> None:
    trend = client.get("/api/v1/agencies/320801/trend?from=2020&to=2022&subtree=true").json()

    assert (trend["from"], trend["to"]) == (2020, 2022)
    assert (trend["from_year"], trend["to_year"]) == (2020, 2022)
    assert [(year["year"], year["reports"]) for year in trend["years"]] == [
        (2020, 1),
        (2021, 1),
        (2022, 0),
    ]
    assert list(trend)[:5] == ["agency", "subtree", "from", "to", "years"]


@pytest.mark.usefixtures("tree")
def test_filing_items_name_their_agency_by_agency_code(client: TestClient) -> None:
    page = client.get("/api/v1/filing-status?year=2021&agency=320801").json()

    assert [(i["agency_code"], i["agency_name"], i["status"]) for i in page["items"]] == [
        ("320801", "甲县", "published"),
        ("32080101", "甲县一镇", "missing"),
        ("32080102", "甲县二镇", "missing"),
    ]
    assert [(i["code"], i["name"]) for i in page["items"]] == [
        ("320801", "甲县"),
        ("32080101", "甲县一镇"),
        ("32080102", "甲县二镇"),
    ]
    assert page["agency"] == {"code": "320801", "name": "甲县"}


@pytest.mark.usefixtures("tree")
def test_summed_reports_name_their_agency_by_agency_code(client: TestClient) -> None:
    page = client.get("/api/v1/summary/agencies?year=2021&agency=3208").json()
    summary = client.get("/api/v1/summary?year=2021&agency=3208&include=agencies").json()

    expected = {
        "agency_code": "320801",
        "agency_name": "甲县",
        "code": "320801",
        "name": "甲县",
        "format": "2021",
        "scope": "agency",
    }
    assert page["items"] == [expected]
    assert summary["agencies"] == [expected]


def _row(section: dict[str, Any], key: str) -> dict[str, Any]:
    row: dict[str, Any] = next(row for row in section["rows"] if row["key"] == key)
    return row


def test_format_rows_carry_caption_zh_and_caption_en(client: TestClient) -> None:
    definition = client.get("/api/v1/formats/2021").json()
    proactive, applications = definition["sections"][0], definition["sections"][1]

    fees = _row(proactive, "fees")
    assert (fees["caption_zh"], fees["caption_en"]) == ("第二十条第（八）项", "Article 20(8)")
    assert fees["caption"] == {
        "label_zh": "第二十条第（八）项",
        "label_en": "Article 20(8)",
        "zh": "第二十条第（八）项",
        "en": "Article 20(8)",
    }
    assert [(c["key"], c["unit"]) for c in fees["columns"]] == [("amount", "万元")]
    granted = _row(applications, "granted")
    assert (granted["caption_zh"], granted["caption_en"], granted["caption"]) == (
        None,
        None,
        None,
    )
    assert [(g["label_zh"], g["label_en"]) for g in granted["groups"]] == [
        ("三、本年度办理结果", "III. Results of handling this year")
    ]
    total = granted["columns"][-1]
    assert (total["key"], total["unit"]) == ("total", "件")


@pytest.mark.usefixtures("tree")
def test_summed_cells_name_their_unit(client: TestClient) -> None:
    summary = client.get("/api/v1/summary?year=2021&agency=3208").json()

    fees = _row(summary["sections"]["proactive"], "fees")
    assert [(c["value"], c["unit"]) for c in fees["columns"]] == [("1.5", "万元")]
    granted = _row(summary["sections"]["applications"], "granted")
    assert [(c["key"], c["value"], c["unit"]) for c in granted["columns"]][-1] == (
        "total",
        6,
        "件",
    )


def test_export_dictionary_labels_its_columns_and_cells(client: TestClient) -> None:
    dictionary = client.get("/api/v1/export/dictionary").json()

    assert dictionary["columns"][0] == {
        "name": "agency_code",
        "label_zh": "机关代码",
        "label_en": "Agency code",
        "zh": "机关代码",
        "en": "Agency code",
    }
    units = {(cell["kind"], cell["unit"]) for cell in dictionary["cells"]}
    assert units == {("count", "件"), ("change", "件"), ("amount", "万元")}


@pytest.mark.usefixtures("tree")
def test_a_key_has_a_note_and_still_takes_a_label(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    keys = "/api/v1/agencies/320801/keys"
    noted = client.post(keys, json={"note": "办公室"}, headers=admin_headers).json()
    labelled = client.post(keys, json={"label": "档案室"}, headers=admin_headers).json()
    both = client.post(keys, json={"note": "办公室", "label": "档案室"}, headers=admin_headers)

    assert (noted["note"], noted["label"]) == ("办公室", "办公室")
    assert (labelled["note"], labelled["label"]) == ("档案室", "档案室")
    assert both.status_code == 422
    assert [error["pointer"] for error in both.json()["errors"]] == ["/label"]
    listed = client.get(keys, headers=admin_headers).json()
    assert sorted((key["note"], key["label"]) for key in listed) == [
        ("办公室", "办公室"),
        ("档案室", "档案室"),
    ]
