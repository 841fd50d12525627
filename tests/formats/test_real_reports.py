"""The real reports the service is built around, and the exact wording of findings."""

from __future__ import annotations

from decimal import Decimal

from app.formats.definitions import FORMATS
from app.formats.rules import Finding

from .factories import OMIT, edited, hongze, run, seed, without_totals

A = "/applications"


def test_seed_report_has_no_finding_at_all() -> None:
    assert run(seed(), 2020).findings == []


def test_hongze_2024_has_no_error() -> None:
    evaluation = run(hongze(2024), 2024)
    assert evaluation.errors == []
    assert evaluation.valid


def test_hongze_2024_after_2023_has_exactly_the_two_warnings_its_text_and_history_deserve() -> None:
    # Its part 一 counts 17 applications where its table says 95, and its 行政许可 decisions
    # went from 550 to 9487; no identity and no continuity rule fails.
    evaluation = run(hongze(2024), 2024, previous=hongze(2023))
    assert [(f.rule, f.severity, f.cells[0]) for f in evaluation.findings] == [
        ("history.figure_jump", "warning", "/proactive/licensing/decisions"),
        ("narrative.table_mismatch", "warning", f"{A}/new_received/total"),
    ]


def test_hongze_2023_has_exactly_its_two_printed_review_total_errors() -> None:
    evaluation = run(hongze(2023), 2023)
    assert [
        (finding.rule, finding.cells[0], finding.expected, finding.actual)
        for finding in evaluation.findings
    ] == [
        ("reviews.total", "/reviews/review/total", 11, 0),
        ("reviews.total", "/reviews/litigation_after_review/total", 5, 0),
    ]


def test_review_total_of_zero_beside_ten_and_one_is_exactly_one_error() -> None:
    body = edited(
        seed(),
        {"/reviews/review": {"upheld": 10, "corrected": 1, "other": 0, "pending": 0, "total": 0}},
    )

    evaluation = run(body, 2020)

    assert len(evaluation.findings) == 1
    finding = evaluation.findings[0]
    assert (finding.rule, finding.severity) == ("reviews.total", "error")
    assert "/reviews/review/total" in finding.cells
    assert finding.message == (
        "行政复议：结果维持(10)+结果纠正(1)+其他结果(0)+尚未审结(0)=11 ≠ 总计(0)，相差 11"
    )


def _unbalanced_natural_person() -> dict[str, object]:
    return edited(
        without_totals(seed()),
        {
            f"{A}/new_received/natural_person": 21,
            f"{A}/granted/natural_person": 20,
            f"{A}/results_total/natural_person": 20,
        },
    )


def _balance_and_narrative(lang: str = "zh") -> list[Finding]:
    """The balance error, and beside it the warning that the seed's part 一 says 0 applications."""
    findings = run(_unbalanced_natural_person(), 2020, lang=lang).findings
    assert [(f.rule, f.cells[0]) for f in findings] == [
        ("applications.balance", f"{A}/new_received/natural_person"),
        ("narrative.table_mismatch", f"{A}/new_received/total"),
    ]
    return [finding for finding in findings if finding.rule == "applications.balance"]


def test_balance_message_shows_the_arithmetic_in_chinese() -> None:
    [finding] = _balance_and_narrative()

    assert finding.model_dump() == {
        "rule": "applications.balance",
        "severity": "error",
        "message": "自然人：本年新收(21)+上年结转(0) ≠ 办理结果总计(20)+结转下年度(0)，相差 1",
        "cells": [
            f"{A}/new_received/natural_person",
            f"{A}/carried_over/natural_person",
            f"{A}/results_total/natural_person",
            f"{A}/carried_forward/natural_person",
        ],
        "expected": 21,
        "actual": 20,
    }


def test_balance_message_in_english() -> None:
    [finding] = _balance_and_narrative("en")

    assert finding.message == (
        "Natural person: new received (21) + carried over (0) ≠ "
        "results total (20) + carried forward (0), difference 1"
    )


