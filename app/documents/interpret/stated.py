"""Figures the report's own narrative states for a row of table 二, and what they decide.

A crawler that runs a row's cells together (``规范性文件121212``) can leave several splits the
identities cannot choose between. Part 二 of the narrative often says the same figure in words
("其中……政策规范性文件类信息12条"): a count of what was newly published this year under that
row's label. Such a statement decides a split only when it names the row by its label, counts
this year's publications (not a running total), and exactly one split prints that figure in
the row's 本年新公开数量 column. Anything less leaves the row null as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.documents.interpret.diagnostics import Diagnostic
from app.documents.interpret.figures import parse
from app.documents.interpret.normalise import norm
from app.formats.definitions import RowSpec, SectionSpec, plain_label

# The column a statement "主动公开……X类信息N条" is a figure of: newly published this year.
PUBLISHED_THIS_YEAR = "published"

_PART_TWO = re.compile(r"[二一]、主动公开政府信息(?:的)?情况")
_TABLE_START = "第二十条"
# Words that make a figure a running total or another measure, not this year's publications.
_NOT_THIS_YEAR = re.compile(r"累计|历年|现行有效|总数|总量|废止|截至|截止")
# The label, then at most 类 / 信息 / 共 / 为 before the figure and its measure word.
_STATEMENT = r"{label}(?:类)?(?:信息)?(?:共|为)?(\d+)(?:条|件|个|份)"


def stated_this_year(text: str, section: SectionSpec) -> dict[str, set[int]]:
    """Per row of ``section`` with a 本年新公开数量 column: the figures part 二 states for it."""
    heading = _PART_TWO.search(norm(text))
    if heading is None:
        return {}
    part = norm(text)[heading.end() :]
    table = part.find(_TABLE_START)
    part = part[: table if table >= 0 else 0]  # the narrative before the table, only
    rows = [r for r in section.rows if PUBLISHED_THIS_YEAR in {c.key for c in r.columns}]
    stated: dict[str, set[int]] = {}
    for clause in re.split(r"[。；;，,：:]", part):
        if _NOT_THIS_YEAR.search(clause):
            continue
        for row in rows:
            label = re.escape(norm(plain_label(row.label).zh))
            for match in re.finditer(_STATEMENT.format(label=label), clause):
                if not _inside_other_label(clause, match.start(), row, section.rows):
                    stated.setdefault(row.key, set()).add(int(match.group(1)))
    return stated


def _inside_other_label(clause: str, start: int, row: RowSpec, rows: Sequence[RowSpec]) -> bool:
    # "其他规范性文件" is not "规范性文件"... unless the other label is the row's own wording.
    for other in rows:
        if other is row:
            continue
        label = norm(plain_label(other.label).zh)
        if label in clause and clause.find(label) <= start < clause.find(label) + len(label):
            return True
    return False


def decide_by_narrative(
    section: SectionSpec,
    row: RowSpec,
    candidates: list[tuple[str, ...]],
    figures: set[int],
) -> tuple[tuple[str, ...] | None, Diagnostic]:
    """The one split the narrative's figure for ``row`` allows, or None with why not."""
    pointer = f"/{section.key}/{row.key}"
    keys = [column.key for column in row.columns]
    index = keys.index(PUBLISHED_THIS_YEAR)
    kind = row.columns[index].kind
    if len(figures) != 1:
        shown = "、".join(str(f) for f in sorted(figures))
        return None, Diagnostic(
            "narrative_not_decisive",
            "info",
            f"{row.path_label.zh}：叙述中对本行给出不止一个数（{shown}），不据此拆分",
            pointer=pointer,
        )
    (figure,) = figures
    fitting = [c for c in candidates if parse(c[index], kind).value == figure]
    if len(fitting) != 1:
        return None, Diagnostic(
            "narrative_not_decisive",
            "info",
            f"{row.path_label.zh}：叙述写明本年新公开 {figure}，"
            f"与之相符的拆分有 {len(fitting)} 种，不据此拆分",
            pointer=pointer,
        )
    return fitting[0], Diagnostic(
        "digits_split_by_narrative",
        "info",
        f"{row.path_label.zh}：连写的数有 {len(candidates)} 种拆分，报告叙述写明本年新公开 "
        f"{figure}，只有一种与之相符：" + " · ".join(piece or "空" for piece in fitting[0]),
        pointer=pointer,
    )
