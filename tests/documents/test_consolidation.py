"""GET …/consolidation/{year}: a government's draft summed from its subtree's published
reports, nothing counted twice, and PUT back as it is."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.testclient import TestClient

from app.agencies.models import Agency
from app.ops.sample_data import load_sample
from tests.factories import bearer, issue_key, make_agency
from tests.summaries.helpers import body, store

YEAR = 2023


def _tree(session: Session) -> dict[str, Agency]:
    """淮安市 → 洪泽区 (consolidated) → 两镇; 淮安市 → 清江浦区 → 一街道."""
    city = make_agency(session, "3208", name="淮安市人民政府")
    hongze = make_agency(session, "320813", name="洪泽区人民政府", parent=city)
    town_1 = make_agency(session, "32081301", name="高良涧街道", parent=hongze)
    town_2 = make_agency(session, "32081302", name="朱坝街道", parent=hongze)
    qingjiangpu = make_agency(session, "320812", name="清江浦区人民政府", parent=city)
    street = make_agency(session, "32081201", name="浦楼街道", parent=qingjiangpu)
    store(session, city, YEAR, body("2021", new=2, granted=2))
    store(
        session,
        hongze,
        YEAR,
        body("2021", new=10, granted=7, withheld=1, amount="1.25", scope="consolidated"),
    )
    store(session, town_1, YEAR, body("2021", new=4, granted=4, amount="9"))  # inside 洪泽区's
    store(session, town_2, YEAR, body("2021", new=100, granted=100, status="draft"))
    store(session, qingjiangpu, YEAR, body("2021", new=5, granted=3, withheld=2, amount="0.105"))
    store(session, street, YEAR, body("2021", new=1, granted=1, upheld=1))
    return {"city": city, "hongze": hongze, "street": street}


def _column(report: dict[str, Any], row: str) -> tuple[int, int]:
    cells = report["applications"][row]
    return cells["natural_person"], cells["total"]


def test_a_consolidated_report_in_the_middle_is_counted_once(
    client: TestClient, session: Session
) -> None:
    _tree(session)
    response = client.get(f"/api/v1/agencies/3208/consolidation/{YEAR}")
    assert response.status_code == 200, response.text
    assert (
        response.headers["x-reports-summed"] == "4"
    )  # city, 洪泽区 (for its towns), 清江浦区, 街道
    assert response.headers["x-reports-covered"] == "1"
    report = response.json()
    assert (report["format"], report["status"], report["scope"]) == (
        "2021",
        "draft",
        "consolidated",
    )
    assert _column(report, "new_received") == (18, 18)
    assert _column(report, "granted") == (13, 13)
    assert _column(report, "withheld_state_secret") == (3, 3)
    assert _column(report, "results_total") == (16, 16)
    assert _column(report, "carried_forward") == (2, 2)
    assert report["applications"]["new_received"]["commercial_enterprise"] == 0
    assert report["proactive"]["fees"]["amount"] == "1.355"  # exact: 1.25 + 0.105
    assert report["reviews"]["review"] == {
        "upheld": 1,
        "corrected": 0,
        "other": 0,
        "pending": 0,
        "total": 1,
    }
    assert report["narrative"] == {
        "overview": None,
        "problems_and_improvements": None,
        "other_matters": None,
    }


def test_the_draft_puts_to_the_government_with_no_error_and_then_stands_for_it(
    client: TestClient, session: Session
) -> None:
    agencies = _tree(session)
    draft = client.get(f"/api/v1/agencies/3208/consolidation/{YEAR}").json()
    token = issue_key(session, agencies["city"])
    put = client.put(f"/api/v1/agencies/3208/reports/{YEAR}", json=draft, headers=bearer(token))
    assert put.status_code == 200, put.text  # the city's own report was revision 1
    assert [f for f in put.json()["findings"] if f["severity"] == "error"] == []
    published = client.put(
        f"/api/v1/agencies/3208/reports/{YEAR}",
        json={**draft, "status": "published"},
        headers=bearer(token),
    )
    assert published.status_code == 200, published.text
    summary = client.get("/api/v1/summary", params={"year": YEAR, "agency": "3208"}).json()
    assert summary["agencies_reported"] == 1
    assert summary["covered_by_consolidated"] == 4
    new_received = summary["sections"]["applications"]["rows"][0]
    assert new_received["key"] == "new_received"
    assert new_received["columns"][-1] == {
        **new_received["columns"][-1],
        "key": "total",
        "value": 18,
    }
    again = client.get(f"/api/v1/agencies/3208/consolidation/{YEAR}").json()
    assert _column(again, "new_received") == (18, 18)  # the city's own report now stands for all


def test_a_county_consolidation_is_its_consolidated_report(
    client: TestClient, session: Session
) -> None:
    _tree(session)
    report = client.get(f"/api/v1/agencies/320813/consolidation/{YEAR}").json()
    assert _column(report, "new_received") == (10, 10)
    assert report["proactive"]["fees"]["amount"] == "1.25"


def test_other_handling_given_two_ways_is_kept_as_its_subtotal(
    client: TestClient, session: Session
) -> None:
    city = make_agency(session, "3208", name="淮安市人民政府")
    with_parts = body("2021", new=1, granted=0)
    rows = with_parts["applications"]
    for row in ("other_no_correction", "other", "results_total"):
        rows[row]["natural_person"] = rows[row]["total"] = 1
    rows["carried_forward"]["natural_person"] = rows["carried_forward"]["total"] = 0
    subtotal_only = body("2021", new=2, granted=0)
    rows = subtotal_only["applications"]
    for row in ("other_no_correction", "other_fee_unpaid", "other_misc"):
        del rows[row]
    for row in ("other", "results_total"):
        rows[row]["natural_person"] = rows[row]["total"] = 2
    rows["carried_forward"]["natural_person"] = rows["carried_forward"]["total"] = 0
    store(session, make_agency(session, "320813", parent=city), YEAR, with_parts)
    store(session, make_agency(session, "320812", parent=city), YEAR, subtotal_only)
    report = client.get(f"/api/v1/agencies/3208/consolidation/{YEAR}").json()
    applications = report["applications"]
    assert _column(report, "other") == (3, 3)
    parts = ("other_no_correction", "other_fee_unpaid", "other_misc")
    assert [row for row in parts if row in applications] == []  # printed as one row
    put = client.put(
        f"/api/v1/agencies/3208/reports/{YEAR}",
        json=report,
        headers=bearer(issue_key(session, city)),
    )
    assert put.status_code == 201, put.text
    assert [f["rule"] for f in put.json()["findings"] if f["severity"] == "error"] == []


def test_nothing_published_below_is_a_404_problem(client: TestClient, session: Session) -> None:
    city = make_agency(session, "3208", name="淮安市人民政府")
    store(
        session,
        make_agency(session, "320813", parent=city),
        YEAR,
        body("2021", new=1, granted=1, status="draft"),
    )
    response = client.get(f"/api/v1/agencies/3208/consolidation/{YEAR}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == (
        "no report of 3208 or of the agencies below it is published for 2023: "
        "there is nothing to consolidate yet"
    )


def test_unknown_agency_is_404(client: TestClient, session: Session) -> None:
    response = client.get(f"/api/v1/agencies/999/consolidation/{YEAR}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_a_bad_token_is_refused_even_on_this_public_read(
    client: TestClient, session: Session
) -> None:
    _tree(session)
    response = client.get(
        f"/api/v1/agencies/3208/consolidation/{YEAR}", headers=bearer("dsk_nope_nope")
    )
    assert response.status_code == 401


def test_consolidation_docx_prints_the_sums(client: TestClient, session: Session) -> None:
    _tree(session)
    response = client.get(f"/api/v1/agencies/3208/consolidation/{YEAR}/document.docx")
    assert response.status_code == 200, response.text
    word = Document(io.BytesIO(response.content))
    assert word.paragraphs[0].text == f"淮安市人民政府{YEAR}年政府信息公开工作年度报告"
    matrix = word.tables[1]
    first = [cell.text for cell in matrix.rows[3].cells]
    assert first[0] == "一、本年新收政府信息公开申请数量"
    assert first[3:] == ["18", "0", "0", "0", "0", "0", "18"]


def test_huaian_2023_from_the_sample_is_hongze_2023_and_puts_balanced(
    client: TestClient, clean_db: Engine, admin_headers: dict[str, str]
) -> None:
    load_sample(clean_db)
    response = client.get("/api/v1/agencies/320800/consolidation/2023")
    assert response.status_code == 200, response.text
    draft = response.json()
    hongze = client.get("/api/v1/agencies/320813/reports/2023").json()
    for section in ("proactive", "reviews"):
        assert draft[section] == hongze[section], section
    # 洪泽区 printed （六） as one row (its sub-rows blank); the draft has the 2021 sub-rows, 0.
    parts = ("other_no_correction", "other_fee_unpaid", "other_misc")
    assert [sorted(set(draft["applications"][row].values())) for row in parts] == [[0]] * 3
    assert {k: v for k, v in draft["applications"].items() if k not in parts} == {
        k: v for k, v in hongze["applications"].items() if k not in parts
    }
    assert draft["reviews"]["review"]["total"] == 11  # computed, not the 0 the PDF printed
    assert draft["proactive"]["fees"]["amount"] == "7730.28"
    put = client.put("/api/v1/agencies/320800/reports/2023", json=draft, headers=admin_headers)
    assert put.status_code == 201, put.text
    assert put.json()["error_count"] == 0
    assert put.json()["scope"] == "consolidated"


def test_a_late_filer_on_the_old_format_adds_only_the_cells_both_formats_have(
    client: TestClient, session: Session
) -> None:
    city = make_agency(session, "3208", name="淮安市人民政府")
    store(session, city, 2021, body("2021", new=2, granted=2, amount="4.5"))
    old = body("2019", new=3, granted=3)
    old["proactive"]["licensing"]["decisions"] = 7
    store(session, make_agency(session, "320813", parent=city), 2021, old)
    report = client.get("/api/v1/agencies/3208/consolidation/2021").json()
    assert report["format"] == "2021"
    assert _column(report, "new_received") == (5, 5)
    assert report["proactive"]["licensing"] == {"decisions": 7}  # a cell both formats have
    # Cells only the 2021 format has: blank, not the 2021 report's figure passed off as a sum.
    assert report["proactive"]["fees"] == {"amount": None}
    assert report["proactive"]["regulations"] == dict.fromkeys(
        ("issued", "repealed", "in_force"), None
    )
    assert "other_misc" not in report["applications"]  # （六） as the one row both have
    put = client.put(
        "/api/v1/agencies/3208/reports/2021",
        json=report,
        headers=bearer(issue_key(session, city)),
    )
    assert put.status_code == 200, put.text
    assert put.json()["error_count"] == 0
