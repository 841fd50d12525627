"""The rule catalogue (data) and the engine that evaluates a report against it.

Each rule has a stable code, a severity, a version and words in Chinese and English; its
check is a pure function in ``checks.py``. ``evaluate`` runs every rule that applies to the
report's format and returns every finding at once, in format order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from pydantic import BaseModel, Field

from app.formats import checks
from app.formats.acknowledgements import UNMATCHED_RULE, match
from app.formats.cells import CellValue, CompletedCells, complete
from app.formats.checks import Context, IdenticalReport, Issue
from app.formats.definitions import FORMATS, CellKey, Label, ReportFormat, RowRole
from app.formats.finding import Acknowledged, Finding, Severity, Suggestion
from app.formats.messages import render
from app.formats.rule import RULESET_VERSION, Check, Rule
from app.formats.rules_catalogue import PLAUSIBILITY_RULES
from app.formats.schema import ReportBody, to_cells
from app.formats.suggestions import IDENTITY_TEMPLATES, table_of, unique_fixes
from app.types import language

__all__ = [
    "RULES",
    "RULESET_VERSION",
    "Check",
    "Evaluation",
    "Finding",
    "IdenticalReport",
    "Rule",
    "Severity",
    "evaluate",
    "evaluate_in",
    "rule_catalogue",
]


def _has_other_subtotal(fmt: ReportFormat) -> bool:
    return bool(fmt.section("applications").rows_with_role(RowRole.RESULT_SUBTOTAL))


def _has_in_force(fmt: ReportFormat) -> bool:
    return any(
        column.key == "in_force" for row in fmt.section("proactive").rows for column in row.columns
    )


RULES: tuple[Rule, ...] = (
    Rule(
        "format.year_mismatch",
        "warning",
        Label(
            "2020 年及以前的报告用 2019 版格式，2021 年起用 2021 版格式",
            "Reports up to 2020 use format 2019; from 2021 on, format 2021",
        ),
        Label(
            "报告所用格式与报告年度不符。", "The report's format is not the one due for its year."
        ),
        checks.check_year_format,
    ),
    Rule(
        "applications.balance",
        "error",
        Label(
            "每列：一、本年新收 + 二、上年结转 = （七）总计 + 四、结转下年度继续办理",
            "Per column: new received + carried over = results total + carried forward",
        ),
        Label(
            "表头注明的勾稽关系：第一项加第二项之和，等于第三项加第四项之和。",
            "The identity printed in the table header: items one and two add up to "
            "items three and four.",
        ),
        checks.check_balance,
    ),
    Rule(
        "applications.row_total",
        "error",
        Label(
            "每行：总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他",
            "Per row: total = the six applicant columns",
        ),
        Label(
            "总计列等于六类申请人之和。",
            "The total column is the sum of the six applicant columns.",
        ),
        checks.check_application_row_totals,
    ),
    Rule(
        "applications.results_total",
        "error",
        Label(
            "每列：（七）总计 = （一）至（六）各项办理结果之和",
            "Per column: results total = the sum of every result row (1) to (6)",
        ),
        Label(
            "（六）其他处理只计一次：有子项时按三个子项，否则按其他处理一行。",
            "(6) Other handling counts once: through its three sub-rows where given, "
            "otherwise through its single row.",
        ),
        checks.check_results_total,
    ),
    Rule(
        "applications.other_subtotal",
        "error",
        Label(
            "每列：（六）其他处理 = 1.逾期不补正 + 2.逾期未缴费 + 3.其他",
            "Per column: other handling = not corrected + fee unpaid + other",
        ),
        Label(
            "2021 版格式把（六）其他处理拆成三个子项；小计与子项都填写时，小计须等于子项之和。",
            "Format 2021 splits (6) into three sub-rows; when both the subtotal and the "
            "sub-rows are given, the subtotal must equal their sum.",
        ),
        checks.check_other_subtotal,
        applies=_has_other_subtotal,
    ),
    Rule(
        "reviews.total",
        "error",
        Label(
            "每组：总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
            "Per group: total = upheld + corrected + other + pending",
        ),
        Label(
            "行政复议、未经复议直接起诉、复议后起诉各组的总计等于四项之和。",
            "The total of administrative review, and of litigation with or without prior "
            "review, is the sum of its four outcomes.",
        ),
        checks.check_review_totals,
    ),
    Rule(
        "narrative.channels_sum",
        "error",
        Label(
            "各渠道主动公开条数之和 = 主动公开总条数",
            "Sum of the per-channel counts = total published proactively",
        ),
        Label(
            "总体情况中按渠道列出的主动公开条数，加起来应等于所述总数。",
            "The per-channel proactive-disclosure counts given in part I add up to the "
            "stated total.",
        ),
        checks.check_channels_sum,
    ),
    Rule(
        "cells.not_reported",
        "warning",
        Label("单元格为空（null）而非 0", "A cell is blank (null) rather than 0"),
        Label(
            "空白不等于零：求和时按 0 计算；空白的总计由服务按各项之和计算。",
            "A blank is not a zero: sums count it as 0, and a blank total is computed from "
            "its parts.",
        ),
        checks.check_not_reported,
    ),
    Rule(
        "applications.carry_over_continuity",
        "warning",
        Label(
            "每列：本年 二、上年结转 = 同一机关上年报告的 四、结转下年度继续办理",
            "Per column: carried over = the same agency's carried forward of the year before",
        ),
        Label(
            "跨 2019 版到 2021 版的格式变更同样适用。",
            "Holds across the change from format 2019 to 2021.",
        ),
        checks.check_carry_over,
    ),
    Rule(
        "proactive.in_force_continuity",
        "warning",
        Label(
            "规章、行政规范性文件：现行有效件数 = 上年现行有效件数 + 本年制发件数 − 本年废止件数",
            "Rules and normative documents: in force = last year's in force + issued − repealed",
        ),
        Label(
            "制发件数含修订、或机构改革后，可能合理地不相等。",
            "May legitimately break when issued documents include amendments, or after a "
            "reorganisation.",
        ),
        checks.check_in_force,
        applies=_has_in_force,
    ),
    Rule(
        "report.unchanged_from_previous",
        "warning",
        Label(
            "所有统计数字与同一机关上年报告相同",
            "Every figure equals the same agency's report of the year before",
        ),
        Label(
            "表格数字整体沿用上年报告，多半是复制而非新的统计。",
            "A table identical to last year's is more likely copied than counted.",
        ),
        checks.check_unchanged,
    ),
    *PLAUSIBILITY_RULES,
)


# --------------------------------------------------------------------------------------------
# Findings


@dataclass(frozen=True)
class Evaluation:
    findings: list[Finding]
    cells: dict[CellKey, CellValue]  # every cell of the format, omitted and blank totals computed
    computed: frozenset[CellKey]  # the cells the service computed

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == "warning"]

    @property
    def valid(self) -> bool:
        return not self.errors


def evaluate(
    report: ReportBody,
    *,
    year: int,
    previous: ReportBody | CompletedCells | None = None,
    lang: str = "zh",
    agency_kind: str | None = None,
    identical: Sequence[IdenticalReport] = (),
) -> Evaluation:
    """Check ``report`` (for ``year``) against every rule of its format; no I/O.

    ``previous`` is the same agency's report for the year before, in either format, as a body
    or as its completed cells (all the cross-year rules read); they run only when it is given.
    ``agency_kind`` (an AgencyKind value) and ``identical`` (other agencies' published reports
    of the year with the same figures digest) are what storage knows; without them the rules
    that need them stay silent.
    """
    return evaluate_in(
        report,
        year=year,
        previous=previous,
        langs=(lang,),
        agency_kind=agency_kind,
        identical=identical,
    )[0]


def evaluate_in(
    report: ReportBody,
    *,
    year: int,
    previous: ReportBody | CompletedCells | None = None,
    langs: Sequence[str],
    agency_kind: str | None = None,
    identical: Sequence[IdenticalReport] = (),
    completed: CompletedCells | None = None,
) -> list[Evaluation]:
    """``evaluate`` once, with the findings worded in each of ``langs`` (same order).
    ``completed``: the body's completed cells, when the caller has them already."""
    fmt = FORMATS[report.format]
    cells = completed or complete(fmt, to_cells(report))
    context = Context(report, year, cells, _completed(previous), agency_kind, tuple(identical))
    found = [(rule, issue) for rule in RULES if rule.applies(fmt) for issue in rule.check(context)]
    fixes = unique_fixes(context, [issue for _, issue in found])
    acknowledged = match(
        [(rule.code, rule.severity, issue) for rule, issue in found], report.acknowledgements
    )
    annotated = [
        (rule, issue, _suggestions(issue, fixes), acknowledged.reasons.get(index))
        for index, (rule, issue) in enumerate(found)
    ]
    annotated += [(_UNMATCHED, issue, None, None) for issue in acknowledged.unmatched]
    ordered = _in_format_order(fmt, annotated)
    values = dict(cells.values)
    return [
        Evaluation(
            [
                Finding(
                    rule=rule.code,
                    severity=rule.severity,
                    message=render(issue.template, language(lang), issue.params),
                    cells=list(issue.cells),
                    expected=_plain(issue.expected),
                    actual=_plain(issue.actual),
                    suggestions=suggestions,
                    acknowledged=Acknowledged(reason=reason) if reason is not None else None,
                )
                for rule, issue, suggestions, reason in ordered
            ],
            values,
            cells.computed,
        )
        for lang in langs
    ]


