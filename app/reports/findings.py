"""A revision's findings in one form, from the rule engine to storage to the response.

The rules run once per write, in both languages, and what is stored is each finding as the
response shows it plus its English message (``message_en``): a read never re-runs the rules,
it only picks the caller's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.formats.cells import CompletedCells
from app.formats.rules import Evaluation, evaluate_in
from app.formats.schema import ReportBase
from app.reports.rule_context import RuleContext

ENGLISH_MESSAGE = "message_en"


@dataclass(frozen=True)
class RevisionFindings:
    """The findings of one revision, as stored, with their counts."""

    stored: list[dict[str, Any]]
    error_count: int
    warning_count: int

    def localized(self, lang: str) -> list[dict[str, Any]]:
        return localized(self.stored, lang)


def evaluate_for_storage(
    body: ReportBase,
    *,
    year: int,
    previous: CompletedCells | None,
    context: RuleContext | None = None,
    completed: CompletedCells | None = None,
) -> tuple[Evaluation, RevisionFindings]:
    """Run every rule once per language; the evaluation carries the completed cells.
    ``context``: what the rules need from storage besides the year before."""
    chinese, english = evaluate_in(
        body,
        year=year,
        previous=previous,
        langs=("zh", "en"),
        agency_kind=context.agency_kind if context else None,
        identical=context.identical if context else (),
        completed=completed,
    )
    stored = []
    for zh, en in zip(chinese.findings, english.findings, strict=True):
        finding = zh.model_dump(mode="json")
        finding[ENGLISH_MESSAGE] = en.message
        stored.append(finding)
    findings = RevisionFindings(
        stored=stored, error_count=len(chinese.errors), warning_count=len(chinese.warnings)
    )
    return chinese, findings


def localized(stored: Sequence[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Stored findings as the response shows them, in ``lang``."""
    shown = []
    for finding in stored:
        entry = {key: value for key, value in finding.items() if key != ENGLISH_MESSAGE}
        if lang == "en":
            entry["message"] = finding.get(ENGLISH_MESSAGE, finding["message"])
        shown.append(entry)
    return shown
