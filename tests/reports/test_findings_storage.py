"""Findings that need storage: the agency's kind, reports identical to another agency's, and
acknowledgements kept with the revision — through PUT, GET and /validate, on both databases."""

from __future__ import annotations

import copy
from typing import Any

from sqlmodel import Session, select
from starlette.testclient import TestClient

from app.agencies.schemas import AgencyKind
from app.formats.figures_digest import report_digest
from app.formats.schema import parse_report
from app.reports.models import ReportRevision
from tests.factories import bearer, issue_key, make_agency
from tests.reports.helpers import hongze, seed_report

NARRATIVE_17 = ("narrative.table_mismatch", "/applications/new_received/total")
IDENTICAL = "report.identical_to_other_agency"


def _path(code: str, year: int) -> str:
    return f"/api/v1/agencies/{code}/reports/{year}"


def _pairs(findings: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(finding["rule"], finding["cells"][0]) for finding in findings]


def _agency(session: Session, code: str, kind: AgencyKind | None = None) -> dict[str, str]:
    agency = make_agency(session, code, name=f"{code}人民政府", kind=kind)
    return bearer(issue_key(session, agency))


def _validate(
    client: TestClient, code: str, year: int, body: dict[str, Any], **headers: str
) -> Any:
    response = client.post(
        "/api/v1/validate", json={**body, "agency_code": code, "year": year}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


# --------------------------------------------------------------------------------------------
# The agency's kind


def _seed_with_a_rule() -> dict[str, Any]:
    body = seed_report()
    body["proactive"]["regulations"]["made"] = 1
    return body


def test_a_township_issuing_a_rule_is_warned_on_write_and_validate(
    client: TestClient, session: Session
) -> None:
    key = _agency(session, "T1", AgencyKind.TOWNSHIP)

    written = client.put(_path("T1", 2020), json=_seed_with_a_rule(), headers=key)
    validated = _validate(client, "T1", 2020, _seed_with_a_rule(), **{"Accept-Language": "en"})

    assert written.status_code == 201
    expected = [("proactive.regulations_by_kind", "/proactive/regulations/made")]
    assert _pairs(written.json()["findings"]) == expected
    assert _pairs(validated["findings"]) == expected
    assert validated["findings"][0]["message"] == (
        "Rules issued this year: 1, but a township government cannot make rules; should they be "
        "normative documents?"
    )


def test_a_city_or_an_agency_of_unknown_kind_may_issue_rules(
    client: TestClient, session: Session
) -> None:
    city = _agency(session, "C1", AgencyKind.CITY)
    unknown = _agency(session, "U1")

    for code, key in (("C1", city), ("U1", unknown)):
        written = client.put(_path(code, 2020), json=_seed_with_a_rule(), headers=key)
        assert written.json()["findings"] == []
        assert _validate(client, code, 2020, _seed_with_a_rule())["findings"] == []


# --------------------------------------------------------------------------------------------
# Identical to another agency's report


def test_a_report_identical_to_another_agencys_published_one_is_warned(
    client: TestClient, session: Session
) -> None:
    first, second = _agency(session, "A1"), _agency(session, "B2")
    assert client.put(_path("A1", 2024), json=hongze(2024), headers=first).status_code == 201

    written = client.put(_path("B2", 2024), json=hongze(2024), headers=second)
    validated = _validate(client, "B2", 2024, hongze(2024))
    in_english = _validate(client, "B2", 2024, hongze(2024), **{"Accept-Language": "en"})

    expected = [(IDENTICAL, "/proactive"), NARRATIVE_17]
    assert _pairs(written.json()["findings"]) == expected
    assert _pairs(validated["findings"]) == expected
    identical = written.json()["findings"][0]
    assert identical["message"] == (
        "所有统计数字与 A1人民政府（A1） 的 2024 年度已公开报告完全相同（共 1 个机关），"
        "请确认没有套用其他机关的数据"
    )
    assert identical["actual"] == "A1"
    assert in_english["findings"][0]["message"].startswith(
        "Every figure equals the published 2024 report of A1人民政府（A1） (1 agencies in all)"
    )
    # Once B2 has published the same, A1's report is B2's twin too.
    assert _pairs(_validate(client, "A1", 2024, hongze(2024))["findings"]) == expected


def test_the_digest_is_stored_with_each_revision(client: TestClient, session: Session) -> None:
    key = _agency(session, "A1")
    client.put(_path("A1", 2024), json=hongze(2024), headers=key)
    client.put(_path("A1", 2020), json=seed_report(), headers=key)

    digests = session.exec(select(ReportRevision.figures_digest).order_by(ReportRevision.id)).all()

    assert digests == [report_digest(parse_report(hongze(2024), year=2024)), None]
    assert len(digests[0] or "") == 64


def test_drafts_and_other_figures_and_reports_of_zeros_are_not_identical(
    client: TestClient, session: Session
) -> None:
    first, second = _agency(session, "A1"), _agency(session, "B2")
    draft = {**hongze(2024), "status": "draft"}
    client.put(_path("A1", 2024), json=draft, headers=first)
    client.put(_path("A1", 2020), json=seed_report(), headers=first)  # every cell 0
    other = copy.deepcopy(hongze(2024))
    other["proactive"]["licensing"]["decisions"] = 9488

    assert _pairs(_validate(client, "B2", 2024, hongze(2024))["findings"]) == [NARRATIVE_17]
    assert _validate(client, "B2", 2020, seed_report())["findings"] == []
    client.put(_path("A1", 2024), json=hongze(2024), headers=first)  # now published
    assert _pairs(_validate(client, "B2", 2024, other)["findings"]) == [NARRATIVE_17]
    written = client.put(_path("B2", 2020), json=seed_report(), headers=second)
    assert written.json()["findings"] == []


# --------------------------------------------------------------------------------------------
# Acknowledgements


ACKNOWLEDGEMENTS = [
    {
        "rule": "narrative.table_mismatch",
        "pointer": "/applications/new_received/total",
        "reason": "表格含各部门申请，总体情况只计区政府办",
    },
    {"rule": "history.figure_jump", "pointer": "/proactive/licensing/decisions", "reason": "无"},
]


def test_acknowledgements_are_kept_with_the_revision_and_shown_in_the_findings(
    client: TestClient, session: Session
) -> None:
    key = _agency(session, "A1", AgencyKind.COUNTY)
    body = {**hongze(2024), "acknowledgements": ACKNOWLEDGEMENTS}

    written = client.put(_path("A1", 2024), json=body, headers=key)
    read = client.get(_path("A1", 2024))
    revision = client.get(_path("A1", 2024) + "/revisions/1")
    english = client.get(_path("A1", 2024), headers={"Accept-Language": "en"})

    assert written.status_code == 201
    for response in (written, read, revision, english):
        report = response.json()
        assert report["acknowledgements"] == ACKNOWLEDGEMENTS
        assert _pairs(report["findings"]) == [
            NARRATIVE_17,
            ("acknowledgements.unmatched", "/acknowledgements/1"),
        ]
        assert report["findings"][0]["acknowledged"] == {
            "reason": "表格含各部门申请，总体情况只计区政府办"
        }
        assert "acknowledged" not in report["findings"][1]
        assert report["warning_count"] == 2
    assert english.json()["findings"][1]["message"] == (
        "The acknowledgement (history.figure_jump, /proactive/licensing/decisions) matches no "
        "warning; it is kept with this revision"
    )
    stored = session.exec(select(ReportRevision.acknowledgements)).one()
    assert stored == ACKNOWLEDGEMENTS


def test_a_report_without_acknowledgements_reads_back_an_empty_list(
    client: TestClient, session: Session
) -> None:
    key = _agency(session, "A1")
    client.put(_path("A1", 2020), json=seed_report(), headers=key)

    assert client.get(_path("A1", 2020)).json()["acknowledgements"] == []
    assert session.exec(select(ReportRevision.acknowledgements)).one() is None


def test_acknowledging_an_error_does_not_let_a_published_report_through(
    client: TestClient, session: Session
) -> None:
    key = _agency(session, "A1")
    body = {
        **hongze(2023),
        "acknowledgements": [
            {"rule": "reviews.total", "pointer": "/reviews/review/total", "reason": "按原文"}
        ],
    }

    refused = client.put(_path("A1", 2023), json=body, headers=key)

    assert refused.status_code == 422
    assert _pairs(refused.json()["findings"]) == [
        ("reviews.total", "/reviews/review/total"),
        ("reviews.total", "/reviews/litigation_after_review/total"),
        ("acknowledgements.unmatched", "/acknowledgements/0"),
    ]
    assert client.get(_path("A1", 2023), headers=key).status_code == 404


def test_acknowledgements_are_bounded(client: TestClient, session: Session) -> None:
    key = _agency(session, "A1")
    too_long = {
        **seed_report(),
        "acknowledgements": [{**ACKNOWLEDGEMENTS[0], "reason": "x" * 2001}],
    }
    unknown_field = {**seed_report(), "acknowledgements": [{**ACKNOWLEDGEMENTS[0], "note": "?"}]}
    bad_rule = {**seed_report(), "acknowledgements": [{**ACKNOWLEDGEMENTS[0], "rule": "Bad Rule"}]}

    for body in (too_long, unknown_field, bad_rule):
        response = client.put(_path("A1", 2020), json=body, headers=key)
        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"].startswith("/acknowledgements/0/")