def test_review_total_message_in_english() -> None:
    body = edited(seed(), {"/reviews/litigation_direct/corrected": 2})

    [finding] = run(body, 2020, lang="en-GB").findings

    assert finding.message == (
        "Litigation without prior review: Upheld (0) + Corrected (2) + "
        "Other outcome (0) + Pending (0) = 2 ≠ Total (0), difference 2"
    )


def test_row_total_message() -> None:
    body = edited(hongze(2024), {f"{A}/granted/total": 49})

    messages = {finding.rule: finding.message for finding in run(body, 2024).findings}

    assert messages["applications.row_total"] == (
        "予以公开：自然人(50)+商业企业(0)+科研机构(0)+社会公益组织(0)+法律服务机构(0)+其他(0)"
        "=50 ≠ 总计(49)，相差 1"
    )


def test_results_total_message_lists_the_results_that_count() -> None:
    body = edited(
        hongze(2024),
        {
            f"{A}/results_total/natural_person": 96,
            f"{A}/carried_forward/natural_person": OMIT,
            f"{A}/carried_over/natural_person": 1,
            f"{A}/carried_over/total": OMIT,
            f"{A}/results_total/total": OMIT,
            f"{A}/carried_forward/total": OMIT,
        },
    )
    body = edited(body, {f"{A}/carried_forward/natural_person": 0})

    messages = {finding.rule: finding.message for finding in run(body, 2024).findings}

    assert messages == {
        "narrative.table_mismatch": (
            "总体情况称收到（受理）申请 17 件，表格中为 95：“2024 年，区政府办代表区政府受理"
            "政府信息公开申请 17 件，均已在法定期限内予以答复”"
        ),
        "applications.results_total": (
            "自然人：办理结果各项之和 95（予以公开(50)+部分公开(9)+危及“三安全一稳定”(1)+"
            "属于四类过程性信息(1)+属于行政执法案卷(1)+本机关不掌握相关政府信息(31)+"
            "没有现成信息需要另行制作(1)+信访举报投诉类申请(1)）≠ 办理结果总计(96)，相差 1"
        ),
    }


def test_channels_message() -> None:
    body = edited(seed(), {"/channels/total": 3000})

    # Part 一 says 3074 items as the channels add up to: the stated total is the odd one out.
    finding, narrative = run(body, 2020).findings
    assert (narrative.rule, narrative.cells, narrative.expected) == (
        "narrative.table_mismatch",
        ["/channels/total"],
        3074,
    )

    assert finding.message == (
        "各渠道公开数之和：政府网站(13)+“三化一满意”平台(739)+政务微博(1726)"
        "+其他方式(596)=3074 ≠ 主动公开总数(3000)，相差 74"
    )
    assert finding.cells == [
        "/channels/total",
        "/channels/items/0/count",
        "/channels/items/1/count",
        "/channels/items/2/count",
        "/channels/items/3/count",
    ]


def test_not_reported_messages_in_both_languages() -> None:
    body = edited(
        seed(),
        {
            "/proactive/regulations/made": None,
            f"{A}/granted/natural_person": 2,
            f"{A}/granted/total": None,
            f"{A}/new_received/natural_person": 2,
            f"{A}/new_received/total": 2,
            f"{A}/results_total/natural_person": 2,
            f"{A}/results_total/total": 2,
        },
    )

    zh = [finding.message for finding in run(body, 2020).findings]
    en = [finding.message for finding in run(body, 2020, lang="en").findings]

    assert zh == [
        "规章·本年新制作数量：未填报（空白），求和时按 0 计算",
        "总体情况称收到（受理）申请 0 件，表格中为 2：“全年累计受理依申请公开政府信息0件”",
        "予以公开·总计：未填报（空白），已按各项之和计算为 2",
    ]
    assert en == [
        "Rules — Newly made this year: not reported (blank); counted as 0 in sums",
        "Part I states applications received as 0, the table has 2: "
        "“全年累计受理依申请公开政府信息0件”",
        "Disclosed — Total: not reported (blank); computed from its parts as 2",
    ]


