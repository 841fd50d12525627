"""Figure rows printed without their label: give them back to the labels printed without figures.

A PDF converted by another tool can lose a table row's label cell: the row of figures stays in
the table, its label floats outside it (before or after), and rows come out of order. What
survives is the order: the floating labels keep their relative order in the document, and so
do the floating rows. Every assignment that keeps both orders is tried against the identities
of table 三 (row totals, results = （七）总计, the balance, a subtotal = its parts); one is taken
only when it is the only one consistent with both. Otherwise those rows stay null with a
diagnostic naming the alternatives — a figure is never invented to make the table balance.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass, field

from app.documents.interpret.diagnostics import Diagnostic
from app.documents.interpret.figures import Value, parse
from app.documents.interpret.identities import columns_hold, rows_hold
from app.documents.interpret.labels import RowMatch
from app.documents.interpret.stream import Figure, Stream
from app.formats.definitions import (
    CellKey,
    RowRole,
    RowSpec,
    SectionSpec,
    ValueKind,
    cell_pointer,
)

MAX_ASSIGNMENTS = 5_000
SHOWN_ALTERNATIVES = 6
Assignment = tuple[tuple[int, int], ...]  # (floating label, floating row) pairs


@dataclass
class FloatingLayout:
    own: list[tuple[RowSpec, list[Figure]]] = field(default_factory=list)  # labelled rows
    labels: list[RowSpec] = field(default_factory=list)  # data labels with no figures of theirs
    rows: list[list[Figure]] = field(default_factory=list)  # figure rows with no label
    loose: list[Figure] = field(default_factory=list)  # lone figures of running text among them


def floating_layout(
    stream: Stream, section: SectionSpec, matches: list[RowMatch], end: int
) -> FloatingLayout | None:
    """How the section is printed when figure rows lost their labels; None when none did."""
    if not stream.figure_rows:
        return None
    layout = FloatingLayout()
    found = {match.row.key for match in matches}
    parts_found = any(row.role is RowRole.RESULT_PART and row.key in found for row in section.rows)
    for index, match in enumerate(matches):
        stop = matches[index + 1].start if index + 1 < len(matches) else end
        mine: list[Figure] = []
        for position, group in enumerate(_by_source(stream.figures_between(match.end, stop))):
            source = group[0].source
            if source in stream.figure_rows:
                layout.rows.append(group)
            elif source in stream.figure_lines and len(group) == 1:
                layout.loose.extend(group)  # one figure on a line of its own
            elif position == 0:
                mine = group  # the label's own row
            elif not group[0].from_text:
                layout.rows.append(group)  # a table row whose label could not be read
            else:
                return None  # running text among the rows: not a layout read here
        if mine:
            layout.own.append((match.row, mine))
        elif match.row.role is not RowRole.RESULT_SUBTOTAL or not parts_found:
            layout.labels.append(match.row)  # a subtotal above its printed parts is a heading
    return layout if layout.rows and layout.labels else None


def _by_source(figures: list[Figure]) -> Iterator[list[Figure]]:
    for _, group in itertools.groupby(figures, key=lambda figure: figure.source):
        yield list(group)


def recover_rows(
    section: SectionSpec, layout: FloatingLayout, cells: dict[CellKey, Value]
) -> list[Diagnostic]:
    """Store the floating labels' cells in ``cells``: the one consistent assignment, or null."""
    for row in layout.labels:
        _put(section, row, [None] * len(row.columns), cells)
    count = _assignment_count(len(layout.labels), len(layout.rows))
    if count > MAX_ASSIGNMENTS:
        return [_unresolved(section, layout, [], f"{count} 种对应方式，过多无法逐一检验")]
    consistent: dict[tuple[Value, ...], tuple[Assignment, dict[CellKey, Value]]] = {}
    for assignment in _assignments(len(layout.labels), len(layout.rows)):
        trial = _trial(section, layout, assignment, cells)
        if trial is not None and rows_hold(section, trial) and columns_hold(section, trial):
            key = tuple(trial[k] for row in layout.labels for k in _keys(section, row))
            consistent.setdefault(key, (assignment, trial))  # same figures: one reading
    if len(consistent) != 1:
        alternatives = [assignment for assignment, _ in consistent.values()]
        reason = (
            f"{len(alternatives)} 种对应均满足勾稽关系"
            if alternatives
            else "没有一种对应满足勾稽关系"
        )
        return [_unresolved(section, layout, alternatives, reason)]
    ((assignment, trial),) = consistent.values()
    cells.update(trial)
    diagnostics = []
    for label_index, row_index in assignment:
        spec, figures = layout.labels[label_index], layout.rows[row_index]
        diagnostics.append(
            Diagnostic(
                "row_recovered",
                "info",
                f"{spec.path_label.zh}：本行的数印在标签之外（{figures[0].source}）；"
                "按标签与数行的印刷顺序和勾稽关系只有一种对应："
                + " · ".join(f.raw or "空" for f in _fit(figures, len(spec.columns))),
                pointer=f"/{section.key}/{spec.key}",
                source=figures[0].source,
            )
        )
    used = {row for _, row in assignment}
    for index, figures in enumerate(layout.rows):
        if index not in used:
            diagnostics.append(
                Diagnostic(
                    "figure_row_unused",
                    "warning",
                    "一行没有标签的数 "
                    + " ".join(f.raw or "空" for f in figures)
                    + " 不属于任何未填的行，未使用",
                    pointer=f"/{section.key}",
                    source=figures[0].source,
                )
            )
    return diagnostics


