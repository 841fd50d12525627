"""One rule of the catalogue: a stable code, a severity, words in both languages, a check."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from app.formats.checks import Context, Issue
from app.formats.definitions import FORMATS, Label, ReportFormat
from app.formats.finding import Severity

Check = Callable[[Context], Iterator[Issue]]

RULESET_VERSION = "1.0"


def every_format(fmt: ReportFormat) -> bool:
    return True


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    formula: Label
    description: Label
    check: Check
    applies: Callable[[ReportFormat], bool] = every_format
    version: str = RULESET_VERSION

    @property
    def formats(self) -> tuple[str, ...]:
        return tuple(format_id for format_id, fmt in FORMATS.items() if self.applies(fmt))
