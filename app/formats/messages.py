"""Message templates of the findings, in Chinese (the default) and English.

Checks name a template and pass raw parameters; rendering picks the language, so a check
never builds prose and every wording lives here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeAlias

from app.formats.definitions import Label
from app.types import Lang


@dataclass(frozen=True)
class Terms:
    """An addition as it is printed in a message: 本年新收(21)+上年结转(0)."""

    items: tuple[tuple[Label | str, int], ...]
    nonzero_only: bool = False  # long sums (the result rows) show only what contributes


Param: TypeAlias = int | str | Decimal | Label | Terms

TEMPLATES: Mapping[str, Label] = {
    "applications.balance": Label(
        "{column}：{inputs} ≠ {outputs}，相差 {difference}",
        "{column}: {inputs} ≠ {outputs}, difference {difference}",
    ),
    "applications.row_total": Label(
        "{row}：{terms}={expected} ≠ {total}({actual})，相差 {difference}",
        "{row}: {terms} = {expected} ≠ {total} ({actual}), difference {difference}",
    ),
    "applications.results_total": Label(
        "{column}：办理结果各项之和 {expected}（{terms}）≠ {total}({actual})，相差 {difference}",
        "{column}: the results add up to {expected} ({terms}) ≠ {total} ({actual}), "
        "difference {difference}",
    ),
    "applications.other_subtotal": Label(
        "{column}：{terms}={expected} ≠ {subtotal}({actual})，相差 {difference}",
        "{column}: {terms} = {expected} ≠ {subtotal} ({actual}), difference {difference}",
    ),
    "reviews.total": Label(
        "{row}：{terms}={expected} ≠ {total}({actual})，相差 {difference}",
        "{row}: {terms} = {expected} ≠ {total} ({actual}), difference {difference}",
    ),
    "narrative.channels_sum": Label(
        "各渠道公开数之和：{terms}={expected} ≠ 主动公开总数({actual})，相差 {difference}",
        "Channels: {terms} = {expected} ≠ total published proactively ({actual}), "
        "difference {difference}",
    ),
    "cells.not_reported": Label(
        "{row}·{column}：未填报（空白），求和时按 0 计算",
        "{row} — {column}: not reported (blank); counted as 0 in sums",
    ),
    "cells.not_reported.computed": Label(
        "{row}·{column}：未填报（空白），已按各项之和计算为 {expected}",
        "{row} — {column}: not reported (blank); computed from its parts as {expected}",
    ),
    "format.year_mismatch": Label(
        "{year} 年度报告应使用 {expected} 版格式，实际使用 {actual} 版",
        "A report for {year} is due in format {expected}, not {actual}",
    ),
    "applications.carry_over_continuity": Label(
        "{column}：本年上年结转({actual}) ≠ 上年报告结转下年度({expected})，相差 {difference}",
        "{column}: carried over ({actual}) ≠ carried forward in last year's report "
        "({expected}), difference {difference}",
    ),
    "proactive.in_force_continuity": Label(
        "{row}：上年现行有效({previous})+本年制发({issued})−本年废止({repealed})={expected}"
        " ≠ 现行有效({actual})，相差 {difference}",
        "{row}: in force last year ({previous}) + issued ({issued}) − repealed ({repealed})"
        " = {expected} ≠ in force ({actual}), difference {difference}",
    ),
    "report.unchanged_from_previous": Label(
        "所有统计数字与上年报告完全相同，请确认没有沿用上年数据",
        "Every figure equals last year's report; check that last year's data were not reused",
    ),
    "narrative.table_mismatch": Label(
        "总体情况称{figure} {stated} {unit}，表格中为 {actual}：“{sentence}”",
        "Part I states {figure} as {stated}, the table has {actual}: “{sentence}”",
    ),
    "history.figure_jump.up": Label(
        "{figure}：本年 {actual}，上年 {previous}，增至 {ratio} 倍，请确认",
        "{figure}: {actual} this year, {previous} last year, {ratio} times as many; please check",
    ),
    "history.figure_jump.down": Label(
        "{figure}：本年 {actual}，上年 {previous}，降为上年的 {ratio} 分之一，请确认",
        "{figure}: {actual} this year, {previous} last year, {ratio} times fewer; please check",
    ),
    "history.result_share_jump": Label(
        "{share}占办理结果的比例由上年 {previous}% 升至 {actual}%"
        "（上升 {points} 个百分点），请确认",
        "The share of {share} among the results rose from {previous}% last year to {actual}% "
        "({points} points); please check",
    ),
    "proactive.regulations_by_kind": Label(
        "本年制发规章 {actual} 件，但{kind}不能制定规章，请确认是否应填入行政规范性文件",
        "Rules issued this year: {actual}, but {kind} cannot make rules; should they be "
        "normative documents?",
    ),
    "report.identical_to_other_agency": Label(
        "所有统计数字与 {agencies} 的 {year} 年度已公开报告完全相同（共 {count} 个机关），"
        "请确认没有套用其他机关的数据",
        "Every figure equals the published {year} report of {agencies} ({count} agencies in "
        "all); check that another agency's data were not reused",
    ),
    "acknowledgements.unmatched": Label(
        "说明（{rule}，{pointer}）未对应任何提示；已随本修订保存",
        "The acknowledgement ({rule}, {pointer}) matches no warning; it is kept with this revision",
    ),
    "acknowledgements.error": Label(
        "说明（{rule}，{pointer}）对应的是错误：错误不能通过说明消除；已随本修订保存",
        "The acknowledgement ({rule}, {pointer}) is for an error, which an acknowledgement "
        "cannot clear; it is kept with this revision",
    ),
}

_ALL_ZERO = Label("各项均为 0", "all 0")


def render(template: str, lang: Lang, params: Mapping[str, Param]) -> str:
    text: str = getattr(TEMPLATES[template], lang)
    text = text.format(**{name: _text(value, lang) for name, value in params.items()})
    # English labels are written for mid-sentence use; a message starting with one needs a capital.
    return text[:1].upper() + text[1:] if lang == "en" else text


def _text(value: Param, lang: Lang) -> str:
    if isinstance(value, Label):
        return str(getattr(value, lang))
    if isinstance(value, Terms):
        return _terms(value, lang)
    return str(value)


def _terms(terms: Terms, lang: Lang) -> str:
    items = [(label, value) for label, value in terms.items if value != 0 or not terms.nonzero_only]
    if not items:
        return _text(_ALL_ZERO, lang)
    if lang == "en":
        return " + ".join(f"{_text(label, lang)} ({value})" for label, value in items)
    return "+".join(f"{_text(label, lang)}({value})" for label, value in items)
