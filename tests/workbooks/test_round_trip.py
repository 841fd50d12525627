"""A report's workbook, downloaded and sent back, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from app.formats.definitions import FORMATS
from app.workbooks.reader import read_workbook
from tests.factories import bearer, issue_key, make_agency
from tests.reports.helpers import hongze, seed_report
from tests.workbooks.helpers import (
    APPLICATIONS,
    NARRATIVE,
    PROACTIVE,
    REVIEWS,
    XLSX,
    put_workbook,
    resaved,
    table_cells,
)

HONGZE = "/api/v1/agencies/320813/reports/2024"
BAITUGANG = "/api/v1/agencies/640181-baitugang/reports/2020"


@pytest.fixture
def hongze_key(session: Session) -> dict[str, str]:
    agency = make_agency(session, "320813", name="淮安市洪泽区人民政府")
    return bearer(issue_key(session, agency))


@pytest.fixture
def baitugang_key(session: Session) -> dict[str, str]:
    county = make_agency(session, "640181", name="灵武市人民政府")
    township = make_agency(
        session, "640181-baitugang", name="灵武市白土岗乡人民政府", parent=county
    )
    return bearer(issue_key(session, township))


def _stored(client: TestClient, path: str, key: dict[str, str]) -> dict[str, Any]:
    response = client.get(path, headers=key)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize(
    ("path", "key_fixture", "body"),
    [(HONGZE, "hongze_key", hongze(2024)), (BAITUGANG, "baitugang_key", seed_report())],
    ids=["hongze-2024-format-2021", "baitugang-2020-format-2019"],
)
def test_downloaded_workbook_put_back_unchanged_stores_the_same_cells(
    client: TestClient,
    request: pytest.FixtureRequest,
    path: str,
    key_fixture: str,
    body: dict[str, Any],
) -> None:
    key = request.getfixturevalue(key_fixture)
    assert client.put(path, json=body, headers=key).status_code == 201
    before = _stored(client, path, key)

    download = client.get(f"{path}/workbook.xlsx", headers=key)
    assert download.status_code == 200
    assert download.headers["content-type"] == XLSX
    answer = put_workbook(client, path, download.content, key, status="published")

    assert answer.status_code == 200, answer.text
    assert answer.headers["etag"] == '"r2"'
    after = answer.json()
    assert after["revision"] == 2
    assert after["status"] == "published"
    assert table_cells(after, body["format"]) == table_cells(before, body["format"])
    stored = _stored(client, path, key)
    assert table_cells(stored, body["format"]) == table_cells(before, body["format"])
    for field in ("narrative", "channels", "contact", "fees_collected_yuan", "format", "scope"):
        assert stored[field] == before[field], field
    # The same findings; the workbook's answer also names each finding's worksheet cells.
    assert [
        {key: value for key, value in finding.items() if key != "sheet_cells"}
        for finding in after["findings"]
    ] == before["findings"]


def test_workbook_resaved_by_a_second_library_reads_alike(
    client: TestClient, hongze_key: dict[str, str]
) -> None:
    client.put(HONGZE, json=hongze(2024), headers=hongze_key)
    original = client.get(f"{HONGZE}/workbook.xlsx", headers=hongze_key).content

    ours, theirs = read_workbook(original), read_workbook(resaved(original))

    # openpyxl keeps the total formulas but drops their values: the service computes them.
    fmt = FORMATS["2021"]
    expected = {
        key: (
            {
                row: {
                    column: value
                    for column, value in cells.items()
                    if not fmt.cell((key, row, column)).is_total
                }
                for row, cells in section.items()
            }
            if key in ("proactive", "applications", "reviews")
            else section
        )
        for key, section in ours.report.items()
    }
    expected["applications"] = {k: v for k, v in expected["applications"].items() if v}
    assert theirs.report == expected
    assert [d["code"] for d in theirs.diagnostics] == []
    assert theirs.sheet_cells["/applications/granted/natural_person"] == f"{APPLICATIONS}!D7"
    answer = put_workbook(client, HONGZE, resaved(original), hongze_key, status="published")
    assert answer.status_code == 200, answer.text
    assert table_cells(answer.json(), "2021") == table_cells(
        _stored(client, f"{HONGZE}/revisions/1", hongze_key), "2021"
    )


def test_next_years_workbook_has_carried_over_and_last_years_in_force_pre_filled(
    client: TestClient, hongze_key: dict[str, str]
) -> None:
    client.put(HONGZE, json=hongze(2024), headers=hongze_key)

    download = client.get("/api/v1/agencies/320813/reports/2025/workbook.xlsx", headers=hongze_key)

    assert download.status_code == 200
    read = read_workbook(download.content)
    assert (read.format, read.year, read.agency_code) == ("2021", 2025, "320813")
    carried_forward = hongze(2024)["applications"]["carried_forward"]
    assert read.report["applications"]["carried_over"] == {
        column: carried_forward[column]
        for column in (
            "natural_person",
            "commercial_enterprise",
            "research_institution",
            "social_welfare_org",
            "legal_service_agency",
            "other_org",
            "total",
        )
    }
    assert read.report["applications"]["new_received"]["natural_person"] is None
    sheet = openpyxl.load_workbook(io.BytesIO(download.content))[PROACTIVE]
    assert sheet["E3"].value == "现行有效件数（上年，仅供参考）"
    assert (sheet["A5"].value, sheet["E5"].value) == ("行政规范性文件", 8)


def test_anonymous_callers_get_no_draft_figures_in_a_workbook(
    client: TestClient, hongze_key: dict[str, str]
) -> None:
    client.put(HONGZE, json={**hongze(2024), "status": "draft"}, headers=hongze_key)

    anonymous = read_workbook(client.get(f"{HONGZE}/workbook.xlsx").content)
    own = read_workbook(client.get(f"{HONGZE}/workbook.xlsx", headers=hongze_key).content)

    assert anonymous.report["applications"]["new_received"]["natural_person"] is None
    assert own.report["applications"]["new_received"]["natural_person"] == 95


def test_template_is_laid_out_as_the_national_format_prints_it(client: TestClient) -> None:
    response = client.get("/api/v1/formats/2021/workbook.xlsx")

    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [PROACTIVE, APPLICATIONS, REVIEWS, NARRATIVE, "填表说明", "_meta"]
    assert book["_meta"].sheet_state == "hidden"
    matrix = book[APPLICATIONS]
    assert {"D2:J2", "E3:I3", "D3:D4", "J3:J4", "A7:A29", "B26:B28", "B9:B16"} <= {
        str(merged) for merged in matrix.merged_cells.ranges
    }
    assert [matrix.cell(2, 4).value, matrix.cell(3, 5).value, matrix.cell(4, 5).value] == [
        "申请人情况",
        "法人或其他组织",
        "商业企业",
    ]
    assert matrix["C9"].value == "1.属于国家秘密"
    assert matrix.protection.sheet is True
    assert matrix.protection.password is None
    assert matrix["D7"].protection.locked is False  # an input cell
    assert matrix["J7"].protection.locked is True  # a total: a formula
    assert matrix["J7"].value == "=SUM(D7,E7,F7,G7,H7,I7)"
    assert matrix["C9"].protection.locked is True
    validations = {
        str(v.sqref): (v.type, v.operator) for v in matrix.data_validations.dataValidation
    }
    assert validations["D7"] == ("whole", "greaterThanOrEqual")
    fees = {str(v.sqref): v.type for v in book[PROACTIVE].data_validations.dataValidation}
    assert fees["B18"] == "decimal"
    assert book[PROACTIVE]["A18"].value == "行政事业性收费"
    rules = [row[0].value for row in book["填表说明"].iter_rows(min_row=12) if row[0].value]
    assert "applications.balance" in rules and "applications.other_subtotal" in rules


def test_2019_template_has_the_signed_change_column(client: TestClient) -> None:
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/api/v1/formats/2019/workbook.xlsx").content)
    )
    sheet = book[PROACTIVE]
    assert [sheet.cell(8, col).value for col in range(1, 5)] == [
        "信息内容",
        "上一年项目数量",
        "本年增/减",
        "处理决定数量",
    ]
    validations = {
        str(v.sqref): (v.type, v.operator, v.formula1)
        for v in sheet.data_validations.dataValidation
    }
    # "between" is the default operator, which the file leaves out; negative changes are valid
    assert validations["C9"] == ("whole", None, "-1000000000000000")
    assert validations["B9"] == ("whole", "greaterThanOrEqual", "0")


def test_unknown_format_has_no_template(client: TestClient) -> None:
    response = client.get("/api/v1/formats/1999/workbook.xlsx")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
