"""Snippets of a PDF converted to Markdown by another tool: figure rows without their label."""

from __future__ import annotations

from typing import Any

from app.documents.importer import import_document

HEAD = (
    "某局2024年政府信息公开工作年度报告\n第二十条第（一）项\n信息内容\t本年制发件数\n"
    "（本列数据的勾稽关系）\n"
)
INTAKE = (
    "| 一、本年新收政府信息公开申请数量 | 5 | 1 | 0 | 0 | 0 | 0 | 6 | |\n"
    "| 二、上年结转政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1 | |\n"
    "| 三、 | （一）予以公开 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |\n"
)
TAIL = (
    "| （七）总计 | 5 | 1 | 0 | 0 | 0 | 0 | 6 |\n"
    "| 四、结转下年度继续办理 | 1 | 0 | 0 | 0 | 0 | 0 |  |\n"
    "三、政府信息公开行政复议、行政诉讼情况\n"
)
PARTIAL = "（二）部分公开（区分处理的，只\n计这一情形，不计其他情形）\n"
INTERNAL = "5.属于三类内部事务信\n息\n"
NOT_HELD = "1.本机关不掌握相关政\n府信息\n"
PROCESS_ROW = "| 6.属于四类过程性信息 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n"
ZEROS = "| 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n|---|---|---|---|---|---|---|\n"
ONE_ONE = "| 1 | 1 | 0 | 0 | 0 | 0 | 2 |\n|---|---|---|---|---|---|---|\n"
TWO = "| 2 | 0 | 0 | 0 | 0 | 0 | 2 |\n|---|---|---|---|---|---|---|\n"
NONE = dict.fromkeys(
    (
        "natural_person",
        "commercial_enterprise",
        "research_institution",
        "social_welfare_org",
        "legal_service_agency",
        "other_org",
        "total",
    )
)


def _row(*values: int | None) -> dict[str, int | None]:
    return dict(zip(NONE, values, strict=True))


def _import(text: str) -> tuple[dict[str, Any], list[dict[str, str]]]:
    imported = import_document(text.encode(), "text/plain")
    body = imported.body.model_dump(mode="json", exclude_unset=True)
    return body["applications"], imported.diagnostics


def test_rows_out_of_order_go_to_the_floating_labels_in_their_printed_order() -> None:
    # The 部分公开 row is printed before its label, the 内部事务 row after two labels; the
    # 结转 total floats on a line of its own, and the identities determine it as 1.
    text = (
        HEAD
        + INTAKE
        + ZEROS
        + PARTIAL
        + INTERNAL
        + NOT_HELD
        + ONE_ONE
        + PROCESS_ROW
        + "1\n"
        + TWO
        + TAIL
    )
    applications, diagnostics = _import(text)
    assert applications["partially_granted"] == _row(0, 0, 0, 0, 0, 0, 0)
    assert applications["withheld_internal_affairs"] == _row(1, 1, 0, 0, 0, 0, 2)
    assert applications["unavailable_not_held"] == _row(2, 0, 0, 0, 0, 0, 2)
    assert applications["withheld_process_information"] == _row(0, 0, 0, 0, 0, 0, 0)
    assert applications["granted"] == _row(2, 0, 0, 0, 0, 0, 2)
    assert applications["new_received"] == _row(5, 1, 0, 0, 0, 0, 6)
    assert applications["carried_forward"] == _row(1, 0, 0, 0, 0, 0, 1)
    assert {
        "code": "row_recovered",
        "severity": "info",
        "message": "本年度办理结果·不予公开·属于三类内部事务信息：本行的数印在标签之外（line 16）；"
        "按标签与数行的印刷顺序和勾稽关系只有一种对应：1 · 1 · 0 · 0 · 0 · 0 · 2",
        "pointer": "/applications/withheld_internal_affairs",
        "source": "line 16",
    } in diagnostics
    assert {
        "code": "figure_placed",
        "severity": "info",
        "message": "印在表外的数 1：勾稽关系唯一确定这一空白单元格为 1，填入",
        "pointer": "/applications/carried_forward/total",
        "source": "line 19",
    } in diagnostics


