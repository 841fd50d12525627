"""A county files for its townships at once; the summary and the export as XLSX."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from openpyxl.workbook.workbook import Workbook
from sqlmodel import Session
from starlette.testclient import TestClient

from app.agencies.service import get_agency_by_code
from tests.factories import bearer, issue_key, make_agency
from tests.reports.helpers import seed_report
from tests.workbooks.helpers import XLSX, edited

TOWNSHIPS = ("640181001", "640181002", "640181003")


@pytest.fixture
def county_key(session: Session) -> dict[str, str]:
    county = make_agency(session, "640181", name="灵武市人民政府")
    for number, code in enumerate(TOWNSHIPS, start=1):
        make_agency(session, code, name=f"灵武市第{number}乡人民政府", parent=county)
    make_agency(session, "640106", name="金凤区人民政府")
    return bearer(issue_key(session, county))


def _batch(client: TestClient, key: dict[str, str], items: list[dict[str, Any]]) -> Any:
    return client.post("/api/v1/reports/batch", json={"items": items}, headers=key)


def _item(code: str, **report: Any) -> dict[str, Any]:
    return {"agency_code": code, "year": 2020, "report": {**seed_report(), **report}}


def test_a_countys_json_batch_stores_its_townships_and_refuses_only_the_broken_one(
    client: TestClient, county_key: dict[str, str]
) -> None:
    broken = seed_report()
    broken["reviews"]["review"]["total"] = 5  # 复议总计 ≠ 维持+纠正+其他+未审结
    items = [_item("640181001"), {**_item("640181002"), "report": broken}, _item("640181003")]

    response = _batch(client, county_key, items)

    assert response.status_code == 200
    answers = response.json()["items"]
    assert [(a["agency_code"], a["status"], a.get("revision")) for a in answers] == [
        ("640181001", 201, 1),
        ("640181002", 422, None),
        ("640181003", 201, 1),
    ]
    assert [f["rule"] for f in answers[1]["findings"]] == ["reviews.total"]
    assert answers[1]["problem"]["status"] == 422
    assert client.get("/api/v1/agencies/640181002/reports/2020").status_code == 404
    assert client.get("/api/v1/agencies/640181003/reports/2020").json()["revision"] == 1


def test_another_agencys_key_is_refused_per_item(
    client: TestClient, session: Session, county_key: dict[str, str]
) -> None:
    response = _batch(
        client,
        county_key,
        [_item("640106"), _item("640181001"), _item("640999"), {"agency_code": "640181003"}],
    )

    answers = response.json()["items"]
    assert [(a["agency_code"], a["status"]) for a in answers] == [
        ("640106", 403),
        ("640181001", 201),
        ("640999", 404),
        ("640181003", 422),
    ]
    assert answers[0]["problem"]["code"] == "forbidden"
    assert [e["pointer"] for e in answers[3]["problem"]["errors"]] == [
        "/items/3/year",
        "/items/3/report",
    ]


def test_a_batch_needs_a_token(client: TestClient) -> None:
    assert client.post("/api/v1/reports/batch", json={"items": []}).status_code == 401


def test_the_subtree_workbook_comes_back_as_a_batch(
    client: TestClient, county_key: dict[str, str]
) -> None:
    client.put("/api/v1/agencies/640181001/reports/2020", json=seed_report(), headers=county_key)
    download = client.get("/api/v1/agencies/640181/workbook.xlsx?year=2020", headers=county_key)
    assert download.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(download.content))
    assert book.sheetnames[:4] == ["640181", *TOWNSHIPS]
    assert book["640181002"]["B1"].value == "640181002"  # a code typed as text

    def fill(book: Workbook) -> None:
        first = book["640181001"]
        for sheet_name in ("640181002", "640181003"):
            sheet = book[sheet_name]
            for row in first.iter_rows():
                for cell in row:
                    if cell.row > 4 and cell.value is not None:
                        sheet[cell.coordinate] = cell.value
        book["640181003"]["D20"] = "许多"  # a figure no one can read
        del book["640181"]  # the county files its own report separately

    response = client.post(
        "/api/v1/reports/batch",
        content=edited(download.content, fill),
        params={"status": "published"},
        headers={**county_key, "Content-Type": XLSX},
    )

    assert response.status_code == 200, response.text
    answers = response.json()["items"]
    assert [(a["agency_code"], a["year"], a["status"]) for a in answers] == [
        ("640181001", 2020, 200),
        ("640181002", 2020, 201),
        ("640181003", 2020, 422),
    ]
    assert answers[2]["problem"]["errors"][0]["sheet_cells"] == ["640181003!D20"]
    stored = client.get("/api/v1/agencies/640181002/reports/2020").json()
    assert stored["applications"]["granted"] == seed_report()["applications"]["granted"]
    assert client.get("/api/v1/agencies/640181001/reports/2020").json()["revision"] == 2


def test_summary_and_export_as_xlsx_keep_codes_as_text_and_figures_as_numbers(
    client: TestClient, county_key: dict[str, str], session: Session
) -> None:
    county = get_agency_by_code(session, "640181")
    make_agency(session, "-1", name='=HYPERLINK("x")乡', parent=county)
    for code in ("640181001", "-1"):
        report = seed_report()
        report["proactive"]["procurement"] = {"projects": 2, "amount": "25.123456"}
        response = client.put(
            f"/api/v1/agencies/{code}/reports/2020", json=report, headers=county_key
        )
        assert response.status_code == 201, response.text

    response = client.get("/api/v1/export.xlsx?year=2020")
    assert response.headers["content-type"] == XLSX
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    )
    assert rows[0][:4] == ("机关代码", "机关名称", "报告年度", "报告格式")
    by_cell = {(r[0], r[4], r[5], r[6]): r for r in rows[1:]}
    amount = by_cell[("640181001", "proactive", "procurement", "amount")]
    assert (amount[2], amount[10]) == (2020, 25.123456)
    change = by_cell[("640181001", "proactive", "licensing", "change")]
    assert change[10] == 0 and isinstance(change[10], int)
    granted = by_cell[("640181001", "applications", "granted", "natural_person")]
    assert granted[7:] == (
        "三、收到和处理政府信息公开申请情况",
        "本年度办理结果·予以公开",
        "自然人",
        0,
    )
    escaped = by_cell[("'-1", "applications", "granted", "natural_person")]
    assert escaped[1] == '\'=HYPERLINK("x")乡'

    summary = openpyxl.load_workbook(
        io.BytesIO(client.get("/api/v1/summary.xlsx?year=2020&agency=640181").content)
    )
    scope = summary["汇总范围"]
    assert [scope["A2"].value, scope["B2"].value] == ["机关代码", "640181"]
    assert [scope["A5"].value, scope["B5"].value] == ["已汇总的已公开报告数", 2]
    assert sorted([scope["A9"].value, scope["A10"].value]) == ["'-1", "640181001"]
    proactive = summary["二、主动公开政府信息情况"]
    procurement = next(r for r in proactive.iter_rows(values_only=True) if r[0] == "政府集中采购")
    assert procurement[-2:] == (4, 50.246912)
