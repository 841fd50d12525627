"""The vocabulary the report formats are written in: labels, columns, rows, sections, cells.

``app.formats.definitions`` writes the two national formats in these terms.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import TypeAlias

SECTION_KEYS = ("proactive", "applications", "reviews")

CellKey: TypeAlias = tuple[str, str, str]
"""(section, row, column): the address of one cell, as stored."""


class ValueKind(StrEnum):
    """What a cell may hold."""

    COUNT = "count"  # integer ≥ 0
    CHANGE = "change"  # signed integer (本年增/减)
    AMOUNT = "amount"  # decimal ≥ 0, in 万元


class RowRole(StrEnum):
    """The part a row plays in the applications matrix identities."""

    DATA = "data"
    INTAKE = "intake"  # 一、本年新收 / 二、上年结转
    RESULT = "result"  # one outcome in 三、本年度办理结果
    RESULT_SUBTOTAL = "result_subtotal"  # 2021 （六）其他处理: the sum of its parts
    RESULT_PART = "result_part"  # a sub-row of the （六） subtotal
    RESULTS_TOTAL = "results_total"  # （七）总计
    CARRIED_FORWARD = "carried_forward"  # 四、结转下年度继续办理


class CellRole(StrEnum):
    DATA = "data"
    TOTAL = "total"
    SUBTOTAL = "subtotal"


@dataclass(frozen=True)
class Label:
    zh: str
    en: str


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    label: Label
    kind: ValueKind = ValueKind.COUNT
    is_total: bool = False
    group: Label | None = None  # a header spanning several columns (法人或其他组织)


@dataclass(frozen=True)
class RowSpec:
    key: str
    label: Label  # the row's own official wording, numbering included
    columns: tuple[ColumnSpec, ...]
    caption: Label | None = None  # the 条例 article a proactive row reports under
    groups: tuple[Label, ...] = ()  # enclosing group labels, outermost first; no cells of their own
    role: RowRole = RowRole.DATA
    short: Label | None = None  # wording for messages; defaults to the label without numbering

    @property
    def short_label(self) -> Label:
        return self.short or plain_label(self.label)

    @property
    def path_label(self) -> Label:
        """Groups and row without numbering: 本年度办理结果·不予公开·属于国家秘密."""
        parts = [plain_label(label) for label in (*self.groups, self.label)]
        return Label("·".join(part.zh for part in parts), " — ".join(part.en for part in parts))

    def column(self, key: str) -> ColumnSpec:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)


@dataclass(frozen=True)
class SectionSpec:
    key: str
    label: Label
    rows: tuple[RowSpec, ...]
    _by_key: Mapping[str, RowSpec] = field(init=False, repr=False, compare=False)
    _by_roles: dict[tuple[RowRole, ...], tuple[RowSpec, ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        # The rule checks look rows up once per cell: a dict, not a scan.
        object.__setattr__(self, "_by_key", MappingProxyType({row.key: row for row in self.rows}))
        object.__setattr__(self, "_by_roles", {})

    def row(self, key: str) -> RowSpec:
        return self._by_key[key]

    def rows_with_role(self, *roles: RowRole) -> tuple[RowSpec, ...]:
        # Asked per column of every evaluation; the answer never changes, so keep it.
        found = self._by_roles.get(roles)
        if found is None:
            found = self._by_roles[roles] = tuple(row for row in self.rows if row.role in roles)
        return found

    def has_row(self, key: str) -> bool:
        return key in self._by_key


@dataclass(frozen=True)
class CellSpec:
    section: str
    row: str
    column: str
    kind: ValueKind
    role: CellRole
    # Built once: every request reads the key of every cell, often several times.
    key: CellKey = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", (self.section, self.row, self.column))

    @property
    def pointer(self) -> str:
        """RFC 6901 JSON Pointer to this cell in a report body."""
        return cell_pointer(self.key)

    @property
    def is_total(self) -> bool:
        """Computed by the service when omitted or null; checked when given."""
        return self.role is not CellRole.DATA


@dataclass(frozen=True)
class ReportFormat:
    id: str
    document: Label
    first_year: int
    last_year: int | None  # None: still in force
    sections: tuple[SectionSpec, ...]
    _cells: tuple[CellSpec, ...] = field(init=False, repr=False, compare=False)
    _index: Mapping[CellKey, int] = field(init=False, repr=False, compare=False)
    _keys: tuple[CellKey, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Derived once: the definition is immutable and every request walks these cells.
        cells = tuple(self._build_cells())
        object.__setattr__(self, "_cells", cells)
        object.__setattr__(
            self,
            "_index",
            MappingProxyType({cell.key: position for position, cell in enumerate(cells)}),
        )
        object.__setattr__(self, "_keys", tuple(cell.key for cell in cells))

    def _build_cells(self) -> Iterator[CellSpec]:
        for section in self.sections:
            for row in section.rows:
                for column in row.columns:
                    yield CellSpec(
                        section.key, row.key, column.key, column.kind, _cell_role(row, column)
                    )

    def cells(self) -> Iterator[CellSpec]:
        """Every cell, in the order the official tables print them."""
        return iter(self._cells)

    def cell_keys(self) -> tuple[CellKey, ...]:
        """The key of every cell, in the order of ``cells()``."""
        return self._keys

    def total_cells(self) -> Iterator[CellSpec]:
        return (cell for cell in self._cells if cell.is_total)

    def section(self, key: str) -> SectionSpec:
        for section in self.sections:  # three sections: a scan beats a dict here
            if section.key == key:
                return section
        raise KeyError(key)

    def has_cell(self, key: CellKey) -> bool:
        return key in self._index

    def cell(self, key: CellKey) -> CellSpec:
        return self._cells[self._index[key]]

    def position(self, key: CellKey) -> int:
        """The cell's index in format order (used to sort findings)."""
        return self._index[key]

    def covers(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)


def cell_pointer(key: CellKey) -> str:
    return "/" + "/".join(key)


def _cell_role(row: RowSpec, column: ColumnSpec) -> CellRole:
    if column.is_total or row.role is RowRole.RESULTS_TOTAL:
        return CellRole.TOTAL
    if row.role is RowRole.RESULT_SUBTOTAL:
        return CellRole.SUBTOTAL
    return CellRole.DATA


_NUMBERING_ZH = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)\s*")
_NUMBERING_EN = re.compile(r"^(?:[IVX]+\.|\(\d+\))\s*")


def plain_label(label: Label) -> Label:
    """The label without its official numbering (一、 （三） 1. / III. (3))."""
    return Label(_NUMBERING_ZH.sub("", label.zh), _NUMBERING_EN.sub("", label.en))
