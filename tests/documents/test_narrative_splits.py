"""Digits run together in table 二 that only the report's own narrative can split."""

from __future__ import annotations

from typing import Any

from app.documents.importer import import_document

from .test_hard_cases import HEAD_2019, MATRIX_2019

TABLE_TWO = (
    "第二十条第（一）项信息内容本年新制作数量本年新公开数量对外公开总数量规章000"
    "规范性文件121212第二十条第（六）项信息内容上一年项目数量本年增/减处理决定数量"
    "行政处罚88022行政强制000"
)
NULL_DOCUMENTS = {"made": None, "published": None, "total_public": None}


def _import(narrative: str) -> tuple[dict[str, Any], list[dict[str, str]]]:
    text = HEAD_2019 + "二、主动公开政府信息情况" + narrative + TABLE_TWO + MATRIX_2019
    imported = import_document(text.encode(), "text/plain")
    body = imported.body.model_dump(mode="json", exclude_unset=True)
    return body["proactive"], imported.diagnostics


def _about(diagnostics: list[dict[str, str]], pointer: str) -> list[tuple[str, str]]:
    return [(d["code"], d["message"]) for d in diagnostics if d.get("pointer") == pointer]


def test_the_narrative_figure_for_the_row_decides_the_one_split_it_allows() -> None:
    proactive, diagnostics = _import(
        "2019年度，主动公开政府信息475条。其中公示公告类159条，政策规范性文件类信息12条，"
        "行政处罚类12条。"
    )
    assert proactive["normative_documents"] == {"made": 12, "published": 12, "total_public": 12}
    assert _about(diagnostics, "/proactive/normative_documents") == [
        (
            "digits_split_by_narrative",
            "规范性文件：连写的数有 10 种拆分，报告叙述写明本年新公开 12，只有一种与之相符："
            "12 · 12 · 12",
        )
    ]
    # "行政处罚类12条" counts published items, not a figure of the 行政处罚 row: still open.
    assert proactive["penalties"] == {"previous_items": None, "change": None, "decisions": None}
    assert [code for code, _ in _about(diagnostics, "/proactive/penalties")] == ["digits_ambiguous"]


def test_a_narrative_figure_several_splits_allow_decides_nothing() -> None:
    proactive, diagnostics = _import("其中政策规范性文件类信息2条。")
    assert proactive["normative_documents"] == NULL_DOCUMENTS
    assert _about(diagnostics, "/proactive/normative_documents")[0] == (
        "narrative_not_decisive",
        "规范性文件：叙述写明本年新公开 2，与之相符的拆分有 2 种，不据此拆分",
    )


def test_a_running_total_or_a_statement_not_naming_the_row_decides_nothing() -> None:
    for narrative in ("历年累计公开规范性文件类信息12条。", "其中政策文件类信息12条。"):
        proactive, diagnostics = _import(narrative)
        assert proactive["normative_documents"] == NULL_DOCUMENTS
        assert [code for code, _ in _about(diagnostics, "/proactive/normative_documents")] == [
            "digits_ambiguous"
        ]