_Annotated = tuple[Rule, Issue, list[Suggestion] | None, str | None]
_UNMATCHED = next(rule for rule in RULES if rule.code == UNMATCHED_RULE)


def _suggestions(issue: Issue, fixes: Mapping[str, tuple[str, int]]) -> list[Suggestion] | None:
    if issue.template not in IDENTITY_TEMPLATES or table_of(issue) not in fixes:
        return None
    pointer, value = fixes[table_of(issue)]
    return [Suggestion(pointer=pointer, value=value)]


def _completed(previous: ReportBody | CompletedCells | None) -> CompletedCells | None:
    if previous is None or isinstance(previous, CompletedCells):
        return previous
    return complete(FORMATS[previous.format], to_cells(previous))


def _in_format_order(fmt: ReportFormat, found: list[_Annotated]) -> list[_Annotated]:
    # By the first cell a finding points at, as the tables print them; /format first and
    # pointers outside the tables (channels) last. Ties keep catalogue order.
    positions = _POINTER_POSITIONS[fmt.id]
    end = len(positions)
    return sorted(
        found,
        key=lambda pair: positions.get(pair[1].cells[0], end) if pair[1].cells else end,
    )


def _pointer_positions(fmt: ReportFormat) -> dict[str, int]:
    """Where a finding's first pointer sorts: a cell, a whole section, or /format first."""
    positions = {cell.pointer: index for index, cell in enumerate(fmt.cells())}
    for section in fmt.sections:
        first = f"/{section.key}/{section.rows[0].key}/{section.rows[0].columns[0].key}"
        positions[f"/{section.key}"] = positions[first]
    positions["/format"] = -1
    return positions


