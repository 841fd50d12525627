"""Short snippets of what real documents do: digits run together, units, typos, （六）."""

from __future__ import annotations

from typing import Any

from app.documents.importer import import_document

HEAD_2019 = "某局2019年政府信息公开工作年度报告\n"
ZEROS = "0000000"
MATRIX_2019 = (
    "三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和）"
    "一、本年新收政府信息公开申请数量 30 0 0 0 03 二、上年结转政府信息公开申请数量0 0 00 0 0 0"
    "三、本年度办理结果（一）予以公开10 00001（二）部分公开（区分处理的，只计这一情形，"
    "不计其他情形）0000000（三）不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开0000000"
    "3.危及“三安全一稳定”00000004.保护第三方合法权益00000005.属于三类内部事务信息0000000"
    "6.属于四类过程性信息00000007.属于行政执法案卷00000008.属于行政查询事项0000000"
    "（四）无法提供1.本机关不掌握相关政府信息2 0 000022.没有现成信息需要另行制作0000000"
    "3.补正后申请内容仍不明确0000000（五）不予处理1.信访举报投诉类申请00000002.重复申请0000000"
    "3.要求提供公开出版物00000004.无正当理由大量反复申请0000000"
    "5.要求行政机关确认或重新出具已获取信息0000000（六）其他处理0000000（七）总计3 000003"
    "四、结转下年度继续办理0000000 四、政府信息公开行政复议、行政诉讼情况行政复议 "
    "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 五、存在的主要问题及改进情况"
)


def _import(text: str, **overrides: Any) -> tuple[dict[str, Any], list[dict[str, str]]]:
    imported = import_document(text.encode(), "text/plain", **overrides)
    return imported.body.model_dump(mode="json", exclude_unset=True), imported.diagnostics


def test_digits_run_together_split_where_the_identities_allow_one_way() -> None:
    proactive = "第二十条第（一）项信息内容本年新制作数量本公开数量对外公开总数量规章000"
    report, _ = _import(HEAD_2019 + proactive + MATRIX_2019)
    assert report["format"] == "2019"  # 本年新制作数量, with the typo 本公开数量
    applications = report["applications"]
    assert list(applications["new_received"].values()) == [3, 0, 0, 0, 0, 0, 3]
    assert list(applications["granted"].values()) == [1, 0, 0, 0, 0, 0, 1]
    assert list(applications["unavailable_not_held"].values()) == [2, 0, 0, 0, 0, 0, 2]
    assert list(applications["results_total"].values()) == [3, 0, 0, 0, 0, 0, 3]
    assert report["proactive"]["regulations"] == {"made": 0, "published": 0, "total_public": 0}
    assert report["reviews"]["review"] == {
        "upheld": 0,
        "corrected": 0,
        "other": 0,
        "pending": 0,
        "total": 0,
    }


def test_ambiguous_digits_stay_null_with_the_alternatives() -> None:
    proactive = (
        "第二十条第（六）项信息内容上一年项目数量本年增/减处理决定数量行政处罚88022行政强制000"
    )
    report, diagnostics = _import(HEAD_2019 + proactive + MATRIX_2019)
    assert report["proactive"]["penalties"] == {
        "previous_items": None,
        "change": None,
        "decisions": None,
    }
    assert report["proactive"]["coercion"] == {"previous_items": 0, "change": 0, "decisions": 0}
    ambiguous = [d for d in diagnostics if d["pointer"] == "/proactive/penalties"]
    assert ambiguous[0]["code"] == "digits_ambiguous"
    assert "8 · 80 · 22；8 · 802 · 2；88 · 0 · 22；880 · 2 · 2" in ambiguous[0]["message"]


def test_procurement_amount_in_yuan_becomes_wan_yuan() -> None:
    proactive = (
        "第二十条第（九）项\n信息内容\t采购项目数量\t采购总金额\n政府集中采购\t3\t6586650.10元\n"
    )
    report, diagnostics = _import(HEAD_2019 + proactive + MATRIX_2019)
    assert report["proactive"]["procurement"] == {"projects": 3, "amount": "658.66501"}
    assert {
        "code": "unit_converted",
        "severity": "info",
        "message": "6586650.10元 → 658.66501 万元",
        "pointer": "/proactive/procurement/amount",
        "source": "line 4",
    } in diagnostics


