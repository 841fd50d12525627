"""Report bodies for tests, derived from the format definitions and the real reports."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.formats.definitions import FORMATS, ValueKind
from app.formats.samples import SAMPLE_DIR

FIXTURE_DIR = Path(__file__).resolve().parents[1] / "fixtures"


def seed_report() -> dict[str, Any]:
    """灵武市白土岗乡 2020 (format 2019), as published."""
    return json.loads((SAMPLE_DIR / "baitugang_2020.json").read_text(encoding="utf-8"))


def hongze(year: int) -> dict[str, Any]:
    """淮安市洪泽区 2023 or 2024 (format 2021), as published."""
    return json.loads((FIXTURE_DIR / f"hongze_{year}.json").read_text(encoding="utf-8"))


def every_cell_distinct(format_id: str) -> dict[str, Any]:
    """A draft whose every cell holds a different value (it breaks rules; drafts may)."""
    body: dict[str, Any] = {"format": format_id, "status": "draft"}
    for index, cell in enumerate(FORMATS[format_id].cells(), start=1):
        value: Any = index
        if cell.kind is ValueKind.CHANGE:
            value = -index
        elif cell.kind is ValueKind.AMOUNT:
            value = str(Decimal(index) + Decimal("0.123456"))
        body.setdefault(cell.section, {}).setdefault(cell.row, {})[cell.column] = value
    return body


def with_cell(body: dict[str, Any], pointer: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(body)
    section, row, column = pointer.strip("/").split("/")
    changed[section][row][column] = value
    return changed


def cell(body: dict[str, Any], pointer: str) -> Any:
    section, row, column = pointer.strip("/").split("/")
    return body[section][row][column]