def test_omitted_totals_are_computed_without_a_finding() -> None:
    body = edited(without_totals(hongze(2024)), {})

    evaluation = run(body, 2024)

    # Only what the published report deserves: its part 一 counts 17 applications of 95.
    assert [(f.rule, f.cells[0], f.actual) for f in evaluation.findings] == [
        ("narrative.table_mismatch", f"{A}/new_received/total", 95)
    ]
    assert evaluation.cells[("applications", "results_total", "natural_person")] == 95
    assert evaluation.cells[("applications", "results_total", "total")] == 95
    assert evaluation.cells[("applications", "granted", "total")] == 50
    assert evaluation.cells[("reviews", "litigation_after_review", "total")] == 3
    assert ("reviews", "review", "total") in evaluation.computed
    assert ("applications", "granted", "natural_person") not in evaluation.computed


def test_null_totals_are_computed_with_a_not_reported_warning() -> None:
    body = edited(hongze(2024), {"/reviews/review/total": None, f"{A}/results_total/total": None})

    evaluation = run(body, 2024)

    assert [
        (finding.rule, finding.severity, finding.cells, finding.expected)
        for finding in evaluation.findings
    ] == [
        ("narrative.table_mismatch", "warning", [f"{A}/new_received/total"], 17),
        ("cells.not_reported", "warning", [f"{A}/results_total/total"], 95),
        ("cells.not_reported", "warning", ["/reviews/review/total"], 2),
    ]
    assert evaluation.cells[("reviews", "review", "total")] == 2


def test_given_totals_are_kept_as_given() -> None:
    evaluation = run(hongze(2023), 2023)

    assert evaluation.cells[("reviews", "review", "total")] == 0
    assert ("reviews", "review", "total") not in evaluation.computed


def test_the_other_subtotal_is_computed_from_its_sub_rows() -> None:
    body = edited(
        hongze(2024),
        {
            f"{A}/other": OMIT,
            f"{A}/other_misc": {"natural_person": 2},
            f"{A}/other_no_correction": {"natural_person": 1},
            f"{A}/other_fee_unpaid": {"natural_person": 0},
        },
    )

    evaluation = run(body, 2024)

    assert evaluation.cells[("applications", "other", "natural_person")] == 3
    assert evaluation.cells[("applications", "other_misc", "total")] == 2


def test_cells_cover_every_cell_of_the_format_in_order() -> None:
    evaluation = run(seed(), 2020)

    assert list(evaluation.cells) == [cell.key for cell in FORMATS["2019"].cells()]
    assert evaluation.cells[("proactive", "procurement", "amount")] == Decimal(0)


def test_findings_come_in_format_order() -> None:
    body = edited(
        seed(),
        {
            "/reviews/review/upheld": 1,
            "/proactive/coercion/decisions": None,
            "/channels/total": 1,
            f"{A}/other/natural_person": None,
        },
    )

    evaluation = run(body, 2022)

    assert [finding.cells[0] for finding in evaluation.findings] == [
        "/format",
        "/proactive/coercion/decisions",
        f"{A}/other/natural_person",
        "/reviews/review/total",
        "/channels/total",
        "/channels/total",  # part 一 says 3074 items
    ]


def test_one_run_reports_every_problem() -> None:
    body = edited(hongze(2023), {"/channels/total": 1, f"{A}/granted/natural_person": None})

    rules = [finding.rule for finding in run(hongze(2023), 2023).findings]
    more = [finding.rule for finding in run(body, 2023).findings]

    assert len(rules) == 2
    assert sorted(more) == sorted([*rules, "narrative.channels_sum", "cells.not_reported"])