# Built once: every evaluation sorts by them, and the formats never change.
_POINTER_POSITIONS = {format_id: _pointer_positions(fmt) for format_id, fmt in FORMATS.items()}


def _plain(value: int | Decimal | str | None) -> int | str | None:
    return str(value) if isinstance(value, Decimal) else value


# --------------------------------------------------------------------------------------------
# The catalogue as the API shows it


class RulePublic(BaseModel):
    """One rule of the catalogue."""

    code: str = Field(description="规则代码 / Stable rule code", examples=["reviews.total"])
    severity: Severity = Field(description="严重程度 / error or warning")
    formats: list[str] = Field(
        description="适用的报告格式 / Formats the rule applies to", examples=[["2019", "2021"]]
    )
    formula_zh: str = Field(description="公式（中文）/ Formula in Chinese")
    formula_en: str = Field(description="公式（英文）/ Formula in English")
    description_zh: str = Field(description="说明（中文）/ Description in Chinese")
    description_en: str = Field(description="说明（英文）/ Description in English")
    version: str = Field(description="规则版本 / Rule version", examples=[RULESET_VERSION])


def rule_catalogue(format_id: str | None = None) -> list[RulePublic]:
    """The rules that apply to ``format_id``, or every rule."""
    return [
        RulePublic(
            code=rule.code,
            severity=rule.severity,
            formats=list(rule.formats),
            formula_zh=rule.formula.zh,
            formula_en=rule.formula.en,
            description_zh=rule.description.zh,
            description_en=rule.description.en,
            version=rule.version,
        )
        for rule in RULES
        if format_id is None or format_id in rule.formats
    ]
