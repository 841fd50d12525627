"""Hand-edited and hostile workbooks: read by label, refused with the cell named."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pytest
import xlsxwriter  # type: ignore[import-untyped]
from openpyxl.workbook.workbook import Workbook
from sqlmodel import Session
from starlette.testclient import TestClient

from app.workbooks.reader import read_workbook
from app.workbooks.safety import MAX_ROWS
from tests.factories import bearer, issue_key, make_agency
from tests.reports.helpers import hongze
from tests.workbooks.helpers import (
    APPLICATIONS,
    PROACTIVE,
    cell_xml,
    edited,
    put_workbook,
    with_sheet_xml,
)

PATH = "/api/v1/agencies/320813/reports/2024"


@pytest.fixture
def key(session: Session) -> dict[str, str]:
    return bearer(issue_key(session, make_agency(session, "320813", name="淮安市洪泽区人民政府")))


@pytest.fixture
def workbook(client: TestClient, key: dict[str, str]) -> bytes:
    assert client.put(PATH, json=hongze(2024), headers=key).status_code == 201
    return client.get(f"{PATH}/workbook.xlsx", headers=key).content


def _set(sheet: str, **cells: Any) -> Any:
    def edit(book: Workbook) -> None:
        for ref, value in cells.items():
            book[sheet][ref] = value

    return edit


def test_broken_workbooks_findings_name_their_sheet_cells(
    client: TestClient, key: dict[str, str], workbook: bytes
) -> None:
    broken = edited(workbook, _set(APPLICATIONS, D7=51))  # 予以公开·自然人: 50 → 51

    refused = put_workbook(client, PATH, broken, key, status="published")

    assert refused.status_code == 422
    errors = [f for f in refused.json()["findings"] if f["severity"] == "error"]
    assert [(f["rule"], f["cells"], f["sheet_cells"]) for f in errors] == [
        (
            "applications.balance",
            [
                "/applications/new_received/natural_person",
                "/applications/carried_over/natural_person",
                "/applications/results_total/natural_person",
                "/applications/carried_forward/natural_person",
            ],
            [
                f"{APPLICATIONS}!D5",
                f"{APPLICATIONS}!D6",
                f"{APPLICATIONS}!D29",
                f"{APPLICATIONS}!D30",
            ],
        )
    ]
    draft = put_workbook(client, PATH, broken, key)  # a draft is stored whatever its findings
    assert draft.status_code == 200
    assert draft.json()["status"] == "draft"
    assert next(f["sheet_cells"] for f in draft.json()["findings"])[2] == f"{APPLICATIONS}!D29"


def test_schema_errors_name_their_sheet_cells(
    client: TestClient, key: dict[str, str], workbook: bytes
) -> None:
    response = put_workbook(client, PATH, edited(workbook, _set(APPLICATIONS, D7=-3)), key)

    assert response.status_code == 422
    assert [(e["pointer"], e["sheet_cells"]) for e in response.json()["errors"]] == [
        ("/applications/granted/natural_person", [f"{APPLICATIONS}!D7"])
    ]


def test_text_that_is_no_figure_is_refused_with_its_cell(
    client: TestClient, key: dict[str, str], workbook: bytes
) -> None:
    response = put_workbook(client, PATH, edited(workbook, _set(APPLICATIONS, E7="许多")), key)

    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "workbook_invalid"
    assert [(e["pointer"], e["sheet_cells"]) for e in problem["errors"]] == [
        ("/applications/granted/commercial_enterprise", [f"{APPLICATIONS}!E7"])
    ]
    assert client.get(PATH, headers=key).json()["revision"] == 1  # nothing stored


def test_units_full_width_digits_and_not_reported_marks_are_read_as_the_spec_says(
    client: TestClient, key: dict[str, str], workbook: bytes
) -> None:
    typed = edited(workbook, _set(APPLICATIONS, D7="50件", E7="０", F7="/", G7="—", D8="　９　"))

    response = put_workbook(client, PATH, typed, key)

    assert response.status_code == 200, response.text
    granted = response.json()["applications"]["granted"]
    assert [granted[c] for c in ("natural_person", "commercial_enterprise")] == [50, 0]
    assert [granted[c] for c in ("research_institution", "social_welfare_org")] == [None, None]
    assert response.json()["applications"]["partially_granted"]["natural_person"] == 9
    assert [(d["code"], d["source"]) for d in response.json()["diagnostics"]] == [
        ("value_normalized", f"{APPLICATIONS}!D7"),
        ("value_normalized", f"{APPLICATIONS}!E7"),
        ("not_reported_mark", f"{APPLICATIONS}!F7"),
        ("not_reported_mark", f"{APPLICATIONS}!G7"),
        ("value_normalized", f"{APPLICATIONS}!D8"),
    ]
    not_reported = [
        f["sheet_cells"]
        for f in response.json()["findings"]
        if f["rule"] == "cells.not_reported" and f["cells"][0].startswith("/applications/granted/")
    ]
    assert not_reported == [[f"{APPLICATIONS}!F7"], [f"{APPLICATIONS}!G7"]]


def test_amounts_in_yuan_are_converted_to_wan_yuan(workbook: bytes) -> None:
    read = read_workbook(edited(workbook, _set(PROACTIVE, B18="75450000元")))

    assert read.report["proactive"]["fees"]["amount"] == "7545"
    assert [d["code"] for d in read.diagnostics] == ["unit_converted"]


def test_moved_rows_are_read_by_their_labels(workbook: bytes) -> None:
    def swap_rows(book: Workbook) -> None:
        for sheet, first, second, columns in (
            (PROACTIVE, 13, 14, "AB"),  # 行政处罚 ↔ 行政强制
            (APPLICATIONS, 9, 10, "CDEFGHIJ"),  # 1.属于国家秘密 ↔ 2.其他法律行政法规禁止公开
        ):
            for column in columns:
                a, b = book[sheet][f"{column}{first}"], book[sheet][f"{column}{second}"]
                a.value, b.value = b.value, a.value

    original = read_workbook(workbook)
    moved = read_workbook(edited(workbook, swap_rows))

    assert moved.report["proactive"] == original.report["proactive"]
    assert moved.sheet_cells["/proactive/penalties/decisions"] == f"{PROACTIVE}!B14"
    assert moved.sheet_cells["/applications/withheld_state_secret/natural_person"] == (
        f"{APPLICATIONS}!D10"
    )
    for row in ("withheld_state_secret", "withheld_prohibited_by_law"):
        cells = original.report["applications"][row]
        assert moved.report["applications"][row] == {c: v for c, v in cells.items() if c != "total"}
    assert moved.errors == []


def test_an_added_column_is_skipped_by_its_header(workbook: bytes) -> None:
    def add_column(book: Workbook) -> None:
        sheet = book[PROACTIVE]
        sheet.insert_cols(3)
        sheet["C3"] = "备注"
        sheet["C5"] = "含修订 1 件"

    read = read_workbook(edited(workbook, add_column))

    assert read.report["proactive"]["normative_documents"] == {
        "issued": 3,
        "repealed": 0,
        "in_force": 8,
    }
    assert read.sheet_cells["/proactive/normative_documents/repealed"] == f"{PROACTIVE}!D5"
    assert read.errors == []


def test_a_row_label_found_twice_is_refused_naming_both_cells(
    client: TestClient, key: dict[str, str], workbook: bytes
) -> None:
    twice = edited(workbook, _set(PROACTIVE, A14="行政处罚"))

    response = put_workbook(client, PATH, twice, key)

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [(e["pointer"], e["sheet_cells"]) for e in errors] == [
        ("/proactive/penalties", [f"{PROACTIVE}!A13"])
    ]
    assert f"{PROACTIVE}!A13、{PROACTIVE}!A14" in errors[0]["message"]


def test_a_formula_is_read_as_its_computed_value(workbook: bytes) -> None:
    def formula(xml: str) -> str:
        cell = cell_xml(xml, "B9")  # 行政许可 9487
        style = re.search(r's="\d+"', cell)
        assert style is not None
        return xml.replace(cell, f'<c r="B9" {style.group(0)}><f>9000+487</f><v>9487</v></c>')

    read = read_workbook(with_sheet_xml(workbook, 1, formula))

    assert read.report["proactive"]["licensing"]["decisions"] == 9487
    assert [(d["code"], d["source"]) for d in read.diagnostics] == [
        ("formula_value", f"{PROACTIVE}!B9")
    ]


def test_a_formula_without_a_computed_value_is_refused_clearly(
    client: TestClient, key: dict[str, str], workbook: bytes
) -> None:
    response = put_workbook(client, PATH, edited(workbook, _set(PROACTIVE, B9="=9000+487")), key)

    assert response.status_code == 422
    assert [(e["pointer"], e["sheet_cells"]) for e in response.json()["errors"]] == [
        ("/proactive/licensing/decisions", [f"{PROACTIVE}!B9"])
    ]


def _zip(**members: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name.replace("__", "/"), content)
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_inflated(
    client: TestClient, key: dict[str, str]
) -> None:
    bomb = _zip(xl__workbook__xml=b"<workbook/>", xl__worksheets__sheet1__xml=b"\0" * (8 * 2**20))
    assert len(bomb) < 20_000

    response = put_workbook(client, PATH, bomb, key)

    assert response.status_code == 413
    assert "zip bomb" in response.json()["detail"]


def test_a_body_that_is_not_a_workbook_is_refused(client: TestClient, key: dict[str, str]) -> None:
    for body, detail in (
        (b"plain text", "the body is not an .xlsx workbook (not a zip archive)"),
        (
            _zip(word__document__xml=b"<w/>"),
            "the zip archive is not an .xlsx workbook (no xl/workbook.xml)",
        ),
    ):
        response = put_workbook(client, PATH, body, key)
        assert response.status_code == 422
        assert response.json()["detail"] == detail


def test_a_workbook_of_another_agency_is_refused(
    client: TestClient, key: dict[str, str], workbook: bytes
) -> None:
    response = put_workbook(client, "/api/v1/agencies/320813/reports/2023", workbook, key)

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"pointer": "/year", "message": "the workbook is for 2024", "sheet_cells": []}
    ]


def test_workbook_status_must_be_known(
    client: TestClient, key: dict[str, str], workbook: bytes
) -> None:
    response = put_workbook(client, PATH, workbook, key, status="final")

    assert response.status_code == 422
    assert [e["pointer"] for e in response.json()["errors"]] == ["#/query/status"]


def test_a_sheet_with_too_many_rows_is_refused(client: TestClient, key: dict[str, str]) -> None:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet("二、主动公开政府信息情况")
    for row in range(MAX_ROWS + 1):
        sheet.write_number(row, 0, row)
    book.close()

    response = put_workbook(client, PATH, out.getvalue(), key)

    assert response.status_code == 413
    assert response.json()["detail"] == (
        f"sheet 二、主动公开政府信息情况 has {MAX_ROWS + 1} rows and 1 columns; "
        f"at most {MAX_ROWS} rows and 200 columns are read"
    )
