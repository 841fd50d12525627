"""Reading the figures part 一 states: text → (figure, value), conservatively."""

from __future__ import annotations

import pytest

from app.formats.narrative_figures import parse_number, quoted_figures

TEXTS = [
    (
        "洪泽区 2024",
        "2024 年，区政府办代表区政府受理政府信息公开申请 17 件，均已在法定期限内予以答复。",
        [("applications_received", 17)],
    ),
    (
        "上海市科委 2024",
        "2024 年市科委有 1 件涉及政府信息公开工作的行政复议，该行政复议件未被复议审查机关纠错。"
        "涉及的行政诉讼数为 0 件。全年收到政府信息公开申请 34 件，上年结转政府信息公开申请 2 件，"
        "所有申请均已按要求办理完成。所有办结的信息公开申请中同意公开答复 9 件，部分公开答复 0 件，"
        "不予公开答复 2 件，无法提供的 10 件，不予处理 0 件，其他处理 14 件，"
        "转下一年度办理答复的有 1 件。",
        [
            ("reviews", 1),
            ("applications_received", 34),
            ("carried_over", 2),
            ("granted", 9),
            ("carried_forward", 1),
        ],
    ),
    (
        "白土岗乡 2020",
        "主动公开政府信息 3074 条，其中政府网站公开政府信息 13 条，政务微博公开政府信息 1726 条。"
        "（三）依申请公开情况。全年累计受理依申请公开政府信息0件。",
        [("proactive_items", 3074), ("applications_received", 0)],
    ),
    (
        "沭阳县发改局 2023",
        "2023年度我局共收到依申请信息公开26件，及时回复申请人",
        [("applications_received", 26)],
    ),
    (
        "平潭 2019",
        "2019年度，主动公开政府信息475条。历年累计主动公开政府信息2979条。",
        [("proactive_items", 475)],
    ),
    ("thousands separator", "全年主动公开政府信息 1,136 条。", [("proactive_items", 1136)]),
    ("full-width digits", "全年受理政府信息公开申请１７件。", [("applications_received", 17)]),
    (
        "regulations in 部",
        "本年出台规章 2 部，印发行政规范性文件 12 件。",
        [("regulations_issued", 2), ("normative_documents_issued", 12)],
    ),
    ("not 不予以公开", "不予以公开 3 件。", []),
    ("not 未办结", "未办结 3 件。", []),
    ("not the review work of a government", "全年共办理行政复议案件 300 件。", []),
    ("not both in one clause", "全年政府信息公开行政复议、行政诉讼 2 件。", []),
    ("not 约", "全年受理政府信息公开申请约 20 件。", []),
    ("nothing", None, []),
]


@pytest.mark.parametrize(("text", "expected"), [t[1:] for t in TEXTS], ids=[t[0] for t in TEXTS])
def test_figures_read(text: str | None, expected: list[tuple[str, int]]) -> None:
    assert [(q.figure, q.value) for q in quoted_figures(text)] == expected


def test_each_figure_quotes_its_sentence() -> None:
    [quoted] = quoted_figures("总体良好。\n全年受理政府信息公开申请 5 件，均已答复；其他无。")
    assert quoted.sentence == "全年受理政府信息公开申请 5 件，均已答复"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("17", 17),
        ("十", 10),
        ("十七", 17),
        ("二十", 20),
        ("一百零五", 105),
        ("两万三千", 23000),
        ("三千零一十", 3010),
        ("一二", None),
    ],
)
def test_numbers(text: str, value: int | None) -> None:
    assert parse_number(text) == value
