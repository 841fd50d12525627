"""How often each rule fires: over real report bodies and over the synthetic national data.

    uv run python -m bench.findings_rates [PATH…] [--kind STEM=KIND…] [--synthetic N] [--seed S]

PATH: report-body JSON files or directories of them (e.g. the shared corpus). A file's year
is the four digits in its name (``hongze_2024.json``); files whose names differ only in the
year are one agency, so consecutive years are run as history pairs. ``--kind hongze=county``
gives an agency's kind (AgencyKind values). Reports of one year with the same figures digest
are each other's identical reports, as published reports are in the service.

``--synthetic N``: the benchmark generator's hierarchy of about N reports (bench/generator.py),
each agency with its kind, 2021 run against 2020 where the generator made one.

Prints, per rule, the reports it fires on and its findings; for files, every finding.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.formats.checks import IdenticalReport
from app.formats.figures_digest import report_digest
from app.formats.rules import RULES, Evaluation, evaluate
from app.formats.schema import ReportBase, parse_report
from bench import generator

NEW_RULES = (
    "narrative.table_mismatch",
    "history.figure_jump",
    "history.result_share_jump",
    "proactive.regulations_by_kind",
    "report.identical_to_other_agency",
)


@dataclass(frozen=True)
class Item:
    agency: str  # who files it
    year: int
    body: ReportBase
    kind: str | None
    label: str


def _files(paths: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        found += sorted(path.glob("*.json")) if path.is_dir() else [path]
    return found


def items_from_files(paths: Iterable[Path], kinds: dict[str, str]) -> list[Item]:
    items = []
    for path in _files(paths):
        match = re.search(r"(19|20)\d\d", path.stem)
        if match is None:
            continue
        year = int(match.group())
        agency = (path.stem[: match.start()] + path.stem[match.end() :]).strip("_-")
        payload: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        body = parse_report(payload, year=year)
        items.append(Item(agency, year, body, kinds.get(agency), path.name))
    return items


def items_from_generator(reports: int, seed: int) -> list[Item]:
    hierarchy = generator.build_hierarchy(reports)
    return [
        Item(
            agency.code,
            year,
            parse_report(generator.report_body(agency, year, seed), year=year),
            agency.kind,
            f"{agency.code}/{year}",
        )
        for agency, year in hierarchy.reports()
    ]


def evaluate_all(items: list[Item]) -> list[tuple[Item, Evaluation]]:
    by_agency_year = {(item.agency, item.year): item for item in items}
    digests: dict[tuple[int, str], list[Item]] = defaultdict(list)
    for item in items:
        digest = report_digest(item.body)
        if digest is not None:
            digests[(item.year, digest)].append(item)
    evaluated = []
    for item in items:
        previous = by_agency_year.get((item.agency, item.year - 1))
        digest = report_digest(item.body)
        twins = [] if digest is None else digests[(item.year, digest)]
        identical = [
            IdenticalReport(other.agency, other.agency) for other in twins if other is not item
        ]
        evaluation = evaluate(
            item.body,
            year=item.year,
            previous=previous.body if previous else None,
            agency_kind=item.kind,
            identical=identical,
        )
        evaluated.append((item, evaluation))
    return evaluated


def rates(evaluated: list[tuple[Item, Evaluation]]) -> list[tuple[str, int, int]]:
    reports: Counter[str] = Counter()
    findings: Counter[str] = Counter()
    for _, evaluation in evaluated:
        rules = [finding.rule for finding in evaluation.findings]
        findings.update(rules)
        reports.update(set(rules))
    return [(rule.code, reports[rule.code], findings[rule.code]) for rule in RULES]


def print_rates(title: str, evaluated: list[tuple[Item, Evaluation]]) -> None:
    total = len(evaluated)
    with_history = sum(
        1
        for item, _ in evaluated
        if any(o.agency == item.agency and o.year == item.year - 1 for o, _ in evaluated)
    )
    print(f"\n## {title}: {total} reports, {with_history} with the year before\n")
    print("| rule | reports | share | findings |")
    print("|---|---:|---:|---:|")
    for code, reports, findings in rates(evaluated):
        mark = " (new)" if code in NEW_RULES else ""
        share = f"{100 * reports / total:.1f} %" if total else "–"
        print(f"| `{code}`{mark} | {reports} | {share} | {findings} |")


def print_findings(evaluated: list[tuple[Item, Evaluation]]) -> None:
    """Each report's findings of the new rules in full, the others counted."""
    for item, evaluation in evaluated:
        print(f"\n{item.label} (kind {item.kind or 'unknown'}):")
        others: Counter[str] = Counter()
        for finding in evaluation.findings:
            if finding.rule in NEW_RULES or finding.severity == "error":
                print(
                    f"  {finding.severity:7} {finding.rule} {finding.cells[0]}: {finding.message}"
                )
            else:
                others[finding.rule] += 1
        if others:
            print("  and " + ", ".join(f"{count} × {rule}" for rule, count in others.items()))
        if not evaluation.findings:
            print("  no finding")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--kind", action="append", default=[], metavar="STEM=KIND")
    parser.add_argument("--synthetic", type=int, default=0, metavar="N")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    kinds = dict(pair.split("=", 1) for pair in args.kind)
    if args.paths:
        evaluated = evaluate_all(items_from_files(args.paths, kinds))
        print_rates("Report files", evaluated)
        print_findings(evaluated)
    if args.synthetic:
        print_rates(
            f"Synthetic (bench/generator.py, seed {args.seed})",
            evaluate_all(items_from_generator(args.synthetic, args.seed)),
        )


if __name__ == "__main__":
    main()
