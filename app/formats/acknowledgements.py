"""An agency's reasons for its warnings, matched to the findings; pure.

An acknowledgement ``{rule, pointer, reason}`` matches every finding of ``rule`` whose cells
include ``pointer``. A matched warning carries the reason. An error cannot be acknowledged
(it still refuses a submitted or published report), and an acknowledgement that matches no
finding is kept with the revision all the same: both come back as a finding of their own,
``acknowledgements.unmatched``, pointing at the acknowledgement, so the agency sees it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.formats.checks import Issue
from app.formats.schema import Acknowledgement

UNMATCHED_RULE = "acknowledgements.unmatched"


@dataclass(frozen=True)
class Matched:
    reasons: dict[int, str]  # index of a finding → the reason for it
    unmatched: list[Issue]  # one per acknowledgement that acknowledges no warning


def match(
    found: Sequence[tuple[str, str, Issue]], acknowledgements: Sequence[Acknowledgement]
) -> Matched:
    """``found``: (rule code, severity, issue) of each finding, in order."""
    reasons: dict[int, str] = {}
    unmatched: list[Issue] = []
    for index, acknowledgement in enumerate(acknowledgements):
        hits = [
            (position, severity)
            for position, (code, severity, issue) in enumerate(found)
            if code == acknowledgement.rule and acknowledgement.pointer in issue.cells
        ]
        warnings = [position for position, severity in hits if severity == "warning"]
        for position in warnings:
            reasons.setdefault(position, acknowledgement.reason)
        if not warnings:
            unmatched.append(
                Issue(
                    "acknowledgements.error" if hits else "acknowledgements.unmatched",
                    (f"/acknowledgements/{index}",),
                    {"rule": acknowledgement.rule, "pointer": acknowledgement.pointer},
                )
            )
    return Matched(reasons, unmatched)
