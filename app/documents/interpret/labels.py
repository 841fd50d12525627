"""Where each row of a format is printed, found by its Chinese label from the definitions.

Each row is searched by its label without numbering; a short label (规章, 总计, 其他) by its
numbered wording too so it is not found inside a longer one; a label the document misprints
or breaks oddly by the shortest prefix or suffix no other row of the section shares.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.documents.interpret.normalise import norm
from app.documents.interpret.stream import Stream
from app.formats.definitions import RowSpec, SectionSpec, plain_label

ANCHOR_MIN = 4

# Wordings seen in published reports that the official label does not contain.
ALIASES: dict[str, tuple[str, ...]] = {
    "normative_documents": ("规范性文件",),
}


@dataclass(frozen=True)
class RowMatch:
    row: RowSpec
    start: int
    end: int


def row_needles(section: SectionSpec, row: RowSpec) -> list[str]:
    """The strings to search for ``row``, best first."""
    plain = norm(plain_label(row.label).zh)
    full = norm(row.label.zh)
    needles = [full] if len(plain) < ANCHOR_MIN else [plain]
    needles += [norm(alias) for alias in ALIASES.get(row.key, ()) if section.key == "proactive"]
    others = [norm(plain_label(other.label).zh) for other in section.rows if other is not row]
    if len(plain) >= 2 * ANCHOR_MIN:
        needles += _unique_anchors(plain, others)
    return needles


def _unique_anchors(plain: str, others: list[str]) -> list[str]:
    anchors: list[str] = []
    for size in range(ANCHOR_MIN, len(plain) // 2 + 1):
        prefix = plain[:size]
        if not any(prefix in other for other in others):
            anchors.append(prefix)
            break
    for size in range(ANCHOR_MIN, len(plain) // 2 + 1):
        suffix = plain[-size:]
        if not any(suffix in other for other in others):
            anchors.append(suffix)
            break
    return anchors


def find_rows(stream: Stream, section: SectionSpec, start: int, end: int) -> list[RowMatch]:
    """The rows of ``section`` printed in ``[start, end)``, in the order they are printed."""
    matches: list[RowMatch] = []
    taken: list[tuple[int, int]] = []
    cursor = start
    for row in section.rows:
        found = _search(stream, row_needles(section, row), cursor, end, taken)
        if found is None:  # printed out of order (tables rebuilt from a PDF)
            found = _search(stream, row_needles(section, row), start, end, taken)
        if found is None:
            continue
        begin, finish = found
        matches.append(RowMatch(row, begin, finish))
        taken.append(found)
        cursor = finish
    return sorted(matches, key=lambda match: match.start)


def _search(
    stream: Stream, needles: list[str], start: int, end: int, taken: list[tuple[int, int]]
) -> tuple[int, int] | None:
    for needle in needles:
        position = stream.find(needle, start, end)
        while position >= 0:
            span = (position, position + len(needle))
            if not any(a < span[1] and span[0] < b for a, b in taken):
                return span
            position = stream.find(needle, position + 1, end)
    return None
