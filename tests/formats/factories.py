"""Report bodies for the tests: real reports from the fixtures, edited by JSON Pointer."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.formats.definitions import FORMATS, CellRole
from app.formats.rules import Evaluation, evaluate
from app.formats.samples import load_sample
from app.formats.schema import parse_report

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

OMIT = object()
"""An edit value that removes the key from the body."""

Edits = Mapping[str, Any]


def fixture(name: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return body


def seed() -> dict[str, Any]:
    """灵武市白土岗乡 2020 (format 2019): every table cell 0."""
    return load_sample("baitugang_2020.json")


def hongze(year: int) -> dict[str, Any]:
    """淮安市洪泽区 2023 or 2024 (format 2021), as printed."""
    return fixture(f"hongze_{year}.json")


BASES = {"2019": seed, "2021": lambda: hongze(2024)}
BASE_YEARS = {"2019": 2020, "2021": 2024}


def edited(body: dict[str, Any], edits: Edits) -> dict[str, Any]:
    """A copy of ``body`` with each pointer set to its value (or removed, for OMIT)."""
    body = copy.deepcopy(body)
    for pointer, value in edits.items():
        *parents, last = pointer.lstrip("/").split("/")
        node: Any = body
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
        if value is OMIT:
            del node[last]
        elif isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    return body


def without_totals(body: dict[str, Any]) -> dict[str, Any]:
    """The body with every total cell omitted (the service computes them).

    The 2021 （六） subtotal stays: a report printing it as one row gives it as data.
    """
    edits = {
        cell.pointer: OMIT
        for cell in FORMATS[body["format"]].total_cells()
        if cell.role is CellRole.TOTAL and _has(body, cell.pointer)
    }
    return edited(body, edits)


def _has(body: dict[str, Any], pointer: str) -> bool:
    node: Any = body
    for part in pointer.lstrip("/").split("/"):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def run(
    body: dict[str, Any],
    year: int,
    previous: dict[str, Any] | None = None,
    previous_year: int | None = None,
    lang: str = "zh",
) -> Evaluation:
    report = parse_report(body, year=year)
    last = parse_report(previous, year=previous_year or year - 1) if previous else None
    return evaluate(report, year=year, previous=last, lang=lang)


def pairs(evaluation: Evaluation) -> set[tuple[str, str]]:
    """Each finding as (rule, the cell it is about): its first pointer."""
    return {(finding.rule, finding.cells[0]) for finding in evaluation.findings}
