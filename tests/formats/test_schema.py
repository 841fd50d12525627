"""The request models derived from the definitions: what they accept, what they refuse, where."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, get_args

import pytest
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.requests import Request
from starlette.testclient import TestClient

from app.formats.definitions import FORMATS
from app.formats.problems import ReportSchemaError, pointer_from_loc, schema_problems
from app.formats.schema import (
    Report2019,
    Report2021,
    ReportBody,
    from_cells,
    parse_report,
    to_cells,
)

from .factories import OMIT, edited, hongze, seed

A = "/applications"
P = "/proactive"


def _problems(body: Any, year: int = 2020) -> list[str]:
    with pytest.raises(ReportSchemaError) as raised:
        parse_report(body, year=year)
    return [problem.pointer for problem in raised.value.errors]


REJECTED = [
    (
        "false-as-count",
        "2019",
        {f"{A}/granted/natural_person": False},
        f"{A}/granted/natural_person",
    ),
    ("true-as-count", "2019", {"/reviews/review/total": True}, "/reviews/review/total"),
    ("float-as-count", "2019", {f"{P}/regulations/made": 1.0}, f"{P}/regulations/made"),
    ("string-as-count", "2021", {f"{A}/new_received/total": "5"}, f"{A}/new_received/total"),
    (
        "negative-count",
        "2021",
        {f"{A}/carried_forward/other_org": -1},
        f"{A}/carried_forward/other_org",
    ),
    ("count-beyond-int64", "2021", {f"{P}/licensing/decisions": 2**64}, f"{P}/licensing/decisions"),
    ("count-just-beyond-int64", "2019", {"/channels/total": 2**63}, "/channels/total"),
    ("count-just-beyond-the-bound", "2019", {"/channels/total": 10**12 + 1}, "/channels/total"),
    (
        "omitted-total-beyond-the-bound",
        "2019",
        {
            "/reviews/review/upheld": 10**12,
            "/reviews/review/corrected": 10**12,
            "/reviews/review/total": OMIT,
        },
        "/reviews/review/total",
    ),
    ("change-beyond-int64", "2019", {f"{P}/licensing/change": 2**63}, f"{P}/licensing/change"),
    ("true-as-change", "2019", {f"{P}/fees/change": True}, f"{P}/fees/change"),
    ("unknown-column", "2019", {f"{A}/granted/foo": 1}, f"{A}/granted/foo"),
    ("unknown-row", "2021", {f"{A}/withheld_other": {}}, f"{A}/withheld_other"),
    ("unknown-top-level-field", "2021", {"/agency": "x"}, "/agency"),
    ("2021-column-in-2019", "2019", {f"{P}/regulations/issued": 0}, f"{P}/regulations/issued"),
    ("2021-row-in-2019", "2019", {f"{A}/other_misc": {"total": 0}}, f"{A}/other_misc"),
    ("2019-row-in-2021", "2021", {f"{P}/procurement": {"projects": 0}}, f"{P}/procurement"),
    (
        "2019-column-in-2021",
        "2021",
        {f"{P}/licensing/previous_items": 0},
        f"{P}/licensing/previous_items",
    ),
    ("nan-string-amount", "2019", {f"{P}/procurement/amount": "NaN"}, f"{P}/procurement/amount"),
    ("infinity-amount", "2021", {f"{P}/fees/amount": "Infinity"}, f"{P}/fees/amount"),
    ("too-many-decimals", "2021", {f"{P}/fees/amount": "0.1234567"}, f"{P}/fees/amount"),
    ("too-many-decimals-as-number", "2021", {f"{P}/fees/amount": 0.1234567}, f"{P}/fees/amount"),
    ("negative-amount", "2021", {f"{P}/fees/amount": -1}, f"{P}/fees/amount"),
    ("amount-of-a-trillion", "2021", {f"{P}/fees/amount": 10**12}, f"{P}/fees/amount"),
    ("exponent-string-amount", "2021", {f"{P}/fees/amount": "1e3"}, f"{P}/fees/amount"),
    ("bool-amount", "2021", {"/fees_collected_yuan": True}, "/fees_collected_yuan"),
    ("null-row", "2019", {f"{A}/granted": None}, f"{A}/granted"),
    ("null-section", "2019", {"/reviews": None}, "/reviews"),
    ("unknown-status", "2019", {"/status": "final"}, "/status"),
    ("unknown-scope", "2019", {"/scope": "city"}, "/scope"),
    (
        "narrative-too-long",
        "2019",
        {"/narrative/overview": "字" * 1_000_001},
        "/narrative/overview",
    ),
    ("unknown-narrative-part", "2019", {"/narrative/summary": "x"}, "/narrative/summary"),
    (
        "too-many-channels",
        "2019",
        {"/channels/items": [{"name": "x", "count": 1}] * 101},
        "/channels/items",
    ),
    (
        "channel-name-too-long",
        "2019",
        {"/channels/items/0/name": "x" * 201},
        "/channels/items/0/name",
    ),
    ("channel-without-count", "2019", {"/channels/items/1/count": OMIT}, "/channels/items/1/count"),
    ("contact-phone-too-long", "2021", {"/contact/phone": "1" * 51}, "/contact/phone"),
    ("ftp-source-url", "2021", {"/source_url": "ftp://example.gov.cn/r.pdf"}, "/source_url"),
    ("source-url-too-long", "2021", {"/source_url": "https://x.cn/" + "a" * 2000}, "/source_url"),
    ("impossible-date", "2021", {"/published_on": "2021-13-01"}, "/published_on"),
    ("unknown-format", "2021", {"/format": "2020"}, "/format"),
    ("format-as-number", "2019", {"/format": 2019}, "/format"),
]


@pytest.mark.parametrize(
    ("base", "edits", "pointer"),
    [case[1:] for case in REJECTED],
    ids=[case[0] for case in REJECTED],
)
def test_schema_rejects_with_the_exact_pointer(
    base: str, edits: dict[str, Any], pointer: str
) -> None:
    body = edited(seed() if base == "2019" else hongze(2024), edits)

    assert _problems(body) == [pointer]


def test_a_body_that_is_not_an_object_is_refused_at_the_root() -> None:
    assert _problems([1, 2]) == [""]


def test_every_problem_is_listed_at_once() -> None:
    body = edited(
        seed(),
        {
            f"{A}/granted/natural_person": False,
            "/reviews/review/total": -1,
            "/proactive/regulations/issued": 0,
            "/status": "final",
        },
    )

    assert sorted(_problems(body)) == sorted(
        [
            "/status",
            f"{P}/regulations/issued",
            f"{A}/granted/natural_person",
            "/reviews/review/total",
        ]
    )


ACCEPTED = [
    ("largest-count", {f"{A}/new_received/natural_person": 10**12}),
    ("smallest-change", {f"{P}/licensing/change": -(10**12)}),
    ("null-cells", {f"{A}/granted/natural_person": None, f"{P}/procurement/amount": None}),
    ("omitted-cells-and-rows", {f"{A}/granted": OMIT, "/reviews/review/total": OMIT}),
    ("amount-as-number", {f"{P}/procurement/amount": 25.1}),
    ("amount-with-six-decimals", {f"{P}/procurement/amount": "0.000001"}),
    ("largest-amount", {f"{P}/procurement/amount": "999999999999.999999"}),
    (
        "every-optional-field-null",
        {
            "/narrative": None,
            "/channels": None,
            "/contact": None,
            "/fees_collected_yuan": None,
            "/published_on": None,
            "/source_url": None,
        },
    ),
    (
        "dates-and-urls",
        {
            "/published_on": "2021-01-20",
            "/source_url": "http://www.lingwu.gov.cn/xxgk/ndbg/2020.html",
        },
    ),
]


@pytest.mark.parametrize(
    "edits", [case[1] for case in ACCEPTED], ids=[case[0] for case in ACCEPTED]
)
def test_schema_accepts(edits: dict[str, Any]) -> None:
    assert parse_report(edited(seed(), edits), year=2020).format == "2019"


@pytest.mark.parametrize(
    ("year", "model"),
    [(2018, Report2019), (2020, Report2019), (2021, Report2021), (2030, Report2021)],
)
def test_format_defaults_from_the_year(year: int, model: type[Any]) -> None:
    assert type(parse_report({}, year=year)) is model


def test_a_given_format_wins_over_the_year() -> None:
    assert parse_report(seed(), year=2024).format == "2019"


def test_missing_and_null_cells_stay_apart() -> None:
    body = edited(seed(), {f"{A}/granted/natural_person": None, f"{A}/granted/total": OMIT})

    cells = to_cells(parse_report(body, year=2020))

    assert cells[("applications", "granted", "natural_person")] is None
    assert ("applications", "granted", "total") not in cells
    assert cells[("applications", "granted", "other_org")] == 0


def test_to_cells_keeps_format_order_and_only_stated_cells() -> None:
    report = parse_report(
        {
            "reviews": {"review": {"total": 1}},
            "applications": {"granted": {"total": 2, "natural_person": 2}},
        },
        year=2022,
    )

    assert list(to_cells(report)) == [
        ("applications", "granted", "natural_person"),
        ("applications", "granted", "total"),
        ("reviews", "review", "total"),
    ]


def test_amounts_come_in_as_numbers_or_strings_and_go_out_as_strings() -> None:
    body = edited(hongze(2023), {f"{P}/fees/amount": 7730.28, "/fees_collected_yuan": 12})

    report = parse_report(body, year=2023)
    dumped = report.model_dump(mode="json", exclude_unset=True)

    assert to_cells(report)[("proactive", "fees", "amount")] == Decimal("7730.28")
    assert dumped["proactive"]["fees"]["amount"] == "7730.28"
    assert dumped["fees_collected_yuan"] == "12"


@pytest.mark.parametrize(
    "body", [seed(), hongze(2023), hongze(2024)], ids=["seed", "hongze-2023", "hongze-2024"]
)
def test_real_reports_round_trip_through_cells(body: dict[str, Any]) -> None:
    report = parse_report(body, year=2022)
    others = report.model_dump(
        exclude_unset=True,
        exclude={"format", *(section for section in ("proactive", "applications", "reviews"))},
    )

    rebuilt = from_cells(report.format, to_cells(report), **others)

    assert rebuilt.model_dump(mode="json", exclude_unset=True) == body


def test_from_cells_keeps_null_apart_from_missing() -> None:
    cells = {
        ("applications", "granted", "natural_person"): None,
        ("applications", "granted", "total"): 3,
    }

    rebuilt = from_cells("2021", cells, status="published")

    assert to_cells(rebuilt) == cells
    assert rebuilt.status == "published"


def test_from_cells_refuses_a_cell_of_the_other_format() -> None:
    with pytest.raises(ReportSchemaError) as raised:
        from_cells("2021", {("proactive", "procurement", "amount"): Decimal(1)})

    assert [problem.pointer for problem in raised.value.errors] == ["/proactive/procurement"]


LOCATIONS = [
    (("body", "2019", "proactive", "regulations", "made"), "/proactive/regulations/made"),
    (("2021", "applications", "granted", "natural_person"), "/applications/granted/natural_person"),
    (("channels", "items", 3, "count"), "/channels/items/3/count"),
    (("body", "narrative", "overview"), "/narrative/overview"),
    (("a/b", "c~d"), "/a~1b/c~0d"),
    ((), ""),
]


@pytest.mark.parametrize(("loc", "pointer"), LOCATIONS)
def test_pointer_from_loc(loc: tuple[int | str, ...], pointer: str) -> None:
    assert pointer_from_loc(loc) == pointer


def test_report_body_works_as_a_fastapi_body_and_its_errors_map_to_pointers() -> None:
    app = FastAPI()

    @app.exception_handler(RequestValidationError)
    async def problems(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(
            {"errors": [problem.model_dump() for problem in schema_problems(exc.errors())]}, 422
        )

    @app.post("/reports")
    def post(body: ReportBody) -> dict[str, str]:
        return {"format": body.format}

    client = TestClient(app)
    ok = client.post("/reports", json=hongze(2024))
    bad = client.post("/reports", json=edited(seed(), {f"{A}/granted/natural_person": False}))

    assert ok.json() == {"format": "2021"}
    assert bad.status_code == 422
    assert [error["pointer"] for error in bad.json()["errors"]] == [f"{A}/granted/natural_person"]


def _fields_without_description(schema: dict[str, Any]) -> list[str]:
    missing = []
    for name, model in {"": schema, **schema.get("$defs", {})}.items():
        for field, spec in model.get("properties", {}).items():
            if not spec.get("description"):
                missing.append(f"{name}.{field}")
    return missing


@pytest.mark.parametrize("model", [Report2019, Report2021], ids=["2019", "2021"])
def test_every_field_has_a_bilingual_description(model: type[Any]) -> None:
    schema = model.model_json_schema()

    assert _fields_without_description(schema) == []
    assert (
        schema["$defs"]["Applications" + schema["title"][-4:] + "Row"]["properties"][
            "natural_person"
        ]["description"]
        == "自然人 / Natural person"
    )
    assert schema["$defs"]["Applications" + schema["title"][-4:]]["properties"]["new_received"][
        "description"
    ] == ("本年新收政府信息公开申请数量 / New applications received this year")


def test_models_carry_a_real_report_as_their_example() -> None:
    assert Report2019.model_json_schema()["examples"] == [seed()]
    assert Report2021.model_json_schema()["examples"] == [hongze(2024)]


def test_the_union_is_discriminated_by_a_literal_format() -> None:
    assert get_args(Report2019.model_fields["format"].annotation) == ("2019",)
    assert get_args(Report2021.model_fields["format"].annotation) == ("2021",)
    assert set(FORMATS) == {"2019", "2021"}
