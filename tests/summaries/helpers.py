"""Balanced report bodies with chosen figures, and a small three-level hierarchy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from app.agencies.models import Agency
from app.formats.definitions import FORMATS, ValueKind
from app.formats.schema import parse_report
from app.reports.service import Writer, put_report
from tests.factories import make_agency

# The amount cell each format has, for checking exact decimal sums.
AMOUNT_CELL = {
    "2019": ("proactive", "procurement", "amount"),
    "2021": ("proactive", "fees", "amount"),
}


def body(
    fmt: str,
    *,
    new: int,
    granted: int,
    withheld: int = 0,
    carried_over: int = 0,
    upheld: int = 0,
    corrected: int = 0,
    amount: str = "0",
    status: str = "published",
    scope: str = "agency",
) -> dict[str, Any]:
    """A report whose identities hold: every figure is filed by natural persons."""
    report: dict[str, Any] = {"format": fmt, "status": status, "scope": scope}
    for cell in FORMATS[fmt].cells():
        zero: Any = "0" if cell.kind is ValueKind.AMOUNT else 0
        report.setdefault(cell.section, {}).setdefault(cell.row, {})[cell.column] = zero
    applications = report["applications"]
    carried_forward = new + carried_over - granted - withheld
    for row, value in (
        ("new_received", new),
        ("carried_over", carried_over),
        ("granted", granted),
        ("withheld_state_secret", withheld),
        ("results_total", granted + withheld),
        ("carried_forward", carried_forward),
    ):
        applications[row]["natural_person"] = value
        applications[row]["total"] = value
    report["reviews"]["review"].update(upheld=upheld, corrected=corrected, total=upheld + corrected)
    section, row, column = AMOUNT_CELL[fmt]
    report[section][row][column] = amount
    return report


def store(session: Session, agency: Agency, year: int, report: dict[str, Any]) -> None:
    put_report(
        session,
        agency=agency,
        year=year,
        body=parse_report(report, year=year),
        writer=Writer("admin"),
        if_match=None,
    )


@dataclass(frozen=True)
class Tree:
    """city → county_a → (town_a1, town_a2); city → county_b → town_b1; and another root."""

    city: Agency
    county_a: Agency
    town_a1: Agency
    town_a2: Agency
    county_b: Agency
    town_b1: Agency
    other_root: Agency


def make_tree(session: Session) -> Tree:
    city = make_agency(session, "3208", name="淮安市")
    county_a = make_agency(session, "320801", name="甲县", parent=city)
    county_b = make_agency(session, "320802", name="乙县", parent=city)
    return Tree(
        city=city,
        county_a=county_a,
        town_a1=make_agency(session, "32080101", name="甲县一镇", parent=county_a),
        town_a2=make_agency(session, "32080102", name="甲县二镇", parent=county_a),
        county_b=county_b,
        town_b1=make_agency(session, "32080201", name="乙县一镇", parent=county_b),
        other_root=make_agency(session, "6401", name="银川市"),
    )


def summed(code: str, name: str, fmt: str, scope: str = "agency") -> dict[str, str]:
    """A summed report as listed: `agency_code`/`agency_name`, and this release's deprecated
    `code`/`name` beside them."""
    named = {"agency_code": code, "agency_name": name, "code": code, "name": name}
    return {**named, "format": fmt, "scope": scope}
