"""The likely wrong cell: the one cell whose single change mends every broken identity.

Pure: from the completed cells and the identity issues the checks found, per table
(the applications matrix and the reviews row have no identity in common). A candidate must
sit in the first broken identity, or among the figures a total there adds up when the service
computed it (a single change has to touch every broken identity); its value
is the one that mends that identity; the candidate counts when, with that value, the table's
identities all hold again — the ones that held before included. A table gets a suggestion
only when exactly one candidate does.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace

from app.formats import checks
from app.formats.cells import CompletedCells, complete, result_addends
from app.formats.checks import Context, Issue
from app.formats.definitions import CellKey, RowRole, cell_pointer

IDENTITY_CHECKS = (
    checks.check_balance,
    checks.check_application_row_totals,
    checks.check_results_total,
    checks.check_other_subtotal,
    checks.check_review_totals,
)
IDENTITY_TEMPLATES = frozenset(
    {
        "applications.balance",
        "applications.row_total",
        "applications.results_total",
        "applications.other_subtotal",
        "reviews.total",
    }
)


def table_of(issue: Issue) -> str:
    return issue.cells[0].split("/")[1]


def unique_fixes(ctx: Context, issues: Sequence[Issue]) -> Mapping[str, tuple[str, int]]:
    """Per table (section key) with broken identities: (pointer, value) when unique."""
    broken: dict[str, list[Issue]] = {}
    for issue in issues:
        if issue.template in IDENTITY_TEMPLATES:
            broken.setdefault(table_of(issue), []).append(issue)
    fixes: dict[str, tuple[str, int]] = {}
    for table, table_issues in broken.items():
        solutions = {
            (pointer, value)
            for pointer, key, value in _candidates(ctx.cells, table_issues[0])
            if _mends_table(ctx, table, key, value)
        }
        if len(solutions) == 1:
            fixes[table] = solutions.pop()
    return fixes


def _candidates(cells: CompletedCells, issue: Issue) -> Iterator[tuple[str, CellKey, int]]:
    keys = [_key(pointer) for pointer in issue.cells]
    left = _left_side(cells, issue, keys)
    difference = sum(cells.number(key) for key in left) - sum(
        cells.number(key) for key in keys if key not in left
    )
    for key in keys:
        # A total the service computed is no figure anyone typed: the figures it adds up are
        # the candidates, and each moves the total one for one.
        for source in _sources(cells, key):
            value = cells.number(source) + (-difference if key in left else difference)
            if value >= 0:
                yield cell_pointer(source), source, value


def _left_side(cells: CompletedCells, issue: Issue, keys: list[CellKey]) -> set[CellKey]:
    """The cells on the left of the identity's equals sign."""
    if issue.template == "applications.balance":  # 新收 + 结转 = 总计 + 结转下年度
        section = cells.fmt.section("applications")
        return {key for key in keys if section.row(key[1]).role is RowRole.INTAKE}
    return {keys[0]}  # a total = its parts


def _sources(cells: CompletedCells, key: CellKey) -> list[CellKey]:
    """The given (or blank) cells that ``key``'s value comes from, as ``complete`` adds them."""
    if not cells.is_computed(key):
        return [key]
    section_key, row_key, column_key = key
    row = cells.fmt.section(section_key).row(row_key)
    if row.column(column_key).is_total:
        parts = [(section_key, row_key, c.key) for c in row.columns if not c.is_total]
    elif row.role is RowRole.RESULTS_TOTAL:
        addends = result_addends(cells.fmt, cells.stated, column_key)
        parts = [(section_key, addend.key, column_key) for addend in addends]
    else:  # the （六） subtotal
        section = cells.fmt.section(section_key)
        parts = [
            (section_key, p.key, column_key) for p in section.rows_with_role(RowRole.RESULT_PART)
        ]
    return [source for part in parts for source in _sources(cells, part)]


def _mends_table(ctx: Context, table: str, key: CellKey, value: int) -> bool:
    stated = {**ctx.cells.stated, key: value}
    changed = replace(ctx, cells=complete(ctx.cells.fmt, stated))
    return not any(
        table_of(issue) == table for check in IDENTITY_CHECKS for issue in check(changed)
    )


def _key(pointer: str) -> CellKey:
    section, row, column = pointer.lstrip("/").split("/")
    return section, row, column
