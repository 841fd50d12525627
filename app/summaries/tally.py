"""What a summary counts of one subtree for one year, as a value that adds and subtracts.

A ``Tally`` holds the published reports of a subtree (``published``) and, per format, the
reports summed and each cell's sum over them (zeros left out, a blank counts 0, as the
summaries always counted it). The reports published but not summed are those covered by
a consolidated report: ``covered = published - reported``.

Roll-ups are tallies kept per agency and year (app.summaries.rollups); a write changes them
by the difference of two tallies, so addition and subtraction are all the arithmetic there is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.formats.definitions import CellKey

CellSums = dict[str, int]
"""Cell sums keyed ``"section/row/column"`` (JSON object keys must be strings)."""


def cell_name(key: CellKey) -> str:
    return "/".join(key)


def cell_key(name: str) -> CellKey:
    section, row, column = name.split("/")
    return section, row, column


@dataclass(frozen=True)
class FormatSums:
    """The reports of one format summed in a subtree, and their cells' sums."""

    reports: int = 0
    cells: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Tally:
    published: int = 0
    formats: Mapping[str, FormatSums] = field(default_factory=dict)

    @classmethod
    def of_report(cls, format_id: str, cells: Iterable[tuple[CellKey, int | None]]) -> Tally:
        """One published report, summed: its non-zero cells."""
        sums = {cell_name(key): int(value) for key, value in cells if value}
        return cls(published=1, formats={format_id: FormatSums(1, sums)})

    @property
    def reported(self) -> int:
        return sum(part.reports for part in self.formats.values())

    @property
    def covered(self) -> int:
        return self.published - self.reported

    def plus(self, other: Tally, sign: int = 1) -> Tally:
        formats: dict[str, FormatSums] = dict(self.formats)
        for format_id, part in other.formats.items():
            mine = formats.get(format_id, FormatSums())
            cells = dict(mine.cells)
            for name, value in part.cells.items():
                total = cells.get(name, 0) + sign * value
                if total:
                    cells[name] = total
                else:
                    cells.pop(name, None)
            formats[format_id] = FormatSums(mine.reports + sign * part.reports, cells)
        kept = {key: part for key, part in formats.items() if part.reports or part.cells}
        return Tally(self.published + sign * other.published, kept)

    def minus(self, other: Tally) -> Tally:
        return self.plus(other, sign=-1)

    def published_only(self) -> Tally:
        """What passes above a consolidated report: the count of published reports only."""
        return Tally(self.published)

    def summed_cells(self) -> Iterable[tuple[CellKey, int]]:
        """Every format's cell sums (a cell two formats share appears twice)."""
        for part in self.formats.values():
            for name, value in part.cells.items():
                yield cell_key(name), value

    # Stored as three columns of summary_rollup: reported, covered and the sums as JSON.

    def stored_sums(self) -> dict[str, Any]:
        return {
            format_id: {"reports": part.reports, "cells": dict(part.cells)}
            for format_id, part in self.formats.items()
        }

    @classmethod
    def from_stored(cls, *, reported: int, covered: int, sums: Mapping[str, Any]) -> Tally:
        formats = {
            format_id: FormatSums(int(part["reports"]), dict(part["cells"]))
            for format_id, part in sums.items()
        }
        return cls(published=reported + covered, formats=formats)


def total(tallies: Iterable[Tally]) -> Tally:
    result = Tally()
    for tally in tallies:
        result = result.plus(tally)
    return result
