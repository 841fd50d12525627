"""The exact words of the plausibility findings, in Chinese and in English."""

from __future__ import annotations

import pytest

from app.formats.checks import IdenticalReport

from .test_plausibility_rules import (
    LICENSING,
    OVERVIEW,
    REGULATIONS_2021,
    Case,
    _results,
    run_case,
)

MESSAGES = [
    (
        Case("narrative", "2021", {}, set()),
        "narrative.table_mismatch",
        "总体情况称收到（受理）申请 17 件，表格中为 95：“2024 年，区政府办代表区政府受理"
        "政府信息公开申请 17 件，均已在法定期限内予以答复”",
        "Part I states applications received as 17, the table has 95: “2024 年，区政府办代表区政府"
        "受理政府信息公开申请 17 件，均已在法定期限内予以答复”",
    ),
    (
        Case("items", "2019", {OVERVIEW: "全年主动公开政府信息 3000 条。"}, set()),
        "narrative.table_mismatch",
        "总体情况称主动公开政府信息 3000 条，表格中为 3074：“全年主动公开政府信息 3000 条”",
        "Part I states items published proactively as 3000, the table has 3074: "
        "“全年主动公开政府信息 3000 条”",
    ),
    (
        Case("up", "2021", {}, set(), previous=("2023", {})),
        "history.figure_jump",
        "行政许可处理决定：本年 9487，上年 550，增至 17.2 倍，请确认",
        "Licensing decisions: 9487 this year, 550 last year, 17.2 times as many; please check",
    ),
    (
        Case("down", "2019", {LICENSING: 10}, set(), previous=("2019", {LICENSING: 55})),
        "history.figure_jump",
        "行政许可处理决定：本年 10，上年 55，降为上年的 5.5 分之一，请确认",
        "Licensing decisions: 10 this year, 55 last year, 5.5 times fewer; please check",
    ),
    (
        Case(
            "share",
            "2019",
            _results(15, withheld=15),
            set(),
            previous=("2019", _results(30)),
            totals=False,
        ),
        "history.result_share_jump",
        "不予公开占办理结果的比例由上年 0% 升至 50%（上升 50 个百分点），请确认",
        "The share of not disclosed among the results rose from 0% last year to 50% (50 points); "
        "please check",
    ),
    (
        Case("kind", "2021", REGULATIONS_2021, set(), agency_kind="county"),
        "proactive.regulations_by_kind",
        "本年制发规章 1 件，但县级人民政府不能制定规章，请确认是否应填入行政规范性文件",
        "Rules issued this year: 1, but a county-level government cannot make rules; should "
        "they be normative documents?",
    ),
    (
        Case(
            "identical",
            "2021",
            {},
            set(),
            identical=(
                IdenticalReport("A1", "甲区人民政府"),
                IdenticalReport("B2", "乙区人民政府"),
            ),
        ),
        "report.identical_to_other_agency",
        "所有统计数字与 甲区人民政府（A1）、乙区人民政府（B2） 的 2024 年度已公开报告完全相同"
        "（共 2 个机关），请确认没有套用其他机关的数据",
        "Every figure equals the published 2024 report of 甲区人民政府（A1）、乙区人民政府（B2） "
        "(2 agencies in all); check that another agency's data were not reused",
    ),
]


@pytest.mark.parametrize(
    ("case", "rule", "zh", "en"), MESSAGES, ids=[case.id for case, *_ in MESSAGES]
)
def test_message_in_both_languages(case: Case, rule: str, zh: str, en: str) -> None:
    chinese = [f.message for f in run_case(case).findings if f.rule == rule]
    english = [f.message for f in run_case(case, lang="en").findings if f.rule == rule]
    assert (chinese, english) == ([zh], [en])


def test_narrative_finding_gives_both_figures() -> None:
    (finding,) = [
        f for f in run_case(Case("n", "2021", {}, set())).findings if f.rule.startswith("narr")
    ]
    assert (finding.severity, finding.expected, finding.actual) == ("warning", 17, 95)


def _acknowledged_case() -> Case:
    return Case(
        "acknowledged",
        "2023",
        {
            "/acknowledgements": [
                {
                    "rule": "narrative.table_mismatch",
                    "pointer": "/applications/new_received/total",
                    "reason": "表格含各部门申请，总体情况只计区政府办",
                },
                {"rule": "reviews.total", "pointer": "/reviews/review/total", "reason": "按原文"},
                {"rule": "history.figure_jump", "pointer": LICENSING, "reason": "无上年报告"},
            ],
            OVERVIEW: "全年受理政府信息公开申请 17 件。",
        },
        set(),
    )


def test_an_acknowledged_warning_carries_the_reason_and_the_rest_is_reported_back() -> None:
    zh, en = run_case(_acknowledged_case()), run_case(_acknowledged_case(), lang="en")

    by_rule = {f.rule: f for f in zh.findings if f.rule != "reviews.total"}
    assert by_rule["narrative.table_mismatch"].model_dump(mode="json")["acknowledged"] == {
        "reason": "表格含各部门申请，总体情况只计区政府办"
    }
    unmatched = [f for f in zh.findings if f.rule == "acknowledgements.unmatched"]
    assert [(f.severity, f.cells, f.message) for f in unmatched] == [
        (
            "warning",
            ["/acknowledgements/1"],
            "说明（reviews.total，/reviews/review/total）对应的是错误：错误不能通过说明消除；"
            "已随本修订保存",
        ),
        (
            "warning",
            ["/acknowledgements/2"],
            "说明（history.figure_jump，/proactive/licensing/decisions）未对应任何提示；已随本修订保存",
        ),
    ]
    assert [f.message for f in en.findings if f.rule == "acknowledgements.unmatched"] == [
        "The acknowledgement (reviews.total, /reviews/review/total) is for an error, which an "
        "acknowledgement cannot clear; it is kept with this revision",
        "The acknowledgement (history.figure_jump, /proactive/licensing/decisions) matches no "
        "warning; it is kept with this revision",
    ]
    # The errors stand, unacknowledged.
    assert [f.acknowledged for f in zh.errors] == [None, None]
    assert not zh.valid
