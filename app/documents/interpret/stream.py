"""Flatten a read document into one searchable string with a placeholder per figure.

Labels are searched in the normalised text (spaces and line breaks gone, so labels broken
over lines, cells or pages join up again); every figure the document prints — a table cell
or a number in a line of text — becomes one placeholder character, so the figures between
two labels are the first label's row, whatever the layout.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from app.documents.interpret.normalise import norm
from app.documents.readers.model import ReadDocument

PLACEHOLDER = "\ue000"

_BLANK = re.compile(r"^[/／—–\-－_]*$|^无$")
_CELL_VALUE = re.compile(r"^[+\-−]?\d+(?:\.\d+)?(?:万元|元)?$")
# In running text: a number (a digit run, maybe several figures run together), or a lone
# dash / slash standing for a blank cell. A single digit followed by "." or "、" and a word is
# the numbering of a label ("1.属于国家秘密"), not a figure.
_TEXT_TOKEN = re.compile(
    r"(?P<numbering>(?<!\d)\d\s*[.、](?=\s*[^\d\s]))"
    r"|(?P<number>\+?\d+(?:\.\d+)?(?:万元|元)?)"
    r"|(?P<blank>(?<!\S)[/／—–－]+(?!\S))"
)
_PAGE_MARKER = re.compile(r"^[-—–]\d{1,4}[-—–]$")


@dataclass(frozen=True)
class Figure:
    raw: str  # "" for a blank cell
    source: str
    from_text: bool  # read out of running text: digits may be run together


@dataclass
class Stream:
    text: str  # normalised, one PLACEHOLDER per figure
    figures: list[Figure]
    positions: list[int]  # index in text of each figure's placeholder
    # Sources of table rows holding figures only: a row whose label the converter lost.
    figure_rows: frozenset[str] = frozenset()
    # Sources of lines of text holding one figure and nothing else.
    figure_lines: frozenset[str] = frozenset()

    def figures_between(self, start: int, end: int) -> list[Figure]:
        return [f for f, p in zip(self.figures, self.positions, strict=True) if start <= p < end]

    def find(self, needle: str, start: int = 0, end: int | None = None) -> int:
        return self.text.find(needle, start, len(self.text) if end is None else end)


def build_stream(document: ReadDocument) -> Stream:
    parts: list[str] = []
    figures: list[Figure] = []
    positions: list[int] = []
    length = 0
    figure_rows: set[str] = set()
    figure_lines: set[str] = set()

    def emit_text(text: str) -> None:
        nonlocal length
        normalised = norm(text).replace(PLACEHOLDER, "")
        parts.append(normalised)
        length += len(normalised)

    def emit_figure(raw: str, source: str, from_text: bool) -> None:
        nonlocal length
        figures.append(Figure(raw, source, from_text))
        positions.append(length)
        parts.append(PLACEHOLDER)
        length += 1

    for row in document.rows:
        if row.in_table and all(_is_figure(cell) for cell in row.cells if cell is not None):
            figure_rows.add(row.source)
        elif not row.in_table and all(_is_value(cell) for cell in row.cells if cell is not None):
            figure_lines.add(row.source)
        for cell in row.cells:
            if cell is None:
                continue
            folded = unicodedata.normalize("NFKC", cell).strip().replace(" ", "")
            if row.in_table and (_BLANK.match(folded) or _CELL_VALUE.match(folded)):
                emit_figure("" if _BLANK.match(folded) else folded, row.source, False)
                continue
            if _PAGE_MARKER.match(folded):
                continue
            _tokenise(unicodedata.normalize("NFKC", cell), row.source, emit_text, emit_figure)
    return Stream(
        "".join(parts), figures, positions, frozenset(figure_rows), frozenset(figure_lines)
    )


def _is_value(cell: str) -> bool:
    return bool(_CELL_VALUE.match(unicodedata.normalize("NFKC", cell).strip().replace(" ", "")))


def _is_figure(cell: str) -> bool:
    folded = unicodedata.normalize("NFKC", cell).strip().replace(" ", "")
    return bool(_BLANK.match(folded) or _CELL_VALUE.match(folded))


_RUN_THEN_NUMBERING = re.compile(r"(\d)(\d\s*[.、])(?=\s*[^\d\s.])")


def _tokenise(
    text: str,
    source: str,
    emit_text: Callable[[str], None],
    emit_figure: Callable[[str, str, bool], None],
) -> None:
    # "00000002.其他…": the run of figures ends where the next label's numbering begins.
    text = _RUN_THEN_NUMBERING.sub(r"\1 \2", text)
    cursor = 0
    for match in _TEXT_TOKEN.finditer(text):
        if match.lastgroup == "numbering":
            continue
        emit_text(text[cursor : match.start()])
        if match.lastgroup == "number":
            emit_figure(match.group(), source, True)
        else:
            emit_figure("", source, True)
        cursor = match.end()
    emit_text(text[cursor:])
