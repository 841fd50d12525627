"""The plausibility rules, one table of cases each: a real report or a synthetic edit of one
→ the exact (rule, cell) pairs found."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from app.formats.checks import IdenticalReport
from app.formats.rules import Evaluation, evaluate
from app.formats.schema import parse_report

from .factories import OMIT, Edits, edited, hongze, pairs, seed, without_totals

A = "/applications"
R = "/reviews"
P = "/proactive"
OVERVIEW = "/narrative/overview"

RECEIVED = ("narrative.table_mismatch", f"{A}/new_received/total")
REVIEWS_REAL_2023 = {
    ("reviews.total", f"{R}/review/total"),
    ("reviews.total", f"{R}/litigation_after_review/total"),
}


@dataclass(frozen=True)
class Case:
    id: str
    base: str  # "2019": the seed (2020, all zeros); "2021": 洪泽区 2024; "2023": 洪泽区 2023
    edits: Edits
    expected: set[tuple[str, str]]
    previous: tuple[str, Edits] | None = None  # base and edits of last year's report
    agency_kind: str | None = None
    identical: Sequence[IdenticalReport] = ()
    totals: bool = True


_YEARS = {"2019": 2020, "2021": 2024, "2023": 2023}


def _body(base: str, edits: Edits, totals: bool = True) -> dict[str, Any]:
    body = seed() if base == "2019" else hongze(2024) if base == "2021" else hongze(2023)
    return edited(body if totals else without_totals(body), edits)


def run_case(case: Case, lang: str = "zh") -> Evaluation:
    year = _YEARS[case.base]
    previous = None
    if case.previous is not None:
        previous_base, previous_edits = case.previous
        previous_year = year - 1 if previous_base == case.base else _YEARS[previous_base]
        previous = parse_report(
            _body(previous_base, previous_edits, case.totals), year=previous_year
        )
    return evaluate(
        parse_report(_body(case.base, case.edits, case.totals), year=year),
        year=year,
        previous=previous,
        lang=lang,
        agency_kind=case.agency_kind,
        identical=case.identical,
    )


def _seed_with_applications(new: int, carried_over: int = 0) -> dict[str, Any]:
    """Edits of the seed (totals omitted) giving it ``new`` + ``carried_over`` applications,
    all granted to natural persons."""
    return {
        f"{A}/new_received/natural_person": new,
        f"{A}/carried_over/natural_person": carried_over,
        f"{A}/granted/natural_person": new + carried_over,
    }


NARRATIVE_CASES = [
    # Real reports, as published.
    Case("hongze-2024-counts-17-applications-of-95", "2021", {}, {RECEIVED}),
    Case("hongze-2023-counts-21-of-21", "2023", {}, REVIEWS_REAL_2023),
    Case("seed-says-0-applications-and-3074-items-as-its-tables", "2019", {}, set()),
    # Synthetic statements on the seed (every cell 0, channels total 3074).
    Case(
        "received-5-of-0",
        "2019",
        {OVERVIEW: "全年共受理政府信息公开申请 5 件，均按时答复。"},
        {RECEIVED},
    ),
    Case(
        "received-in-chinese-numerals",
        "2019",
        {OVERVIEW: "本年度收到政府信息公开申请十七件。"},
        {RECEIVED},
    ),
    Case(
        "received-counting-last-years-open-ones-agrees",
        "2019",
        {**_seed_with_applications(3, 2), OVERVIEW: "全年受理政府信息公开申请 5 件。"},
        set(),
        totals=False,
    ),
    Case(
        "received-agrees",
        "2019",
        {**_seed_with_applications(4), OVERVIEW: "全年受理政府信息公开申请 4 件。"},
        set(),
        totals=False,
    ),
    Case(
        "granted-completed-carried",
        "2019",
        {
            OVERVIEW: "予以公开 3 件。已办结申请 2 件。结转下年度继续办理 1 件。"
            "上年结转政府信息公开申请 4 件。"
        },
        {
            ("narrative.table_mismatch", f"{A}/granted/total"),
            ("narrative.table_mismatch", f"{A}/results_total/total"),
            ("narrative.table_mismatch", f"{A}/carried_forward/total"),
            ("narrative.table_mismatch", f"{A}/carried_over/total"),
        },
    ),
    Case(
        "reviews-and-lawsuits-about-disclosure",
        "2019",
        {OVERVIEW: "全年发生政府信息公开行政复议 2 件，行政诉讼 1 件。"},
        {
            ("narrative.table_mismatch", f"{R}/review/total"),
            ("narrative.table_mismatch", f"{R}/litigation_direct/total"),
        },
    ),
    Case(
        "regulations-and-normative-documents-issued-2019",
        "2019",
        {OVERVIEW: "制发规章 2 件，印发规范性文件 3 件。"},
        {
            ("narrative.table_mismatch", f"{P}/regulations/made"),
            ("narrative.table_mismatch", f"{P}/normative_documents/made"),
        },
    ),
    Case(
        "normative-documents-issued-2021-agrees",
        "2021",
        {OVERVIEW: "全年印发行政规范性文件 3 件。"},
        set(),
    ),
    Case(
        "normative-documents-issued-2021-disagrees",
        "2021",
        {OVERVIEW: "全年印发行政规范性文件 4 件。"},
        {("narrative.table_mismatch", f"{P}/normative_documents/issued")},
    ),
    Case(
        "proactive-items-of-the-whole",
        "2019",
        {OVERVIEW: "全年主动公开政府信息 3000 条。"},
        {("narrative.table_mismatch", "/channels/total")},
    ),
    Case(
        "proactive-items-unread-without-channels",
        "2021",
        {OVERVIEW: "全年主动公开政府信息 3000 条。", "/channels": OMIT},
        set(),
    ),
    # What is not read: parts, comparisons, cumulative counts, vague counts, other subjects.
    Case(
        "not-read",
        "2019",
        {
            OVERVIEW: "全年办理行政复议案件 300 件。制定规章制度 5 件。"
            "历年累计主动公开政府信息 9999 条。"
            "其中政府网站主动公开政府信息 13 条。受理申请数十件。收到行政复议申请 2 件。"
            "受理政府信息公开申请同比增长 20 件。不予公开 3 件。行政复议、行政诉讼 0 件。"
        },
        set(),
    ),
    Case(
        "a-part-is-not-the-whole",
        "2019",
        {OVERVIEW: "全年受理政府信息公开申请 0 件（其中予以公开 3 件）。"},
        set(),
    ),
]

JUMP = "history.figure_jump"
LICENSING = f"{P}/licensing/decisions"
PENALTIES = f"{P}/penalties/decisions"

JUMP_CASES = [
    Case(
        "hongze-licensing-550-to-9487",
        "2021",
        {},
        {RECEIVED, (JUMP, LICENSING)},
        previous=("2023", {}),
    ),
    Case(
        "up-x5-from-12",
        "2019",
        {LICENSING: 60},
        {(JUMP, LICENSING)},
        previous=("2019", {LICENSING: 12}),
    ),
    Case(
        "down-x5-to-10",
        "2019",
        {PENALTIES: 10},
        {(JUMP, PENALTIES)},
        previous=("2019", {PENALTIES: 50}),
    ),
    Case("x4.9-is-not-a-jump", "2019", {LICENSING: 49}, set(), previous=("2019", {LICENSING: 10})),
    Case(
        "1-to-6-is-under-the-floor",
        "2019",
        {LICENSING: 6},
        set(),
        previous=("2019", {LICENSING: 1}),
    ),
    Case(
        "9-to-90-is-under-the-floor",
        "2019",
        {LICENSING: 90},
        set(),
        previous=("2019", {LICENSING: 9}),
    ),
    Case(
        "blank-last-year-is-not-compared",
        "2019",
        {LICENSING: 90},
        set(),
        previous=("2019", {LICENSING: None}),
    ),
    Case("no-previous-no-jump", "2019", {LICENSING: 900}, set()),
]


def _results(granted: int, withheld: int = 0, unavailable: int = 0) -> dict[str, Any]:
    total = granted + withheld + unavailable
    return {
        OVERVIEW: None,
        f"{A}/new_received/natural_person": total,
        f"{A}/granted/natural_person": granted,
        f"{A}/withheld_third_party_rights/natural_person": withheld,
        f"{A}/unavailable_not_held/natural_person": unavailable,
    }


SHARE = "history.result_share_jump"
# 洪泽区 2024 as if its 31 无法提供 had been granted the year before (33 % from 0 %).
HONGZE_ALL_GRANTED = {
    f"{A}/granted/natural_person": 81,
    f"{A}/granted/total": 81,
    f"{A}/unavailable_not_held/natural_person": 0,
    f"{A}/unavailable_not_held/total": 0,
}
IN_FORCE_8_AFTER_8 = ("proactive.in_force_continuity", f"{P}/normative_documents/in_force")
SHARE_CASES = [
    Case(
        "hongze-unavailable-0-to-33-percent",
        "2021",
        {},
        {RECEIVED, IN_FORCE_8_AFTER_8, (SHARE, f"{A}/unavailable_not_held/total")},
        previous=("2021", HONGZE_ALL_GRANTED),
    ),
    Case(
        "hongze-2023-to-2024-shares-hold",
        "2021",
        {},
        {RECEIVED, (JUMP, LICENSING)},
        previous=("2023", {}),
    ),
    Case(
        "withheld-0-to-50-percent",
        "2019",
        _results(15, withheld=15),
        {(SHARE, f"{A}/withheld_state_secret/total")},
        previous=("2019", _results(30)),
        totals=False,
    ),
    Case(
        "unavailable-10-to-40-percent",
        "2019",
        _results(12, unavailable=8),
        {(SHARE, f"{A}/unavailable_not_held/total")},
        previous=("2019", _results(18, unavailable=2)),
        totals=False,
    ),
    Case(
        "rise-of-24-points-is-not-a-jump",
        "2019",
        _results(19, unavailable=6),  # 24 %
        set(),
        previous=("2019", _results(25)),
        totals=False,
    ),
    Case(
        "a-fall-is-not-a-jump",
        "2019",
        _results(30),
        set(),
        previous=("2019", _results(15, withheld=15)),
        totals=False,
    ),
    Case(
        "under-20-results-is-not-compared",
        "2019",
        _results(9, withheld=10),
        set(),
        previous=("2019", _results(30)),
        totals=False,
    ),
]

KIND = "proactive.regulations_by_kind"
REGULATIONS_2021 = {f"{P}/regulations/issued": 1, f"{P}/regulations/in_force": 1}
KIND_CASES = [
    Case(
        "county-issues-a-rule",
        "2021",
        REGULATIONS_2021,
        {RECEIVED, (KIND, f"{P}/regulations/issued")},
        agency_kind="county",
    ),
    Case(
        "township-makes-a-rule-2019",
        "2019",
        {f"{P}/regulations/made": 2},
        {(KIND, f"{P}/regulations/made")},
        agency_kind="township",
    ),
    Case("city-may-issue-rules", "2021", REGULATIONS_2021, {RECEIVED}, agency_kind="city"),
    Case("province-may-issue-rules", "2021", REGULATIONS_2021, {RECEIVED}, agency_kind="province"),
    Case(
        "department-is-not-judged", "2021", REGULATIONS_2021, {RECEIVED}, agency_kind="department"
    ),
    Case("unknown-kind-is-not-judged", "2021", REGULATIONS_2021, {RECEIVED}),
    Case("hongze-a-district-issues-none", "2021", {}, {RECEIVED}, agency_kind="county"),
]

IDENTICAL = "report.identical_to_other_agency"
IDENTICAL_CASES = [
    Case(
        "identical-to-another-agency",
        "2021",
        {},
        {RECEIVED, (IDENTICAL, P)},
        identical=(IdenticalReport("320813", "淮安市某区人民政府"),),
    ),
    Case("nothing-identical", "2021", {}, {RECEIVED}),
    Case(
        "identical-2019",
        "2019",
        {},
        {(IDENTICAL, P)},
        identical=(IdenticalReport("640181-dongta", "灵武市东塔镇人民政府"),),
    ),
]


def _acknowledging(*items: tuple[str, str]) -> dict[str, Any]:
    return {"/acknowledgements": [{"rule": r, "pointer": p, "reason": "说明"} for r, p in items]}


UNMATCHED = "acknowledgements.unmatched"
ACKNOWLEDGEMENT_CASES = [
    Case("acknowledged-warning-is-still-found", "2021", _acknowledging(RECEIVED), {RECEIVED}),
    Case(
        "acknowledgement-of-nothing-is-reported-back",
        "2021",
        _acknowledging(RECEIVED, ("history.figure_jump", LICENSING)),
        {RECEIVED, (UNMATCHED, "/acknowledgements/1")},
    ),
    Case(
        "acknowledgement-of-an-error-is-reported-back",
        "2023",
        _acknowledging(("reviews.total", f"{R}/review/total")),
        REVIEWS_REAL_2023 | {(UNMATCHED, "/acknowledgements/0")},
    ),
    Case(
        "acknowledgement-with-the-wrong-cell",
        "2019",
        _acknowledging(("cells.not_reported", f"{P}/licensing/decisions")),
        {(UNMATCHED, "/acknowledgements/0")},
    ),
]

CASES = (
    NARRATIVE_CASES
    + JUMP_CASES
    + SHARE_CASES
    + KIND_CASES
    + IDENTICAL_CASES
    + ACKNOWLEDGEMENT_CASES
)
PLAUSIBILITY_COVERED = {(rule, case.base) for case in CASES for rule, _ in case.expected}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_plausibility_cases(case: Case) -> None:
    assert pairs(run_case(case)) == case.expected


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_english_findings_point_at_the_same_cells(case: Case) -> None:
    assert pairs(run_case(case, lang="en")) == case.expected
