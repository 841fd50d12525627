"""The catalogue entries of the plausibility rules (their checks: ``plausibility.py``)."""

from __future__ import annotations

from collections.abc import Iterator

from app.formats import plausibility
from app.formats.checks import Context, Issue
from app.formats.definitions import Label
from app.formats.rule import Rule


def _after_the_others(ctx: Context) -> Iterator[Issue]:
    """Matched against the other rules' findings by ``acknowledgements.match``."""
    return iter(())


PLAUSIBILITY_RULES: tuple[Rule, ...] = (
    Rule(
        "narrative.table_mismatch",
        "warning",
        Label(
            "总体情况所述数字 = 表格中对应的单元格",
            "A figure part I states = the table cell it names",
        ),
        Label(
            "总体情况明确写出的申请数、予以公开数、办结数、结转数、行政复议和行政诉讼数、"
            "制发规章和规范性文件数、主动公开条数，应与表格一致；只读明确的表述。",
            "The applications received, granted, handled and carried, the reviews and lawsuits, "
            "the rules and normative documents issued and the items published that part I states "
            "plainly agree with the tables; only plain statements are read.",
        ),
        plausibility.check_narrative_figures,
    ),
    Rule(
        "history.figure_jump",
        "warning",
        Label(
            f"关键数字与同一机关上年相比 ×{plausibility.JUMP_FACTOR} 或 "
            f"÷{plausibility.JUMP_FACTOR} 以上（两年均不少于 {plausibility.JUMP_FLOOR}）",
            f"A key figure ×{plausibility.JUMP_FACTOR} or ÷{plausibility.JUMP_FACTOR} against "
            f"the same agency's year before (both years at least {plausibility.JUMP_FLOOR})",
        ),
        Label(
            "新收申请、予以公开、结转下年度、行政复议、行政诉讼、行政许可和行政处罚决定数。"
            "小数字的波动不提示。",
            "New applications, granted, carried forward, reviews, lawsuits, licensing and "
            "penalty decisions. Small counts are left alone.",
        ),
        plausibility.check_figure_jump,
    ),
    Rule(
        "history.result_share_jump",
        "warning",
        Label(
            f"不予公开或无法提供占办理结果的比例比上年上升 {plausibility.SHARE_JUMP_POINTS} 个"
            f"百分点以上（两年办理结果均不少于 {plausibility.SHARE_MIN_RESULTS} 件）",
            f"The share of not disclosed or cannot be provided among the results rises by "
            f"{plausibility.SHARE_JUMP_POINTS} points or more (both years at least "
            f"{plausibility.SHARE_MIN_RESULTS} results)",
        ),
        Label(
            "比例骤升多半是归类变化或填错行，值得复核。",
            "A sudden rise is more often a change of classification or a wrong row than a "
            "change of practice.",
        ),
        plausibility.check_result_share_jump,
    ),
    Rule(
        "proactive.regulations_by_kind",
        "warning",
        Label(
            "县级、乡镇人民政府本年制发规章 = 0",
            "Rules issued by a county or township government = 0",
        ),
        Label(
            "依《立法法》，规章由国务院部门和省、自治区、直辖市及设区的市、自治州人民政府制定；"
            "只在机关类别已知时检查。",
            "Under the Legislation Law, rules are made by State Council departments and by "
            "provincial and districted-city governments; checked only when the agency's kind is "
            "known.",
        ),
        plausibility.check_regulations_by_kind,
    ),
    Rule(
        "report.identical_to_other_agency",
        "warning",
        Label(
            "所有统计数字与另一机关同年已公开的报告相同",
            "Every figure equals another agency's published report of the same year",
        ),
        Label(
            "多半是套用了别的机关的表格；全为 0 或几乎为空的报告不比较。",
            "Most likely another agency's table reused; reports of zeros, or nearly empty, are "
            "not compared.",
        ),
        plausibility.check_identical_to_other_agency,
    ),
    Rule(
        "acknowledgements.unmatched",
        "warning",
        Label(
            "每条说明对应一条 warning（规则代码相同，单元格在其中）",
            "Each acknowledgement matches a warning (same rule, one of its cells)",
        ),
        Label(
            "未对应任何提示、或对应的是错误的说明仍随修订保存；错误不能被说明消除。",
            "An acknowledgement matching no warning, or an error, is still kept with the "
            "revision; an error cannot be acknowledged away.",
        ),
        _after_the_others,
    ),
)
