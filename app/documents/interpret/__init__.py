"""One interpreter for every kind of document: what a reader found → a report body.

Rows and columns are found by the format's own Chinese labels (``app.formats.definitions``),
so a new format year needs no change here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.documents.interpret.detect import agency_of, detect_format, title_of, year_of
from app.documents.interpret.diagnostics import Diagnostic
from app.documents.interpret.figures import Value
from app.documents.interpret.narrative import read_narrative
from app.documents.interpret.normalise import norm
from app.documents.interpret.stated import stated_this_year
from app.documents.interpret.stream import Stream, build_stream
from app.documents.interpret.tables import read_section
from app.documents.readers.model import ReadDocument, UnreadableDocument
from app.formats.definitions import FORMATS, format_for_year


@dataclass
class Interpretation:
    body: dict[str, Any]
    format: str
    year: int
    agency_name: str | None
    diagnostics: list[Diagnostic] = field(default_factory=list)


def interpret(
    document: ReadDocument, *, year: int | None = None, format_id: str | None = None
) -> Interpretation:
    stream = build_stream(document)
    lines = [" ".join(cell for cell in row.cells if cell) for row in document.rows]
    text = "\n".join(lines)
    diagnostics = [Diagnostic("reader_note", "warning", note) for note in document.notes]
    title = title_of(lines)
    year = year or year_of(title, text)
    if year is None:
        raise UnreadableDocument(
            "no report year in the title or the statistics period: give the year"
        )
    detected, counts = detect_format(stream.text)
    if format_id is None:
        if detected is None:
            format_id = format_for_year(year).id
            diagnostics.append(
                Diagnostic(
                    "format_assumed",
                    "warning",
                    f"表头未能判定格式（{counts}）：按 {year} 年应用的 {format_id} 格式读取",
                )
            )
        else:
            format_id = detected
    fmt = FORMATS[format_id]
    body: dict[str, Any] = {"format": format_id, "status": "published", "scope": "agency"}
    windows = _windows(stream)
    if windows["applications"][0] < 0 and windows["proactive"][0] < 0:
        raise UnreadableDocument("no statistics table of a disclosure report found")
    for section_key, (start, end) in windows.items():
        if start < 0:
            diagnostics.append(
                Diagnostic(
                    "section_not_found",
                    "warning",
                    f"{fmt.section(section_key).label.zh}：文档中未找到这一部分",
                    pointer=f"/{section_key}",
                )
            )
            continue
        stated = stated_this_year(text, fmt.section(section_key))
        reading = read_section(stream, fmt, section_key, start, end, stated)
        diagnostics.extend(reading.diagnostics)
        section: dict[str, dict[str, Value | str]] = {}
        for (_, row, column), value in reading.cells.items():
            section.setdefault(row, {})[column] = _json_value(value)
        body[section_key] = section
    parts, narrative_diagnostics = read_narrative(text)
    body.update(parts)
    diagnostics.extend(narrative_diagnostics)
    preamble = text[:3000]
    return Interpretation(body, format_id, year, agency_of(title, preamble), diagnostics)


def _json_value(value: Value) -> Value | str:
    return value if value is None or isinstance(value, int) else format(value, "f")


def _windows(stream: Stream) -> dict[str, tuple[int, int]]:
    """Where each table is printed: [start, end) in the stream's text, -1 when absent."""
    end_all = len(stream.text)
    proactive = _first(stream, ("第二十条", "信息内容"), 0)
    applications = _first(
        stream, ("本列数据的勾稽关系", "本年新收政府信息公开申请数量"), max(proactive, 0)
    )
    if proactive < 0:
        # No 第二十条 captions: the table follows the last 主动公开 heading before table 三.
        heading = norm("主动公开政府信息情况")
        limit = applications if applications >= 0 else end_all
        proactive = stream.text.rfind(heading, 0, limit)
    carried = stream.find(norm("结转下年度继续办理"), max(applications, 0))
    reviews = stream.find("行政复议", carried) if carried >= 0 else -1
    after = _first(stream, ("存在的主要问题", "主要问题"), reviews) if reviews >= 0 else -1
    return {
        "proactive": (proactive, applications if applications >= 0 else end_all),
        "applications": (applications, reviews if reviews >= 0 else end_all),
        "reviews": (reviews, after if after >= 0 else end_all),
    }


def _first(stream: Stream, needles: tuple[str, ...], start: int) -> int:
    found = [p for p in (stream.find(norm(n), start) for n in needles) if p >= 0]
    return min(found) if found else -1


__all__ = ["Interpretation", "interpret"]
