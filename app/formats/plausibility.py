"""Checks of plausibility: the narrative against the tables, a year against the one before,
the agency's kind, other agencies' reports. Pure functions that yield issues, like
``checks.py``; their thresholds are data, chosen as ``bench/findings_rates.py`` reports.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from app.formats.cells import CompletedCells
from app.formats.checks import APPLICATIONS, Context, Issue
from app.formats.definitions import CellKey, Label, cell_pointer
from app.formats.messages import Param
from app.formats.narrative_figures import quoted_figures

CHANNELS_TOTAL = "/channels/total"
SECTION_POINTERS = ("/proactive", "/applications", "/reviews")


def _cell(pointer: str) -> CellKey:
    section, row, column = pointer.lstrip("/").split("/")
    return section, row, column


# --------------------------------------------------------------------------------------------
# The narrative against the tables


_ITEMS = Label("件", "")


@dataclass(frozen=True)
class NarrativeFigure:
    label: Label  # how the message names the figure
    pointers: Mapping[str, tuple[str, ...]]  # per format: the cells whose sum it is
    also_accepted: Mapping[str, tuple[str, ...]] | None = None  # another sum that agrees
    unit: Label = _ITEMS


def _both(*pointers: str) -> Mapping[str, tuple[str, ...]]:
    return {"2019": pointers, "2021": pointers}


FIGURES: Mapping[str, NarrativeFigure] = {
    "applications_received": NarrativeFigure(
        Label("收到（受理）申请", "applications received"),
        _both("/applications/new_received/total"),
        # Some offices count last year's open applications in what they "received".
        _both("/applications/new_received/total", "/applications/carried_over/total"),
    ),
    "granted": NarrativeFigure(Label("予以公开", "granted"), _both("/applications/granted/total")),
    "completed": NarrativeFigure(
        Label("办结", "handled"), _both("/applications/results_total/total")
    ),
    "carried_forward": NarrativeFigure(
        Label("结转下年度", "carried forward"), _both("/applications/carried_forward/total")
    ),
    "carried_over": NarrativeFigure(
        Label("上年结转", "carried over"), _both("/applications/carried_over/total")
    ),
    "reviews": NarrativeFigure(
        Label("行政复议", "administrative reviews"), _both("/reviews/review/total")
    ),
    "litigation": NarrativeFigure(
        Label("行政诉讼", "lawsuits"),
        _both("/reviews/litigation_direct/total", "/reviews/litigation_after_review/total"),
    ),
    "regulations_issued": NarrativeFigure(
        Label("制发规章", "rules issued"),
        {"2019": ("/proactive/regulations/made",), "2021": ("/proactive/regulations/issued",)},
    ),
    "normative_documents_issued": NarrativeFigure(
        Label("制发规范性文件", "normative documents issued"),
        {
            "2019": ("/proactive/normative_documents/made",),
            "2021": ("/proactive/normative_documents/issued",),
        },
    ),
    "proactive_items": NarrativeFigure(
        Label("主动公开政府信息", "items published proactively"),
        _both(CHANNELS_TOTAL),
        unit=Label("条", ""),
    ),
}

QUOTE_MAX_LENGTH = 120


def check_narrative_figures(ctx: Context) -> Iterator[Issue]:
    """Each figure part 一 states plainly, against the cells it names."""
    narrative = ctx.report.narrative
    for quoted in quoted_figures(narrative.overview if narrative else None):
        figure = FIGURES[quoted.figure]
        pointers = figure.pointers[ctx.cells.fmt.id]
        table = _sum(ctx, pointers)
        if table is None or table == quoted.value:
            continue
        accepted = figure.also_accepted and _sum(ctx, figure.also_accepted[ctx.cells.fmt.id])
        if accepted == quoted.value:
            continue
        yield Issue(
            "narrative.table_mismatch",
            pointers,
            {
                "figure": figure.label,
                "unit": figure.unit,
                "stated": quoted.value,
                "actual": table,
                "sentence": _quote(quoted.sentence),
            },
            quoted.value,
            table,
        )


def _sum(ctx: Context, pointers: tuple[str, ...]) -> int | None:
    """The figure the table gives; None when a cell of it is blank or does not exist."""
    total = 0
    for pointer in pointers:
        value: int | Decimal | None
        if pointer == CHANNELS_TOTAL:
            channels = ctx.report.channels
            value = channels.total if channels else None
        else:
            key = _cell(pointer)
            value = ctx.cells.value(key) if ctx.cells.fmt.has_cell(key) else None
        if value is None:
            return None
        total += int(value)
    return total


def _quote(sentence: str) -> str:
    return sentence if len(sentence) <= QUOTE_MAX_LENGTH else sentence[:QUOTE_MAX_LENGTH] + "…"


# --------------------------------------------------------------------------------------------
# A year against the one before


@dataclass(frozen=True)
class KeyFigure:
    label: Label
    pointers: tuple[str, ...]  # the same cells in both formats


KEY_FIGURES: tuple[KeyFigure, ...] = (
    KeyFigure(Label("本年新收申请", "new applications"), ("/applications/new_received/total",)),
    KeyFigure(Label("予以公开", "applications granted"), ("/applications/granted/total",)),
    KeyFigure(
        Label("结转下年度", "applications carried forward"),
        ("/applications/carried_forward/total",),
    ),
    KeyFigure(Label("行政复议", "administrative reviews"), ("/reviews/review/total",)),
    KeyFigure(
        Label("行政诉讼", "lawsuits"),
        ("/reviews/litigation_direct/total", "/reviews/litigation_after_review/total"),
    ),
    KeyFigure(
        Label("行政许可处理决定", "licensing decisions"), ("/proactive/licensing/decisions",)
    ),
    KeyFigure(Label("行政处罚处理决定", "penalty decisions"), ("/proactive/penalties/decisions",)),
)
# ×5 or ÷5, and only between counts that are both at least 10: below that one busy applicant
# or one campaign moves a figure by more than a factor of five (1 → 6 is no news).
JUMP_FACTOR = 5
JUMP_FLOOR = 10


def check_figure_jump(ctx: Context) -> Iterator[Issue]:
    previous = ctx.previous
    if previous is None:
        return
    for figure in KEY_FIGURES:
        this, last = _figure(ctx.cells, figure.pointers), _figure(previous, figure.pointers)
        if this is None or last is None or min(this, last) < JUMP_FLOOR:
            continue
        if max(this, last) < JUMP_FACTOR * min(this, last):
            continue
        ratio = Decimal(max(this, last)) / Decimal(min(this, last))
        yield Issue(
            "history.figure_jump.up" if this > last else "history.figure_jump.down",
            figure.pointers,
            {
                "figure": figure.label,
                "previous": last,
                "actual": this,
                "ratio": ratio.quantize(Decimal("0.1"), ROUND_HALF_UP),
            },
            last,
            this,
        )


def _figure(cells: CompletedCells, pointers: tuple[str, ...]) -> int | None:
    keys = [_cell(pointer) for pointer in pointers]
    if not all(cells.fmt.has_cell(key) for key in keys):
        return None
    values = [cells.value(key) for key in keys]
    return None if any(value is None for value in values) else sum(int(v or 0) for v in values)


@dataclass(frozen=True)
class ResultShare:
    label: Label
    row_prefix: str  # the rows of the group in 三、本年度办理结果


RESULT_SHARES = (
    ResultShare(Label("不予公开", "not disclosed"), "withheld_"),
    ResultShare(Label("无法提供", "cannot be provided"), "unavailable_"),
)
# A rise of 25 percentage points, among at least 20 handled applications in each year: with
# fewer, two or three refusals alone move the share that much.
SHARE_JUMP_POINTS = 25
SHARE_MIN_RESULTS = 20
_RESULTS_TOTAL_KEY = (APPLICATIONS, "results_total", "total")


def check_result_share_jump(ctx: Context) -> Iterator[Issue]:
    previous = ctx.previous
    if previous is None:
        return
    for share in RESULT_SHARES:
        this, last = _share(ctx.cells, share), _share(previous, share)
        if this is None or last is None:
            continue
        points = (this - last) * 100
        if points < SHARE_JUMP_POINTS:
            continue
        rows = [
            row.key
            for row in ctx.cells.fmt.section(APPLICATIONS).rows
            if row.key.startswith(share.row_prefix)
        ]
        params: dict[str, Param] = {
            "share": share.label,
            "previous": _percent(last),
            "actual": _percent(this),
            "points": _percent(this - last),
        }
        yield Issue(
            "history.result_share_jump",
            (
                *(cell_pointer((APPLICATIONS, row, "total")) for row in rows),
                cell_pointer(_RESULTS_TOTAL_KEY),
            ),
            params,
            f"{_percent(last)}%",
            f"{_percent(this)}%",
        )


def _share(cells: CompletedCells, share: ResultShare) -> Decimal | None:
    results = cells.value(_RESULTS_TOTAL_KEY)
    if results is None or results < SHARE_MIN_RESULTS:
        return None
    part = sum(
        cells.number((APPLICATIONS, row.key, "total"))
        for row in cells.fmt.section(APPLICATIONS).rows
        if row.key.startswith(share.row_prefix)
    )
    return Decimal(part) / Decimal(int(results))


def _percent(fraction: Decimal) -> Decimal:
    return (fraction * 100).quantize(Decimal("1"), ROUND_HALF_UP)


# --------------------------------------------------------------------------------------------
# The agency's kind


# 《立法法》: 规章 are made by the State Council's ministries and by the governments of
# provinces and of cities with districts (设区的市) and 自治州. A county or a township
# government never makes one; a "department" may be a ministry, so it is not judged.
KINDS_THAT_CANNOT_ISSUE_REGULATIONS: Mapping[str, Label] = {
    "county": Label("县级人民政府", "a county-level government"),
    "township": Label("乡镇人民政府", "a township government"),
}
_REGULATIONS_ISSUED = {
    "2019": ("proactive", "regulations", "made"),
    "2021": ("proactive", "regulations", "issued"),
}


def check_regulations_by_kind(ctx: Context) -> Iterator[Issue]:
    kind = KINDS_THAT_CANNOT_ISSUE_REGULATIONS.get(ctx.agency_kind or "")
    key = _REGULATIONS_ISSUED.get(ctx.cells.fmt.id)
    if kind is None or key is None:
        return
    issued = ctx.cells.value(key)
    if issued is not None and issued > 0:
        yield Issue(
            "proactive.regulations_by_kind",
            (cell_pointer(key),),
            {"kind": kind, "actual": issued},
            0,
            int(issued),
        )


# --------------------------------------------------------------------------------------------
# Other agencies' reports

IDENTICAL_NAMES_SHOWN = 3


def check_identical_to_other_agency(ctx: Context) -> Iterator[Issue]:
    if not ctx.identical:
        return
    shown = ctx.identical[:IDENTICAL_NAMES_SHOWN]
    yield Issue(
        "report.identical_to_other_agency",
        SECTION_POINTERS,
        {
            "agencies": "、".join(f"{other.agency_name}（{other.agency_code}）" for other in shown),
            "count": len(ctx.identical),
            "year": ctx.year,
        },
        None,
        ctx.identical[0].agency_code,
    )
