"""The rules, one table of cases each: an edit of a real report → the (rule, cell) pairs found."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from app.formats.rules import RULES, rule_catalogue

from .factories import OMIT, Edits, edited, hongze, pairs, run, seed, without_totals
from .test_plausibility_rules import PLAUSIBILITY_COVERED

A = "/applications"
R = "/reviews"
P = "/proactive"

ZEROS_2021_OTHER_PARTS = {
    f"{A}/{row}/{column}": 0
    for row in ("other_no_correction", "other_fee_unpaid", "other_misc")
    for column in (
        "natural_person",
        "commercial_enterprise",
        "research_institution",
        "social_welfare_org",
        "legal_service_agency",
        "other_org",
        "total",
    )
}


# What the unedited real reports themselves deserve, beside what each case is about:
# 洪泽区 2024's part 一 counts 17 applications where its table says 95; the seed's says 0
# (an edit giving it applications contradicts it); 洪泽区's 行政许可 decisions went from 550
# (2023) to 9487 (2024), ×17.
NARRATIVE_SAYS_17 = frozenset({("narrative.table_mismatch", f"{A}/new_received/total")})
NARRATIVE_SAYS_0 = NARRATIVE_SAYS_17
LICENSING_550_TO_9487 = frozenset({("history.figure_jump", f"{P}/licensing/decisions")})


@dataclass(frozen=True)
class Case:
    id: str
    base: str  # "2019": the seed report (2020, all zeros); "2021": 洪泽区 2024
    edits: Edits
    expected: set[tuple[str, str]]
    totals: bool = True  # False: every total cell omitted from the body
    year: int | None = None
    previous: tuple[str, Edits] | None = None  # base and edits of last year's report
    also: frozenset[tuple[str, str]] = frozenset()  # what the base report itself deserves

    def body(self) -> dict[str, Any]:
        return _body(self.base, self.edits, self.totals)


def _body(base: str, edits: Edits, totals: bool = True) -> dict[str, Any]:
    body = seed() if base == "2019" else hongze(2024) if base == "2021" else hongze(2023)
    return edited(body if totals else without_totals(body), edits)


_YEARS = {"2019": 2020, "2021": 2024, "2023": 2023}


def _evaluate(case: Case) -> set[tuple[str, str]]:
    year = case.year or _YEARS[case.base]
    previous = _body(*case.previous) if case.previous else None
    return pairs(run(case.body(), year, previous, previous_year=year - 1))


CASES = [
    # applications.balance ------------------------------------------------------------------
    Case(
        "balance-2019-given-totals",
        "2019",
        {f"{A}/new_received/natural_person": 1, f"{A}/new_received/total": 1},
        {
            ("applications.balance", f"{A}/new_received/natural_person"),
            ("applications.balance", f"{A}/new_received/total"),
        },
        also=NARRATIVE_SAYS_0,
    ),
    Case(
        "balance-2019-omitted-totals-reports-the-column-once",
        "2019",
        {f"{A}/new_received/natural_person": 1},
        {("applications.balance", f"{A}/new_received/natural_person")},
        totals=False,
        also=NARRATIVE_SAYS_0,
    ),
    Case(
        "balance-2021-carried-forward",
        "2021",
        {f"{A}/carried_forward/natural_person": 1, f"{A}/carried_forward/total": 1},
        {
            ("applications.balance", f"{A}/new_received/natural_person"),
            ("applications.balance", f"{A}/new_received/total"),
        },
        also=NARRATIVE_SAYS_17,
    ),
    Case(
        "balance-2021-omitted-totals",
        "2021",
        {f"{A}/carried_over/legal_service_agency": 4},
        {("applications.balance", f"{A}/new_received/legal_service_agency")},
        totals=False,
        also=NARRATIVE_SAYS_17,
    ),
    # applications.row_total ----------------------------------------------------------------
    Case(
        "row-total-2019",
        "2019",
        {f"{A}/granted/commercial_enterprise": 2},
        {
            ("applications.row_total", f"{A}/granted/total"),
            ("applications.results_total", f"{A}/results_total/commercial_enterprise"),
        },
    ),
    Case(
        "row-total-2019-given-total-only",
        "2019",
        {f"{A}/new_received/total": 5},
        {
            ("applications.row_total", f"{A}/new_received/total"),
            ("applications.balance", f"{A}/new_received/total"),
        },
        also=NARRATIVE_SAYS_0,
    ),
    Case(
        "row-total-2021",
        "2021",
        {f"{A}/granted/total": 51},
        {
            ("applications.row_total", f"{A}/granted/total"),
            ("applications.results_total", f"{A}/results_total/total"),
        },
        also=NARRATIVE_SAYS_17,
    ),
    # applications.results_total ------------------------------------------------------------
    Case(
        "results-total-2019",
        "2019",
        {f"{A}/results_total/natural_person": 1, f"{A}/results_total/total": 1},
        {
            ("applications.results_total", f"{A}/results_total/natural_person"),
            ("applications.results_total", f"{A}/results_total/total"),
            ("applications.balance", f"{A}/new_received/natural_person"),
            ("applications.balance", f"{A}/new_received/total"),
        },
    ),
    Case(
        "results-total-2019-other-row-counts",
        "2019",
        {f"{A}/other/natural_person": 1, f"{A}/other/total": 1},
        {
            ("applications.results_total", f"{A}/results_total/natural_person"),
            ("applications.results_total", f"{A}/results_total/total"),
        },
    ),
    Case(
        "results-total-2021-single-other-row-counts",
        "2021",
        {f"{A}/other/research_institution": 2, f"{A}/other/total": 2},
        {
            ("applications.results_total", f"{A}/results_total/research_institution"),
            ("applications.results_total", f"{A}/results_total/total"),
        },
        also=NARRATIVE_SAYS_17,
    ),
    Case(
        "results-total-2021-sub-rows-count-once",
        "2021",
        {
            **ZEROS_2021_OTHER_PARTS,
            f"{A}/other": OMIT,
            f"{A}/other_fee_unpaid/natural_person": 3,
            f"{A}/other_fee_unpaid/total": 3,
        },
        {
            ("applications.results_total", f"{A}/results_total/natural_person"),
            ("applications.results_total", f"{A}/results_total/total"),
        },
        also=NARRATIVE_SAYS_17,
    ),
    # applications.other_subtotal (2021) ----------------------------------------------------
    Case(
        "other-subtotal-2021-disagrees-with-sub-rows",
        "2021",
        {**ZEROS_2021_OTHER_PARTS, f"{A}/other_misc/natural_person": 1, f"{A}/other_misc/total": 1},
        {
            ("applications.other_subtotal", f"{A}/other/natural_person"),
            ("applications.other_subtotal", f"{A}/other/total"),
            ("applications.results_total", f"{A}/results_total/natural_person"),
            ("applications.results_total", f"{A}/results_total/total"),
        },
        also=NARRATIVE_SAYS_17,
    ),
    Case(
        "other-subtotal-2021-agrees-with-sub-rows",
        "2021",
        ZEROS_2021_OTHER_PARTS,
        set(),
        also=NARRATIVE_SAYS_17,
    ),
    Case(
        "other-subtotal-2021-sub-rows-alone",
        "2021",
        {**ZEROS_2021_OTHER_PARTS, f"{A}/other": OMIT},
        set(),
        also=NARRATIVE_SAYS_17,
    ),
    Case("other-subtotal-2021-one-row-alone", "2021", {}, set(), also=NARRATIVE_SAYS_17),
    # reviews.total -------------------------------------------------------------------------
    Case(
        "reviews-total-2019",
        "2019",
        {f"{R}/review/upheld": 1},
        {("reviews.total", f"{R}/review/total")},
    ),
    Case(
        "reviews-total-2019-litigation",
        "2019",
        {f"{R}/litigation_after_review/total": 2},
        {("reviews.total", f"{R}/litigation_after_review/total")},
    ),
    Case(
        "reviews-total-2021",
        "2021",
        {f"{R}/litigation_direct/pending": 1},
        {("reviews.total", f"{R}/litigation_direct/total")},
        also=NARRATIVE_SAYS_17,
    ),
    Case(
        "reviews-total-2021-omitted-total-is-computed",
        "2021",
        {f"{R}/litigation_direct/pending": 1, f"{R}/litigation_direct/total": OMIT},
        set(),
        also=NARRATIVE_SAYS_17,
    ),
    # narrative.channels_sum ----------------------------------------------------------------
    Case(
        "channels-2019",
        "2019",
        {"/channels/items/0/count": 14},
        {("narrative.channels_sum", "/channels/total")},
    ),
    Case(
        "channels-2021",
        "2021",
        {"/channels/total": 2429},
        {("narrative.channels_sum", "/channels/total")},
        also=NARRATIVE_SAYS_17,
    ),
    Case(
        "channels-2021-no-total-nothing-to-check",
        "2021",
        {"/channels/total": None},
        set(),
        also=NARRATIVE_SAYS_17,
    ),
    # cells.not_reported --------------------------------------------------------------------
    Case(
        "not-reported-2019-null",
        "2019",
        {f"{P}/regulations/made": None},
        {("cells.not_reported", f"{P}/regulations/made")},
    ),
    Case(
        "not-reported-2019-omitted",
        "2019",
        {f"{P}/procurement/amount": OMIT},
        {("cells.not_reported", f"{P}/procurement/amount")},
    ),
    Case(
        "not-reported-2019-null-total-computed",
        "2019",
        {f"{A}/granted/total": None},
        {("cells.not_reported", f"{A}/granted/total")},
    ),
    Case(
        "not-reported-2019-null-sums-as-zero",
        "2019",
        {f"{A}/granted/natural_person": None, f"{R}/review/pending": None},
        {
            ("cells.not_reported", f"{A}/granted/natural_person"),
            ("cells.not_reported", f"{R}/review/pending"),
        },
    ),
    Case(
        "not-reported-2021-null-amount",
        "2021",
        {f"{P}/fees/amount": None},
        {("cells.not_reported", f"{P}/fees/amount")},
        also=NARRATIVE_SAYS_17,
    ),
    Case(
        "not-reported-2021-null-results-total",
        "2021",
        {f"{A}/results_total/natural_person": None},
        {("cells.not_reported", f"{A}/results_total/natural_person")},
        also=NARRATIVE_SAYS_17,
    ),
    Case(
        "not-reported-2021-missing-sub-rows-beside-a-given-one",
        "2021",
        {f"{A}/other_no_correction/natural_person": 0},
        {
            ("cells.not_reported", f"{A}/other_fee_unpaid/natural_person"),
            ("cells.not_reported", f"{A}/other_misc/natural_person"),
        },
        also=NARRATIVE_SAYS_17,
    ),
    Case(
        "not-reported-2021-omitted-totals-are-silent",
        "2021",
        {},
        set(),
        totals=False,
        also=NARRATIVE_SAYS_17,
    ),
    # format.year_mismatch ------------------------------------------------------------------
    Case(
        "year-mismatch-2019-format-in-2021",
        "2019",
        {},
        {("format.year_mismatch", "/format")},
        year=2021,
    ),
    Case(
        "year-mismatch-2021-format-in-2020",
        "2021",
        {},
        {("format.year_mismatch", "/format")},
        year=2020,
        also=NARRATIVE_SAYS_17,
    ),
    Case("year-mismatch-none-for-2019", "2019", {}, set(), year=2019),
    # applications.carry_over_continuity ----------------------------------------------------
    Case(
        "carry-over-2019-to-2019",
        "2019",
        {},
        {
            ("applications.carry_over_continuity", f"{A}/carried_over/natural_person"),
            ("applications.carry_over_continuity", f"{A}/carried_over/total"),
        },
        previous=(
            "2019",
            {
                f"{A}/new_received/natural_person": 2,
                f"{A}/new_received/total": 2,
                f"{A}/carried_forward/natural_person": 2,
                f"{A}/carried_forward/total": 2,
            },
        ),
    ),
    Case(
        "carry-over-2019-to-2021",
        "2023",
        {},
        {("applications.carry_over_continuity", f"{A}/carried_over/other_org")},
        previous=("2019", {f"{A}/new_received/other_org": 2, f"{A}/carried_forward/other_org": 2}),
        totals=False,
    ),
    Case(
        "carry-over-2021-to-2021",
        "2021",
        {
            f"{A}/carried_over/natural_person": 2,
            f"{A}/carried_over/total": 2,
            f"{A}/carried_forward/natural_person": 2,
            f"{A}/carried_forward/total": 2,
        },
        {
            ("applications.carry_over_continuity", f"{A}/carried_over/natural_person"),
            ("applications.carry_over_continuity", f"{A}/carried_over/total"),
        },
        previous=("2023", {}),
        also=NARRATIVE_SAYS_17 | LICENSING_550_TO_9487,
    ),
    Case("carry-over-holds-2019-to-2021", "2023", {}, set(), previous=("2019", {}), totals=False),
    Case(
        "carry-over-blank-last-year-is-not-compared",
        "2021",
        {
            f"{A}/carried_over/natural_person": 7,
            f"{A}/carried_over/total": 7,
            f"{A}/carried_forward/natural_person": 7,
            f"{A}/carried_forward/total": 7,
        },
        {("applications.carry_over_continuity", f"{A}/carried_over/total")},
        previous=("2023", {f"{A}/carried_forward/natural_person": None}),
        also=NARRATIVE_SAYS_17 | LICENSING_550_TO_9487,
    ),
    # proactive.in_force_continuity (2021) --------------------------------------------------
    Case(
        "in-force-2021-holds",
        "2021",
        {},
        set(),
        previous=("2023", {}),
        also=NARRATIVE_SAYS_17 | LICENSING_550_TO_9487,
    ),
    Case(
        "in-force-2021-normative-documents",
        "2021",
        {f"{P}/normative_documents/in_force": 9},
        {("proactive.in_force_continuity", f"{P}/normative_documents/in_force")},
        previous=("2023", {}),
        also=NARRATIVE_SAYS_17 | LICENSING_550_TO_9487,
    ),
    Case(
        "in-force-2021-regulations",
        "2021",
        {f"{P}/regulations/issued": 1},
        {("proactive.in_force_continuity", f"{P}/regulations/in_force")},
        previous=("2023", {}),
        also=NARRATIVE_SAYS_17 | LICENSING_550_TO_9487,
    ),
    Case(
        "in-force-2021-after-a-2019-year-not-checked",
        "2021",
        {f"{P}/regulations/issued": 1},
        set(),
        previous=("2019", {}),
        also=NARRATIVE_SAYS_17,
    ),
    # report.unchanged_from_previous --------------------------------------------------------
    Case(
        "unchanged-2019", "2019", {}, {("report.unchanged_from_previous", P)}, previous=("2019", {})
    ),
    Case(
        "unchanged-2021",
        "2021",
        {},
        {
            ("report.unchanged_from_previous", P),
            # last year's 2024 report as this year's: its in-force count restarts from itself
            ("proactive.in_force_continuity", f"{P}/normative_documents/in_force"),
        },
        previous=("2021", {}),
        also=NARRATIVE_SAYS_17,
    ),
    Case("unchanged-not-across-formats", "2023", {}, set(), previous=("2019", {}), totals=False),
    Case(
        "unchanged-one-figure-differs",
        "2019",
        {f"{P}/licensing/change": -3},
        set(),
        previous=("2019", {}),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_rule_cases(case: Case) -> None:
    assert _evaluate(case) == case.expected | case.also


def test_every_rule_has_a_case_in_every_format_it_applies_to() -> None:
    covered = {(rule, case.base) for case in CASES for rule, _ in case.expected}
    covered |= PLAUSIBILITY_COVERED
    formats = {"2019": {"2019"}, "2021": {"2021", "2023"}}
    for rule in RULES:
        for format_id in rule.formats:
            assert any((rule.code, base) in covered for base in formats[format_id]), (
                rule.code,
                format_id,
            )


def test_catalogue_lists_2021_only_rules_for_2021_only() -> None:
    codes_2019 = {rule.code for rule in rule_catalogue("2019")}
    codes_2021 = {rule.code for rule in rule_catalogue("2021")}
    assert codes_2021 - codes_2019 == {
        "applications.other_subtotal",
        "proactive.in_force_continuity",
    }
    assert codes_2019 <= codes_2021
    assert len(rule_catalogue()) == len(RULES) == 17
