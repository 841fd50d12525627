"""The format, year and agency of a document, from its headers and title."""

from __future__ import annotations

import re
from collections import Counter

from app.documents.interpret.normalise import norm
from app.formats.definitions import FORMATS

# Misprints of column headers seen in published reports (本年废止件数 → 本年废纸件数 …).
TYPOS = {"本年废纸件数": "本年废止件数", "本公开数量": "本年新公开数量"}

_YEAR = re.compile(r"(20\d\d)\s*年")
_TITLE_TAIL = re.compile(r"(20\d\d)\s*年(?:度)?\s*政府信息公开(?:工作)?(?:年度)?报告")


def header_markers() -> dict[str, set[str]]:
    """Per format, the header words only that format prints (its own column and row labels)."""
    words: dict[str, set[str]] = {}
    for format_id, fmt in FORMATS.items():
        words[format_id] = {
            norm(label.zh)
            for section in fmt.sections
            for row in section.rows
            for label in (row.label, *(column.label for column in row.columns))
        }
    unique: dict[str, set[str]] = {}
    for format_id, labels in words.items():
        others = set().union(*(v for k, v in words.items() if k != format_id))
        unique[format_id] = {label for label in labels - others if len(label) >= 4}
    for typo, meant in TYPOS.items():
        for labels in unique.values():
            if norm(meant) in labels:
                labels.add(norm(typo))
    return unique


_MARKERS = header_markers()


def detect_format(text: str) -> tuple[str | None, dict[str, int]]:
    """The format whose own headers the (normalised) text prints most, and the counts."""
    counts = Counter({format_id: 0 for format_id in _MARKERS})
    for format_id, markers in _MARKERS.items():
        counts[format_id] = sum(1 for marker in markers if marker in text)
    ranked = counts.most_common()
    if not ranked or ranked[0][1] == 0 or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return None, dict(counts)
    return ranked[0][0], dict(counts)


def title_of(lines: list[str]) -> str | None:
    """The report's title: the first lines up to the one naming the year and the report."""
    joined = ""
    for line in lines[:12]:
        joined += line.strip()
        if _TITLE_TAIL.search(joined) or ("报告" in line and _YEAR.search(joined)):
            return joined
        if len(joined) > 120:
            joined = ""
    return None


def year_of(title: str | None, text: str) -> int | None:
    match = _YEAR.search(title or "")
    if match:
        return int(match.group(1))
    period = re.search(r"统计(?:期限|时限|周期)[^0-9]{0,8}(20\d\d)\s*年", text)
    return int(period.group(1)) if period else None


def agency_of(title: str | None, preamble: str) -> str | None:
    if not title:
        return None
    title = re.sub(r"^(?:标题|名称)\s*[:：]\s*", "", title)
    match = _TITLE_TAIL.search(title) or _YEAR.search(title)
    name = title[: match.start()].strip() if match else ""
    name = re.sub(r"\s+", "", name)
    if not name:
        return None
    # The title may drop the city ("洪泽区人民政府"); the preamble names it in full.
    for size in (2, 3):
        full = re.search(f"[\u4e00-\u9fff]{{{size}}}[省市]" + re.escape(name), preamble)
        if full:
            return full.group(0)
    return name