def test_the_identities_choose_which_rows_the_labels_take() -> None:
    # Two floating labels, three floating rows: keeping the order leaves three choices, and
    # only 内部事务 ← 1 1 … 2, 不掌握 ← 2 … 2 makes the results add up to （七）总计.
    text = HEAD + INTAKE + "| 0 | 0 | 0 | 0 | 0 | 0 | 1 |\n" + INTERNAL + ONE_ONE + NOT_HELD
    text += PROCESS_ROW + TWO + "| 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n" + TAIL
    text = text.replace(
        "| 四、结转下年度继续办理 | 1 | 0 | 0 | 0 | 0 | 0 |  |",
        "| 四、结转下年度继续办理 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |",
    )
    applications, diagnostics = _import(text)
    assert applications["withheld_internal_affairs"] == _row(1, 1, 0, 0, 0, 0, 2)
    assert applications["unavailable_not_held"] == _row(2, 0, 0, 0, 0, 0, 2)
    assert applications["carried_forward"] == _row(1, 0, 0, 0, 0, 0, 1)
    unused = [d for d in diagnostics if d["code"] == "figure_row_unused"]
    assert [(d["message"], d["source"]) for d in unused] == [
        ("一行没有标签的数 0 0 0 0 0 0 1 不属于任何未填的行，未使用", "line 8"),
        ("一行没有标签的数 0 0 0 0 0 0 0 不属于任何未填的行，未使用", "line 18"),
    ]


def test_more_labels_than_rows_leave_every_floating_label_null_with_the_alternatives() -> None:
    text = HEAD + INTAKE + PARTIAL + INTERNAL + NOT_HELD + ONE_ONE + PROCESS_ROW + TWO + TAIL
    applications, diagnostics = _import(text)
    for key in ("partially_granted", "withheld_internal_affairs", "unavailable_not_held"):
        assert applications[key] == NONE
    assert applications["withheld_process_information"] == _row(0, 0, 0, 0, 0, 0, 0)
    unattributed = [d for d in diagnostics if d["code"] == "figures_unattributed"]
    assert unattributed == [
        {
            "code": "figures_unattributed",
            "severity": "warning",
            "message": "2 行数印在标签之外，3 个标签没有数"
            "（部分公开、属于三类内部事务信息、本机关不掌握相关政府信息）："
            "3 种对应均满足勾稽关系：部分公开←line 14，属于三类内部事务信息←line 17；"
            "部分公开←line 14，本机关不掌握相关政府信息←line 17；"
            "属于三类内部事务信息←line 14，本机关不掌握相关政府信息←line 17；"
            "不作猜测，这些行留空",
            "pointer": "/applications",
        }
    ]


def test_a_report_whose_rows_break_the_identities_is_not_balanced_by_reassigning() -> None:
    # The order gives 内部事务 ← 1 1 … 2 and 不掌握 ← 2 … 2, but （七）总计 says 9 for 自然人:
    # no assignment balances, so both rows stay null rather than being made to fit.
    text = HEAD + INTAKE + INTERNAL + NOT_HELD + ONE_ONE + PROCESS_ROW + TWO + TAIL
    text = text.replace("| （七）总计 | 5 |", "| （七）总计 | 9 |")
    applications, diagnostics = _import(text)
    assert applications["withheld_internal_affairs"] == NONE
    assert applications["unavailable_not_held"] == NONE
    assert applications["results_total"] == _row(9, 1, 0, 0, 0, 0, 6)
    (unattributed,) = [d for d in diagnostics if d["code"] == "figures_unattributed"]
    assert "没有一种对应满足勾稽关系；不作猜测，这些行留空" in unattributed["message"]


def test_a_floating_figure_no_identity_determines_is_left_out() -> None:
    # The 结转 row is printed whole: the "1" on a line of its own belongs to no blank cell.
    text = HEAD + INTAKE + INTERNAL + NOT_HELD + ONE_ONE + PROCESS_ROW + "1\n" + TWO + TAIL
    text = text.replace("| 0 | 0 | 0 | 0 | 0 |  |", "| 0 | 0 | 0 | 0 | 0 | 1 |")
    applications, diagnostics = _import(text)
    assert applications["carried_forward"] == _row(1, 0, 0, 0, 0, 0, 1)
    assert applications["unavailable_not_held"] == _row(2, 0, 0, 0, 0, 0, 2)
    assert {
        "code": "figure_unplaced",
        "severity": "warning",
        "message": "印在表外的数 1 无法确定属于哪个单元格，未使用",
        "pointer": "/applications",
        "source": "line 15",
    } in diagnostics
