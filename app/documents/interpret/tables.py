"""Map the figures found between labels onto the format's rows and columns.

Per row: blanks beyond the row's width are dropped (a merged empty cell before or after the
figures), exactly as many figures as columns are taken as printed, fewer figures read from
running text are split where the cell kinds and the identities leave one way. Anything else
leaves the row's cells null with a diagnostic — never a guess.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from app.documents.interpret.diagnostics import Diagnostic
from app.documents.interpret.figures import Parsed, Value, parse, splits
from app.documents.interpret.floating import (
    FloatingLayout,
    floating_layout,
    place_loose,
    recover_rows,
)
from app.documents.interpret.identities import columns_hold, row_identity_holds
from app.documents.interpret.labels import RowMatch, find_rows
from app.documents.interpret.stated import decide_by_narrative
from app.documents.interpret.stream import Figure, Stream
from app.formats.definitions import (
    CellKey,
    ReportFormat,
    RowRole,
    RowSpec,
    SectionSpec,
    ValueKind,
    cell_pointer,
)

MAX_COMBINATIONS = 20_000
MAX_SPILLED = 1  # figures a merged cell may add to a table row
Candidate = tuple[str, ...]


@dataclass
class TableReading:
    cells: dict[CellKey, Value] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    pending: dict[str, list[Candidate]] = field(default_factory=dict)  # row key → splits


def read_section(
    stream: Stream,
    fmt: ReportFormat,
    section_key: str,
    start: int,
    end: int,
    stated: Mapping[str, set[int]] | None = None,
) -> TableReading:
    """``stated``: figures the narrative gives for rows (``stated_this_year``)."""
    section = fmt.section(section_key)
    reading = TableReading()
    if section_key == "reviews":
        _read_reviews(stream, section, start, end, reading)
        return reading
    matches = find_rows(stream, section, start, end)
    layout = (
        floating_layout(stream, section, matches, end) if section_key == "applications" else None
    )
    if layout is not None:
        _read_floating(section, layout, reading)
        matches = []  # read above, by the floating layout
    bare: RowSpec | None = None  # a data row's label printed with no figure after it
    for index, match in enumerate(matches):
        stop = matches[index + 1].start if index + 1 < len(matches) else end
        figures = stream.figures_between(match.end, stop)
        if bare is not None and figures:
            # Two labels, then figures: whose figures they are, the layout does not say.
            _unattributed(section, bare, match.row, figures[0].source, reading)
            bare = None
            continue
        if not figures and match.row.role is not RowRole.RESULT_SUBTOTAL:
            bare = match.row
            continue
        bare = None
        _read_row(section, match.row, figures, reading)
    printed = {match.row.key for match in find_rows(stream, section, start, end)}
    for row in section.rows:
        found = row.key in printed
        if not found and row.role not in (RowRole.RESULT_PART, RowRole.RESULT_SUBTOTAL):
            reading.diagnostics.append(
                Diagnostic(
                    "row_not_found",
                    "warning",
                    f"{row.path_label.zh}：文档中未找到这一行",
                    pointer=f"/{section.key}/{row.key}",
                )
            )
    if section_key == "applications" and reading.pending:
        _resolve_by_columns(fmt, section, reading)
    if stated:
        _resolve_by_narrative(section, reading, stated)
    _report_pending(section, reading)
    return reading


def _read_floating(section: SectionSpec, layout: FloatingLayout, reading: TableReading) -> None:
    for row, figures in layout.own:
        _read_row(section, row, figures, reading)
    reading.diagnostics.extend(recover_rows(section, layout, reading.cells))
    reading.diagnostics.extend(place_loose(section, layout, reading.cells))


def _read_row(
    section: SectionSpec, row: RowSpec, figures: list[Figure], reading: TableReading
) -> None:
    if not figures:
        return  # a group label: （六）其他处理 printed above its three sub-rows
    width = len(row.columns)
    figures = _trim_blanks(figures, width)
    kinds = [column.kind for column in row.columns]
    source = figures[0].source
    pointer = f"/{section.key}/{row.key}"
    spilled = len(figures) - width
    if 0 < spilled <= MAX_SPILLED and not any(figure.from_text for figure in figures):
        # A merged cell exported as one more cell before the figures: the last ones count.
        reading.diagnostics.append(
            Diagnostic(
                "row_extra_cells",
                "warning",
                f"{row.path_label.zh}：印有 {len(figures)} 个数，取最后 {width} 个"
                f"（{' '.join(f.raw or '空' for f in figures[:spilled])} 视为合并单元格）",
                pointer=pointer,
                source=source,
            )
        )
        figures = figures[spilled:]
    if len(figures) > width:
        reading.diagnostics.append(
            Diagnostic(
                "row_too_many_figures",
                "warning",
                f"{row.path_label.zh}：印有 {len(figures)} 个数，本行只有 {width} 列；"
                f"无法确定哪些属于本行，留空",
                pointer=pointer,
                source=source,
            )
        )
        _store(section, row, [None] * width, reading)
        return
    candidates = splits(figures, kinds)
    if not candidates:
        reading.diagnostics.append(
            Diagnostic(
                "row_unreadable",
                "warning",
                f"{row.path_label.zh}：印出的数 {' '.join(f.raw or '空' for f in figures)} "
                f"无法对应本行 {width} 列，留空",
                pointer=pointer,
                source=source,
            )
        )
        _store(section, row, [None] * width, reading)
        return
    if len(candidates) > 1:
        balanced = [c for c in candidates if row_identity_holds(row, _values(c, kinds))]
        candidates = balanced or candidates
    if len(candidates) == 1:
        _store_candidate(section, row, candidates[0], reading, source)
        return
    reading.pending[row.key] = candidates
    _store(section, row, [None] * width, reading)


def _unattributed(
    section: SectionSpec, first: RowSpec, second: RowSpec, source: str, reading: TableReading
) -> None:
    for row in (first, second):
        _store(section, row, [None] * len(row.columns), reading)
    reading.diagnostics.append(
        Diagnostic(
            "figures_unattributed",
            "warning",
            f"{first.path_label.zh} 与 {second.path_label.zh} 的标签相连印出，其后的数"
            "属于哪一行无法确定：两行留空",
            pointer=f"/{section.key}/{first.key}",
            source=source,
        )
    )


def _trim_blanks(figures: list[Figure], width: int) -> list[Figure]:
    figures = list(figures)
    while len(figures) > width and figures[0].raw == "":
        figures.pop(0)
    while len(figures) > width and figures[-1].raw == "":
        figures.pop()
    return figures


def _values(candidate: Candidate, kinds: Sequence[ValueKind]) -> list[Value]:
    return [parse(raw, kind).value for raw, kind in zip(candidate, kinds, strict=True)]


def _store_candidate(
    section: SectionSpec, row: RowSpec, candidate: Candidate, reading: TableReading, source: str
) -> None:
    values: list[Value] = []
    for raw, column in zip(candidate, row.columns, strict=True):
        parsed: Parsed = parse(raw, column.kind)
        pointer = cell_pointer((section.key, row.key, column.key))
        if parsed.problem:
            reading.diagnostics.append(
                Diagnostic("cell_unreadable", "warning", parsed.problem, pointer, source)
            )
        if parsed.converted_from_yuan:
            reading.diagnostics.append(
                Diagnostic(
                    "unit_converted",
                    "info",
                    f"{raw} → {parsed.value} 万元",
                    pointer,
                    source,
                )
            )
        values.append(parsed.value)
    _store(section, row, values, reading)


def _store(section: SectionSpec, row: RowSpec, values: list[Value], reading: TableReading) -> None:
    for column, value in zip(row.columns, values, strict=True):
        reading.cells[(section.key, row.key, column.key)] = value


def _read_reviews(
    stream: Stream, section: SectionSpec, start: int, end: int, reading: TableReading
) -> None:
    figures = stream.figures_between(start, end)
    while figures and figures[0].raw == "":
        figures.pop(0)
    columns = [(row, column) for row in section.rows for column in row.columns]
    if not figures:
        return
    width = len(columns)
    figures = _trim_blanks(figures, width)
    kinds = [column.kind for _, column in columns]
    if len(figures) > width:
        figures = figures[:width]  # the one row of figures comes first; prose follows
    candidates = splits(figures, kinds)
    if len(candidates) > 1:
        candidates = [c for c in candidates if _reviews_hold(section, _values(c, kinds))] or (
            candidates
        )
    if len(candidates) != 1:
        reading.diagnostics.append(
            Diagnostic(
                "digits_ambiguous" if candidates else "row_unreadable",
                "warning",
                "四、行政复议、行政诉讼：印出的数 "
                + " ".join(f.raw for f in figures)
                + (f" 有 {len(candidates)} 种拆分" if candidates else " 无法对应 15 列")
                + "，留空",
                pointer="/reviews",
                source=figures[0].source,
            )
        )
        for row, column in columns:
            reading.cells[(section.key, row.key, column.key)] = None
        return
    for (row, column), raw in zip(columns, candidates[0], strict=True):
        reading.cells[(section.key, row.key, column.key)] = parse(raw, column.kind).value


def _reviews_hold(section: SectionSpec, values: list[Value]) -> bool:
    offset = 0
    for row in section.rows:
        chunk = values[offset : offset + len(row.columns)]
        if not row_identity_holds(row, chunk):
            return False
        offset += len(row.columns)
    return True


def _resolve_by_columns(fmt: ReportFormat, section: SectionSpec, reading: TableReading) -> None:
    """Choose among the splits of the ambiguous rows by the column identities, if one fits."""
    keys = list(reading.pending)
    options = [reading.pending[key] for key in keys]
    total = 1
    for option in options:
        total *= len(option)
    if total > MAX_COMBINATIONS:
        return
    fitting: list[tuple[Candidate, ...]] = []
    for combination in itertools.product(*options):
        trial = dict(reading.cells)
        for key, candidate in zip(keys, combination, strict=True):
            row = section.row(key)
            kinds = [column.kind for column in row.columns]
            for column, value in zip(row.columns, _values(candidate, kinds), strict=True):
                trial[(section.key, key, column.key)] = value
        if columns_hold(section, trial):
            fitting.append(combination)
    if len(fitting) == 1:
        for key, candidate in zip(keys, fitting[0], strict=True):
            row = section.row(key)
            _store_candidate(section, row, candidate, reading, "identities")
            reading.diagnostics.append(
                Diagnostic(
                    "digits_split",
                    "info",
                    f"{row.path_label.zh}：连写的数只有一种拆分满足勾稽关系："
                    + " · ".join(piece or "空" for piece in candidate),
                    pointer=f"/{section.key}/{key}",
                )
            )
            del reading.pending[key]


def _resolve_by_narrative(
    section: SectionSpec, reading: TableReading, stated: Mapping[str, set[int]]
) -> None:
    for key in [key for key in reading.pending if key in stated]:
        row = section.row(key)
        decided, diagnostic = decide_by_narrative(section, row, reading.pending[key], stated[key])
        reading.diagnostics.append(diagnostic)
        if decided is not None:
            _store_candidate(section, row, decided, reading, "narrative")
            del reading.pending[key]


def _report_pending(section: SectionSpec, reading: TableReading) -> None:
    for key, candidates in reading.pending.items():
        row = section.row(key)
        shown = "；".join(
            " · ".join(piece or "空" for piece in candidate) for candidate in candidates[:12]
        )
        more = f"（另有 {len(candidates) - 12} 种）" if len(candidates) > 12 else ""
        reading.diagnostics.append(
            Diagnostic(
                "digits_ambiguous",
                "warning",
                f"{row.path_label.zh}：连写的数可拆为 {len(candidates)} 种：{shown}{more}；"
                "不作猜测，本行留空",
                pointer=f"/{section.key}/{key}",
            )
        )


__all__ = ["RowMatch", "TableReading", "read_section"]