def test_other_handling_printed_as_one_row_in_2021() -> None:
    text = (
        "某局2023年政府信息公开工作年度报告\n第二十条第（一）项\n信息内容\t本年制发件数\t"
        "本年废纸件数\t现行有效件数\n规章\t1\t0\t5\n"
        "（本列数据的勾稽关系）\n一、本年新收政府信息公开申请数量\t2\t0\t0\t0\t0\t0\t2\n"
        "（六）其他处理\t2\t0\t0\t0\t0\t0\t2\n（七）总计\t2\t0\t0\t0\t0\t0\t2\n"
        "四、结转下年度继续办理\t0\t0\t0\t0\t0\t0\t0\n行政复议\n"
        + "\t".join(["0"] * 15)
        + "\n五、存在的主要问题及改进情况\n六、其他需要报告的事项\n收取信息处理费 120.5 元。"
    )
    report, _ = _import(text)
    assert report["format"] == "2021"  # 本年制发件数, with the typo 本年废纸件数
    assert report["proactive"]["regulations"] == {"issued": 1, "repealed": 0, "in_force": 5}
    assert list(report["applications"]["other"].values()) == [2, 0, 0, 0, 0, 0, 2]
    assert "other_no_correction" not in report["applications"]
    assert report["fees_collected_yuan"] == "120.5"


def test_year_and_format_overrides() -> None:
    report, _ = _import(HEAD_2019 + MATRIX_2019, year=2020, format_id="2019")
    assert report["format"] == "2019"


def test_figures_after_two_floating_labels_are_not_given_to_either() -> None:
    text = (
        "某局2024年政府信息公开工作年度报告\n第二十条第（一）项\n信息内容\t本年制发件数\n"
        "（本列数据的勾稽关系）\n| 4.保护第三方合法权益 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n"
        "5.属于三类内部事务信\n息\n1.本机关不掌握相关政\n府信息\n"
        "| 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n| 6.属于四类过程性信息 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |\n"
        "四、结转下年度继续办理\t0\t0\t0\t0\t0\t0\t0\n行政复议\n"
    )
    report, diagnostics = _import(text)
    applications = report["applications"]
    assert set(applications["withheld_internal_affairs"].values()) == {None}
    assert set(applications["unavailable_not_held"].values()) == {None}
    assert list(applications["withheld_process_information"].values()) == [2, 0, 0, 0, 0, 0, 2]
    assert list(applications["withheld_third_party_rights"].values()) == [0] * 7
    assert "figures_unattributed" in {d["code"] for d in diagnostics}


def test_column_sums_choose_between_splits_the_row_leaves_open() -> None:
    # "110" is 1 · 10 or 11 · 0 and 总计 is blank: only the column sums tell, and they say 11 · 0.
    text = (
        "某局2020年政府信息公开工作年度报告\n第二十条第（一）项 本年新制作数量\n"
        "（本列数据的勾稽关系）\n一、本年新收政府信息公开申请数量 11 0 0 0 0 0 11\n"
        "（一）予以公开 110 0 0 0 0 /\n（七）总计 11 0 0 0 0 0 11\n"
        "四、结转下年度继续办理 0 0 0 0 0 0 0\n行政复议 " + " ".join(["0"] * 15)
    )
    report, diagnostics = _import(text)
    assert list(report["applications"]["granted"].values()) == [11, 0, 0, 0, 0, 0, None]
    assert {
        "code": "digits_split",
        "severity": "info",
        "message": "本年度办理结果·予以公开：连写的数只有一种拆分满足勾稽关系："
        "11 · 0 · 0 · 0 · 0 · 0 · 空",
        "pointer": "/applications/granted",
    } in diagnostics
