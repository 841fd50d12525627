"""A synthetic, rule-valid national hierarchy and its reports, deterministic for a seed.

Scale: ``--reports N`` gives ``0.8 N`` agencies. Every agency files its 2021 report (format
2021); every fourth one also filed 2020 (format 2019), so the two years add up to N reports
and a 2021 write of those agencies runs the cross-year rules against a stored 2020 report.

Shape (a China in miniature): provinces are roots; the first holds 60 % of the agencies
(the "province-sized subtree" the summaries are measured on), the others 25 % and 15 %.
A province has its government and departments and cities; a city its government,
departments and counties; a county its government, departments and townships
(≈ 55 % of a county). Figures are skewed the way real reports are: three townships in four
report nothing at all (every cell 0), departments report a few applications, county
governments tens to hundreds, and a few city and province governments thousands.

Every report balances (per column new + carried over = results total + carried forward;
totals are the sums of their parts; the 2021 "other handling" subtotal is the sum of its
three sub-rows; review totals add up; the channel counts add up to their total), is
``published`` with scope ``agency``, and carries a narrative of realistic length, so a body
weighs 4–9 KB like the real ones.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.formats.definitions import FORMATS, RowRole, ValueKind

PROVINCE_SHARES = (0.60, 0.25, 0.15)
YEAR_NEW, YEAR_OLD = 2021, 2020  # formats 2021 and 2019
OLD_YEAR_EVERY = 4  # every fourth agency also has a 2020 report

# Typical sizes of the levels, used to split a budget of agencies into children.
PROVINCE_DEPARTMENTS, CITY_SIZE = 40, 340
CITY_DEPARTMENTS, COUNTY_SIZE = 30, 38
TOWNSHIP_SHARE = 0.55

# ln of the median number of new applications per kind, its spread, and the share of
# agencies of that kind that report nothing at all.
ACTIVITY = {
    "province": (7.0, 0.6, 0.0),
    "city": (6.2, 1.0, 0.0),  # e^6.2 ≈ 500; one city in ten above 1,800
    "county": (3.9, 0.9, 0.0),
    "department": (1.6, 1.2, 0.35),
    "township": (0.7, 0.8, 0.75),
}

APPLICANTS = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_agency",
    "other_org",
)
APPLICANT_WEIGHTS = (0.72, 0.16, 0.02, 0.02, 0.03, 0.05)
# How results are split between the result rows (the rest of the rows get what is left).
RESULT_WEIGHTS = {
    "granted": 0.38,
    "partially_granted": 0.08,
    "withheld_state_secret": 0.005,
    "withheld_prohibited_by_law": 0.01,
    "withheld_security_stability": 0.005,
    "withheld_third_party_rights": 0.01,
    "withheld_internal_affairs": 0.02,
    "withheld_process_information": 0.02,
    "withheld_enforcement_files": 0.005,
    "withheld_administrative_inquiry": 0.01,
    "unavailable_not_held": 0.25,
    "unavailable_needs_creation": 0.03,
    "unavailable_unclear_after_correction": 0.02,
    "not_processed_complaint": 0.05,
    "not_processed_duplicate": 0.03,
    "not_processed_publication": 0.005,
    "not_processed_excessive": 0.01,
    "not_processed_confirmation": 0.01,
    # 2019: one "other" row; 2021: its three parts (the subtotal is their sum)
    "other": 0.03,
    "other_no_correction": 0.015,
    "other_fee_unpaid": 0.005,
    "other_misc": 0.01,
}

NARRATIVE = (
    "{year} 年，{name}坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党中央、国务院"
    "关于全面推进政务公开工作的决策部署，围绕中心工作，以完善信息公开制度、推进公开平台建设为"
    "抓手，推动政务公开工作转职能、增效能、强功能。\n（一）主动公开情况。主要通过政府门户网站主动"
    "公开政府文件、项目审批、通知公告等各类政府信息，全年主动发布各类政府信息 {channels} 条。\n"
    "（二）依申请公开情况。全年受理政府信息公开申请 {new} 件，均已在法定期限内予以答复。\n"
    "（三）政府信息管理情况。严格执行“分级审核、先审后发”程序，从严把好政治关、法律关、政策关、"
    "保密关、文字关。\n（四）政府信息公开平台建设情况。加强对政府网站、政务新媒体的动态监管。\n"
    "（五）监督保障情况。将政务公开工作纳入年度考核，促进信息公开工作持续向好。"
)
PROBLEMS = (
    "个别单位对复杂申请件的研判能力不足，答复文书规范性有待提升，政策解读形式还不够丰富。下一步将"
    "全面梳理和优化工作流程、健全工作机制、强化部门协同配合，提升依申请公开规范化水平。"
)


@dataclass(frozen=True)
class AgencySpec:
    index: int  # position in the hierarchy, 0-based; seeds its figures
    code: str
    name: str
    parent_code: str | None
    kind: str
    province: int

    @property
    def has_old_year(self) -> bool:
        return self.index % OLD_YEAR_EVERY == 0


@dataclass(frozen=True)
class Hierarchy:
    agencies: list[AgencySpec]

    @property
    def provinces(self) -> list[AgencySpec]:
        return [agency for agency in self.agencies if agency.parent_code is None]

    def reports(self) -> list[tuple[AgencySpec, int]]:
        """(agency, year) of every report, the 2020 ones first (they are 2021's previous)."""
        old = [(agency, YEAR_OLD) for agency in self.agencies if agency.has_old_year]
        return old + [(agency, YEAR_NEW) for agency in self.agencies]

    def in_province(self, province: int) -> list[AgencySpec]:
        return [agency for agency in self.agencies if agency.province == province]


def agencies_for(reports: int) -> int:
    # N = A (2021) + A / OLD_YEAR_EVERY (2020)
    return max(len(PROVINCE_SHARES) * 4, round(reports * OLD_YEAR_EVERY / (OLD_YEAR_EVERY + 1)))


def build_hierarchy(reports: int) -> Hierarchy:
    total = agencies_for(reports)
    budgets = _split(total, PROVINCE_SHARES)
    out: list[AgencySpec] = []

    def add(code: str, name: str, parent: str | None, kind: str, province: int) -> str:
        out.append(AgencySpec(len(out), code, name, parent, kind, province))
        return code

    for p, budget in enumerate(budgets):
        prov = add(f"P{p + 1:02d}", f"第{p + 1}省人民政府", None, "province", p)
        budget -= 1
        departments = min(PROVINCE_DEPARTMENTS, budget // 20)
        for d in range(departments):
            add(f"{prov}-D{d + 1:02d}", f"第{p + 1}省第{d + 1}厅", prov, "department", p)
        budget -= departments
        for c, city_budget in enumerate(_chunks(budget, CITY_SIZE)):
            city = add(f"{prov}C{c + 1:03d}", f"第{p + 1}省第{c + 1}市人民政府", prov, "city", p)
            city_budget -= 1
            departments = min(CITY_DEPARTMENTS, city_budget // 11)
            for d in range(departments):
                add(f"{city}-D{d + 1:02d}", f"{city}市第{d + 1}局", city, "department", p)
            city_budget -= departments
            for k, county_budget in enumerate(_chunks(city_budget, COUNTY_SIZE)):
                county = add(
                    f"{city}K{k + 1:02d}", f"{city}市第{k + 1}县人民政府", city, "county", p
                )
                rest = county_budget - 1
                townships = round(rest * TOWNSHIP_SHARE)
                for t in range(townships):
                    add(
                        f"{county}T{t + 1:02d}",
                        f"{county}县第{t + 1}镇人民政府",
                        county,
                        "township",
                        p,
                    )
                for d in range(rest - townships):
                    add(f"{county}-D{d + 1:02d}", f"{county}县第{d + 1}局", county, "department", p)
    assert len(out) == total, (len(out), total)
    return Hierarchy(out)


def _split(total: int, shares: tuple[float, ...]) -> list[int]:
    parts = [int(total * share) for share in shares]
    parts[0] += total - sum(parts)
    return parts


def _chunks(budget: int, size: int) -> Iterator[int]:
    """``budget`` split into about ``budget / size`` nearly equal positive parts."""
    if budget <= 0:
        return
    count = max(1, round(budget / size))
    base, extra = divmod(budget, count)
    for index in range(count):
        yield base + (1 if index < extra else 0)


# ---------------------------------------------------------------------------------------------
# Figures


@dataclass(frozen=True)
class Figures:
    """Per applicant column: new, carried over, outcomes by result row, carried forward."""

    new: dict[str, int]
    carried_over: dict[str, int]
    results: dict[str, dict[str, int]]  # row → column → value
    carried_forward: dict[str, int]


def _rng(seed: int, agency: AgencySpec, year: int) -> random.Random:
    return random.Random(f"{seed}:{agency.index}:{year}")


def figures(agency: AgencySpec, year: int, seed: int) -> Figures:
    rng = _rng(seed, agency, year)
    mu, sigma, silent = ACTIVITY[agency.kind]
    quiet = rng.random() < silent
    total_new = 0 if quiet else max(1, int(math.exp(rng.gauss(mu, sigma))))
    new = _split_int(rng, total_new, dict(zip(APPLICANTS, APPLICANT_WEIGHTS, strict=True)))
    if year == YEAR_NEW and agency.has_old_year:
        carried_over = figures(agency, YEAR_OLD, seed).carried_forward
    elif quiet:
        carried_over = dict.fromkeys(APPLICANTS, 0)
    else:
        carried_over = {column: int(value * rng.uniform(0, 0.08)) for column, value in new.items()}
    fmt = FORMATS["2021" if year >= 2021 else "2019"]
    result_rows = [
        row.key
        for row in fmt.section("applications").rows
        if row.role in (RowRole.RESULT, RowRole.RESULT_PART)
    ]
    weights = {row: RESULT_WEIGHTS[row] for row in result_rows}
    results: dict[str, dict[str, int]] = {row: {} for row in result_rows}
    carried_forward = {}
    for column in APPLICANTS:
        intake = new[column] + carried_over[column]
        forward = int(intake * rng.uniform(0, 0.06))
        carried_forward[column] = forward
        for row, value in _split_int(rng, intake - forward, weights).items():
            results[row][column] = value
    return Figures(new, carried_over, results, carried_forward)


def _split_int(rng: random.Random, total: int, weights: dict[str, float]) -> dict[str, int]:
    """``total`` split between the keys by jittered weights; the parts add up exactly."""
    if total == 0:
        return dict.fromkeys(weights, 0)
    jittered = {key: weight * rng.uniform(0.5, 1.5) for key, weight in weights.items()}
    scale = total / sum(jittered.values())
    parts = {key: int(weight * scale) for key, weight in jittered.items()}
    first = next(iter(parts))
    parts[first] += total - sum(parts.values())
    return parts


# ---------------------------------------------------------------------------------------------
# Bodies


def report_body(agency: AgencySpec, year: int, seed: int) -> dict[str, Any]:
    """A full published report: every cell and every total given, narrative included."""
    fmt_id = "2021" if year >= 2021 else "2019"
    fmt = FORMATS[fmt_id]
    figs = figures(agency, year, seed)
    rng = _rng(seed, agency, year * 7)
    scale = sum(figs.new.values())
    body: dict[str, Any] = {"format": fmt_id, "status": "published", "scope": "agency"}

    applications: dict[str, dict[str, int]] = {}
    for row in fmt.section("applications").rows:
        values: dict[str, int]
        if row.key == "new_received":
            values = dict(figs.new)
        elif row.key == "carried_over":
            values = dict(figs.carried_over)
        elif row.key == "carried_forward":
            values = dict(figs.carried_forward)
        elif row.role is RowRole.RESULTS_TOTAL:
            values = {
                c: figs.new[c] + figs.carried_over[c] - figs.carried_forward[c] for c in APPLICANTS
            }
        elif row.role is RowRole.RESULT_SUBTOTAL:
            parts = fmt.section("applications").rows_with_role(RowRole.RESULT_PART)
            values = {c: sum(figs.results[p.key][c] for p in parts) for c in APPLICANTS}
        else:
            values = dict(figs.results[row.key])
        values["total"] = sum(values.values())
        applications[row.key] = values
    body["applications"] = applications

    reviews = {}
    for row in fmt.section("reviews").rows:
        cases = 0 if scale == 0 else int(scale * rng.uniform(0, 0.04))
        split = _split_int(
            rng, cases, {"upheld": 0.6, "corrected": 0.1, "other": 0.2, "pending": 0.1}
        )
        reviews[row.key] = {**split, "total": cases}
    body["reviews"] = reviews

    proactive: dict[str, dict[str, Any]] = {}
    for row in fmt.section("proactive").rows:
        cells: dict[str, Any] = {}
        for column in row.columns:
            if column.kind is ValueKind.AMOUNT:
                value = Decimal(0) if scale == 0 else Decimal(rng.randint(0, 5_000_000)) / 100
                cells[column.key] = str(value)
            elif column.kind is ValueKind.CHANGE:
                cells[column.key] = 0 if scale == 0 else rng.randint(-3, 5)
            else:
                cells[column.key] = 0 if scale == 0 else rng.randint(0, 40 + scale)
        proactive[row.key] = cells
    if fmt_id == "2021":
        for row in ("regulations", "normative_documents"):
            issued = proactive[row]["issued"] = rng.randint(0, 5) if scale else 0
            repealed = proactive[row]["repealed"] = rng.randint(0, 2) if scale else 0
            kept = rng.randint(repealed, 60) if scale else 0
            proactive[row]["in_force"] = kept + issued - repealed
    body["proactive"] = {row.key: proactive[row.key] for row in fmt.section("proactive").rows}

    items = [
        {"name": name, "count": rng.randint(0, 50 + 20 * scale)}
        for name in ("政府网站", "政务微博", "政务微信", "其他")[: 2 + rng.randint(0, 2)]
    ]
    channels_total = sum(item["count"] for item in items)
    body["narrative"] = {
        "overview": NARRATIVE.format(
            year=year, name=agency.name, channels=channels_total, new=scale
        ),
        "problems_and_improvements": PROBLEMS,
        "other_matters": "无。",
    }
    body["channels"] = {"total": channels_total, "items": items}
    body["fees_collected_yuan"] = "0"
    body["contact"] = {
        "address": f"{agency.name}办公室",
        "phone": f"0551-6{agency.index % 10_000_000:07d}",
        "email": f"gk{agency.index}@example.gov.cn",
    }
    body["published_on"] = f"{year + 1}-01-{10 + agency.index % 19:02d}"
    body["source_url"] = f"https://www.example.gov.cn/{agency.code}/{year}.html"
    return body


def encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def agencies_csv_rows(hierarchy: Hierarchy) -> Iterator[tuple[str, str, str, str]]:
    for agency in hierarchy.agencies:
        yield agency.code, agency.name, agency.parent_code or "", agency.kind