def place_loose(
    section: SectionSpec, layout: FloatingLayout, cells: dict[CellKey, Value]
) -> list[Diagnostic]:
    """A lone figure printed outside the table goes to the one blank cell the identities
    determine as exactly that figure; anywhere else, or in doubt, it is left out."""
    if not layout.loose:
        return []
    floating = {key for row in layout.labels for key in _keys(section, row)}
    blanks = [key for key, value in cells.items() if value is None and key not in floating]
    if len(layout.loose) == 1:
        figure = layout.loose[0]
        value = parse(figure.raw, ValueKind.COUNT).value
        places = [key for key in blanks if _determined(section, cells, key, value)]
        if isinstance(value, int) and len(places) == 1:
            cells[places[0]] = value
            return [
                Diagnostic(
                    "figure_placed",
                    "info",
                    f"印在表外的数 {figure.raw}：勾稽关系唯一确定这一空白单元格为"
                    f" {figure.raw}，填入",
                    pointer=cell_pointer(places[0]),
                    source=figure.source,
                )
            ]
    return [
        Diagnostic(
            "figure_unplaced",
            "warning",
            f"印在表外的数 {figure.raw} 无法确定属于哪个单元格，未使用",
            pointer=f"/{section.key}",
            source=figure.source,
        )
        for figure in layout.loose
    ]


def _determined(
    section: SectionSpec, cells: dict[CellKey, Value], key: CellKey, value: Value
) -> bool:
    # The identities are sums with unit weights: the cell is determined when the figure fits
    # and the next number does not.
    if not isinstance(value, int):
        return False
    fits = rows_hold(section, {**cells, key: value}) and columns_hold(
        section, {**cells, key: value}
    )
    other = {**cells, key: value + 1}
    return fits and not (rows_hold(section, other) and columns_hold(section, other))


def _assignment_count(labels: int, rows: int) -> int:
    return math.comb(max(labels, rows), min(labels, rows))


def _assignments(labels: int, rows: int) -> Iterator[Assignment]:
    """Every pairing keeping both orders, with as many pairs as the shorter side has."""
    if labels <= rows:
        for chosen in itertools.combinations(range(rows), labels):
            yield tuple(zip(range(labels), chosen, strict=True))
    else:
        for chosen in itertools.combinations(range(labels), rows):
            yield tuple(zip(chosen, range(rows), strict=True))


def _trial(
    section: SectionSpec,
    layout: FloatingLayout,
    assignment: Assignment,
    cells: dict[CellKey, Value],
) -> dict[CellKey, Value] | None:
    trial = dict(cells)
    for label, row in assignment:
        spec = layout.labels[label]
        figures = _fit(layout.rows[row], len(spec.columns))
        if len(figures) != len(spec.columns):
            return None
        values = []
        for figure, column in zip(figures, spec.columns, strict=True):
            parsed = parse(figure.raw, column.kind)
            if parsed.problem:
                return None
            values.append(parsed.value)
        _put(section, spec, values, trial)
    return trial


def _fit(figures: list[Figure], width: int) -> list[Figure]:
    # Blank cells beyond the row's width at either end: a merged cell, as for labelled rows.
    figures = list(figures)
    while len(figures) > width and figures[-1].raw == "":
        figures.pop()
    while len(figures) > width and figures[0].raw == "":
        figures.pop(0)
    return figures


def _keys(section: SectionSpec, row: RowSpec) -> list[CellKey]:
    return [(section.key, row.key, column.key) for column in row.columns]


def _put(
    section: SectionSpec, row: RowSpec, values: list[Value], cells: dict[CellKey, Value]
) -> None:
    for key, value in zip(_keys(section, row), values, strict=True):
        cells[key] = value


def _unresolved(
    section: SectionSpec, layout: FloatingLayout, alternatives: list[Assignment], reason: str
) -> Diagnostic:
    shown = "；".join(
        "，".join(
            f"{layout.labels[label].short_label.zh}←{layout.rows[row][0].source}"
            for label, row in assignment
        )
        for assignment in alternatives[:SHOWN_ALTERNATIVES]
    )
    more = len(alternatives) - SHOWN_ALTERNATIVES
    return Diagnostic(
        "figures_unattributed",
        "warning",
        f"{len(layout.rows)} 行数印在标签之外，{len(layout.labels)} 个标签没有数"
        f"（{'、'.join(row.short_label.zh for row in layout.labels)}）：{reason}"
        + (f"：{shown}" if shown else "")
        + (f"（另有 {more} 种）" if more > 0 else "")
        + "；不作猜测，这些行留空",
        pointer=f"/{section.key}",
    )
