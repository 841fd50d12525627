"""The filing form: the official tables as inputs, and a posted form back into a report body.

The grid is the official layout's (app/documents/render/layout.py) built from the format
definitions, so the form shows every format's tables in print order without naming a cell.
Each figure's input is named by its JSON Pointer, the name findings use for it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from app.documents.render.layout import (
    Table,
    matrix_table,
    printed_value,
    proactive_table,
    row_of_groups_table,
)
from app.formats.cells import CellValue
from app.formats.definitions import FORMATS, CellKey, ReportFormat, ValueKind, cell_pointer
from app.formats.values import COUNT_LIMIT

NARRATIVE_FIELDS = (
    ("overview", "一、总体情况"),
    ("problems_and_improvements", "五、存在的主要问题及改进情况"),
    ("other_matters", "六、其他需要报告的事项"),
)
CONTACT_FIELDS = (("address", "联系地址"), ("phone", "联系电话"), ("email", "电子邮箱"))
FEES_FIELD = "fees_collected_yuan"
TEXT_FIELDS = frozenset(
    [name for name, _ in NARRATIVE_FIELDS]
    + [f"contact_{name}" for name, _ in CONTACT_FIELDS]
    + [FEES_FIELD]
)
# Fields of a stored body the form does not show, carried over to the next revision as they are.
KEPT_FIELDS = ("scope", "channels", "published_on", "source_url", "acknowledgements")

NOT_A_COUNT = "请填写不小于 0 的整数"
NOT_A_CHANGE = "请填写整数，减少时前加负号"
NOT_AN_AMOUNT = "请填写不小于 0 的数字，如 12.5"
TOO_LARGE = "数值过大"
_COUNT = re.compile(r"^\d+$")
_CHANGE = re.compile(r"^[+-]?\d+$")
_AMOUNT = re.compile(r"^\d+(\.\d+)?$")


@dataclass(frozen=True)
class FormTable:
    heading: str
    table: Table


@cache
def form_tables(format_id: str) -> tuple[FormTable, ...]:
    """Parts 二, 三 and 四 as the official tables, every row of 三 included (the printed
    report shows （六） either as one row or as its parts; the form takes both)."""
    fmt = FORMATS[format_id]
    blank: dict[CellKey, CellValue] = {cell.key: None for cell in fmt.cells()}
    proactive, applications, reviews = (fmt.section(key) for key in SECTIONS)
    return (
        FormTable(proactive.label.zh, proactive_table(proactive, blank)),
        FormTable(
            applications.label.zh, matrix_table(applications, list(applications.rows), blank)
        ),
        FormTable(reviews.label.zh, row_of_groups_table(reviews, blank)),
    )


SECTIONS = ("proactive", "applications", "reviews")


@cache
def cell_labels(format_id: str) -> dict[str, str]:
    """Each input's accessible name: its row's and column's labels, groups first."""
    fmt = FORMATS[format_id]
    labels: dict[str, str] = {}
    for section in fmt.sections:
        for row in section.rows:
            for column in row.columns:
                parts = [group.zh for group in row.groups] + [row.label.zh]
                if column.group is not None:
                    parts.append(column.group.zh)
                parts.append(column.label.zh)
                labels[cell_pointer((section.key, row.key, column.key))] = " ".join(parts)
    return labels


def figures_as_text(
    fmt: ReportFormat, cells: Mapping[CellKey, CellValue], *, skip: Iterable[CellKey] = ()
) -> dict[str, str]:
    """The inputs' values: each figure as the table prints it, blank for not reported."""
    skipped = set(skip)
    kinds = {cell.key: cell.kind for cell in fmt.cells()}
    return {
        cell_pointer(key): printed_value(kinds[key], value)
        for key, value in cells.items()
        if key in kinds and key not in skipped and value is not None
    }


def other_fields_as_text(body: Mapping[str, Any]) -> dict[str, str]:
    """The narrative, contact and fee inputs of a body given as JSON."""
    values: dict[str, str] = {}
    narrative = body.get("narrative") or {}
    for name, _ in NARRATIVE_FIELDS:
        if narrative.get(name):
            values[name] = str(narrative[name])
    contact = body.get("contact") or {}
    for name, _ in CONTACT_FIELDS:
        if contact.get(name):
            values[f"contact_{name}"] = str(contact[name])
    if body.get(FEES_FIELD) is not None:
        values[FEES_FIELD] = str(body[FEES_FIELD])
    return values


@dataclass
class PostedForm:
    """A posted form: what was typed (to show it again), the figures that are no number (by
    field name, in Chinese) and the report body it makes."""

    typed: dict[str, str] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)


def read_form(fmt: ReportFormat, form: Mapping[str, Any], *, kept: Mapping[str, Any]) -> PostedForm:
    """The body of a posted form: blank inputs are left out (not reported; totals computed),
    full-width digits and thousands separators are read as the workbooks read them."""
    posted = PostedForm(body={key: kept[key] for key in KEPT_FIELDS if key in kept})
    posted.body["format"] = fmt.id
    for cell in fmt.cells():
        raw = form.get(cell.pointer)
        text = raw.strip() if isinstance(raw, str) else ""
        if not text:
            continue
        posted.typed[cell.pointer] = text
        value, problem = _figure(cell.kind, text)
        if problem:
            posted.problems[cell.pointer] = problem
            continue
        posted.body.setdefault(cell.section, {}).setdefault(cell.row, {})[cell.column] = value
    narrative = _texts(form, [(name, name) for name, _ in NARRATIVE_FIELDS], posted.typed)
    if narrative:
        posted.body["narrative"] = narrative
    contact = _texts(form, [(f"contact_{name}", name) for name, _ in CONTACT_FIELDS], posted.typed)
    if contact:
        posted.body["contact"] = contact
    fee = _texts(form, [(FEES_FIELD, FEES_FIELD)], posted.typed).get(FEES_FIELD)
    if fee is not None:
        value, problem = _figure(ValueKind.AMOUNT, fee)
        if problem:
            posted.problems[FEES_FIELD] = problem
        else:
            posted.body[FEES_FIELD] = value
    return posted


def _texts(
    form: Mapping[str, Any], names: list[tuple[str, str]], typed: dict[str, str]
) -> dict[str, str]:
    found = {}
    for field_name, key in names:
        raw = form.get(field_name)
        text = raw.strip() if isinstance(raw, str) else ""
        if text:
            typed[field_name] = text
            found[key] = text
    return found


def _figure(kind: ValueKind, text: str) -> tuple[Any, str | None]:
    normal = unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "")
    if kind is ValueKind.AMOUNT:
        if not _AMOUNT.fullmatch(normal):
            return None, NOT_AN_AMOUNT
        try:
            return str(Decimal(normal)), None
        except InvalidOperation:
            return None, NOT_AN_AMOUNT
    pattern, message = (
        (_CHANGE, NOT_A_CHANGE) if kind is ValueKind.CHANGE else (_COUNT, NOT_A_COUNT)
    )
    if not pattern.fullmatch(normal):
        return None, message
    value = int(normal)
    if abs(value) > COUNT_LIMIT:
        return None, TOO_LARGE
    return value, None


def field_of(pointer: str) -> str | None:
    """The form field a JSON Pointer names: a figure's input is named by its pointer."""
    parts = pointer.split("/")
    if len(parts) == 4 and parts[1] in SECTIONS:
        return pointer
    if len(parts) == 3 and parts[1] == "narrative":
        return parts[2]
    if len(parts) == 3 and parts[1] == "contact":
        return f"contact_{parts[2]}"
    if pointer == f"/{FEES_FIELD}":
        return FEES_FIELD
    return None
